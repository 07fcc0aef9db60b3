"""A plain ``pip install iclient`` works on its own: the core and the light adapters import
none of an extra's libraries, and an adapter whose extra is missing says which to install.

The extras' libraries are installed here, so each probe runs in a fresh interpreter where
they are blocked (``sys.modules[name] = None`` makes importing them fail, as if absent).
``nox -s package`` checks the same on the real wheel in an environment of its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

# The libraries of the extras (sql, postgres, s3, redis, mail, web, testing).
EXTRA_LIBRARIES = (
    "sqlalchemy",
    "alembic",
    "psycopg",
    "s3fs",
    "botocore",
    "redis",
    "jinja2",
    "flask",
    "werkzeug",
    "flask_babel",
    "flask_wtf",
    "wtforms",
    "fpdf",
    "markdown_it",
    "waitress",
    "hypothesis",
    "webauthn",
    "segno",
    "user_agents",
)
# The packages that belong to an extra, and so are not imported by the light probe.
EXTRA_PACKAGES = (
    "iclient_adapters.sql",
    "iclient_adapters.mail",
    "iclient_adapters.sms",  # its messages are Jinja2 templates, as e-mails are
    "iclient_adapters.testing",
)


def probe(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter where the extras' libraries cannot be imported."""
    program = f"import sys\nfor name in {EXTRA_LIBRARIES!r}:\n    sys.modules[name] = None\n"
    program += textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False, timeout=120
    )


def test_the_core_and_the_light_adapters_work_without_any_extra() -> None:
    result = probe(
        f"""
        import importlib, json, pkgutil
        import iclient_adapters, iclient_core
        names = []
        for package in (iclient_core, iclient_adapters):
            names.append(package.__name__)
            for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + "."):
                if not info.name.startswith({EXTRA_PACKAGES!r}):
                    names.append(info.name)
        for name in names:
            importlib.import_module(name)
        from iclient_adapters import in_memory
        from iclient_core.accounts.registration import register_client
        register_client(services=in_memory(), first_name="Ana", last_name="Silva",
                        phone="912345678", email="ana@example.pt", language="pt", ip="-")
        print(json.dumps(names))
        """
    )
    assert result.returncode == 0, result.stderr
    names = json.loads(result.stdout)
    # A walk that found nothing would pass vacuously.
    assert {"iclient_core.accounts.registration", "iclient_adapters.compose"} <= set(names)


@pytest.mark.parametrize(
    ("code", "extra"),
    [
        ("import iclient_adapters.sql", "sql"),
        ("import iclient_adapters.mail", "mail"),
        ("import iclient_adapters.sms", "mail"),
        ("import iclient_web", "web"),
        (
            "from iclient_adapters.storage import FsspecStorage\n"
            "FsspecStorage.from_url('s3://bucket/prefix')",
            "s3",
        ),
        (
            "from iclient_adapters.ratelimit import LimitsRateLimiter\n"
            "LimitsRateLimiter('redis://127.0.0.1:6379/0')",
            "redis",
        ),
    ],
)
def test_a_missing_extra_is_named(code: str, extra: str) -> None:
    result = probe(code)
    assert result.returncode != 0
    assert f"pip install 'iclient[{extra}]'" in result.stderr.splitlines()[-1]
