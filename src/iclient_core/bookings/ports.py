"""The port of bookings: services, availability, rules and bookings, stored together."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from iclient_core.bookings.model import Availability, Booking, BookingRules, Service


class BookingRepository(Protocol):
    """Stores the bookable services, staff availability, the rules and the bookings.

    The store itself guarantees that no two bookings that are not cancelled hold the same
    staff member at the same time (``start`` to ``blocked_until``), even when two
    transactions confirm at the same instant: the second raises ``SlotTaken``.
    """

    def add_service(self, service: Service) -> None:
        """Store a new service.

        Raises:
            AlreadyExists: the id is taken.
        """

    def get_service(self, service_id: str) -> Service | None:
        """The service, or None."""

    def services(self) -> Sequence[Service]:
        """Every service, by Portuguese name."""

    def save_service(self, service: Service) -> None:
        """Write back a service changed since it was read, and bump its ``version``.

        Raises:
            ConcurrentUpdate: it changed since it was read.
        """

    def availability(self, staff_id: str) -> Availability:
        """A staff member's hours (empty, version 0, when never set)."""

    def save_availability(self, availability: Availability) -> None:
        """Write a staff member's hours and bump ``version``.

        Raises:
            ConcurrentUpdate: they changed since they were read.
        """

    def rules(self) -> BookingRules:
        """The booking rules (the defaults when never set)."""

    def save_rules(self, rules: BookingRules) -> None:
        """Replace the booking rules."""

    def add_booking(self, booking: Booking) -> None:
        """Store a new booking.

        Raises:
            SlotTaken: another booking that is not cancelled holds the staff member for part
                of ``start`` to ``blocked_until`` (here or at commit).
        """

    def get_booking(self, booking_id: str) -> Booking | None:
        """The booking, or None."""

    def save_booking(self, booking: Booking) -> None:
        """Write back a booking (moved, cancelled, marked) and bump its ``version``.

        Raises:
            ConcurrentUpdate: it changed since it was read.
            SlotTaken: its new time overlaps another booking of the staff member.
        """

    def bookings_between(
        self,
        start: datetime,
        end: datetime,
        *,
        staff_id: str | None = None,
        include_cancelled: bool = False,
    ) -> Sequence[Booking]:
        """Bookings holding any time in ``[start, end)`` (to ``blocked_until``), by start; of
        one staff member or all (one query)."""

    def held_between(
        self, start: datetime, end: datetime, *, staff_ids: Collection[str]
    ) -> Sequence[tuple[str, datetime, datetime]]:
        """``(staff_id, start, blocked_until)`` of every booking that is not cancelled and
        holds any time in ``[start, end)``, of the given staff members: what slot generation
        needs, and only that (one query)."""

    def bookings_of_account(self, account_id: str) -> Sequence[Booking]:
        """A client's bookings, newest start first."""

    def due_reminders(self, start: datetime, end: datetime) -> Sequence[Booking]:
        """Confirmed bookings starting in ``[start, end)`` whose reminder was not sent."""

    def delete_bookings_of_account(self, account_id: str) -> int:
        """Remove a client's bookings (when their personal data is erased); how many."""
