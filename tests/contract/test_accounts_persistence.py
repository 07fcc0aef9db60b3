"""The accounts and sessions contracts over memory, SQLite and PostgreSQL."""

from __future__ import annotations

from iclient_adapters.testing.accounts import AccountsContract, SessionsContract
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend


class TestMemoryAccounts(MemoryBackend, AccountsContract, SessionsContract):
    """The accounts suites on the in-memory store."""


class TestSqliteAccounts(SqliteBackend, AccountsContract, SessionsContract):
    """The accounts suites on SQLite."""


class TestPostgresAccounts(PostgresBackend, AccountsContract, SessionsContract):
    """The accounts suites on PostgreSQL."""
