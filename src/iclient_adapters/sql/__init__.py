"""Persistence on SQLAlchemy 2.x: SQLite (embedded default) and PostgreSQL, with Alembic.

``SqlDatabase.from_url(url)`` is the entry point; ``database.unit_of_work`` is the core's
``UnitOfWorkFactory`` and ``database.upgrade()`` applies the shipped migrations.
"""

from __future__ import annotations

from iclient_adapters.extras import needs_extra

try:
    import alembic  # noqa: F401
    import sqlalchemy  # noqa: F401
except ImportError as error:  # a plain install: say which extra brings them
    raise needs_extra("sql", error) from error

from iclient_adapters.sql.uow import SqlDatabase, SqlUnitOfWork

__all__ = ["SqlDatabase", "SqlUnitOfWork"]
