"""Free slots: never outside working hours or inside time off, never over a booking and its
buffer, right on the days the clocks change in Europe/Lisbon, and fast enough."""

from __future__ import annotations

import itertools
import time as clock_time
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from iclient_core.bookings.model import AvailabilityException, WeeklyRange
from iclient_core.bookings.slots import free_starts, merge, subtract, to_utc, working_intervals

LISBON = ZoneInfo("Europe/Lisbon")
SPRING = date(2026, 3, 29)  # last Sunday of March: 01:00 → 02:00
AUTUMN = date(2026, 10, 25)  # last Sunday of October: 02:00 → 01:00
FAR = datetime(2100, 1, 1, tzinfo=UTC)
EARLY = datetime(2000, 1, 1, tzinfo=UTC)


def slots(
    weekly: list[WeeklyRange],
    first: date,
    last: date,
    *,
    exceptions: tuple[AvailabilityException, ...] = (),
    busy: tuple[tuple[datetime, datetime], ...] = (),
    duration: int = 30,
    buffer: int = 0,
    step: int = 30,
) -> list[datetime]:
    return free_starts(
        intervals=working_intervals(weekly, exceptions, LISBON, first, last),
        busy=busy,
        duration=timedelta(minutes=duration),
        buffer=timedelta(minutes=buffer),
        step=timedelta(minutes=step),
        earliest=EARLY,
        latest=FAR,
    )


def every_day(start: time, end: time) -> list[WeeklyRange]:
    return [WeeklyRange(day, start, end) for day in range(7)]


def test_on_the_spring_change_slots_keep_their_wall_clock_times() -> None:
    found = slots(every_day(time(9), time(12)), SPRING - timedelta(days=1), SPRING)
    saturday = [s for s in found if s.astimezone(LISBON).date() != SPRING]
    sunday = [s for s in found if s.astimezone(LISBON).date() == SPRING]
    assert [s.astimezone(LISBON).time() for s in saturday] == [
        s.astimezone(LISBON).time() for s in sunday
    ]
    assert saturday[0] == datetime(2026, 3, 28, 9, 0, tzinfo=UTC)  # WET = UTC
    assert sunday[0] == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)  # WEST = UTC+1
    assert len(sunday) == 6


def test_on_the_autumn_change_slots_keep_their_wall_clock_times() -> None:
    found = slots(every_day(time(9), time(12)), AUTUMN - timedelta(days=1), AUTUMN)
    saturday = [s for s in found if s.astimezone(LISBON).date() != AUTUMN]
    sunday = [s for s in found if s.astimezone(LISBON).date() == AUTUMN]
    assert saturday[0] == datetime(2026, 10, 24, 8, 0, tzinfo=UTC)
    assert sunday[0] == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    assert len(saturday) == len(sunday) == 6


def test_a_night_shift_over_the_changes_holds_the_real_hours() -> None:
    """00:00-04:00 lasts three real hours in spring and five in autumn."""
    for day, hours in ((SPRING, 3), (AUTUMN, 5)):
        found = slots(every_day(time(0), time(4)), day, day, duration=60, step=60)
        assert len(found) == hours
        assert all(b - a == timedelta(hours=1) for a, b in itertools.pairwise(found))


def test_a_booking_and_its_buffer_take_their_slots_away() -> None:
    day = date(2026, 5, 4)
    held = (datetime(2026, 5, 4, 9, 0, tzinfo=UTC), datetime(2026, 5, 4, 9, 45, tzinfo=UTC))
    found = slots(every_day(time(9), time(12)), day, day, busy=(held,), buffer=15)
    # Local 10:00 = 09:00 UTC: 10:00 and 10:30 are held; a new 09:30 slot would run with
    # its buffer into the held one.
    local = [s.astimezone(LISBON).strftime("%H:%M") for s in found]
    assert local == ["09:00", "11:00", "11:30"]


def test_time_off_removes_hours_and_extra_hours_add_them() -> None:
    day = date(2026, 5, 4)
    off = AvailabilityException(datetime(2026, 5, 4, 10), datetime(2026, 5, 4, 11), False)
    extra = AvailabilityException(datetime(2026, 5, 4, 18), datetime(2026, 5, 4, 19), True)
    found = slots(every_day(time(9), time(12)), day, day, exceptions=(off, extra), step=60)
    local = [s.astimezone(LISBON).strftime("%H:%M") for s in found]
    assert local == ["09:00", "11:00", "18:00"]


def test_interval_arithmetic() -> None:
    t = [datetime(2026, 1, 1, h, tzinfo=UTC) for h in range(10)]
    assert merge([(t[3], t[5]), (t[1], t[3]), (t[7], t[7])]) == [(t[1], t[5])]
    assert subtract([(t[1], t[8])], [(t[2], t[3]), (t[5], t[9])]) == [(t[1], t[2]), (t[3], t[5])]


# ------------------------------------------------------------------------ properties

quarter_hours = st.integers(min_value=6 * 4, max_value=22 * 4).map(
    lambda q: time(q // 4, (q % 4) * 15)
)


@st.composite
def weekly_ranges(draw: st.DrawFn) -> list[WeeklyRange]:
    found = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        a, b = sorted(draw(st.lists(quarter_hours, min_size=2, max_size=2, unique=True)))
        found.append(WeeklyRange(draw(st.integers(min_value=0, max_value=6)), a, b))
    return found


days_around_changes = st.sampled_from(
    [SPRING, AUTUMN, date(2026, 7, 1), date(2026, 12, 31)]
).flatmap(lambda d: st.integers(min_value=-3, max_value=1).map(lambda k: d + timedelta(days=k)))


@st.composite
def exceptions_near(draw: st.DrawFn, first: date) -> tuple[AvailabilityException, ...]:
    found = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        start = datetime.combine(first, time()) + timedelta(
            minutes=15 * draw(st.integers(min_value=0, max_value=4 * 24 * 4))
        )
        length = timedelta(minutes=15 * draw(st.integers(min_value=1, max_value=40)))
        found.append(AvailabilityException(start, start + length, draw(st.booleans())))
    return tuple(found)


@st.composite
def busy_near(draw: st.DrawFn, first: date) -> tuple[tuple[datetime, datetime], ...]:
    base = datetime.combine(first, time(), UTC)
    found = []
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        start = base + timedelta(minutes=5 * draw(st.integers(min_value=0, max_value=12 * 24 * 4)))
        found.append((start, start + timedelta(minutes=5 * draw(st.integers(1, 36)))))
    return tuple(found)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), weekly=weekly_ranges(), first=days_around_changes)
def test_slots_stay_in_hours_off_exceptions_and_clear_of_bookings(
    data: st.DataObject, weekly: list[WeeklyRange], first: date
) -> None:
    last = first + timedelta(days=3)
    exceptions = data.draw(exceptions_near(first))
    busy = data.draw(busy_near(first))
    duration = data.draw(st.sampled_from([15, 30, 45, 60, 90]))
    buffer = data.draw(st.sampled_from([0, 5, 15]))
    step = data.draw(st.sampled_from([10, 15, 30]))
    found = slots(
        weekly,
        first,
        last,
        exceptions=exceptions,
        busy=busy,
        duration=duration,
        buffer=buffer,
        step=step,
    )
    length = timedelta(minutes=duration)
    held = length + timedelta(minutes=buffer)
    assert found == sorted(set(found))
    for start in found:
        end = start + length
        begins, ends = start.astimezone(LISBON), end.astimezone(LISBON)
        assert first <= begins.date() <= last
        # The wall clock: the hours here (06:00-22:00) never meet a clock change, so a slot
        # lies inside a weekly range of its day or inside extra hours, and it takes as long
        # in real time as the service lasts.
        in_range = any(
            r.weekday == begins.weekday()
            and begins.date() == ends.date()
            and r.start <= begins.time()
            and ends.time() <= r.end
            for r in weekly
        )
        # Extra hours are read as the module says: a local time the clocks skip in spring
        # with the offset before the change (so "until 01:15" that night ends at 02:15).
        in_extra = any(
            e.available and to_utc(e.start, LISBON) <= start and end <= to_utc(e.end, LISBON)
            for e in exceptions
        )
        in_merged = in_range or in_extra or _inside_union(weekly, exceptions, start, end)
        assert in_merged
        # Never inside time off.
        for e in exceptions:
            if not e.available:
                off_start = e.start.replace(tzinfo=LISBON).astimezone(UTC)
                off_end = e.end.replace(tzinfo=LISBON).astimezone(UTC)
                assert end <= off_start or start >= off_end
        # Never over a booking plus buffers.
        for busy_start, busy_end in busy:
            assert start + held <= busy_start or start >= busy_end


def _inside_union(
    weekly: list[WeeklyRange],
    exceptions: tuple[AvailabilityException, ...],
    start: datetime,
    end: datetime,
) -> bool:
    """Whether ``[start, end)`` lies in the union of touching weekly ranges and extra hours
    (a slot may span two ranges that meet), checked minute by minute."""
    moment = start
    while moment < end:
        local = moment.astimezone(LISBON)
        if not (
            any(r.weekday == local.weekday() and r.start <= local.time() < r.end for r in weekly)
            or any(
                e.available and to_utc(e.start, LISBON) <= moment < to_utc(e.end, LISBON)
                for e in exceptions
            )
        ):
            return False
        moment += timedelta(minutes=5)
    return True


def test_four_weeks_of_slots_with_500_bookings_take_under_50_ms() -> None:
    first = date(2026, 3, 16)  # across the spring change
    weekly = [WeeklyRange(d, time(8), time(13)) for d in range(6)] + [
        WeeklyRange(d, time(14), time(20)) for d in range(6)
    ]
    base = datetime(2026, 3, 16, 8, tzinfo=UTC)
    busy = tuple(
        (base + timedelta(minutes=67 * i), base + timedelta(minutes=67 * i + 40))
        for i in range(500)
    )
    started = clock_time.perf_counter()
    found = slots(weekly, first, first + timedelta(days=27), busy=busy, step=15)
    took = clock_time.perf_counter() - started
    assert found
    assert took < 0.05 * 4  # four times the goal: shared test machines are slower
