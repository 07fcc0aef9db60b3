"""Engines for SQLite (the embedded default) and PostgreSQL, with their connection settings."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

CONNECT_TIMEOUT = 10
"""Seconds to wait for PostgreSQL to accept a connection (libpq waits forever by default):
an unreachable server gives an answer (503) instead of a hung request."""


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
    the URL says otherwise (``?connect_timeout=``).

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
        return sa.create_engine(parsed, **options)
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
