"""Staff's programs read bookings through the core (``find_bookings``, ``booking_record``):
pages by start, found by cursor both ways, with no booking lost or repeated whatever the
page size and however many start at the same instant; the days and who may read them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iclient_adapters.clock import FrozenClock
from iclient_adapters.testing import make_services
from iclient_core.accounts.model import Account, Role
from iclient_core.bookings import (
    BookingFilter,
    BookingStatus,
    booking_record,
    find_bookings,
)
from iclient_core.bookings.model import Booking
from iclient_core.services import Services
from iclient_core.shared.errors import InvalidInput, NotFound, PermissionDenied
from tests.unit.helpers import active_client
from tests.unit.staff_helpers import staff_member

MONDAY = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # the frozen clock's now


def stored(services: Services, n: int, start: datetime, status: BookingStatus) -> Booking:
    """A booking written straight to the store (each with a staff member of its own, so
    that any two may share an instant)."""
    booking = Booking(
        id=services.ids.new_id(),
        service_id="service",
        staff_id=f"staff-{n}",
        start=start,
        end=start + timedelta(minutes=30),
        blocked_until=start + timedelta(minutes=30),
        status=status,
        name="Ana Silva",
        email="ana@example.pt",
        phone="",
        language="pt",
        account_id="client-a" if n % 2 else "client-b",
        contact_consent_at=MONDAY,
        booked_by=None,
        created_at=MONDAY,
        updated_at=MONDAY,
    )
    with services.uow() as uow:
        uow.bookings.add_booking(booking)
        uow.commit()
    return booking


def walk(services: Services, actor: Account, where: BookingFilter, size: int) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor = None
    for _ in range(100):  # a cursor that never ends fails rather than hangs
        found = find_bookings(services=services, actor=actor, where=where, cursor=cursor, size=size)
        pages.append([b.id for b in found.window.items])
        if found.window.next_cursor is None:
            return pages
        cursor = found.window.next_cursor
    raise AssertionError("the pages never end")


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    hours=st.lists(st.integers(min_value=0, max_value=24 * 40), min_size=0, max_size=14),
    cancelled=st.sets(st.integers(min_value=0, max_value=13)),
    size=st.integers(min_value=1, max_value=5),
)
def test_walking_the_pages_both_ways_gives_every_booking_once_by_start(
    hours: list[int], cancelled: set[int], size: int
) -> None:
    services = make_services(clock=FrozenClock())
    admin = staff_member(services)
    made = [
        stored(
            services,
            n,
            MONDAY + timedelta(hours=h),
            BookingStatus.CANCELLED if n in cancelled else BookingStatus.CONFIRMED,
        )
        for n, h in enumerate(hours)
    ]
    where = BookingFilter(first_day=date(2026, 1, 1), last_day=date(2026, 3, 31))
    pages = walk(services, admin, where, size)
    expected = [b.id for b in sorted(made, key=lambda b: (b.start, b.id))]
    assert [i for page in pages for i in page] == expected
    assert all(len(page) == size for page in pages[:-1])
    # Back from the last page, by each page's previous cursor: the same pages again.
    cursor = None
    for page in pages[:-1]:
        found = find_bookings(services=services, actor=admin, where=where, cursor=cursor, size=size)
        assert [b.id for b in found.window.items] == page
        cursor = found.window.next_cursor
    found = find_bookings(services=services, actor=admin, where=where, cursor=cursor, size=size)
    back = [[b.id for b in found.window.items]]
    while found.window.previous_cursor is not None:
        found = find_bookings(
            services=services,
            actor=admin,
            where=where,
            cursor=found.window.previous_cursor,
            size=size,
        )
        back.insert(0, [b.id for b in found.window.items])
    assert back == pages
    confirmed = BookingFilter(
        first_day=where.first_day, last_day=where.last_day, status=BookingStatus.CONFIRMED
    )
    assert [i for page in walk(services, admin, confirmed, size) for i in page] == [
        i
        for i, b in zip(expected, sorted(made, key=lambda b: (b.start, b.id)), strict=True)
        if b.status is BookingStatus.CONFIRMED
    ]


@pytest.fixture
def services(clock: FrozenClock) -> Services:
    return make_services(clock=clock)


def test_the_list_covers_today_and_the_next_thirty_days_by_default(services: Services) -> None:
    admin = staff_member(services)
    inside = stored(services, 1, MONDAY + timedelta(days=30, hours=14), BookingStatus.CONFIRMED)
    stored(services, 2, MONDAY + timedelta(days=31), BookingStatus.CONFIRMED)
    stored(services, 3, MONDAY - timedelta(hours=1), BookingStatus.CONFIRMED)  # 08:00 today
    found = find_bookings(services=services, actor=admin)
    assert [b.start.date() for b in found.window.items] == [date(2026, 1, 5), date(2026, 2, 4)]
    assert found.window.items[-1].id == inside.id
    later = BookingFilter(client_id="client-b", last_day=date(2026, 2, 28))
    assert (
        find_bookings(
            services=services, actor=admin, where=BookingFilter(client_id="client-b")
        ).window.items
        == ()
    )
    of_b = find_bookings(services=services, actor=admin, where=later).window.items
    assert [(b.account_id, b.start.date()) for b in of_b] == [("client-b", date(2026, 2, 5))]


@pytest.mark.parametrize(
    ("first", "last", "field", "code"),
    [
        (date(2026, 2, 1), date(2026, 1, 31), "to", "before_from"),
        (date(2026, 1, 1), date(2027, 1, 2), "to", "range_too_long"),
        (date(1, 1, 1), None, "from", "out_of_range"),
        (None, date(9999, 12, 31), "to", "out_of_range"),
    ],
)
def test_days_out_of_bounds_are_refused(
    services: Services, first: date | None, last: date | None, field: str, code: str
) -> None:
    admin = staff_member(services)
    with pytest.raises(InvalidInput) as raised:
        find_bookings(
            services=services, actor=admin, where=BookingFilter(first_day=first, last_day=last)
        )
    assert [(e.field, e.code) for e in raised.value.errors] == [(field, code)]


def test_only_staff_read_bookings(services: Services) -> None:
    collaborator = staff_member(services, role=Role.STAFF, email="rui@example.pt")
    booking = stored(services, 1, MONDAY + timedelta(days=1), BookingStatus.NO_SHOW)
    record = booking_record(services=services, actor=collaborator, booking_id=booking.id)
    assert record.booking.status is BookingStatus.NO_SHOW and record.service is None
    with pytest.raises(NotFound):
        booking_record(services=services, actor=collaborator, booking_id="nothing")
    client = active_client(services)
    with pytest.raises(PermissionDenied):
        find_bookings(services=services, actor=client)
    with pytest.raises(PermissionDenied):
        booking_record(services=services, actor=client, booking_id=booking.id)
