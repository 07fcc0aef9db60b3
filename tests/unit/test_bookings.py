"""Bookings through the core's use cases: admins set services and hours, visitors and clients
book, the link cancels or moves until the deadline, staff run the calendar, reminders go out
the day before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pytest

from iclient_adapters.clock import FrozenClock
from iclient_adapters.testing import make_services
from iclient_core.accounts import privacy
from iclient_core.accounts.model import Account, Role
from iclient_core.accounts.notification_choices import choose_notifications
from iclient_core.accounts.permissions import tally
from iclient_core.bookings import (
    BookingStatus,
    ServiceInput,
    SlotTaken,
    TooLate,
    book,
    book_for_client,
    bookings_of_client,
    calendar,
    cancel_by_link,
    count_upcoming,
    mark_no_show,
    move_by_link,
    open_link,
    save_availability,
    save_rules,
    save_service,
    send_reminders,
    service_slots,
    staff_cancel,
    staff_move,
)
from iclient_core.bookings.booking import BOOKINGS_TODAY
from iclient_core.bookings.model import Service
from iclient_core.notifications.model import Kind, Notification
from iclient_core.services import Services
from iclient_core.settings import Settings
from iclient_core.shared.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
    TokenInvalid,
)
from iclient_core.staff import personal_data
from tests.unit.helpers import BASE_URL, IP, PASSWORD, active_client, deliver, only
from tests.unit.staff_helpers import staff_member

WEEKDAYS = "\n".join(f"{d} 09:00-12:00\n{d} 14:00-18:00" for d in range(1, 6))


@pytest.fixture
def services(clock: FrozenClock) -> Services:
    return make_services(
        clock=clock, settings=Settings(business_name="Clínica Exemplo", mail_domain="example.test")
    )


@pytest.fixture
def admin(services: Services) -> Account:
    return staff_member(services)


@pytest.fixture
def service(services: Services, admin: Account) -> Service:
    save_availability(
        services=services, actor=admin, staff_id=admin.id, weekly=WEEKDAYS, exceptions=""
    )
    return save_service(
        services=services,
        actor=admin,
        data=ServiceInput(
            name_pt="Consulta",
            name_en="Consultation",
            description="Trinta minutos.",
            duration_minutes="30",
            price="45,00",
            buffer_minutes="15",
            audience="everyone",
            staff_ids=[admin.id],
        ),
    )


def visitor_books(services: Services, service: Service, start: str, **changes: object) -> str:
    fields: dict[str, object] = {
        "service_id": service.id,
        "start": start,
        "name": "Bruno Costa",
        "email": "bruno@example.pt",
        "phone": "912 000 111",
        "contact_consent": True,
        "language": "en",
        "account_id": None,
        "ip": IP,
        **changes,
    }
    return book(services=services, **fields).id  # type: ignore[arg-type]


def manage_token(notification: Notification) -> str:
    link = notification.context["manage_link"]
    prefix = f"{BASE_URL}/{notification.language}/book/manage/"
    assert link.startswith(prefix)
    return unquote(link.removeprefix(prefix))


def test_a_visitor_books_a_free_slot_and_gets_a_confirmation(
    services: Services, service: Service
) -> None:
    # Monday 5 January 2026, 09:00 UTC (= Lisbon): two hours' notice, so 11:00 is the first.
    _, rules, slots = service_slots(services=services, service_id=service.id, client=False)
    assert slots[0].start == datetime(2026, 1, 5, 11, 0, tzinfo=UTC)
    assert rules.time_zone == "Europe/Lisbon"
    booking_id = visitor_books(services, service, "2026-01-05T11:00")
    sent = only(deliver(services), Kind.BOOKING_CONFIRMED)
    assert sent.to_address == "bruno@example.pt"
    assert sent.language == "en"
    assert sent.context["service_name"] == "Consultation"
    assert sent.context["ics_start"] == "2026-01-05T11:00:00+00:00"
    assert sent.context["ics_uid"].startswith(booking_id)
    assert open_link(services=services, token=manage_token(sent)).booking.id == booking_id
    # 11:00 is gone, and 11:30 too: the buffer runs to 11:45.
    _, _, after = service_slots(services=services, service_id=service.id, client=False)
    assert after[0].start == datetime(2026, 1, 5, 14, 0, tzinfo=UTC)


def test_the_same_time_twice_is_taken_with_the_next_free_times(
    services: Services, service: Service
) -> None:
    visitor_books(services, service, "2026-01-06T10:00:00+00:00")
    with pytest.raises(SlotTaken) as taken:
        visitor_books(services, service, "2026-01-06T10:00", email="carla@example.pt")
    assert taken.value.next_slots[0] == datetime(2026, 1, 6, 11, 0, tzinfo=UTC)
    assert len(taken.value.next_slots) == 5


def test_a_time_outside_the_hours_or_too_soon_is_not_bookable(
    services: Services, service: Service
) -> None:
    for start in ("2026-01-06T12:30", "2026-01-10T10:00", "2026-01-05T10:00", "2026-03-30T10:00"):
        with pytest.raises(SlotTaken):
            visitor_books(services, service, start)


def test_a_visitor_must_give_their_details_and_consent(
    services: Services, service: Service
) -> None:
    with pytest.raises(InvalidInput) as error:
        visitor_books(
            services,
            service,
            "not a time",
            name="",
            email="nope",
            phone="",
            contact_consent=False,
        )
    assert set(error.value.by_field()) == {"start", "name", "email", "phone", "contact_consent"}


def test_a_signed_in_client_books_with_their_own_details(
    services: Services, service: Service
) -> None:
    ana = active_client(services)
    booking_id = visitor_books(
        services, service, "2026-01-06T09:00", name="", email="", phone="", account_id=ana.id
    )
    _, found, by_id = bookings_of_client(services=services, actor=ana)
    assert [b.id for b in found] == [booking_id]
    assert found[0].email == ana.email.address
    assert by_id[found[0].service_id].name_pt == "Consulta"


def test_a_clients_only_service_is_hidden_from_visitors(
    services: Services, service: Service, admin: Account
) -> None:
    save_service(
        services=services,
        actor=admin,
        service_id=service.id,
        data=ServiceInput(
            name_pt="Consulta",
            name_en="Consultation",
            duration_minutes="30",
            audience="clients",
            staff_ids=[admin.id],
        ),
    )
    with pytest.raises(NotFound):
        service_slots(services=services, service_id=service.id, client=False)
    with pytest.raises(NotFound):
        visitor_books(services, service, "2026-01-06T09:00")
    assert service_slots(services=services, service_id=service.id, client=True)[2]


def test_the_public_form_is_rate_limited_per_address(services: Services, service: Service) -> None:
    for hour in range(5):
        visitor_books(services, service, f"2026-01-07T{9 + hour if hour < 3 else 11 + hour:02d}:00")
    with pytest.raises(RateLimited):
        visitor_books(services, service, "2026-01-08T09:00")


def test_the_link_moves_and_cancels_until_the_deadline(
    services: Services, service: Service, clock: FrozenClock
) -> None:
    visitor_books(services, service, "2026-01-07T10:00")
    token = manage_token(only(deliver(services), Kind.BOOKING_CONFIRMED))
    moved = move_by_link(services=services, token=token, start="2026-01-08T15:00")
    assert moved.start == datetime(2026, 1, 8, 15, 0, tzinfo=UTC)
    assert moved.moves == 1
    changed = only(deliver(services), Kind.BOOKING_CHANGED)
    assert changed.context["change"] == "moved"
    assert changed.context["ics_sequence"] == "1"
    clock.advance(timedelta(days=2, hours=6, minutes=1))  # 8 Jan 15:01: past 24 h before
    assert not open_link(services=services, token=token).changeable
    with pytest.raises(TooLate):
        cancel_by_link(services=services, token=token)
    with pytest.raises(TokenInvalid):
        open_link(services=services, token=token + "x")


def test_a_cancelled_booking_frees_its_time(services: Services, service: Service) -> None:
    visitor_books(services, service, "2026-01-07T10:00")
    token = manage_token(only(deliver(services), Kind.BOOKING_CONFIRMED))
    cancelled = cancel_by_link(services=services, token=token)
    assert cancelled.status is BookingStatus.CANCELLED
    assert only(deliver(services), Kind.BOOKING_CHANGED).context["ics_status"] == "CANCELLED"
    visitor_books(services, service, "2026-01-07T10:00", email="carla@example.pt")


def test_staff_book_on_behalf_move_cancel_and_mark_no_show(
    services: Services, service: Service, admin: Account
) -> None:
    ana = active_client(services)
    # The minimum notice does not hold staff back: 09:30 today.
    booking = book_for_client(
        services=services,
        actor=admin,
        service_id=service.id,
        client_id=ana.id,
        start="2026-01-05T09:30",
    )
    assert booking.booked_by == admin.id
    assert count_upcoming(services=services, actor=admin) == (1, 1)
    assert tally(services, admin, BOOKINGS_TODAY) == 1
    moved = staff_move(
        services=services, actor=admin, booking_id=booking.id, start="2026-01-06T16:00"
    )
    assert moved.start.hour == 16
    _, week = calendar(services=services, actor=admin, days=7)
    assert [e.local_start.hour for e in week] == [16]
    mark_no_show(services=services, actor=admin, booking_id=booking.id)
    other = book_for_client(
        services=services,
        actor=admin,
        service_id=service.id,
        client_id=ana.id,
        start="2026-01-07T09:00",
    )
    staff_cancel(services=services, actor=admin, booking_id=other.id)
    _, week = calendar(services=services, actor=admin, days=7, staff_id=admin.id)
    assert [e.booking.status for e in week] == [BookingStatus.NO_SHOW, BookingStatus.CANCELLED]
    told = [n for n in deliver(services) if n.kind is Kind.BOOKING_CHANGED]
    assert {n.context["change"] for n in told} == {"moved", "cancelled"}


def test_clients_cannot_use_the_staff_calendar(services: Services, service: Service) -> None:
    ana = active_client(services)
    with pytest.raises(PermissionDenied):
        calendar(services=services, actor=ana)
    collaborator = staff_member(services, role=Role.STAFF, email="colab@example.pt")
    with pytest.raises(PermissionDenied):
        save_rules(
            services=services,
            actor=collaborator,
            time_zone="Europe/Lisbon",
            min_notice_minutes="0",
            horizon_days="10",
            cancel_hours="1",
            step_minutes="15",
        )


def test_reminders_go_out_the_day_before_once(
    services: Services, service: Service, clock: FrozenClock
) -> None:
    visitor_books(services, service, "2026-01-07T10:00")
    deliver(services)
    assert send_reminders(services=services) == 0  # 49 hours ahead
    clock.advance(timedelta(days=1, hours=2))  # 6 Jan 11:00: 23 hours ahead
    assert send_reminders(services=services) == 1
    assert send_reminders(services=services) == 0
    reminder = only(deliver(services), Kind.BOOKING_REMINDER)
    assert reminder.context["when"].startswith("2026-01-07 10:00")


def test_rules_change_the_slots(services: Services, service: Service, admin: Account) -> None:
    save_rules(
        services=services,
        actor=admin,
        time_zone="Europe/Lisbon",
        min_notice_minutes="0",
        horizon_days="1",
        cancel_hours="2",
        step_minutes="15",
    )
    _, _, slots = service_slots(services=services, service_id=service.id, client=False)
    assert slots[0].start == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    assert slots[1].start - slots[0].start == timedelta(minutes=15)
    assert slots[-1].start < datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    with pytest.raises(InvalidInput):
        save_rules(
            services=services,
            actor=admin,
            time_zone="Mars/Olympus",
            min_notice_minutes="0",
            horizon_days="1",
            cancel_hours="2",
            step_minutes="15",
        )


def test_a_clients_bookings_are_in_their_export_and_go_with_their_erasure(
    services: Services, service: Service, admin: Account
) -> None:
    ana = active_client(services)
    visitor_books(services, service, "2026-01-06T09:00", account_id=ana.id)
    exported = personal_data.export_data(services=services, account_id=ana.id)
    assert [b["start"] for b in exported["bookings"]] == ["2026-01-06T09:00:00+00:00"]
    assert exported["bookings"][0]["service"] == "Consultation"
    privacy.request_deletion(services=services, account_id=ana.id, current_password=PASSWORD, ip=IP)
    privacy.confirm_deletion(services=services, actor=admin, client_id=ana.id, ip=IP)
    _, week = calendar(services=services, actor=admin, days=7)
    assert week == []
    # The time is free again.
    visitor_books(services, service, "2026-01-06T09:00")


def test_a_clients_reminder_follows_their_notification_choices(
    services: Services, service: Service, clock: FrozenClock
) -> None:
    """Booking reminders off on every channel: the booking is handled, nothing is sent;
    a visitor's reminder (no account, no choices) always goes by e-mail."""
    ana = active_client(services)
    visitor_books(services, service, "2026-01-07T10:00", account_id=ana.id, name="", email="")
    visitor_books(services, service, "2026-01-07T11:30")
    choose_notifications(services=services, account_id=ana.id, on=set(), ip=IP)
    deliver(services)
    clock.advance(timedelta(days=1, hours=3))
    assert send_reminders(services=services) == 1  # the visitor's
    assert send_reminders(services=services) == 0  # the client's is not tried again
    [reminder] = [n for n in deliver(services) if n.kind is Kind.BOOKING_REMINDER]
    assert reminder.to_address == "bruno@example.pt"


def test_a_clients_reminder_carries_an_unsubscribe_link(
    services: Services, service: Service, clock: FrozenClock
) -> None:
    ana = active_client(services)
    visitor_books(services, service, "2026-01-07T10:00", account_id=ana.id, name="", email="")
    deliver(services)
    clock.advance(timedelta(days=1, hours=2))
    assert send_reminders(services=services) == 1
    reminder = only(deliver(services), Kind.BOOKING_REMINDER)
    assert reminder.to_address == ana.email.address
    assert reminder.context["event"] == "booking_reminder"
    assert "/unsubscribe/" in reminder.context["unsubscribe_link"]
    assert reminder.context["manage_link"]
