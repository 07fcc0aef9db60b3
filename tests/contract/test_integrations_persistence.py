"""The API key repository contract over memory, SQLite and PostgreSQL, plus what only SQL
shows: a key goes with its owner's account, and its kept answers with it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from iclient_adapters.sql import SqlDatabase
from iclient_adapters.testing.integrations import (
    ApiKeysContract,
    api_keys_sample_key,
    api_keys_sample_response,
)
from iclient_adapters.testing.samples import staff
from iclient_core.accounts.model import Role
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend


class TestMemoryApiKeys(MemoryBackend, ApiKeysContract):
    """ApiKeysContract on the in-memory store."""


class TestSqliteApiKeys(SqliteBackend, ApiKeysContract):
    """ApiKeysContract on SQLite."""


class TestPostgresApiKeys(PostgresBackend, ApiKeysContract):
    """ApiKeysContract on PostgreSQL."""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sql_database(request: pytest.FixtureRequest) -> SqlDatabase:
    """A migrated, empty database on each SQL engine."""
    name = "sqlite_database" if request.param == "sqlite" else "postgres_database"
    database: SqlDatabase = request.getfixturevalue(name)
    return database


def test_deleting_the_owner_deletes_their_keys_and_kept_answers(
    sql_database: SqlDatabase,
) -> None:
    rui = staff("rui@example.pt", role=Role.ADMIN)
    key = api_keys_sample_key(rui)
    with sql_database.unit_of_work() as uow:
        uow.accounts.add(rui)
        uow.api_keys.add(key)
        uow.api_keys.keep_response(api_keys_sample_response(key))
        uow.commit()
    with sql_database.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM accounts WHERE id = :id"), {"id": rui.id})
    with sql_database.engine.connect() as connection:
        keys = connection.execute(sa.text("SELECT count(*) FROM api_keys")).scalar()
        kept = connection.execute(sa.text("SELECT count(*) FROM api_responses")).scalar()
    assert (keys, kept) == (0, 0)
