"""Readiness and outbox lag, in the core: the database, the outbox and the file storage are
checked apart, and a probe never raises."""

from __future__ import annotations

from datetime import timedelta
from typing import NoReturn

import attrs
import pytest

from iclient_adapters.clock import FrozenClock
from iclient_adapters.storage import memory_storage
from iclient_adapters.testing import make_services
from iclient_adapters.testing.notifications import message
from iclient_adapters.testing.outages import DatabaseOutage
from iclient_core.health import PROBE_KEY, check_readiness
from iclient_core.notifications import deliver_outbox, outbox_lag
from iclient_core.services import Services
from iclient_core.shared.errors import ServiceUnavailable
from iclient_core.shared.storage import FileStorage

LIMIT = timedelta(minutes=10)


class BrokenStorage:
    """A file storage whose every call fails, like an S3 endpoint that cannot be reached."""

    def __getattr__(self, name: str) -> object:
        def fail(*args: object, **kwargs: object) -> None:
            raise ConnectionError("s3.example.test: connection timed out")

        return fail


@pytest.fixture
def outage(services: Services) -> DatabaseOutage:
    return DatabaseOutage(services.uow)


@pytest.fixture
def flaky(services: Services, outage: DatabaseOutage) -> Services:
    return attrs.evolve(services, uow=outage)


def queue(services: Services, clock: FrozenClock, minutes_ago: int) -> None:
    with services.uow() as uow:
        uow.outbox.add(message(now=clock.now() - timedelta(minutes=minutes_ago)))
        uow.commit()


def test_outbox_lag_is_zero_with_nothing_due(services: Services) -> None:
    assert outbox_lag(services=services) == timedelta(0)


def test_outbox_lag_is_how_long_the_oldest_due_message_has_waited(
    services: Services, clock: FrozenClock
) -> None:
    queue(services, clock, minutes_ago=3)
    queue(services, clock, minutes_ago=7)
    assert outbox_lag(services=services) == timedelta(minutes=7)
    deliver_outbox(services=services)
    assert outbox_lag(services=services) == timedelta(0)


def test_a_healthy_installation_is_ready(services: Services) -> None:
    ready = check_readiness(services=services, max_outbox_lag=LIMIT)
    assert ready.ok
    assert [check.name for check in ready.checks] == ["database", "outbox", "storage"]
    assert ready.outbox_lag == timedelta(0)
    assert ready.failed == ()


def test_an_outbox_behind_by_more_than_the_limit_is_not_ready(
    services: Services, clock: FrozenClock
) -> None:
    queue(services, clock, minutes_ago=11)
    ready = check_readiness(services=services, max_outbox_lag=LIMIT)
    assert not ready.ok
    (failed,) = ready.failed
    assert failed.name == "outbox"
    assert failed.reason == "behind by 660s (limit 600s)"
    assert check_readiness(services=services, max_outbox_lag=timedelta(minutes=12)).ok


def test_a_database_that_is_down_fails_the_database_check_only(
    flaky: Services, outage: DatabaseOutage
) -> None:
    outage.go_down()
    ready = check_readiness(services=flaky, max_outbox_lag=LIMIT)
    assert not ready.ok
    assert [(c.name, c.ok, c.reason) for c in ready.checks] == [
        ("database", False, "unavailable"),
        ("storage", True, ""),
    ]
    assert "cannot connect" in ready.checks[0].detail
    assert ready.outbox_lag is None
    assert outage.begun == 1  # no retry: a server that refuses would refuse again


def test_a_lost_connection_is_retried_once(flaky: Services, outage: DatabaseOutage) -> None:
    outage.lose_connections(1)
    assert check_readiness(services=flaky, max_outbox_lag=LIMIT).ok
    assert outage.begun == 2
    outage.lose_connections(2)
    ready = check_readiness(services=flaky, max_outbox_lag=LIMIT)
    assert [c.name for c in ready.failed] == ["database"]


def test_storage_that_cannot_be_reached_fails_the_storage_check(clock: FrozenClock) -> None:
    broken: FileStorage = BrokenStorage()  # type: ignore[assignment]
    services = make_services(clock=clock, storage=broken)
    ready = check_readiness(services=services, max_outbox_lag=LIMIT)
    assert [(c.name, c.reason) for c in ready.failed] == [("storage", "unavailable")]
    assert "connection timed out" in ready.failed[0].detail


def test_the_storage_check_only_asks_whether_the_probe_key_exists(clock: FrozenClock) -> None:
    storage = memory_storage()
    services = make_services(clock=clock, storage=storage)
    assert check_readiness(services=services, max_outbox_lag=LIMIT).ok
    assert list(storage.keys()) == []  # nothing written
    assert PROBE_KEY.startswith("health/")


def test_an_unexpected_database_error_is_reported_not_raised(services: Services) -> None:
    def broken() -> NoReturn:
        raise RuntimeError("relation outbox does not exist")

    ready = check_readiness(services=attrs.evolve(services, uow=broken), max_outbox_lag=LIMIT)
    assert [(c.name, c.reason) for c in ready.failed] == [("database", "error")]


def test_service_unavailable_says_when_to_try_again() -> None:
    error = ServiceUnavailable("down", retry_after=7)
    assert error.code == "service_unavailable"
    assert error.retry_after == 7
    assert error.connection_lost is False
