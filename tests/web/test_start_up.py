"""Starting the portal loads no library that only some pages need: each comes with the first
page that uses it (measured in docs/performance.md, "Start-up")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ON_FIRST_USE = (
    "alembic",  # migrations: the `iclient migrate` command and `serve`'s first start
    "fpdf",  # quote PDFs
    "zxcvbn",  # password strength, on the pages that set a password
    "phonenumbers",  # phone numbers, on the forms that take one
    "email_validator",  # e-mail addresses, on the forms that take one
    "markdown_it",  # the first Markdown text shown
    "user_agents",  # the session list's devices
    "segno",  # the authenticator app's QR code
    "webauthn",  # passkeys
    "icalendar",  # the calendar file of a booking e-mail
    "limits",  # the rate limiter's library, at the first limited form
)


def test_starting_the_portal_loads_none_of_the_libraries_of_single_pages(tmp_path: Path) -> None:
    program = (
        "import json, sys\n"
        "from iclient_web import create_app\n"
        "create_app()\n"
        f"print(json.dumps(sorted(n for n in {list(ON_FIRST_USE)!r} if n in sys.modules)))\n"
    )
    env = {
        "ICLIENT_INSTANCE_PATH": str(tmp_path),
        "ICLIENT_SECRET_KEY": "a-test-secret-that-is-long-enough-for-256-bits",
        "ICLIENT_DATABASE_URL": f"sqlite:///{tmp_path}/portal.db",
        "ICLIENT_STORAGE_URL": (tmp_path / "files").as_uri(),
        "ICLIENT_MAIL_URL": (tmp_path / "mail").as_uri(),
        "PATH": "/usr/bin:/bin",
    }
    found = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(found.stdout.strip().splitlines()[-1]) == []
