"""The outbox contract over memory, SQLite and PostgreSQL."""

from __future__ import annotations

from iclient_adapters.testing.notifications import OutboxContract
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend


class TestMemoryOutbox(MemoryBackend, OutboxContract):
    """OutboxContract on the in-memory store."""


class TestSqliteOutbox(SqliteBackend, OutboxContract):
    """OutboxContract on SQLite."""


class TestPostgresOutbox(PostgresBackend, OutboxContract):
    """OutboxContract on PostgreSQL."""
