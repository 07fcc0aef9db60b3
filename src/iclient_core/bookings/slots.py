"""Free start times, computed from weekly hours, exceptions, the rules and existing bookings.

Pure functions of their arguments (no port, no clock): local times are turned into UTC with
:mod:`zoneinfo`, so a day on which the clocks change has one hour more or less of real time
and every offered time keeps its wall-clock meaning. A local time that does not exist (the
hour skipped in spring) is read with the offset before the change; an ambiguous one (the hour
repeated in autumn) as its first occurrence.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from iclient_core.bookings.model import AvailabilityException, WeeklyRange

Interval = tuple[datetime, datetime]
"""A half-open span of time ``[start, end)`` in UTC."""


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a naive local time in ``zone`` (first occurrence when ambiguous)."""
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, with overlapping or touching intervals joined; empty ones dropped."""
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def subtract(intervals: Sequence[Interval], holes: Sequence[Interval]) -> list[Interval]:
    """``intervals`` (merged) without any part of ``holes`` (merged)."""
    result: list[Interval] = []
    for start, end in intervals:
        cursor = start
        for hole_start, hole_end in holes:
            if hole_end <= cursor or hole_start >= end:
                continue
            if hole_start > cursor:
                result.append((cursor, hole_start))
            cursor = max(cursor, hole_end)
            if cursor >= end:
                break
        if cursor < end:
            result.append((cursor, end))
    return result


def working_intervals(
    weekly: Iterable[WeeklyRange],
    exceptions: Iterable[AvailabilityException],
    zone: ZoneInfo,
    first_day: date,
    last_day: date,
) -> list[Interval]:
    """When a staff member works from ``first_day`` to ``last_day`` (local dates, inclusive),
    in UTC: the weekly ranges of each day plus extra hours, less time off."""
    by_weekday: dict[int, list[WeeklyRange]] = {}
    for weekly_range in weekly:
        by_weekday.setdefault(weekly_range.weekday, []).append(weekly_range)
    spans: list[Interval] = []
    day = first_day
    while day <= last_day:
        for weekly_range in by_weekday.get(day.weekday(), ()):
            if weekly_range.start < weekly_range.end:
                spans.append(
                    (
                        to_utc(datetime.combine(day, weekly_range.start), zone),
                        to_utc(datetime.combine(day, weekly_range.end), zone),
                    )
                )
        day += timedelta(days=1)
    off: list[Interval] = []
    for exception in exceptions:
        span = (to_utc(exception.start, zone), to_utc(exception.end, zone))
        (spans if exception.available else off).append(span)
    window = (
        to_utc(datetime.combine(first_day, time()), zone),
        to_utc(datetime.combine(last_day + timedelta(days=1), time()), zone),
    )
    clipped = [(max(a, window[0]), min(b, window[1])) for a, b in spans]
    return subtract(merge(clipped), merge(off))


def free_starts(
    *,
    intervals: Sequence[Interval],
    busy: Iterable[Interval],
    duration: timedelta,
    buffer: timedelta,
    step: timedelta,
    earliest: datetime,
    latest: datetime,
) -> list[datetime]:
    """Every start ``s`` (UTC, ascending) such that ``[s, s + duration)`` lies inside one of
    ``intervals``, ``[s, s + duration + buffer)`` meets none of ``busy`` (existing bookings
    with their own buffers), and ``earliest <= s < latest``.

    Starts are spaced by ``step`` from the beginning of each working interval.
    """
    if duration <= timedelta(0) or step <= timedelta(0):
        return []
    blocks = sorted(b for b in busy if b[0] < b[1])
    block_starts = [b[0] for b in blocks]
    reach: list[datetime] = []  # reach[i]: the latest end among blocks[0..i]
    for _, block_end in blocks:
        reach.append(block_end if not reach or block_end > reach[-1] else reach[-1])
    held = duration + buffer
    found: list[datetime] = []
    for start, end in intervals:
        if end <= earliest or start >= latest:
            continue
        candidate = start
        if candidate < earliest:
            skipped = -((start - earliest) // step)  # ceil((earliest - start) / step)
            candidate = start + skipped * step
        while candidate + duration <= end and candidate < latest:
            # A block overlaps [candidate, candidate + held) when it starts before the end
            # and ends after the candidate: the latest end of those starting before tells.
            index = bisect.bisect_left(block_starts, candidate + held)
            if index and reach[index - 1] > candidate:
                candidate += step
                continue
            found.append(candidate)
            candidate += step
    return found
