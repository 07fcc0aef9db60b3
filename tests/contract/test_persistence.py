"""The persistence contract, run over every adapter: memory, SQLite and PostgreSQL."""

from __future__ import annotations

from iclient_adapters.testing.persistence import PersistenceContract
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend


class TestMemory(MemoryBackend, PersistenceContract):
    """PersistenceContract on the in-memory store."""


class TestSqlite(SqliteBackend, PersistenceContract):
    """PersistenceContract on SQLite."""


class TestPostgres(PostgresBackend, PersistenceContract):
    """PersistenceContract on PostgreSQL."""
