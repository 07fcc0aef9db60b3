"""The bookings repository of the in-memory store (see ``iclient_adapters.memory``)."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from iclient_adapters.memory.state import MemoryState
from iclient_core.bookings.model import (
    Availability,
    Booking,
    BookingRules,
    BookingStatus,
    Service,
    SlotTaken,
)
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate


def first_overlap(bookings: Iterable[Booking]) -> Booking | None:
    """A booking that is not cancelled and overlaps another of the same staff member, or
    None (what PostgreSQL's exclusion constraint refuses)."""
    by_staff: dict[str, list[Booking]] = {}
    for booking in bookings:
        if booking.active:
            by_staff.setdefault(booking.staff_id, []).append(booking)
    for held in by_staff.values():
        held.sort(key=lambda b: b.start)
        for before, after in itertools.pairwise(held):
            if after.start < before.blocked_until:
                return after
    return None


def _overlaps(booking: Booking, others: Iterable[Booking]) -> bool:
    return any(
        other.id != booking.id
        and other.active
        and other.staff_id == booking.staff_id
        and other.start < booking.blocked_until
        and booking.start < other.blocked_until
        for other in others
    )


class MemoryBookingRepository:
    """Services, hours, rules and bookings in dicts; overlaps refused like the database."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add_service(self, service: Service) -> None:
        """Store a new service."""
        if service.id in self._state.booking_services:
            raise AlreadyExists(service.id)
        self._state.booking_services[service.id] = copy.deepcopy(service)

    def get_service(self, service_id: str) -> Service | None:
        """The service, or None."""
        found = self._state.booking_services.get(service_id)
        return copy.deepcopy(found) if found is not None else None

    def services(self) -> Sequence[Service]:
        """Every service, by Portuguese name."""
        return [
            copy.deepcopy(s)
            for s in sorted(
                self._state.booking_services.values(), key=lambda s: (s.name_pt.lower(), s.id)
            )
        ]

    def save_service(self, service: Service) -> None:
        """Write back a service, checking its version."""
        stored = self._state.booking_services.get(service.id)
        if stored is None or stored.version != service.version:
            raise ConcurrentUpdate(service.id)
        service.version += 1
        self._state.booking_services[service.id] = copy.deepcopy(service)

    def availability(self, staff_id: str) -> Availability:
        """A staff member's hours (empty when never set)."""
        found = self._state.booking_availability.get(staff_id)
        return copy.deepcopy(found) if found is not None else Availability(staff_id=staff_id)

    def save_availability(self, availability: Availability) -> None:
        """Write a staff member's hours, checking their version."""
        stored = self._state.booking_availability.get(availability.staff_id)
        if (stored.version if stored is not None else 0) != availability.version:
            raise ConcurrentUpdate(availability.staff_id)
        availability.version += 1
        self._state.booking_availability[availability.staff_id] = copy.deepcopy(availability)

    def rules(self) -> BookingRules:
        """The booking rules (defaults when never set)."""
        return self._state.booking_rules.get("rules", BookingRules())

    def save_rules(self, rules: BookingRules) -> None:
        """Replace the booking rules."""
        self._state.booking_rules["rules"] = rules

    def add_booking(self, booking: Booking) -> None:
        """Store a new booking, refusing an overlap."""
        if booking.id in self._state.bookings:
            raise AlreadyExists(booking.id)
        if booking.active and _overlaps(booking, self._state.bookings.values()):
            raise SlotTaken()
        self._state.bookings[booking.id] = copy.deepcopy(booking)

    def get_booking(self, booking_id: str) -> Booking | None:
        """The booking, or None."""
        found = self._state.bookings.get(booking_id)
        return copy.deepcopy(found) if found is not None else None

    def save_booking(self, booking: Booking) -> None:
        """Write back a booking, checking its version and refusing an overlap."""
        stored = self._state.bookings.get(booking.id)
        if stored is None or stored.version != booking.version:
            raise ConcurrentUpdate(booking.id)
        if booking.active and _overlaps(booking, self._state.bookings.values()):
            raise SlotTaken()
        booking.version += 1
        self._state.bookings[booking.id] = copy.deepcopy(booking)

    def bookings_between(
        self,
        start: datetime,
        end: datetime,
        *,
        staff_id: str | None = None,
        include_cancelled: bool = False,
    ) -> Sequence[Booking]:
        """Bookings holding time in ``[start, end)``, by start."""
        found = [
            b
            for b in self._state.bookings.values()
            if b.start < end
            and b.blocked_until > start
            and (staff_id is None or b.staff_id == staff_id)
            and (include_cancelled or b.active)
        ]
        return [copy.deepcopy(b) for b in sorted(found, key=lambda b: (b.start, b.id))]

    def held_between(
        self, start: datetime, end: datetime, *, staff_ids: Collection[str]
    ) -> Sequence[tuple[str, datetime, datetime]]:
        """What not cancelled bookings of ``staff_ids`` hold in ``[start, end)``."""
        wanted = set(staff_ids)
        return sorted(
            (b.staff_id, b.start, b.blocked_until)
            for b in self._state.bookings.values()
            if b.active and b.staff_id in wanted and b.start < end and b.blocked_until > start
        )

    def bookings_of_account(self, account_id: str) -> Sequence[Booking]:
        """A client's bookings, newest start first."""
        found = [b for b in self._state.bookings.values() if b.account_id == account_id]
        return [
            copy.deepcopy(b) for b in sorted(found, key=lambda b: (b.start, b.id), reverse=True)
        ]

    def due_reminders(self, start: datetime, end: datetime) -> Sequence[Booking]:
        """Confirmed bookings starting in ``[start, end)`` without a reminder."""
        found = [
            b
            for b in self._state.bookings.values()
            if b.status is BookingStatus.CONFIRMED
            and b.reminder_sent_at is None
            and start <= b.start < end
        ]
        return [copy.deepcopy(b) for b in sorted(found, key=lambda b: (b.start, b.id))]

    def delete_bookings_of_account(self, account_id: str) -> int:
        """Remove a client's bookings."""
        gone = [k for k, b in self._state.bookings.items() if b.account_id == account_id]
        for key in gone:
            del self._state.bookings[key]
        return len(gone)
