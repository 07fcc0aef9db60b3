"""The FAQ persistence contract, run over every adapter: memory, SQLite and PostgreSQL."""

from __future__ import annotations

from iclient_adapters.testing.faq import FaqContract
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend


class TestMemoryFaq(MemoryBackend, FaqContract):
    """FaqContract on the in-memory store."""


class TestSqliteFaq(SqliteBackend, FaqContract):
    """FaqContract on SQLite."""


class TestPostgresFaq(PostgresBackend, FaqContract):
    """FaqContract on PostgreSQL."""
