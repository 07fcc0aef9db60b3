"""The audit log and business settings contracts over memory, SQLite and PostgreSQL."""

from __future__ import annotations

from iclient_adapters.testing.shared import AuditLogContract, SettingsContract
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend


class TestMemoryShared(MemoryBackend, AuditLogContract, SettingsContract):
    """The shared suites on the in-memory store."""


class TestSqliteShared(SqliteBackend, AuditLogContract, SettingsContract):
    """The shared suites on SQLite."""


class TestPostgresShared(PostgresBackend, AuditLogContract, SettingsContract):
    """The shared suites on PostgreSQL."""
