"""Starting the portal loads no library that only some pages need: each comes with the first
page that uses it (measured in docs/performance.md, "Start-up")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.routing import Rule

import iclient_web

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
    "pydantic",  # the JSON API's models and OpenAPI description, at the first API request
    "fsspec",  # a storage on S3 or in memory (a local folder is read through os)
    "passlib",  # password hashing, at the first sign-in or new password
    "argon2",  # (the same)
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
        # the sources under test, whichever checkout they are in
        "PYTHONPATH": str(Path(iclient_web.__file__).resolve().parents[1]),
    }
    found = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(found.stdout.strip().splitlines()[-1]) == []


def _values(rule: Rule) -> dict[str, str]:
    return {name: f"{name}-1" for name in rule.arguments}


@pytest.mark.parametrize("append_unknown", [False, True])
def test_urls_built_by_the_rules_compiled_at_first_use_are_werkzeugs(
    app: Flask, append_unknown: bool
) -> None:
    rules = list(app.url_map.iter_rules())
    # Flask adds its static files' rule before create_app can choose the rule class.
    assert {type(r).__name__ for r in rules if r.endpoint != "static"} == {"LazyBuilderRule"}
    for rule in rules:
        plain = Rule(
            rule.rule,
            endpoint=rule.endpoint,
            methods=rule.methods,
            defaults=rule.defaults,
            subdomain=rule.subdomain,
            strict_slashes=rule.strict_slashes,
            merge_slashes=rule.merge_slashes,
            redirect_to=rule.redirect_to,
            alias=rule.alias,
            host=rule.host,
            websocket=rule.websocket,
        )
        plain.bind(app.url_map)  # a copy under werkzeug's own rule, builders compiled now
        values = {**_values(rule), "page": "2"}  # an unknown value: in the query or left out
        assert rule.build(values, append_unknown) == plain.build(values, append_unknown)
        assert rule.build(values, append_unknown) == plain.build(values, append_unknown)
