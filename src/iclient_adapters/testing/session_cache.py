"""The session cache contract: what a ``SessionCache`` must do, whichever keeps what.

Mix :class:`SessionCacheContract` into a test class that provides a ``session_cache`` fixture
(a :class:`CacheUnderTest`: the cache, and the database's unit-of-work factory through which
the tests make changes as another process would)::

    class TestMyCache(SessionCacheContract):
        @pytest.fixture
        def session_cache(self, database):
            cache = MyCache(database)
            yield CacheUnderTest(cache=cache, uow_factory=database.unit_of_work, keeps=True)
            cache.close()

A cache may keep nothing (``keeps=False``: the suite then checks that it never answers);
one that keeps must forget, within :data:`HEARD_WITHIN` seconds, a look-up that a change
committed anywhere made stale. Needs pytest.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import attrs

from iclient_adapters.testing.samples import T0, client
from iclient_core.accounts.model import Status
from iclient_core.accounts.ports import SessionCache, SessionLookUp
from iclient_core.accounts.sessions import SignInSession
from iclient_core.unit_of_work import UnitOfWork, UnitOfWorkFactory

HEARD_WITHIN = 3.0
"""Seconds a cache may take to hear of a change committed elsewhere (it takes milliseconds;
the margin is for a busy test machine)."""


@attrs.frozen
class CacheUnderTest:
    """A cache and its database.

    Attributes:
        cache: the cache, ready (listening, for one that hears of changes).
        uow_factory: units of work on the database the cache is kept right against.
        keeps: whether the cache keeps look-ups at all.
    """

    cache: SessionCache
    uow_factory: UnitOfWorkFactory
    keeps: bool


def eventually(check: Callable[[], bool], within: float = HEARD_WITHIN) -> bool:
    """Whether ``check()`` holds at some point within ``within`` seconds."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


class SessionCacheContract:
    """Needs ``session_cache``. Checks the ``SessionCache`` port: copies, and forgetting what
    a change anywhere made stale (a session ended, its account changed, the portal's revision
    moved on, a change during a look-up, an end in this very process)."""

    def session_looked_up(self, under: CacheUnderTest) -> tuple[str, SessionLookUp]:
        """A client with a session in the database, looked up as a request does and kept."""
        account = client()
        session, _secret = SignInSession.start(
            account_id=account.id, now=T0, ip="203.0.113.7", user_agent="Firefox/140"
        )
        with under.uow_factory() as uow:
            uow.accounts.add(account)
            uow.sessions.add(session)
            uow.commit()
        ticket = under.cache.ticket()
        with under.uow_factory() as uow:
            found = uow.sessions.get_with_account(session.id)
        assert found is not None
        under.cache.keep(session.id, found, ticket)
        return session.id, found

    def test_session_cache_recalls_a_copy_of_what_it_kept(
        self, session_cache: CacheUnderTest
    ) -> None:
        key, found = self.session_looked_up(session_cache)
        recalled = session_cache.cache.recall(key)
        if not session_cache.keeps:
            assert recalled is None
            return
        assert recalled == found
        assert recalled[0] is not found[0] and recalled[1] is not found[1]
        recalled[1].profile = attrs.evolve(recalled[1].profile, first_name="Changed")
        again = session_cache.cache.recall(key)
        assert again is not None and again[1].profile == found[1].profile  # not shared
        assert session_cache.cache.recall("0" * 64) is None

    def session_forgotten_after(
        self,
        under: CacheUnderTest,
        change: Callable[[UnitOfWork, str, SessionLookUp], object],
    ) -> bool:
        """Whether a kept look-up is forgotten once ``change`` (given a unit of work, the
        session's id and what was looked up) is committed as by another process."""
        key, found = self.session_looked_up(under)
        with under.uow_factory() as uow:
            change(uow, key, found)
            uow.commit()
        return eventually(lambda: under.cache.recall(key) is None)

    def test_session_cache_forgets_a_session_ended_elsewhere(
        self, session_cache: CacheUnderTest
    ) -> None:
        assert self.session_forgotten_after(
            session_cache, lambda uow, key, _found: uow.sessions.delete(key)
        )

    def test_session_cache_forgets_the_sessions_of_an_account_changed_elsewhere(
        self, session_cache: CacheUnderTest
    ) -> None:
        def disable(uow: UnitOfWork, _key: str, found: SessionLookUp) -> None:
            account = uow.accounts.get(found[1].id)
            assert account is not None
            account.status = Status.DISABLED
            uow.accounts.save(account)

        assert self.session_forgotten_after(session_cache, disable)

    def test_session_cache_forgets_everything_when_the_revision_moves_on(
        self, session_cache: CacheUnderTest
    ) -> None:
        assert self.session_forgotten_after(
            session_cache, lambda uow, _key, _found: uow.settings.bump_revision()
        )

    def test_session_cache_does_not_keep_for_long_what_changed_during_its_look_up(
        self, session_cache: CacheUnderTest
    ) -> None:
        key, found = self.session_looked_up(session_cache)
        session_cache.cache.forget(key)
        ticket = session_cache.cache.ticket()  # a request begins its look-up …
        with session_cache.uow_factory() as uow:  # … the session ends meanwhile …
            uow.sessions.delete(key)
            uow.commit()
        session_cache.cache.keep(key, found, ticket)  # … and it keeps what it had read
        assert eventually(lambda: session_cache.cache.recall(key) is None)

    def test_session_cache_forgets_at_once_what_this_process_ends(
        self, session_cache: CacheUnderTest
    ) -> None:
        key, _found = self.session_looked_up(session_cache)
        session_cache.cache.forget(key)
        assert session_cache.cache.recall(key) is None
