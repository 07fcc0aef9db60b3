"""The staff-area persistence contract (business settings) over memory, SQLite, PostgreSQL."""

from __future__ import annotations

from iclient_adapters.testing.staff_area import SettingsContract
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend


class TestMemorySettings(MemoryBackend, SettingsContract):
    """SettingsContract on the in-memory store."""


class TestSqliteSettings(SqliteBackend, SettingsContract):
    """SettingsContract on SQLite."""


class TestPostgresSettings(PostgresBackend, SettingsContract):
    """SettingsContract on PostgreSQL."""
