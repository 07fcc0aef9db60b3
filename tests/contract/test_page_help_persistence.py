"""The page help contract over memory, SQLite and PostgreSQL."""

from __future__ import annotations

from iclient_adapters.testing.page_help import PageHelpContract
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend


class TestMemoryPageHelp(MemoryBackend, PageHelpContract):
    """The page help suite on the in-memory store."""


class TestSqlitePageHelp(SqliteBackend, PageHelpContract):
    """The page help suite on SQLite."""


class TestPostgresPageHelp(PostgresBackend, PageHelpContract):
    """The page help suite on PostgreSQL."""
