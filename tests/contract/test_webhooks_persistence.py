"""The webhooks repository contract over memory, SQLite and PostgreSQL."""

from __future__ import annotations

from iclient_adapters.testing.webhooks import WebhooksContract
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend


class TestMemoryWebhooks(MemoryBackend, WebhooksContract):
    """WebhooksContract on the in-memory store."""


class TestSqliteWebhooks(SqliteBackend, WebhooksContract):
    """WebhooksContract on SQLite."""


class TestPostgresWebhooks(PostgresBackend, WebhooksContract):
    """WebhooksContract on PostgreSQL."""
