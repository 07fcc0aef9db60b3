"""The consent persistence contract, run over every adapter: memory, SQLite and PostgreSQL."""

from __future__ import annotations

from iclient_adapters.testing.consent import ConsentContract
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend


class TestMemoryConsent(MemoryBackend, ConsentContract):
    """ConsentContract on the in-memory store."""


class TestSqliteConsent(SqliteBackend, ConsentContract):
    """ConsentContract on SQLite."""


class TestPostgresConsent(PostgresBackend, ConsentContract):
    """ConsentContract on PostgreSQL."""
