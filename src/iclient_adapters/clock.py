"""Clocks and id generators."""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import attrs


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        return datetime.now(UTC)


@attrs.define
class FrozenClock:
    """A clock that only moves when told to; for tests and simulations."""

    current: datetime = attrs.field(factory=lambda: datetime(2026, 1, 5, 9, 0, tzinfo=UTC))

    def now(self) -> datetime:
        """The clock's current time."""
        return self.current

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by ``delta``."""
        self.current += delta


class UuidIds:
    """Time-ordered random ids in the UUIDv7 layout, as 32 hex characters.

    48 bits of Unix milliseconds, a 12-bit counter for ids made within one millisecond, and
    62 random bits: unguessable, and in the order they were made, so records written in the
    same instant (audit entries, consent records) still list in the order they happened.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = (0, 0)

    def new_id(self) -> str:
        """A new id, greater than every id this generator made before."""
        with self._lock:
            millis = time.time_ns() // 1_000_000
            last_millis, counter = self._last
            if millis <= last_millis:
                millis, counter = last_millis, counter + 1
                if counter > 0xFFF:  # 4096 ids in one millisecond: borrow the next one
                    millis, counter = millis + 1, 0
            else:
                counter = 0
            self._last = (millis, counter)
        value = (millis & (2**48 - 1)) << 80 | 0x7 << 76 | counter << 64
        value |= 0b10 << 62 | secrets.randbits(62)
        return uuid.UUID(int=value).hex
