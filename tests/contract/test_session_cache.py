"""The session cache contract, on the cache that keeps nothing and on PostgreSQL's (kept
right by the database's change notices), with what only the latter does."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from iclient_adapters.sql import SqlDatabase
from iclient_adapters.sql.session_cache import ListeningSessionCache
from iclient_adapters.testing.backends import MemoryBackend
from iclient_adapters.testing.session_cache import (
    CacheUnderTest,
    SessionCacheContract,
    eventually,
)
from iclient_core.accounts.ports import NoSessionCache
from iclient_core.unit_of_work import UnitOfWorkFactory


class TestNoSessionCache(MemoryBackend, SessionCacheContract):
    """The default: nothing kept, every request reads its session."""

    @pytest.fixture
    def session_cache(self, uow_factory: UnitOfWorkFactory) -> CacheUnderTest:
        return CacheUnderTest(cache=NoSessionCache(), uow_factory=uow_factory, keeps=False)


def listening_cache(database: SqlDatabase, max_age: float = 5) -> ListeningSessionCache:
    """A PostgreSQL session cache of ``database``, listening for its notices."""
    cache = database.session_cache(max_age)
    assert isinstance(cache, ListeningSessionCache)
    cache.ticket()  # its first use starts the listening
    assert eventually(lambda: cache.listening)
    return cache


@pytest.fixture
def cache(postgres_database: SqlDatabase) -> Iterator[ListeningSessionCache]:
    found = listening_cache(postgres_database)
    yield found
    found.close()


@pytest.mark.postgres
class TestPostgresSessionCache(SessionCacheContract):
    """Kept right by PostgreSQL's change notices."""

    @pytest.fixture
    def session_cache(
        self, postgres_database: SqlDatabase, cache: ListeningSessionCache
    ) -> CacheUnderTest:
        return CacheUnderTest(cache=cache, uow_factory=postgres_database.unit_of_work, keeps=True)


@pytest.mark.postgres
def test_sqlite_and_a_zero_age_keep_nothing(
    sqlite_database: SqlDatabase, postgres_database: SqlDatabase
) -> None:
    assert isinstance(sqlite_database.session_cache(5), NoSessionCache)
    assert isinstance(postgres_database.session_cache(0), NoSessionCache)


@pytest.mark.postgres
def test_a_look_up_is_kept_no_longer_than_its_age(postgres_database: SqlDatabase) -> None:
    cache = listening_cache(postgres_database, max_age=0.2)
    try:
        key, _found = SessionCacheContract().session_looked_up(
            CacheUnderTest(cache=cache, uow_factory=postgres_database.unit_of_work, keeps=True)
        )
        assert cache.recall(key) is not None
        time.sleep(0.3)
        assert cache.recall(key) is None
    finally:
        cache.close()


@pytest.mark.postgres
def test_without_its_notices_the_cache_answers_nothing_then_starts_afresh(
    postgres_database: SqlDatabase, cache: ListeningSessionCache, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="iclient.sessions")
    cache.retry_after = 0.1
    under = CacheUnderTest(cache=cache, uow_factory=postgres_database.unit_of_work, keeps=True)
    key, found = SessionCacheContract().session_looked_up(under)
    assert cache.recall(key) is not None
    with postgres_database.engine.connect() as connection:  # the listening connection is cut
        connection.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query = 'LISTEN iclient_changes'"
            )
        )
    assert eventually(lambda: cache.recall(key) is None)
    assert eventually(lambda: cache.listening)  # listening again, with nothing kept
    assert cache.recall(key) is None
    cache.keep(key, found, cache.ticket())
    assert cache.recall(key) is not None

    def said(words: str) -> int:
        return sum(words in r.getMessage() for r in caplog.records if r.name == "iclient.sessions")

    assert said("not hearing changes") == 1  # once, however many attempts it took
    assert eventually(lambda: said("hearing changes again") == 1)


@pytest.mark.postgres
def test_the_oldest_look_up_goes_when_the_cache_is_full(
    postgres_database: SqlDatabase, cache: ListeningSessionCache
) -> None:
    cache.max_entries = 1
    contract = SessionCacheContract()
    under = CacheUnderTest(cache=cache, uow_factory=postgres_database.unit_of_work, keeps=True)
    first, _ = contract.session_looked_up(under)
    with postgres_database.engine.begin() as connection:  # a second client, same address
        connection.execute(sa.text("DELETE FROM sign_in_sessions"))
        connection.execute(sa.text("DELETE FROM accounts"))
    assert eventually(lambda: cache.recall(first) is None)
    second, found = contract.session_looked_up(under)
    cache.keep(first, found, cache.ticket())
    assert cache.recall(first) is not None and cache.recall(second) is None


@pytest.mark.postgres
def test_a_change_of_one_account_forgets_its_sessions_only(
    postgres_database: SqlDatabase, cache: ListeningSessionCache
) -> None:
    under = CacheUnderTest(cache=cache, uow_factory=postgres_database.unit_of_work, keeps=True)
    contract = SessionCacheContract()
    ana_key, ana = contract.session_looked_up(under)
    with postgres_database.engine.begin() as connection:  # Ana's address freed for Bea
        connection.execute(
            sa.text("UPDATE accounts SET email_key = 'ana-2@example.pt' WHERE id = :id"),
            {"id": ana[1].id},
        )
    assert eventually(lambda: cache.recall(ana_key) is None)  # her account changed
    cache.keep(ana_key, ana, cache.ticket())
    bea_key, _bea = contract.session_looked_up(under)
    assert cache.recall(ana_key) is not None and cache.recall(bea_key) is not None
    with postgres_database.unit_of_work() as uow:
        uow.sessions.delete(bea_key)
        uow.commit()
    assert eventually(lambda: cache.recall(bea_key) is None)
    assert cache.recall(ana_key) is not None  # another account's session stays kept
