"""Unique constraints turned into the core's ``AlreadyExists``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from iclient_adapters.sql.connection import Executor
from iclient_core.shared.errors import AlreadyExists


def is_unique_violation(error: sa.exc.IntegrityError) -> bool:
    """True when ``error`` is a unique (or primary key) constraint violation."""
    if getattr(error.orig, "sqlstate", None) == "23505":  # PostgreSQL unique_violation
        return True
    return "UNIQUE constraint failed" in str(error.orig)  # SQLite


@contextmanager
def unique_guard(connection: Executor, what: str) -> Iterator[None]:
    """Turn a unique violation inside the block into ``AlreadyExists(what)``.

    Where a failed statement aborts the whole transaction (PostgreSQL), the block runs in a
    savepoint so that the unit of work stays usable; SQLite only undoes the statement.
    """
    savepoint = connection.begin_nested() if connection.dialect.name != "sqlite" else None
    try:
        yield
    except sa.exc.IntegrityError as error:
        if savepoint is not None:
            savepoint.rollback()
        if is_unique_violation(error):
            raise AlreadyExists(what) from error
        raise
    if savepoint is not None:
        savepoint.commit()
