"""The accounts and sessions contracts over memory, SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from iclient_adapters.sql import SqlDatabase
from iclient_adapters.testing.accounts import AccountsContract, SessionsContract
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend


class TestMemoryAccounts(MemoryBackend, AccountsContract, SessionsContract):
    """The accounts suites on the in-memory store."""


class TestSqliteAccounts(SqliteBackend, AccountsContract, SessionsContract):
    """The accounts suites on SQLite."""


class TestPostgresAccounts(PostgresBackend, AccountsContract, SessionsContract):
    """The accounts suites on PostgreSQL."""


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("text", "indexes"),
    [
        ("sousa", {"ix_accounts_search_text"}),
        ("+351 912", {"ix_accounts_search_text", "ix_accounts_phone_trigrams"}),
    ],
)
def test_postgres_searches_words_through_the_trigram_indexes(
    postgres_database: SqlDatabase, text: str, indexes: set[str]
) -> None:
    # The query must spell the indexed expression exactly, or PostgreSQL reads every row.
    # Sequential and plain index scans are switched off, so that the plan shows whether the
    # trigram indexes can serve the words at all, whatever the table's size.
    engine = postgres_database.engine
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        with postgres_database.unit_of_work() as uow:
            uow.accounts.search(text=text)  # no other filter an index could serve
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    statement, parameters = seen[-1]
    with engine.begin() as connection:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        connection.exec_driver_sql("SET LOCAL enable_indexscan = off")
        plan = "\n".join(
            row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters)
        )
    used = {name for name in indexes if f"Bitmap Index Scan on {name}" in plan}
    assert used == indexes, plan
