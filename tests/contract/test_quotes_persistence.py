"""The quote repository contract over memory, SQLite and PostgreSQL, plus what only SQL shows:
a list page costs the same number of queries whatever its size, and two real PostgreSQL
connections deciding the same quote at the same moment end with exactly one decision."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa

from iclient_adapters.sql import SqlDatabase
from iclient_adapters.testing import make_services
from iclient_adapters.testing.quotes import TODAY, QuotesContract, requested, sent
from iclient_adapters.testing.samples import at, client, staff
from iclient_core.quotes.common import actor_of
from iclient_core.quotes.decisions import accept_quote
from iclient_core.quotes.model import Action, InvalidTransition, QuoteState
from iclient_core.shared.errors import ConcurrentUpdate
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend


class TestMemoryQuotes(MemoryBackend, QuotesContract):
    """QuotesContract on the in-memory store."""


class TestSqliteQuotes(SqliteBackend, QuotesContract):
    """QuotesContract on SQLite."""


class TestPostgresQuotes(PostgresBackend, QuotesContract):
    """QuotesContract on PostgreSQL."""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sql_database(request: pytest.FixtureRequest) -> SqlDatabase:
    """A migrated, empty database on each SQL engine."""
    name = "sqlite_database" if request.param == "sqlite" else "postgres_database"
    database: SqlDatabase = request.getfixturevalue(name)
    return database


class Statements:
    """Counts the SQL statements an engine runs while it is listening."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.count = 0

    def _seen(self, *args: Any) -> None:
        self.count += 1

    def __enter__(self) -> Statements:
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)


def test_a_list_page_costs_the_same_queries_for_3_or_30_quotes(sql_database: SqlDatabase) -> None:
    ana, rui = client(), staff("rui@example.pt")
    with sql_database.unit_of_work() as uow:
        uow.accounts.add(ana)
        uow.accounts.add(rui)
        uow.commit()

    def cost(rows: int) -> int:
        with sql_database.unit_of_work() as uow:
            for i in range(rows):
                uow.quotes.add(sent(ana, rui, now=at(i)) if i % 2 else requested(ana, now=at(i)))
            uow.commit()
        with sql_database.unit_of_work() as uow, Statements(sql_database.engine) as counted:
            page = uow.quotes.list(today=TODAY, limit=50)
            uow.quotes.count(today=TODAY)
        assert len(page) >= rows
        return counted.count

    assert cost(3) == cost(27) == 2


def test_loading_a_quote_costs_four_queries_whatever_its_size(sql_database: SqlDatabase) -> None:
    ana, rui = client(), staff("rui@example.pt")
    quote = sent(ana, rui)
    for minute in range(1, 6):
        quote.revise(actor_of(rui), at(minute))
        quote.send(actor_of(rui), at(minute))
    with sql_database.unit_of_work() as uow:
        uow.accounts.add(ana)
        uow.accounts.add(rui)
        uow.quotes.add(quote)
        uow.commit()
    with sql_database.unit_of_work() as uow, Statements(sql_database.engine) as counted:
        loaded = uow.quotes.get(quote.id)
    assert loaded == quote and len(loaded.proposals) == 6
    assert counted.count == 4


def test_deleting_a_client_deletes_their_quotes(sql_database: SqlDatabase) -> None:
    ana, rui = client(), staff("rui@example.pt")
    quote = sent(ana, rui)
    with sql_database.unit_of_work() as uow:
        uow.accounts.add(ana)
        uow.accounts.add(rui)
        uow.quotes.add(quote)
        uow.commit()
    with sql_database.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM accounts WHERE id = :id"), {"id": ana.id})
    with sql_database.engine.connect() as connection:
        for table in ("quotes", "quote_proposals", "quote_lines", "quote_events"):
            assert connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 0


# --------------------------------------------------------------------------- concurrency


@pytest.mark.postgres
def test_two_connections_accepting_at_once_on_postgres_exactly_one_wins(
    postgres_database: SqlDatabase,
) -> None:
    """Both transactions have read version 1 before either writes; the UPDATE of the second
    waits on the first one's row lock, then finds the version moved on."""
    database = postgres_database
    ana, rui = client(), staff("rui@example.pt")
    ana.activate(password_hash="$argon2id$x", now=at(0))
    quote = sent(ana, rui)
    with database.unit_of_work() as uow:
        uow.accounts.add(ana)
        uow.accounts.add(rui)
        uow.quotes.add(quote)
        uow.commit()

    both_read = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []
    lock = threading.Lock()

    def decide(ip: str) -> None:
        with database.unit_of_work() as uow:
            uow.connection.execute(sa.text("SET LOCAL lock_timeout = '10s'"))
            mine = uow.quotes.get(quote.id)
            assert mine is not None
            both_read.wait()  # neither has written yet
            mine.decide(
                Action.ACCEPT, actor_of(ana), proposal_number=1, ip=ip, now=at(1), today=TODAY
            )
            try:
                uow.quotes.save(mine)
                uow.commit()
                result = f"won {ip}"
            except ConcurrentUpdate:
                result = "refused"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=decide, args=(f"10.0.0.{i}",)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes)[0] == "refused" and sorted(outcomes)[1].startswith("won")
    with database.unit_of_work() as uow:
        stored = uow.quotes.get(quote.id)
    assert stored is not None and stored.state is QuoteState.ACCEPTED
    assert stored.decision is not None
    assert outcomes.count(f"won {stored.decision.ip}") == 1
    assert [e.action for e in stored.events].count(Action.ACCEPT) == 1
    assert stored.version == quote.version + 1


@pytest.mark.postgres
def test_many_clicks_on_accept_through_the_use_case_make_one_decision(
    postgres_database: SqlDatabase,
) -> None:
    services = make_services(uow=postgres_database.unit_of_work)
    ana, rui = client(), staff("rui@example.pt")
    ana.activate(password_hash="$argon2id$x", now=at(0))
    quote = sent(ana, rui)
    with postgres_database.unit_of_work() as uow:
        uow.accounts.add(ana)
        uow.accounts.add(rui)
        uow.quotes.add(quote)
        uow.commit()
    start = threading.Barrier(6, timeout=10)
    outcomes: list[str] = []
    lock = threading.Lock()

    def click() -> None:
        start.wait()
        try:
            accept_quote(
                services=services,
                account_id=ana.id,
                quote_id=quote.id,
                proposal_number="1",
                ip="198.51.100.7",
            )
            result = "accepted"
        except (ConcurrentUpdate, InvalidTransition) as error:
            result = error.code
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=click) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("accepted") == 1
    assert len(outcomes) == 6
    assert set(outcomes) <= {"accepted", "concurrent_update", "quote_transition_refused"}
    with postgres_database.unit_of_work() as uow:
        stored = uow.quotes.get(quote.id)
        receipts = uow.outbox.claim_due(at(10**6), limit=100, lease=at(1) - at(0))
    assert stored is not None and stored.state is QuoteState.ACCEPTED
    assert [m.notification.kind.value for m in receipts].count("quote_accepted") == 1
