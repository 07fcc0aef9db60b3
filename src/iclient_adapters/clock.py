"""Clocks and id generators."""

from __future__ import annotations

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
    """Random UUID4 ids, as 32 hex characters."""

    def new_id(self) -> str:
        """A new random id."""
        return uuid.uuid4().hex
