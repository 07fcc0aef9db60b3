"""Engines for SQLite (the embedded default) and PostgreSQL, with their connection settings."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

CONNECT_TIMEOUT = 10
"""Seconds to wait for PostgreSQL to accept a connection (libpq waits forever by default):
an unreachable server gives an answer (503) instead of a hung request."""


PLAN_EACH_TIME = "iclient_plan_each_time"
"""An execution option: PostgreSQL plans the statement for its parameters every time.

psycopg prepares a statement on the server once it has run five times, and after five more
PostgreSQL may keep one generic plan for it, made without the parameters' values. That
suits most statements (an account by id); not one whose best plan depends on the values,
such as the staff search, whose generic plan reads every match of a common word. A
statement with this option is sent unprepared, as its first runs are.
"""


def _plan_each_time(cursor: Any, statement: Any, parameters: Any, context: Any) -> bool:
    """Run a statement marked :data:`PLAN_EACH_TIME` unprepared (psycopg's ``prepare=False``)."""
    options = context.execution_options
    if not options.get(PLAN_EACH_TIME) or options.get("stream_results"):
        return False  # psycopg's own choice (a server-side cursor is never prepared)
    cursor.execute(statement, parameters, prepare=False)
    return True


def normalise_url(url: str | sa.URL) -> sa.URL:
    """Parse ``url``; a bare ``postgresql://`` (or ``postgres://``) gets the psycopg 3 driver."""
    parsed = sa.make_url(url)
    if parsed.drivername in {"postgres", "postgresql"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _unicode_lower(value: object) -> object:
    """SQLite ``lower()`` for every script, as PostgreSQL's (NULL and non-text unchanged)."""
    return value.lower() if isinstance(value, str) else value


def _is_memory_sqlite(url: sa.URL) -> bool:
    return url.database in {None, "", ":memory:"} or "mode=memory" in str(url)


def make_engine(url: str | sa.URL, **options: Any) -> sa.Engine:
    """An engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``).

    SQLite connections get foreign keys enforced, and file databases use WAL so that
    readers do not block the writer. An in-memory SQLite database is one shared connection.
    PostgreSQL connections give up connecting after :data:`CONNECT_TIMEOUT` seconds unless
    the URL says otherwise (``?connect_timeout=``), and run statements marked
    :data:`PLAN_EACH_TIME` unprepared.

    Args:
        url: the database URL.
        **options: passed on to :func:`sqlalchemy.create_engine`.
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite":
        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
            options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT} | dict(
                options.get("connect_args") or {}
            )
        engine = sa.create_engine(parsed, **options)
        if engine.dialect.driver == "psycopg":
            sa.event.listen(engine, "do_execute", _plan_each_time)
        return engine
    memory = _is_memory_sqlite(parsed)
    if memory:
        options.setdefault("poolclass", StaticPool)
        options.setdefault("connect_args", {"check_same_thread": False})
    engine = sa.create_engine(parsed, **options)

    @sa.event.listens_for(engine, "connect")
    def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
        finally:
            cursor.close()
        # SQLite's own lower() folds ASCII only; searches by name need "Álvaro" = "álvaro".
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)

    return engine
