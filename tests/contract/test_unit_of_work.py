"""The unit of work contract over memory, SQLite and PostgreSQL."""

from __future__ import annotations

from iclient_adapters.testing.unit_of_work import UnitOfWorkContract
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend


class TestMemoryUnitOfWork(MemoryBackend, UnitOfWorkContract):
    """UnitOfWorkContract on the in-memory store."""


class TestSqliteUnitOfWork(SqliteBackend, UnitOfWorkContract):
    """UnitOfWorkContract on SQLite."""


class TestPostgresUnitOfWork(PostgresBackend, UnitOfWorkContract):
    """UnitOfWorkContract on PostgreSQL."""
