"""The SQL adapter on a PostgreSQL that goes away: the core sees ``ServiceUnavailable``, the
pool throws dead connections out, and the next unit of work works again.

The engines here have ``pool_pre_ping`` off: a dead pooled connection is only found at its
first statement, which is what the portal's retry has to be safe for.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from iclient_adapters.sql import SqlDatabase
from iclient_adapters.testing.notifications import message
from iclient_adapters.testing.samples import T0, client
from iclient_core.shared.errors import AlreadyExists, ServiceUnavailable
from tests.faults.conftest import UNREACHABLE_URL, Killer

pytestmark = pytest.mark.postgres


@pytest.fixture
def database(faults_url: str) -> Iterator[SqlDatabase]:
    """The fault database, without pre-ping, emptied of accounts and mail."""
    found = SqlDatabase.from_url(faults_url, pool_pre_ping=False, pool_size=3)
    with found.engine.begin() as connection:
        connection.execute(sa.text("TRUNCATE outbox, sign_in_sessions, accounts CASCADE"))
    try:
        yield found
    finally:
        found.dispose()


def _warm(database: SqlDatabase, connections: int = 3) -> None:
    """Leave ``connections`` opened connections in the pool, as a busy portal has."""
    blocks = [database.unit_of_work() for _ in range(connections)]
    for uow in blocks:
        uow.__enter__()
        uow.connection.execute(sa.text("SELECT 1"))
    for uow in blocks:
        uow.__exit__(None, None, None)


def test_a_dead_pooled_connection_is_a_lost_connection_and_the_next_try_works(
    database: SqlDatabase, killer: Killer
) -> None:
    _warm(database)
    assert killer.kill_all() >= 3

    with pytest.raises(ServiceUnavailable) as raised, database.unit_of_work() as uow:
        uow.outbox.pending_count()
    assert raised.value.connection_lost is True
    assert raised.value.retry_after > 0
    assert isinstance(raised.value.__cause__, sa.exc.DBAPIError)

    # SQLAlchemy invalidated the whole pool: every older connection is replaced, so one
    # more try is enough, whichever pooled connection it gets.
    for _ in range(3):
        with database.unit_of_work() as uow:
            assert uow.outbox.pending_count() == 0


def test_a_connection_lost_inside_a_transaction_keeps_nothing(
    database: SqlDatabase, killer: Killer
) -> None:
    with pytest.raises(ServiceUnavailable) as raised, database.unit_of_work() as uow:
        uow.outbox.add(message(now=T0))
        killer.kill_all()
        uow.accounts.add(client())
        uow.commit()
    assert raised.value.connection_lost is True
    with database.unit_of_work() as uow:
        assert uow.outbox.pending_count() == 0


def test_a_connection_lost_at_commit_is_a_lost_connection(
    database: SqlDatabase, killer: Killer
) -> None:
    with pytest.raises(ServiceUnavailable) as raised, database.unit_of_work() as uow:
        uow.outbox.add(message(now=T0))
        killer.kill_all()
        uow.commit()
    assert raised.value.connection_lost is True
    with database.unit_of_work() as uow:
        assert uow.outbox.pending_count() == 0


def test_a_database_that_is_down_is_unavailable_and_not_worth_an_immediate_retry() -> None:
    database = SqlDatabase.from_url(UNREACHABLE_URL, pool_pre_ping=False)
    try:
        with pytest.raises(ServiceUnavailable) as raised, database.unit_of_work() as uow:
            uow.outbox.pending_count()
    finally:
        database.dispose()
    assert raised.value.connection_lost is False
    assert "cannot connect" in str(raised.value)


def test_a_pool_with_every_connection_busy_is_unavailable(faults_url: str) -> None:
    database = SqlDatabase.from_url(faults_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    try:
        with database.unit_of_work() as busy:
            busy.outbox.pending_count()
            with pytest.raises(ServiceUnavailable) as raised, database.unit_of_work():
                pass
        assert raised.value.connection_lost is False
        with database.unit_of_work() as uow:  # the connection came back
            assert uow.outbox.pending_count() == 0
    finally:
        database.dispose()


def test_other_database_errors_are_not_outages(database: SqlDatabase) -> None:
    account = client()
    with database.unit_of_work() as uow:
        uow.accounts.add(account)
        uow.commit()
    with pytest.raises(AlreadyExists), database.unit_of_work() as uow:
        uow.accounts.add(client())
        uow.commit()
    with pytest.raises(sa.exc.ProgrammingError), database.unit_of_work() as uow:
        uow.connection.execute(sa.text("SELECT * FROM no_such_table"))
