"""The clock and id contracts over the bundled adapters: the system clock, the frozen clock
tests move by hand, and the UUIDv7 ids."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from iclient_adapters.clock import FrozenClock, SystemClock, UuidIds
from iclient_adapters.testing.clock import ClockContract, IdGeneratorContract


class TestSystemClock(ClockContract):
    """ClockContract on the real time."""

    @pytest.fixture
    def clock(self) -> SystemClock:
        return SystemClock()


class TestFrozenClock(ClockContract):
    """ClockContract on a clock that moves only when told to."""

    @pytest.fixture
    def clock(self) -> FrozenClock:
        return FrozenClock()


class TestUuidIds(IdGeneratorContract):
    """IdGeneratorContract on the UUIDv7 ids."""

    @pytest.fixture
    def ids(self) -> UuidIds:
        return UuidIds()


def test_the_system_clock_tells_the_current_time() -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    assert before <= now <= datetime.now(UTC)
