"""The support repository contract over memory, SQLite and PostgreSQL, plus what only SQL
shows: a client's requests go with their account row."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from iclient_adapters.sql import SqlDatabase
from iclient_adapters.testing.samples import client
from iclient_adapters.testing.support import (
    SupportContract,
    support_sample_conversation,
    support_sample_message,
)
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend


class TestMemorySupport(MemoryBackend, SupportContract):
    """SupportContract on the in-memory store."""


class TestSqliteSupport(SqliteBackend, SupportContract):
    """SupportContract on SQLite."""


class TestPostgresSupport(PostgresBackend, SupportContract):
    """SupportContract on PostgreSQL."""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sql_database(request: pytest.FixtureRequest) -> SqlDatabase:
    """A migrated, empty database on each SQL engine."""
    name = "sqlite_database" if request.param == "sqlite" else "postgres_database"
    database: SqlDatabase = request.getfixturevalue(name)
    return database


def test_deleting_an_account_row_deletes_its_requests(sql_database: SqlDatabase) -> None:
    ana, bia = client(), client("bia@example.pt")
    with sql_database.unit_of_work() as uow:
        uow.accounts.add(ana)
        uow.accounts.add(bia)
        mine, theirs = support_sample_conversation(ana.id), support_sample_conversation(bia.id)
        uow.support.add(mine)
        uow.support.add(theirs)
        uow.support.add_message(support_sample_message(mine))
        uow.support.add_message(support_sample_message(theirs))
        uow.commit()
    with sql_database.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM accounts WHERE id = :id"), {"id": ana.id})
    with sql_database.engine.connect() as connection:
        left = connection.execute(sa.text("SELECT count(*) FROM support_messages")).scalar()
        requests = connection.execute(
            sa.text("SELECT count(*) FROM support_conversations")
        ).scalar()
    assert (left, requests) == (1, 1)
