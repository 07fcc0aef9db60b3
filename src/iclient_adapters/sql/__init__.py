"""Persistence on SQLAlchemy 2.x: SQLite (embedded default) and PostgreSQL, with Alembic.

``SqlDatabase.from_url(url)`` is the entry point; ``database.unit_of_work`` is the core's
``UnitOfWorkFactory``, ``database.job_ledger()`` the background jobs' ledger, and
``database.upgrade()`` applies the shipped migrations.
"""

from __future__ import annotations

from importlib.util import find_spec

from iclient_adapters.extras import needs_extra

for _library in ("sqlalchemy", "alembic"):  # installed? (Alembic itself loads only to migrate)
    if find_spec(_library) is None:  # a plain install: say which extra brings them
        raise needs_extra("sql", ModuleNotFoundError(name=_library))

from iclient_adapters.sql.jobs import SqlJobLedger  # noqa: E402 - after the check
from iclient_adapters.sql.uow import SqlDatabase, SqlUnitOfWork  # noqa: E402

__all__ = ["SqlDatabase", "SqlJobLedger", "SqlUnitOfWork"]
