"""The notification preferences contract over memory, SQLite and PostgreSQL."""

from __future__ import annotations

from iclient_adapters.testing.preferences import NotificationPreferencesContract
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend


class TestMemoryNotificationPreferences(MemoryBackend, NotificationPreferencesContract):
    """The notification preferences suite on the in-memory store."""


class TestSqliteNotificationPreferences(SqliteBackend, NotificationPreferencesContract):
    """The notification preferences suite on SQLite."""


class TestPostgresNotificationPreferences(PostgresBackend, NotificationPreferencesContract):
    """The notification preferences suite on PostgreSQL."""
