"""Bookings through the portal's pages, in both languages: a visitor books from the public
page and gets a calendar file, moves the booking once by the e-mailed link; a signed-in
client books with their own details and sees their list; staff run services, hours, rules
and the calendar (week and day), book on a client's behalf, cancel and mark no-shows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import icalendar
import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iclient_adapters.clock import FrozenClock
from iclient_core.accounts.model import Account, Role
from iclient_core.bookings import ServiceInput, save_availability, save_service
from iclient_core.bookings.model import Service
from iclient_core.staff.members import create_staff
from iclient_web.cli import main
from tests.web.conftest import PASSWORD, Browser

WEEKDAYS = "\n".join(f"{d} 09:00-12:00\n{d} 14:00-18:00" for d in range(1, 6))
# The portal's clock: Monday 5 January 2026, 09:00 UTC (Lisbon is on UTC in winter).
TUESDAY_10 = "2026-01-06T10:00:00+00:00"
WEDNESDAY_15 = "2026-01-07T15:00:00+00:00"
VISITOR = {
    "name": "Bruno Costa",
    "email": "bruno@example.pt",
    "phone": "912 000 111",
    "contact_consent": "y",
}


def manager(browser: Browser) -> Account:
    return create_staff(
        services=browser.portal.services,
        email="gestora@example.pt",
        role=Role.ADMIN,
        password=PASSWORD,
        first_name="Gestora",
        last_name="Exemplo",
    )


@pytest.fixture
def service(browser: Browser) -> Service:
    admin = manager(browser)
    services = browser.portal.services
    save_availability(
        services=services, actor=admin, staff_id=admin.id, weekly=WEEKDAYS, exceptions=""
    )
    return save_service(
        services=services,
        actor=admin,
        data=ServiceInput(
            name_pt="Consulta de diagnóstico",
            name_en="Diagnostic visit",
            description="Trinta minutos.",
            duration_minutes="30",
            price="45",
            buffer_minutes="15",
            audience="everyone",
            staff_ids=[admin.id],
        ),
    )


def calendar_file(message: EmailMessage) -> icalendar.Event:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    raw = part.get_payload(decode=True)
    assert isinstance(raw, bytes)
    [event] = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    return event


def on_behalf(email: str, service: Service, start: str) -> dict[str, str]:
    return {"client_email": email, "service": service.id, "staff": "", "start": start}


def path_of(link: str) -> str:
    return link.split("portal.example.test", 1)[1]


@pytest.mark.parametrize(
    ("lang", "name", "confirmed", "moved"),
    [
        ("pt", "Consulta de diagnóstico", "A sua reserva está confirmada", "Reserva mudada"),
        ("en", "Diagnostic visit", "Your booking is confirmed", "Booking moved"),
    ],
)
def test_a_visitor_books_gets_a_calendar_file_and_moves_it_once_by_the_link(
    browser: Browser, service: Service, lang: str, name: str, confirmed: str, moved: str
) -> None:
    listing = browser.get(f"/{lang}/book").get_data(as_text=True)
    assert name in listing
    page = browser.get(f"/{lang}/book/{service.id}?day=2026-01-06")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'value="{TUESDAY_10}"' in body
    assert 'aria-current="date"' in body
    done = browser.submit(f"/{lang}/book/{service.id}", {**VISITOR, "start": TUESDAY_10})
    assert done.status_code == 303
    assert "/book/manage/" in done.headers["Location"]
    confirmation = browser.get(done.headers["Location"])
    assert confirmation.headers["Referrer-Policy"] == "no-referrer"  # the token is in the URL
    page = confirmation.get_data(as_text=True)
    assert confirmed in page
    mail = browser.last_mail_to("bruno@example.pt")
    assert mail["Content-Language"] == lang
    event = calendar_file(mail)
    assert event.decoded("DTSTART") == datetime(2026, 1, 6, 10, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 1, 6, 10, 30, tzinfo=UTC)
    assert name in str(event["SUMMARY"])
    link = path_of(browser.link_in(mail, "/book/manage/"))
    moved_page = browser.submit(link, {"action": "move", "start": WEDNESDAY_15})
    assert moved_page.status_code == 303
    again = browser.last_mail_to("bruno@example.pt")
    assert moved in again["Subject"]
    moved_event = calendar_file(again)
    assert moved_event.decoded("DTSTART") == datetime(2026, 1, 7, 15, 0, tzinfo=UTC)
    assert int(moved_event["SEQUENCE"]) == 1
    assert str(moved_event["UID"]) == str(event["UID"])
    # Staff see it in the week view at its new time.
    browser.sign_in("gestora@example.pt", lang=lang)
    week = browser.get(f"/{lang}/admin/bookings?view=week&day=2026-01-05").get_data(as_text=True)
    assert "15:00–15:30" in week
    assert "Bruno Costa" in week
    assert "10:00–10:30" not in week


@pytest.mark.parametrize(
    ("lang", "taken"), [("pt", "Essa hora acabou de ser ocupada"), ("en", "just taken")]
)
def test_the_same_time_twice_answers_that_it_was_just_taken_with_the_next_free_times(
    browser: Browser, service: Service, lang: str, taken: str
) -> None:
    url = f"/{lang}/book/{service.id}"
    assert browser.submit(url, {**VISITOR, "start": TUESDAY_10}).status_code == 303
    second = browser.submit(url, {**VISITOR, "email": "carla@example.pt", "start": TUESDAY_10})
    body = second.get_data(as_text=True)
    assert second.status_code == 409
    assert taken in body
    assert 'value="2026-01-06T11:00:00+00:00"' in body


def test_a_visitor_must_consent_and_give_their_details(browser: Browser, service: Service) -> None:
    page = browser.submit(
        f"/en/book/{service.id}", {"start": TUESDAY_10, "name": "", "email": "x", "phone": ""}
    )
    body = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Tick this box so that we may contact you." in body
    assert "Enter a valid e-mail address" in body


def test_the_public_form_is_rate_limited(browser: Browser, service: Service) -> None:
    starts = [f"2026-01-0{d}T{h}:00:00+00:00" for d in (6, 7, 8) for h in ("09", "10")]
    answers = [
        browser.submit(f"/en/book/{service.id}", {**VISITOR, "start": s}).status_code
        for s in starts
    ]
    assert answers[:5] == [303] * 5
    assert answers[5] == 429


def test_a_visitor_using_a_clients_address_books_as_a_visitor_with_the_same_answer(
    browser: Browser, service: Service
) -> None:
    browser.client_account("ana@example.pt")
    browser.client.post("/pt/auth/sign-out", data={"csrf_token": browser.csrf("/pt/account")})
    answer = browser.submit(
        f"/pt/book/{service.id}", {**VISITOR, "email": "ana@example.pt", "start": TUESDAY_10}
    )
    assert answer.status_code == 303
    assert "/book/manage/" in answer.headers["Location"]
    with browser.portal.services.uow() as uow:
        [booking] = uow.bookings.bookings_between(
            datetime(2026, 1, 6, tzinfo=UTC), datetime(2026, 1, 7, tzinfo=UTC)
        )
    assert booking.account_id is None
    assert booking.name == "Bruno Costa"


@pytest.mark.parametrize(("lang", "mine"), [("pt", "As minhas reservas"), ("en", "My bookings")])
def test_a_signed_in_client_books_with_their_details_and_sees_their_bookings(
    browser: Browser, service: Service, lang: str, mine: str
) -> None:
    browser.client_account("ana@example.pt")
    page = browser.get(f"/{lang}/book/{service.id}").get_data(as_text=True)
    assert "ana@example.pt" in page
    assert 'name="email"' not in page
    done = browser.submit(f"/{lang}/book/{service.id}", {"start": TUESDAY_10})
    assert done.status_code == 303
    listing = browser.get(f"/{lang}/bookings")
    body = listing.get_data(as_text=True)
    assert listing.status_code == 200
    assert mine in body
    assert "Consulta de diagnóstico" in body or "Diagnostic visit" in body
    assert "/book/manage/" in body


def test_a_client_who_has_not_accepted_the_terms_is_sent_to_the_consent_page(
    browser: Browser, service: Service
) -> None:
    browser.register("ana@example.pt")
    browser.activate("ana@example.pt")
    browser.sign_in("ana@example.pt", consent=False)
    for path in ("/pt/book", f"/pt/book/{service.id}", "/pt/bookings"):
        answer = browser.get(path)
        assert answer.status_code == 303
        assert "/pt/consent" in answer.headers["Location"]


def test_the_manage_link_is_not_found_when_tampered_with(browser: Browser) -> None:
    assert browser.get("/pt/book/manage/not-a-token").status_code == 404


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_a_manager_sets_up_a_service_hours_and_rules_from_the_pages(
    browser: Browser, lang: str
) -> None:
    admin = manager(browser)
    browser.sign_in("gestora@example.pt", lang=lang)
    created = browser.submit(
        f"/{lang}/admin/bookings/services/new",
        {
            "name_pt": "Revisão",
            "name_en": "Check-up",
            "description": "",
            "duration_minutes": "45",
            "price": "30,50",
            "buffer_minutes": "10",
            "audience": "clients",
            "staff_ids": admin.id,
            "active": "y",
        },
    )
    assert created.status_code == 303
    listing = browser.get(f"/{lang}/admin/bookings/services").get_data(as_text=True)
    assert ("Revisão" if lang == "pt" else "Check-up") in listing
    bad = browser.submit(
        f"/{lang}/admin/bookings/availability/{admin.id}",
        {"weekly": "9 25:00-26:00", "exceptions": "", "version": "0"},
    )
    assert bad.status_code == 400
    hours = browser.submit(
        f"/{lang}/admin/bookings/availability/{admin.id}",
        {"weekly": "1 09:00-13:00\n1 14:00-17:00", "exceptions": "", "version": "0"},
    )
    assert hours.status_code == 303
    rules = browser.submit(
        f"/{lang}/admin/bookings/rules",
        {
            "time_zone": "Atlantic/Azores",
            "min_notice_minutes": "60",
            "horizon_days": "14",
            "cancel_hours": "12",
            "step_minutes": "15",
        },
    )
    assert rules.status_code == 303
    # Clients only: visitors do not see it.
    browser.client.post(
        f"/{lang}/auth/sign-out", data={"csrf_token": browser.csrf(f"/{lang}/admin/")}
    )
    assert "Check-up" not in browser.get("/en/book").get_data(as_text=True)


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_staff_book_for_a_client_move_mark_no_show_and_cancel_and_the_client_is_told(
    browser: Browser, service: Service, lang: str
) -> None:
    browser.client_account("ana@example.pt")
    browser.client.post("/pt/auth/sign-out", data={"csrf_token": browser.csrf("/pt/account")})
    collaborator = create_staff(
        services=browser.portal.services,
        email="colab@example.pt",
        role=Role.STAFF,
        password=PASSWORD,
        first_name="Colab",
        last_name="Exemplo",
    )
    assert collaborator.role is Role.STAFF
    browser.sign_in("colab@example.pt", lang=lang)
    made = browser.submit(
        f"/{lang}/admin/bookings/new",
        {
            "client_email": "ana@example.pt",
            "service": service.id,
            "staff": "",
            "start": "2026-01-05T09:30",
        },
    )
    assert made.status_code == 303
    booking_page = made.headers["Location"]
    dashboard = browser.get(f"/{lang}/admin/").get_data(as_text=True)
    assert re.search(r'id="bookings-today">\s*<a class="count"[^>]*>1<', dashboard)
    day = browser.get(f"/{lang}/admin/bookings?view=day&day=2026-01-05").get_data(as_text=True)
    assert "09:30–10:00" in day
    moved = browser.submit(booking_page, {"action": "move", "start": "2026-01-06T16:00"})
    assert moved.status_code == 303
    assert "16:00" in browser.get(booking_page).get_data(as_text=True)
    taken = browser.submit(booking_page, {"action": "move", "start": "2026-01-06T12:30"})
    assert taken.status_code == 409
    assert browser.submit(booking_page, {"action": "no_show"}).status_code == 303
    assert ("Não compareceu" if lang == "pt" else "Did not come") in browser.get(
        booking_page
    ).get_data(as_text=True)
    other = browser.submit(
        f"/{lang}/admin/bookings/new",
        {
            "client_email": "ana@example.pt",
            "service": service.id,
            "staff": "",
            "start": "2026-01-07T09:00",
        },
    )
    assert browser.submit(other.headers["Location"], {"action": "cancel"}).status_code == 303
    subjects = [str(m["Subject"]) for m in browser.mail() if "ana@example.pt" in str(m["To"])]
    assert any("cancel" in s.lower() for s in subjects)
    unknown = browser.submit(
        f"/{lang}/admin/bookings/new",
        {
            "client_email": "nobody@example.pt",
            "service": service.id,
            "staff": "",
            "start": "2026-01-07T10:00",
        },
    )
    assert unknown.status_code == 400
    # The client's page in the staff area shows their bookings and the timeline names them.
    with browser.portal.services.uow() as uow:
        ana = uow.accounts.get_by_email_key("ana@example.pt")
    assert ana is not None
    client_page = browser.get(f"/{lang}/admin/clients/{ana.id}").get_data(as_text=True)
    assert 'id="bookings"' in client_page
    assert "client-bookings" in client_page
    # The timeline (the audit log about the client) names the bookings, in the page's language.
    assert ("reservou" if lang == "pt" else "booked") in client_page
    assert ("cancelou a reserva" if lang == "pt" else "cancelled the booking") in client_page


ODD = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "\x00",
            "\r\nBcc: intruso@example.pt",
            "\u202eevil",
            "2026-01-06T10:00:00+99:00",
            "2026-02-30T10:00",
            "9999-12-31T23:59:59",
            "0001-01-01",
            "2026-01-06T10:00:00+00:00" * 20,
            "",
        ]
    ),
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(start=ODD, name=ODD, email=ODD, phone=ODD, consent=st.sampled_from(["y", "", "x"]))
def test_the_booking_form_fed_anything_never_fails(
    browser: Browser,
    service: Service,
    start: str,
    name: str,
    email: str,
    phone: str,
    consent: str,
) -> None:
    answer = browser.submit(
        f"/en/book/{service.id}",
        {"start": start, "name": name, "email": email, "phone": phone, "contact_consent": consent},
    )
    assert answer.status_code in {303, 400, 409, 429}, answer.get_data(as_text=True)[:500]
    manage = browser.get(f"/en/book/manage/{start[:200] or 'x'}")
    assert manage.status_code in {404, 200}


def test_the_reminder_command_sends_the_day_before_reminders(
    app: Flask, browser: Browser, service: Service, clock: FrozenClock
) -> None:
    assert (
        browser.submit(f"/en/book/{service.id}", {**VISITOR, "start": TUESDAY_10}).status_code
        == 303
    )
    runner = app.test_cli_runner()
    assert "0 reminders queued." in runner.invoke(main, args=["bookings", "remind"]).output
    clock.advance(timedelta(hours=2))  # 11:00 on Monday: 23 hours before the booking
    result = runner.invoke(main, args=["bookings", "remind"])
    assert result.exit_code == 0 and "1 reminder queued." in result.output, result.output
    reminder = browser.last_mail_to("bruno@example.pt")
    assert reminder["X-Iclient-Kind"] == "booking_reminder"
    assert "Reminder" in reminder["Subject"]
    assert calendar_file(reminder).decoded("DTSTART") == datetime(2026, 1, 6, 10, 0, tzinfo=UTC)
