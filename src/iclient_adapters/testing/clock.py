"""The contracts of the time and the ids: every ``Clock`` and ``IdGenerator`` adapter.

Mix the suites into a test class that provides their fixtures::

    class TestMyClockAndIds(ClockContract, IdGeneratorContract):
        @pytest.fixture
        def clock(self):
            return MyClock()

        @pytest.fixture
        def ids(self):
            return MyIds()

Needs pytest.
"""

from __future__ import annotations

import itertools
import threading
from datetime import datetime, timedelta

from iclient_core.shared.ports import Clock, IdGenerator


class ClockContract:
    """Needs ``clock``: the ``Clock`` under test. Checks that the time is a timezone-aware
    ``datetime`` in UTC and never runs backwards from one reading to the next."""

    def test_clock_now_is_an_aware_datetime_in_utc(self, clock: Clock) -> None:
        now = clock.now()
        assert isinstance(now, datetime)
        assert now.tzinfo is not None and now.utcoffset() == timedelta(0)

    def test_clock_does_not_run_backwards(self, clock: Clock) -> None:
        readings = [clock.now() for _ in range(1000)]
        assert readings == sorted(readings)


class IdGeneratorContract:
    """Needs ``ids``: the ``IdGenerator`` under test. Checks that ids are non-empty strings of
    at most 36 characters, unique (also when made by several threads at once), and not
    guessable from the one made before."""

    def ids_made(self, ids: IdGenerator, count: int) -> list[str]:
        """``count`` new ids, in the order they were made."""
        return [ids.new_id() for _ in range(count)]

    def test_ids_are_strings_of_1_to_36_characters(self, ids: IdGenerator) -> None:
        for made in self.ids_made(ids, 100):
            assert isinstance(made, str)
            assert 0 < len(made) <= 36, made

    def test_ids_are_unique(self, ids: IdGenerator) -> None:
        made = self.ids_made(ids, 20_000)
        assert len(set(made)) == len(made)

    def test_ids_made_by_several_threads_at_once_are_unique(self, ids: IdGenerator) -> None:
        made: list[list[str]] = []
        start = threading.Barrier(4, timeout=10)

        def make() -> None:
            start.wait()
            made.append(self.ids_made(ids, 5_000))

        threads = [threading.Thread(target=make) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        every = [one for batch in made for one in batch]
        assert len(every) == 20_000
        assert len(set(every)) == len(every)

    def test_ids_are_not_guessable_from_the_one_before(self, ids: IdGenerator) -> None:
        """A counter, or a timestamp alone, changes a few characters from one id to the next;
        random bits change many of them (a UUIDv7 keeps its 12 time characters, and about 15
        of its 16 random ones differ)."""
        made = self.ids_made(ids, 500)
        changed = [
            sum(a != b for a, b in zip(one, two, strict=False)) + abs(len(one) - len(two))
            for one, two in itertools.pairwise(made)
        ]
        assert min(changed) >= 6, min(changed)
