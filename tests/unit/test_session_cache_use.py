"""How a signed-in request uses the process's session cache: what it kept answers without a
statement while the session is live; expiry, a due touch and signing out go to the database."""

from __future__ import annotations

from datetime import timedelta

import attrs

from iclient_adapters.clock import FrozenClock
from iclient_core.accounts import authentication
from iclient_core.accounts.ports import SessionLookUp
from iclient_core.services import Services
from tests.unit.helpers import IP, active_client, sign_in


@attrs.define
class KeepingCache:
    """Keeps every look-up it is handed (a stand-in for one that hears of changes)."""

    kept: dict[str, SessionLookUp] = attrs.Factory(dict)
    forgotten: list[str] = attrs.Factory(list)

    def recall(self, session_id: str) -> SessionLookUp | None:
        return self.kept.get(session_id)

    def ticket(self) -> object | None:
        return "now"

    def keep(self, session_id: str, found: SessionLookUp, ticket: object | None) -> None:
        assert ticket == "now"
        self.kept[session_id] = found

    def forget(self, session_id: str) -> None:
        self.forgotten.append(session_id)
        self.kept.pop(session_id, None)


def with_cache(services: Services) -> tuple[Services, KeepingCache, list[int]]:
    """``services`` with a keeping cache, and the count of units of work opened."""
    cache, opened = KeepingCache(), [0]
    factory = services.uow

    def counted():  # type: ignore[no-untyped-def]
        opened[0] += 1
        return factory()

    return attrs.evolve(services, session_cache=cache, uow=counted), cache, opened


def test_a_kept_session_answers_without_the_database(services: Services) -> None:
    active_client(services)
    secret = sign_in(services).session_secret
    services, cache, opened = with_cache(services)
    first = authentication.current_session(services=services, session_secret=secret)
    assert first is not None and opened == [1] and len(cache.kept) == 1
    again = authentication.current_session(services=services, session_secret=secret)
    assert again == first and opened == [1]


def test_a_kept_session_that_expired_or_is_due_a_touch_goes_to_the_database(
    services: Services, clock: FrozenClock
) -> None:
    active_client(services)
    secret = sign_in(services).session_secret
    services, cache, opened = with_cache(services)
    assert authentication.current_session(services=services, session_secret=secret)
    clock.advance(timedelta(minutes=2))  # activity is written at most once a minute
    assert authentication.current_session(services=services, session_secret=secret)
    assert opened == [2] and cache.kept == {}  # touched: read back at the next request
    assert authentication.current_session(services=services, session_secret=secret)
    assert opened == [3] and len(cache.kept) == 1
    clock.advance(services.settings.session_idle + timedelta(minutes=1))
    assert authentication.current_session(services=services, session_secret=secret) is None
    assert opened == [4] and cache.kept == {}  # expired: deleted, and forgotten


def test_signing_out_forgets_the_kept_session_at_once(services: Services) -> None:
    active_client(services)
    secret = sign_in(services).session_secret
    services, cache, _opened = with_cache(services)
    assert authentication.current_session(services=services, session_secret=secret)
    authentication.sign_out(services=services, session_secret=secret, ip=IP)
    assert cache.kept == {} and len(cache.forgotten) == 1
    assert authentication.current_session(services=services, session_secret=secret) is None
