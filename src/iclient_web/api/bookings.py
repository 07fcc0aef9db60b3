"""The API's bookings, read only: a filtered list paged by cursor, and one booking. Each
calls the core's reads acting as the key's owner (staff who manage clients)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from iclient_core.bookings import BookingFilter, BookingStatus, booking_record, find_bookings
from iclient_core.integrations import Scope
from iclient_web.api.http import caller, json_answer, read_query
from iclient_web.api.schemas import Booking, BookingList, BookingQuery
from iclient_web.api.spec import operation
from iclient_web.deps import services

TAG = "bookings"


@operation(
    "GET",
    "/bookings",
    summary="Find bookings",
    scope=Scope.BOOKINGS_READ,
    tag=TAG,
    query=BookingQuery,
    responses={200: BookingList},
)
def list_bookings() -> Response:
    """Bookings starting on the days ``from`` to ``to`` (the business's local days, both
    included; today and the next 30 days by default, at most 366 days), cancelled ones
    included unless ``status`` says otherwise, by start, one page; ``next_cursor`` leads on.
    A day range that is backwards or too long is refused (``invalid_input``: ``to``)."""
    query = read_query(BookingQuery)
    assert isinstance(query, BookingQuery)
    found = find_bookings(
        services=services(),
        actor=caller().account,
        where=BookingFilter(
            first_day=query.from_,
            last_day=query.to,
            staff_id=query.staff_id or None,
            client_id=query.client_id or None,
            status=BookingStatus(query.status) if query.status else None,
        ),
        cursor=query.cursor,
        size=query.limit,
    )
    zone = found.rules.time_zone
    return json_answer(
        BookingList(
            items=[
                Booking.of(b, found.services.get(b.service_id), zone) for b in found.window.items
            ],
            next_cursor=found.window.next_cursor,
            previous_cursor=found.window.previous_cursor,
        )
    )


@operation(
    "GET",
    "/bookings/{booking_id}",
    summary="Read a booking",
    scope=Scope.BOOKINGS_READ,
    tag=TAG,
    responses={200: Booking},
)
def read_booking(booking_id: str) -> Response:
    """One booking, whatever its status, with its service."""
    record = booking_record(services=services(), actor=caller().account, booking_id=booking_id)
    return json_answer(Booking.of(record.booking, record.service, record.rules.time_zone))
