"""Persistence on SQLAlchemy 2.x: SQLite (embedded default) and PostgreSQL, with Alembic.

``SqlDatabase.from_url(url)`` is the entry point; ``database.unit_of_work`` is the core's
``UnitOfWorkFactory``, ``database.job_ledger()`` the background jobs' ledger, and
``database.upgrade()`` applies the shipped migrations.
"""

from __future__ import annotations

from iclient_adapters.sql.jobs import SqlJobLedger
from iclient_adapters.sql.uow import SqlDatabase, SqlUnitOfWork

__all__ = ["SqlDatabase", "SqlJobLedger", "SqlUnitOfWork"]
