"""Automation: ``nox`` runs the tests, the linters, the type checker and the docs build.

Run it from the project's own virtual environment, which the README's command makes::

    python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]' && .venv/bin/nox

The sessions use the tools installed in that environment (the ``dev`` extra) instead of
making environments of their own: one install, and it works on a system Python that refuses
``pip install`` outside a virtual environment (PEP 668, Debian and Ubuntu).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "typecheck", "docs"]
nox.options.default_venv_backend = "none"

# The environment nox runs in: its tools are the ones the sessions use.
BIN = Path(sys.executable).parent
SETUP = "python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]' && .venv/bin/nox"


def tool(session: nox.Session, name: str) -> str:
    """The path of ``name`` in nox's own environment, or a clear stop if it is not there."""
    path = BIN / name
    if not path.exists():
        session.error(f"{name} is not installed beside nox ({BIN}); run: {SETUP}")
    return str(path)


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite: unit, contract (memory, SQLite, PostgreSQL, SMTP), web, browser.

    Two workers (pytest-xdist): every fixture that shares something (the PostgreSQL
    database, Redis keys, server ports) is made per worker or per test.
    """
    env = {
        "ICLIENT_TEST_DATABASE_URL": os.environ.get(
            "ICLIENT_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        )
    }
    session.run(tool(session, "pytest"), *(session.posargs or ["-q", "-n", "2"]), env=env)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff; the architecture's import contracts; no import cycles, no private names reached."""
    ruff = tool(session, "ruff")
    paths = ["src", "tests", "scripts", "bench", "docs", "noxfile.py"]  # docs: the examples
    session.run(ruff, "check", *paths)
    session.run(ruff, "format", "--check", *paths)
    session.run(tool(session, "lint-imports"), "--no-cache")
    session.run(tool(session, "python"), "scripts/check_imports.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy, strict on the core."""
    session.run(tool(session, "mypy"))


@nox.session
def docs(session: nox.Session) -> None:
    """The documentation site (MkDocs): fails on a broken link, reference or docstring."""
    site = session.create_tmp()
    # MkDocs plugins print a page-long notice about MkDocs 2.0 on every build (the docs
    # extra pins mkdocs<2); these two variables silence it.
    quiet = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    session.run(
        tool(session, "mkdocs"), "build", "--strict", "--site-dir", f"{site}/site", env=quiet
    )


@nox.session
def package(session: nox.Session) -> None:
    """The wheel as an embedder installs it: light, typed, and what each extra weighs.

    Not run by default: it builds environments from the package index. ``-- --sizes``
    measures every extra (the table in docs/installing.md).
    """
    session.run(tool(session, "python"), "scripts/check_install.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """The benchmark: every performance goal as a ratio against a floor measured in the same
    run (docs/performance.md). Not run by default, and not by CI: it is not a test."""
    env = {
        "ICLIENT_TEST_DATABASE_URL": os.environ.get(
            "ICLIENT_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        )
    }
    session.run(tool(session, "python"), "bench/run.py", *session.posargs, env=env)


@nox.session
def translations(session: nox.Session) -> None:
    """Refresh the message catalogues after changing texts, then compile them."""
    pybabel = tool(session, "pybabel")
    pot = "src/iclient_web/translations/messages.pot"
    session.run(
        pybabel,
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
        pybabel, "update", "-i", pot, "-d", "src/iclient_web/translations", "--no-fuzzy-matching"
    )
    session.run(pybabel, "compile", "-d", "src/iclient_web/translations")
