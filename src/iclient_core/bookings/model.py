"""Bookings: the services clients book, staff availability, the rules, and the bookings."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime, time, timedelta

import attrs

from iclient_core.shared.errors import DomainError

DEFAULT_TIME_ZONE = "Europe/Lisbon"
"""The business's time zone unless an admin chooses another."""


class Audience(enum.StrEnum):
    """Who may book a service."""

    EVERYONE = "everyone"  # visitors and signed-in clients
    CLIENTS = "clients"  # signed-in clients only


class BookingStatus(enum.StrEnum):
    """Where a booking stands."""

    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class SlotTaken(DomainError):
    """The chosen time was just taken (or is no longer free).

    Attributes:
        next_slots: the next free start times of the same service (UTC), for the answer.
    """

    code = "slot_taken"

    def __init__(self, next_slots: Sequence[datetime] = ()) -> None:
        super().__init__("that time was just taken")
        self.next_slots = tuple(next_slots)


class TooLate(DomainError):
    """The booking can no longer be cancelled or moved by the client (the deadline passed)."""

    code = "booking_too_late"


@attrs.define
class Service:
    """Something clients book: a consultation, a repair visit, a meeting.

    Attributes:
        name_pt: the name in Portuguese.
        name_en: the name in English.
        description: what it is (Markdown, shown on the booking page).
        duration_minutes: how long it lasts.
        price_cents: the price in cents (euros), or None when not shown.
        buffer_minutes: kept free after each booking (travel, cleaning, notes).
        audience: who may book it.
        staff_ids: the staff members who perform it.
        active: whether it can be booked.
        version: bumped at every save (optimistic locking).
    """

    id: str
    name_pt: str
    name_en: str
    description: str
    duration_minutes: int
    price_cents: int | None
    buffer_minutes: int
    audience: Audience
    staff_ids: tuple[str, ...]
    active: bool
    created_at: datetime
    updated_at: datetime
    version: int = 1

    def name(self, language: str) -> str:
        """The name in ``language`` (English for any language but Portuguese)."""
        return self.name_pt if language == "pt" else self.name_en

    @property
    def duration(self) -> timedelta:
        """How long one booking lasts."""
        return timedelta(minutes=self.duration_minutes)

    @property
    def buffer(self) -> timedelta:
        """What is kept free after each booking."""
        return timedelta(minutes=self.buffer_minutes)


@attrs.frozen(order=True)
class WeeklyRange:
    """Working hours on one weekday, in the business's local time.

    Attributes:
        weekday: 0 for Monday to 6 for Sunday.
        start: when the range begins.
        end: when it ends (after ``start``, the same day).
    """

    weekday: int
    start: time
    end: time


@attrs.frozen(order=True)
class AvailabilityException:
    """A change to the weekly hours: a holiday or time off, or extra hours.

    Attributes:
        start: when it begins, in the business's local time (naive).
        end: when it ends, local and naive, after ``start``.
        available: True for extra hours, False for time off.
        note: what it is ("Christmas", "Training").
    """

    start: datetime
    end: datetime
    available: bool
    note: str = ""


@attrs.define
class Availability:
    """One staff member's weekly hours and exceptions.

    Attributes:
        weekly: several ranges a day are allowed, in any order.
        exceptions: time off and extra hours.
        version: bumped at every save.
    """

    staff_id: str
    weekly: tuple[WeeklyRange, ...] = ()
    exceptions: tuple[AvailabilityException, ...] = ()
    version: int = 0


@attrs.frozen
class BookingRules:
    """The business's booking rules.

    Attributes:
        time_zone: an IANA zone name; every local time is in it.
        min_notice_minutes: how soon a booking may start, from now.
        horizon_days: how far ahead people may book.
        cancel_hours: until how many hours before the start a client may cancel or move.
        step_minutes: the spacing of offered start times.
    """

    time_zone: str = DEFAULT_TIME_ZONE
    min_notice_minutes: int = 120
    horizon_days: int = 28
    cancel_hours: int = 24
    step_minutes: int = 30


@attrs.define
class Booking:
    """One booked appointment, stored in UTC.

    Attributes:
        start: when it begins (aware, UTC).
        end: when it ends (``start`` plus the service's duration).
        blocked_until: ``end`` plus the service's buffer: the staff member is busy until then.
        name: the person's name; ``email`` and ``phone`` how to reach them.
        language: the language of their e-mails.
        account_id: the client's account, or None for a visitor.
        contact_consent_at: when they agreed to be contacted.
        booked_by: the staff member who booked on the client's behalf, if any.
        moves: how many times it was moved.
        reminder_sent_at: when the day-before reminder was queued.
    """

    id: str
    service_id: str
    staff_id: str
    start: datetime
    end: datetime
    blocked_until: datetime
    status: BookingStatus
    name: str
    email: str
    phone: str
    language: str
    account_id: str | None
    contact_consent_at: datetime
    booked_by: str | None
    created_at: datetime
    updated_at: datetime
    moves: int = 0
    reminder_sent_at: datetime | None = None
    cancelled_at: datetime | None = None
    version: int = 1

    @classmethod
    def confirm(
        cls,
        *,
        id: str,
        service: Service,
        staff_id: str,
        start: datetime,
        name: str,
        email: str,
        phone: str,
        language: str,
        account_id: str | None,
        booked_by: str | None,
        now: datetime,
    ) -> Booking:
        """A new confirmed booking of ``service`` with ``staff_id`` at ``start``."""
        end = start + service.duration
        return cls(
            id=id,
            service_id=service.id,
            staff_id=staff_id,
            start=start,
            end=end,
            blocked_until=end + service.buffer,
            status=BookingStatus.CONFIRMED,
            name=name,
            email=email,
            phone=phone,
            language=language,
            account_id=account_id,
            contact_consent_at=now,
            booked_by=booked_by,
            created_at=now,
            updated_at=now,
        )

    @property
    def active(self) -> bool:
        """Whether it still holds its time (not cancelled)."""
        return self.status is not BookingStatus.CANCELLED

    def move_to(self, start: datetime, service: Service, now: datetime) -> None:
        """Move it to ``start``, keeping its length and buffer."""
        self.start = start
        self.end = start + service.duration
        self.blocked_until = self.end + service.buffer
        self.moves += 1
        self.reminder_sent_at = None
        self.updated_at = now

    def cancel(self, now: datetime) -> None:
        """Free its time."""
        self.status = BookingStatus.CANCELLED
        self.cancelled_at = now
        self.updated_at = now
