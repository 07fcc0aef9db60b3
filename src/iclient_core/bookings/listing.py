"""Reading bookings for staff's programs: a filtered list paged by cursor, and one booking
with its service (the API's reads; the staff area's calendar is :func:`.booking.calendar`).

The list covers a window of local days (at most :data:`MAX_DAYS`), so what one request
reads is bounded by the business's calendar, not by its whole history.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import Permission, require
from iclient_core.bookings.booking import local, zone_of
from iclient_core.bookings.model import Booking, BookingRules, BookingStatus, Service
from iclient_core.shared.errors import FieldError, InvalidInput, NotFound
from iclient_core.shared.paging import Position, Window, keyset_window

if TYPE_CHECKING:
    from iclient_core.services import Services

DEFAULT_DAYS = 31
"""The days a list covers from its first day when no last day is given."""

MAX_DAYS = 366
"""The most days one list may cover."""

PAGE_SIZE = 25

FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(9998, 12, 31)
"""The days a list may name (beyond them a day is refused, not turned into a moment that
does not exist)."""


@attrs.frozen
class BookingFilter:
    """Which bookings a list holds; None means any.

    Attributes:
        first_day: the first local day (the business's today by default).
        last_day: the last local day, included (``first_day`` + :data:`DEFAULT_DAYS` - 1
            by default).
        staff_id: only this staff member's.
        client_id: only this client's.
        status: only bookings in this status.
    """

    first_day: date | None = None
    last_day: date | None = None
    staff_id: str | None = None
    client_id: str | None = None
    status: BookingStatus | None = None


@attrs.frozen
class FoundBookings:
    """One page of bookings, by start, with the services they are of and the rules (whose
    time zone the days were read in)."""

    window: Window[Booking]
    services: Mapping[str, Service]
    rules: BookingRules


@attrs.frozen
class BookingRecord:
    """One booking with its service (None if the service is gone) and the rules."""

    booking: Booking
    service: Service | None
    rules: BookingRules


def position_of(booking: Booking) -> Position:
    """A booking's place in a list by start (its id breaks ties)."""
    return Position(created_at=booking.start, id=booking.id)


def _days(where: BookingFilter, today: date) -> tuple[date, date]:
    errors: list[FieldError] = []
    for field, day in (("from", where.first_day), ("to", where.last_day)):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            errors.append(FieldError(field, "out_of_range"))
    if errors:
        raise InvalidInput(errors)
    first = where.first_day or today
    last = where.last_day or first + timedelta(days=DEFAULT_DAYS - 1)
    if last < first:
        errors.append(FieldError("to", "before_from"))
    elif (last - first).days + 1 > MAX_DAYS:
        errors.append(FieldError("to", "range_too_long"))
    if errors:
        raise InvalidInput(errors)
    return first, last


def _page(
    bookings: Sequence[Booking], *, after: Position | None, before: Position | None, limit: int
) -> Sequence[Booking]:
    ordered = sorted(bookings, key=position_of)
    if before is not None:
        return [b for b in ordered if position_of(b) < before][-limit:]
    if after is not None:
        ordered = [b for b in ordered if position_of(b) > after]
    return ordered[:limit]


def find_bookings(
    *,
    services: Services,
    actor: Account,
    where: BookingFilter | None = None,
    cursor: str | None = None,
    size: int = PAGE_SIZE,
) -> FoundBookings:
    """Bookings starting on the filter's local days (cancelled ones included unless a status
    is chosen), by start, one page; ``cursor`` comes from a page's ``next_cursor`` or
    ``previous_cursor`` (anything unreadable gives the first page).

    Raises:
        PermissionDenied: the actor is not staff who manage clients.
        InvalidInput: a day is before :data:`FIRST_DAY` or after :data:`LAST_DAY`
            (``from:out_of_range``, ``to:out_of_range``), the last day is before the first
            (``to:before_from``), or the days are more than :data:`MAX_DAYS`
            (``to:range_too_long``).
    """
    where = where or BookingFilter()
    with services.uow() as uow:
        require(uow, actor, Permission.CLIENTS_MANAGE)
        rules = uow.bookings.rules()
        zone = zone_of(rules)
        first, last = _days(where, local(services.clock.now(), rules).date())
        start = datetime.combine(first, time(), zone).astimezone(UTC)
        end = datetime.combine(last + timedelta(days=1), time(), zone).astimezone(UTC)
        if where.client_id:
            held: Sequence[Booking] = uow.bookings.bookings_of_account(where.client_id)
        else:
            held = uow.bookings.bookings_between(
                start, end, staff_id=where.staff_id or None, include_cancelled=True
            )
        by_id = {s.id: s for s in uow.bookings.services()}
    matching = [
        b
        for b in held
        if start <= b.start < end
        and (not where.staff_id or b.staff_id == where.staff_id)
        and (not where.client_id or b.account_id == where.client_id)
        and (where.status is None or b.status is where.status)
    ]

    def fetch(*, after: Position | None, before: Position | None, limit: int) -> list[Booking]:
        return list(_page(matching, after=after, before=before, limit=limit))

    window = keyset_window(fetch, cursor=cursor, size=size, position=position_of)
    return FoundBookings(window=window, services=by_id, rules=rules)


def booking_record(*, services: Services, actor: Account, booking_id: str) -> BookingRecord:
    """One booking with its service, for staff.

    Raises:
        PermissionDenied: the actor is not staff who manage clients.
        NotFound: no such booking.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.CLIENTS_MANAGE)
        found = uow.bookings.get_booking(booking_id)
        service = uow.bookings.get_service(found.service_id) if found is not None else None
        rules = uow.bookings.rules()
    if found is None:
        raise NotFound("booking")
    return BookingRecord(booking=found, service=service, rules=rules)
