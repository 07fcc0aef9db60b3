"""The second sign-in steps' repository contract over memory, SQLite and PostgreSQL, plus what
only SQL shows: they go with their account."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from iclient_adapters.sql import SqlDatabase
from iclient_adapters.testing.samples import T0, client
from iclient_adapters.testing.two_step import TwoStepContract
from iclient_core.accounts.second_factor import Authenticator, RecoveryCode
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend


class TestMemoryTwoStep(MemoryBackend, TwoStepContract):
    """TwoStepContract on the in-memory store."""


class TestSqliteTwoStep(SqliteBackend, TwoStepContract):
    """TwoStepContract on SQLite."""


class TestPostgresTwoStep(PostgresBackend, TwoStepContract):
    """TwoStepContract on PostgreSQL."""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sql_database(request: pytest.FixtureRequest) -> SqlDatabase:
    """A migrated, empty database on each SQL engine."""
    name = "sqlite_database" if request.param == "sqlite" else "postgres_database"
    database: SqlDatabase = request.getfixturevalue(name)
    return database


def test_deleting_an_account_deletes_its_second_steps(sql_database: SqlDatabase) -> None:
    ana = client()
    with sql_database.unit_of_work() as uow:
        uow.accounts.add(ana)
        uow.two_step.save_authenticator(
            Authenticator(account_id=ana.id, secret="JBSWY3DPEHPK3PXP", created_at=T0)
        )
        uow.two_step.replace_recovery_codes(
            ana.id, [RecoveryCode(account_id=ana.id, digest="d" * 64, created_at=T0)]
        )
        uow.commit()
    with sql_database.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM accounts WHERE id = :id"), {"id": ana.id})
    with sql_database.engine.connect() as connection:
        left = [
            connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("two_step_authenticators", "two_step_recovery_codes")
        ]
    assert left == [0, 0]
