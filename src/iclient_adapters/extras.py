"""The optional parts of iclient and the error that names the extra to install.

A plain ``pip install iclient`` brings the core and what :func:`iclient_adapters.in_memory`
needs. The other adapters import their libraries when they are first used, and a missing one
raises an ``ImportError`` that says which extra brings it (``pip install 'iclient[sql]'``).
"""

from __future__ import annotations

EXTRAS = {
    "sql": "SQLite and PostgreSQL persistence (SQLAlchemy, Alembic)",
    "postgres": "the sql extra and the PostgreSQL driver (psycopg)",
    "s3": "the s3:// file storage (s3fs)",
    "redis": "a rate limiter shared by several processes (redis)",
    "mail": "templated e-mail (Jinja2)",
    "web": "the Flask portal and its `iclient` command",
    "testing": "the contract kit (pytest, hypothesis)",
}
"""Each extra of the ``iclient`` distribution, by what it brings."""


def needs_extra(extra: str, error: ImportError) -> ImportError:
    """The error to raise when ``error`` says a library of ``extra`` is not installed.

    Args:
        extra: the name of the extra (a key of :data:`EXTRAS`).
        error: the original import error, whose ``name`` is the missing module.

    Returns:
        An ``ImportError`` for the same module whose message says what to install.
    """
    return ImportError(
        f"{EXTRAS[extra]} needs the {error.name or 'missing'!r} module, which comes with the "
        f"{extra!r} extra: pip install 'iclient[{extra}]'",
        name=error.name,
    )
