"""The inbox repository contract over memory, SQLite and PostgreSQL."""

from __future__ import annotations

from iclient_adapters.testing.inbox import InboxContract
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend


class TestMemoryInbox(MemoryBackend, InboxContract):
    """InboxContract on the in-memory store."""


class TestSqliteInbox(SqliteBackend, InboxContract):
    """InboxContract on SQLite."""


class TestPostgresInbox(PostgresBackend, InboxContract):
    """InboxContract on PostgreSQL."""
