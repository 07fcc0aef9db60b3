"""The inbox repository contract over memory, SQLite and PostgreSQL, plus what only SQL shows:
an inbox page costs the same number of queries whatever its size, and a client's messages go
with their account."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from iclient_adapters.sql import SqlDatabase
from iclient_adapters.testing import make_services
from iclient_adapters.testing.inbox import (
    InboxContract,
    inbox_sample_form,
    inbox_sample_submission,
)
from iclient_adapters.testing.samples import client, staff
from iclient_core.accounts.model import Role
from iclient_core.inbox.forms import ensure_default_forms
from iclient_core.inbox.submissions import list_submissions
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend
from tests.contract.test_quotes_persistence import Statements


class TestMemoryInbox(MemoryBackend, InboxContract):
    """InboxContract on the in-memory store."""


class TestSqliteInbox(SqliteBackend, InboxContract):
    """InboxContract on SQLite."""


class TestPostgresInbox(PostgresBackend, InboxContract):
    """InboxContract on PostgreSQL."""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sql_database(request: pytest.FixtureRequest) -> SqlDatabase:
    """A migrated, empty database on each SQL engine."""
    name = "sqlite_database" if request.param == "sqlite" else "postgres_database"
    database: SqlDatabase = request.getfixturevalue(name)
    return database


def test_an_inbox_page_costs_the_same_queries_for_3_or_30_submissions(
    sql_database: SqlDatabase,
) -> None:
    """The staff inbox's use case: the actor, the count and one page, whatever the size."""
    services = make_services(uow=sql_database.unit_of_work)
    ensure_default_forms(services=services)
    rui = staff("rui@example.pt", role=Role.ADMIN)
    with sql_database.unit_of_work() as uow:
        uow.accounts.add(rui)
        form = uow.inbox.form_by_slug("contact")
        uow.commit()
    assert form is not None

    def cost(rows: int) -> int:
        with sql_database.unit_of_work() as uow:
            for minute in range(rows):
                uow.inbox.add_submission(inbox_sample_submission(form, minutes=minute))
            uow.commit()
        with Statements(sql_database.engine) as counted:
            page = list_submissions(services=services, actor=rui, size=50)
        assert len(page.items) >= rows
        return counted.count

    assert cost(3) == cost(27) == 3


def test_deleting_an_account_deletes_the_messages_it_sent(sql_database: SqlDatabase) -> None:
    ana = client()
    form = inbox_sample_form()
    with sql_database.unit_of_work() as uow:
        uow.accounts.add(ana)
        uow.inbox.add_form(form)
        uow.inbox.add_submission(inbox_sample_submission(form, account_id=ana.id))
        uow.inbox.add_submission(inbox_sample_submission(form))
        uow.commit()
    with sql_database.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM accounts WHERE id = :id"), {"id": ana.id})
    with sql_database.engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM inbox_submissions")).scalar()
    assert count == 1
