"""Automation: ``nox`` runs the tests, the linter and the type checker (all by default)."""

from __future__ import annotations

import os

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True

PYTHON = "3.11"


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The whole test suite: unit, contract (memory, SQLite, PostgreSQL, SMTP), web, browser."""
    session.install("-e", ".[test]")
    env = {
        "ICLIENT_TEST_DATABASE_URL": os.environ.get(
            "ICLIENT_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        )
    }
    session.run("pytest", *(session.posargs or ["-q"]), env=env)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff: lint rules and formatting."""
    session.install("ruff>=0.8")
    session.run("ruff", "check", "src", "tests", "noxfile.py")
    session.run("ruff", "format", "--check", "src", "tests", "noxfile.py")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy, strict on the core."""
    session.install("-e", ".[test]", "mypy>=1.13")
    session.run("mypy")


@nox.session(python=PYTHON)
def translations(session: nox.Session) -> None:
    """Refresh the message catalogues after changing texts, then compile them."""
    session.install("Babel>=2.14", "Jinja2>=3.1")
    pot = "src/iclient_web/translations/messages.pot"
    session.run(
        "pybabel",
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "lazy_gettext",
        "-k",
        "_l",
        "--no-location",
        "-o",
        pot,
        ".",
    )
    session.run(
        "pybabel", "update", "-i", pot, "-d", "src/iclient_web/translations", "--no-fuzzy-matching"
    )
    session.run("pybabel", "compile", "-d", "src/iclient_web/translations")
