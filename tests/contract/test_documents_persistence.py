"""The documents persistence contract over memory, SQLite and PostgreSQL, and the cost of a
page of a list on SQL (a fixed number of statements whatever the number of documents)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from iclient_adapters.sql import SqlDatabase
from iclient_adapters.testing.documents import DocumentsContract, document
from iclient_adapters.testing.samples import T0, client
from iclient_core.documents.model import VISIBLE_TO_STAFF, DocumentQuery
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend


class TestMemoryDocuments(MemoryBackend, DocumentsContract):
    """DocumentsContract on the in-memory store."""


class TestSqliteDocuments(SqliteBackend, DocumentsContract):
    """DocumentsContract on SQLite."""


class TestPostgresDocuments(PostgresBackend, DocumentsContract):
    """DocumentsContract on PostgreSQL."""


# --------------------------------------------------------------------------- query counts


def _statements_for_a_page(database: SqlDatabase, count: int) -> tuple[int, int]:
    """Store ``count`` documents of a new client; statements and rows of listing page 2."""
    ana = client(f"ana{count}@example.pt")
    with database.unit_of_work() as uow:
        uow.accounts.add(ana)
        for i in range(count):
            uow.documents.add(document(ana, title=f"doc {i}", created_at=T0 + timedelta(hours=i)))
        uow.commit()
    statements: list[str] = []

    def count_statement(*args: Any) -> None:
        statements.append(str(args[2]))

    sa.event.listen(database.engine, "before_cursor_execute", count_statement)
    try:
        with database.unit_of_work() as uow:
            query = DocumentQuery(
                client_id=ana.id, statuses=VISIBLE_TO_STAFF, search="doc", page=2, per_page=20
            )
            page = uow.documents.list(query)
            assert all(d.current is not None for d in page.items)
            rows = len(page.items)
    finally:
        sa.event.remove(database.engine, "before_cursor_execute", count_statement)
    return len(statements), rows


def test_a_page_costs_the_same_statements_for_25_or_250_documents(
    sqlite_database: SqlDatabase,
) -> None:
    few = _statements_for_a_page(sqlite_database, 25)
    many = _statements_for_a_page(sqlite_database, 250)
    assert few == (1, 5)  # the page with its versions and a window count of the whole list
    assert many == (1, 20)


def test_the_listing_query_uses_the_client_index(sqlite_database: SqlDatabase) -> None:
    with sqlite_database.engine.connect() as connection:
        plan = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT * FROM documents WHERE client_id = 'x' "
            "AND status IN ('ready') ORDER BY dated DESC, created_at DESC, id DESC LIMIT 20"
        ).all()
    assert any("ix_documents_client_listing" in str(row) for row in plan), plan
