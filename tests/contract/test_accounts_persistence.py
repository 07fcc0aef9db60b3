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


@pytest.mark.postgres
def test_postgres_plans_a_search_for_its_words_every_time(
    postgres_database: SqlDatabase,
) -> None:
    # psycopg prepares a statement run five times; PostgreSQL may then keep one plan made
    # without the words, which suits either common words or rare ones, never both. The
    # search stays unprepared; the list without words is prepared as any other statement.
    def prepared(uow: Any) -> list[str]:
        rows = uow.connection.execute(sa.text("SELECT statement FROM pg_prepared_statements"))
        return [row[0] for row in rows]

    with postgres_database.unit_of_work() as uow:
        for _ in range(12):
            uow.accounts.search(text="ana 912")
            uow.accounts.count(text="ana")
            uow.accounts.search()
        statements = prepared(uow)
    assert not [s for s in statements if "LIKE" in s], statements
    assert [s for s in statements if "FROM accounts ORDER BY" in s], statements
