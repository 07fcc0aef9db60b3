"""The API's reads of bookings and support requests: filters, cursor and numbered pages,
scopes (403), unknown ids (404), ETags (304), bad queries (422); a request's conversation
with staff's internal notes marked ``internal`` and its files described, never sent."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from iclient_adapters.clock import FrozenClock
from iclient_adapters.compose import Portal
from iclient_core.accounts.model import Account, Role
from iclient_core.bookings import (
    ServiceInput,
    book,
    book_for_client,
    mark_no_show,
    save_availability,
    save_rules,
    save_service,
    staff_cancel,
)
from iclient_core.bookings.model import Booking, Service
from iclient_core.shared.intake import Upload
from iclient_core.staff.members import create_staff
from iclient_core.support import open_request, reply_as_client, staff_reply, update_request
from tests.web.conftest import PASSWORD, Browser
from tests.web.test_api import ALL, Api, key_for, problem

# The portal's clock: Monday 5 January 2026, 09:00 UTC (Lisbon is on UTC in winter).
WEEKDAYS = "\n".join(f"{d} 09:00-18:00" for d in range(1, 6))
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(
    hashlib.sha256(b"foto").digest() * 64
)
NOTE = "Nota interna: o cliente deve dois meses."


@pytest.fixture
def admin(portal: Portal) -> Account:
    """The manager who creates the keys (and does the bookings)."""
    return create_staff(
        services=portal.services,
        email="gestora@example.pt",
        role=Role.ADMIN,
        password=PASSWORD,
        first_name="Gestora",
        last_name="Exemplo",
    )


@pytest.fixture
def api(app: Flask, portal: Portal, admin: Account) -> Api:
    """The API with a key that holds every scope."""
    return Api(app.test_client(), key_for(portal, admin))


def active_client(browser: Browser, email: str) -> Account:
    """A client who registered, activated and accepted the texts (at a browser of their own)."""
    own = Browser(browser.client.application.test_client(), browser.portal, browser.transport)
    own.client_account(email)
    with browser.portal.services.uow() as uow:
        found = uow.accounts.get_by_email_key(email)
    assert found is not None
    return found


# bookings -----------------------------------------------------------------------------


@pytest.fixture
def rui(portal: Portal) -> Account:
    """A second member of staff who gives the same service."""
    return create_staff(
        services=portal.services, email="rui@example.pt", role=Role.STAFF, password=PASSWORD
    )


@pytest.fixture
def service(portal: Portal, admin: Account, rui: Account) -> Service:
    """A half-hour visit both staff members give on weekdays, 09:00 to 18:00."""
    for member in (admin, rui):
        save_availability(
            services=portal.services,
            actor=admin,
            staff_id=member.id,
            weekly=WEEKDAYS,
            exceptions="",
        )
    rules(portal, admin, "Europe/Lisbon")
    return save_service(
        services=portal.services,
        actor=admin,
        data=ServiceInput(
            name_pt="Consulta de diagnóstico",
            name_en="Diagnostic visit",
            description="Trinta minutos.",
            duration_minutes="30",
            price="45",
            buffer_minutes="0",
            audience="everyone",
            staff_ids=[admin.id, rui.id],
        ),
    )


def rules(portal: Portal, admin: Account, zone: str) -> None:
    """The business's time zone, and bookings taken up to 90 days ahead."""
    save_rules(
        services=portal.services,
        actor=admin,
        time_zone=zone,
        min_notice_minutes="60",
        horizon_days="90",
        cancel_hours="24",
        step_minutes="30",
    )


def booked(
    portal: Portal, admin: Account, service: Service, client: Account, start: str, staff: Account
) -> Booking:
    return book_for_client(
        services=portal.services,
        actor=admin,
        service_id=service.id,
        client_id=client.id,
        start=start,
        staff_id=staff.id,
    )


def ids(answer: Any) -> list[str]:
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return [b["id"] for b in answer.get_json()["items"]]


def test_a_program_reads_bookings_by_day_staff_member_client_and_status(
    api: Api,
    browser: Browser,
    portal: Portal,
    admin: Account,
    rui: Account,
    service: Service,
) -> None:
    ana = active_client(browser, "ana@example.pt")
    bea = active_client(browser, "bea@example.pt")
    tuesday = booked(portal, admin, service, ana, "2026-01-06T10:00:00+00:00", admin)
    wednesday = booked(portal, admin, service, bea, "2026-01-07T11:00:00+00:00", rui)
    cancelled = booked(portal, admin, service, ana, "2026-01-08T15:00:00+00:00", rui)
    staff_cancel(services=portal.services, actor=admin, booking_id=cancelled.id)
    absent = booked(portal, admin, service, bea, "2026-01-09T09:00:00+00:00", admin)
    mark_no_show(services=portal.services, actor=admin, booking_id=absent.id)
    later = booked(portal, admin, service, ana, "2026-03-02T09:30:00+00:00", admin)
    visitor = book(
        services=portal.services,
        service_id=service.id,
        start="2026-01-06T16:00:00+00:00",
        name="Bruno Costa",
        email="bruno@example.pt",
        phone="912 000 111",
        contact_consent=True,
        language="en",
        account_id=None,
        ip="198.51.100.7",
    )
    january = [tuesday.id, visitor.id, wednesday.id, cancelled.id, absent.id]
    assert ids(api.get("/bookings")) == january  # today and the next 30 days, by start
    assert ids(api.get("/bookings?from=2026-01-01&to=2026-12-31")) == [*january, later.id]
    assert ids(api.get("/bookings?from=2026-01-07&to=2026-01-08")) == [
        wednesday.id,
        cancelled.id,
    ]
    assert ids(api.get(f"/bookings?staff_id={rui.id}")) == [wednesday.id, cancelled.id]
    assert ids(api.get(f"/bookings?client_id={ana.id}&to=2026-06-30")) == [
        tuesday.id,
        cancelled.id,
        later.id,
    ]
    assert ids(api.get(f"/bookings?client_id={ana.id}&status=confirmed")) == [tuesday.id]
    assert ids(api.get("/bookings?status=cancelled")) == [cancelled.id]
    assert ids(api.get("/bookings?status=no_show")) == [absent.id]
    assert ids(api.get(f"/bookings?staff_id={rui.id}&client_id={ana.id}")) == [cancelled.id]

    read = api.get(f"/bookings/{tuesday.id}").get_json()
    assert read == api.get("/bookings").get_json()["items"][0]
    assert read["status"] == "confirmed" and read["client_id"] == ana.id
    assert read["start"].startswith("2026-01-06T10:00:00") and read["time_zone"]
    assert read["end"].startswith("2026-01-06T10:30:00")
    assert read["service"] == {
        "id": service.id,
        "name_pt": "Consulta de diagnóstico",
        "name_en": "Diagnostic visit",
        "duration_minutes": 30,
    }
    assert read["staff_id"] == admin.id and read["booked_by"] == admin.id
    assert read["email"] == "ana@example.pt"
    gone = api.get(f"/bookings/{cancelled.id}").get_json()
    assert gone["status"] == "cancelled" and gone["cancelled_at"] is not None
    walk_in = api.get(f"/bookings/{visitor.id}").get_json()
    assert walk_in["client_id"] is None and walk_in["name"] == "Bruno Costa"
    problem(api.get("/bookings/no-such-booking"), 404, "not_found")


def test_bookings_are_paged_by_cursor_both_ways(
    api: Api, browser: Browser, portal: Portal, admin: Account, rui: Account, service: Service
) -> None:
    ana = active_client(browser, "ana@example.pt")
    starts = [f"2026-01-{day:02d}T{hour:02d}:00:00+00:00" for day in (6, 7) for hour in (9, 10)]
    made = [booked(portal, admin, service, ana, s, admin) for s in starts]
    # Two at the same instant (one for each staff member): their ids keep them in order.
    twins = [
        booked(portal, admin, service, ana, "2026-01-08T09:00:00+00:00", m) for m in (admin, rui)
    ]
    made += sorted(twins, key=lambda b: b.id)
    pages: list[dict[str, Any]] = []
    answer = api.get("/bookings?limit=2")
    while True:
        page = answer.get_json()
        pages.append(page)
        if page["next_cursor"] is None:
            break
        answer = api.get("/bookings", query_string={"limit": 2, "cursor": page["next_cursor"]})
    assert [b["id"] for p in pages for b in p["items"]] == [b.id for b in made]
    assert len(pages) == 3 and pages[0]["previous_cursor"] is None
    back = api.get("/bookings", query_string={"limit": 2, "cursor": pages[2]["previous_cursor"]})
    assert ids(back) == [b["id"] for b in pages[1]["items"]]
    # A cursor that is not one gives the first page, as for clients.
    assert ids(api.get("/bookings?limit=2&cursor=zzz")) == [b.id for b in made[:2]]


def test_the_days_are_the_businesss_own(
    api: Api, browser: Browser, portal: Portal, admin: Account, service: Service
) -> None:
    """In New York (UTC-5 in January) a booking at 17:30 on the 6th is at 22:30 UTC: it is
    on the 6th, not the 7th, whatever UTC's date."""
    rules(portal, admin, "America/New_York")
    save_availability(
        services=portal.services,
        actor=admin,
        staff_id=admin.id,
        weekly="2 17:00-21:00",  # Tuesday evenings, New York's time
        exceptions="",
    )
    ana = active_client(browser, "ana@example.pt")
    evening = booked(portal, admin, service, ana, "2026-01-06T17:30:00", admin)
    assert evening.start.isoformat() == "2026-01-06T22:30:00+00:00"
    late = booked(portal, admin, service, ana, "2026-01-06T19:30:00-05:00", admin)
    assert late.start.isoformat() == "2026-01-07T00:30:00+00:00"
    assert ids(api.get("/bookings?from=2026-01-06&to=2026-01-06")) == [evening.id, late.id]
    assert ids(api.get("/bookings?from=2026-01-07&to=2026-01-07")) == []
    assert api.get(f"/bookings/{late.id}").get_json()["time_zone"] == "America/New_York"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-02-01&to=2026-01-31", "to"),
        ("from=2026-01-01&to=2027-01-02", "to"),
        ("from=0001-01-01", "from"),
        ("from=9999-12-31", "from"),
        ("from=yesterday", "from"),
        ("status=lost", "status"),
        ("limit=101", "limit"),
        ("colour=red", "colour"),
    ],
)
def test_a_bad_booking_query_is_a_422_problem(api: Api, query: str, field: str) -> None:
    body = problem(api.get(f"/bookings?{query}"), 422, "invalid_input")
    assert body["errors"][0]["field"] == field


def test_the_longest_range_is_a_year_and_a_day(api: Api) -> None:
    assert api.get("/bookings?from=2026-01-01&to=2027-01-01").status_code == 200


def test_a_booking_read_has_an_etag_that_changes_with_it(
    api: Api, browser: Browser, portal: Portal, admin: Account, service: Service
) -> None:
    ana = active_client(browser, "ana@example.pt")
    tuesday = booked(portal, admin, service, ana, "2026-01-06T10:00:00+00:00", admin)
    for path in (f"/bookings/{tuesday.id}", "/bookings"):
        first = api.get(path)
        etag = first.headers["ETag"]
        same = api.get(path, headers={"If-None-Match": etag})
        assert same.status_code == 304 and same.data == b""
    staff_cancel(services=portal.services, actor=admin, booking_id=tuesday.id)
    for path in (f"/bookings/{tuesday.id}", "/bookings"):
        changed = api.get(path, headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["ETag"] != etag


# support requests ---------------------------------------------------------------------


def a_request(portal: Portal, client: Account, subject: str, **kw: Any) -> str:
    return open_request(
        services=portal.services,
        account_id=client.id,
        subject=subject,
        category=kw.pop("category", "technical"),
        message=kw.pop("message", "Desde ontem que não imprime."),
        ip="-",
        **kw,
    ).id


def test_a_program_reads_a_request_with_its_notes_marked_and_its_files_described(
    api: Api, browser: Browser, portal: Portal, admin: Account, clock: FrozenClock
) -> None:
    ana = active_client(browser, "ana@example.pt")
    request_id = a_request(
        portal,
        ana,
        "A impressora não imprime",
        files=[Upload(filename="foto da impressora.jpg", stream=io.BytesIO(PHOTO))],
    )
    clock.advance(timedelta(minutes=5))
    staff_reply(
        services=portal.services,
        actor=admin,
        conversation_id=request_id,
        message=NOTE,
        internal=True,
        ip="-",
    )
    clock.advance(timedelta(minutes=5))
    staff_reply(
        services=portal.services,
        actor=admin,
        conversation_id=request_id,
        message="Já reiniciou o router?",
        ip="-",
    )
    answer = api.get(f"/support/requests/{request_id}")
    assert answer.status_code == 200, answer.get_json()
    found = answer.get_json()
    assert found["subject"] == "A impressora não imprime" and found["client_id"] == ana.id
    assert found["status"] == "waiting_on_client" and found["category"] == "technical"
    first, note, reply = found["messages"]
    assert (first["side"], first["internal"], first["author_id"]) == ("client", False, ana.id)
    assert first["attachments"] == [
        {
            "name": "foto da impressora.jpg",
            "content_type": "image/jpeg",
            "size": len(PHOTO),
            "sha256": hashlib.sha256(PHOTO).hexdigest(),
        }
    ]
    assert (note["side"], note["internal"], note["text"]) == ("staff", True, NOTE)
    assert (reply["side"], reply["internal"]) == ("staff", False)
    assert reply["author_label"] == "Gestora Exemplo"
    raw = answer.get_data(as_text=True)
    assert "support/" not in raw  # no storage key, no bytes: only what the file is
    assert PHOTO[:8].hex() not in raw
    problem(api.get("/support/requests/no-such-request"), 404, "not_found")


def test_support_requests_are_filtered_and_paged(
    api: Api, browser: Browser, portal: Portal, admin: Account, clock: FrozenClock
) -> None:
    ana = active_client(browser, "ana@example.pt")
    bea = active_client(browser, "bea@example.pt")
    made = []
    for n in range(27):
        made.append(a_request(portal, ana if n % 3 else bea, f"Pedido {n}", category="billing"))
        clock.advance(timedelta(minutes=1))
    other = a_request(portal, bea, "Outro", category="question")
    update_request(
        services=portal.services, actor=admin, conversation_id=made[0], status="closed", ip="-"
    )
    first = api.get("/support/requests").get_json()
    second = api.get("/support/requests?page=2").get_json()
    assert (first["page"], first["pages"], first["total"]) == (1, 2, 28)
    assert len(first["items"]) == 25 and second["page"] == 2
    # Latest activity first (closing is no activity: the first request stays last).
    assert [r["id"] for r in first["items"]][:2] == [other, made[-1]]
    assert second["items"][-1]["id"] == made[0]
    seen = [r["id"] for r in first["items"] + second["items"]]
    assert sorted(seen) == sorted([*made, other]) and len(set(seen)) == 28
    of_bea = api.get(f"/support/requests?client_id={bea.id}").get_json()
    assert {r["client_id"] for r in of_bea["items"]} == {bea.id} and of_bea["total"] == 10
    closed = api.get("/support/requests?status=closed").get_json()
    assert [r["id"] for r in closed["items"]] == [made[0]]
    assert closed["items"][0]["closed_at"] is not None
    asked = api.get(f"/support/requests?category=question&client_id={bea.id}").get_json()
    assert [r["id"] for r in asked["items"]] == [other]
    assert api.get(f"/support/requests?client_id={ana.id}&status=closed").get_json()["total"] == 0
    problem(api.get("/support/requests?status=lost"), 422, "invalid_input")
    problem(api.get("/support/requests?page=0"), 422, "invalid_input")


def test_a_request_read_has_an_etag_that_changes_with_a_message(
    api: Api, browser: Browser, portal: Portal, clock: FrozenClock
) -> None:
    ana = active_client(browser, "ana@example.pt")
    request_id = a_request(portal, ana, "A impressora não imprime")
    path = f"/support/requests/{request_id}"
    etag = api.get(path).headers["ETag"]
    assert api.get(path, headers={"If-None-Match": etag}).status_code == 304
    clock.advance(timedelta(minutes=1))
    reply_as_client(
        services=portal.services,
        account_id=ana.id,
        conversation_id=request_id,
        message="Afinal também não digitaliza.",
        ip="-",
    )
    changed = api.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and len(changed.get_json()["messages"]) == 2


# scopes and the description -----------------------------------------------------------

READS = [
    ("/bookings", "bookings:read"),
    ("/bookings/{id}", "bookings:read"),
    ("/support/requests", "support:read"),
    ("/support/requests/{id}", "support:read"),
]


@pytest.mark.parametrize(("path", "scope"), READS)
def test_bookings_and_support_need_their_scope(
    app: Flask, portal: Portal, admin: Account, path: str, scope: str
) -> None:
    api = Api(app.test_client(), key_for(portal, admin, *[s for s in ALL if s != scope]))
    body = problem(api.get(path.format(id="x")), 403, "insufficient_scope")
    assert scope in body["detail"]
    only = Api(app.test_client(), key_for(portal, admin, scope))
    assert only.get(path.format(id="x")).status_code in (200, 404)


def test_the_description_has_the_reads_with_their_scopes(app: Flask) -> None:
    spec = json.loads(app.test_client().get("/api/v1/openapi.json").data)
    for path, scope in READS:
        name = "booking_id" if path.startswith("/bookings") else "request_id"
        entry = spec["paths"]["/api/v1" + path.replace("{id}", "{" + name + "}")]
        assert set(entry) == {"get"} and entry["get"]["x-scope"] == scope
        assert "304" in entry["get"]["responses"]
    names = [p["name"] for p in spec["paths"]["/api/v1/bookings"]["get"]["parameters"]]
    assert {"from", "to", "staff_id", "client_id", "status", "cursor", "limit"} <= set(names)
    message = spec["components"]["schemas"]["SupportMessage"]
    assert "internal" in message["required"]
    assert set(spec["components"]["schemas"]["SupportAttachment"]["properties"]) == {
        "name",
        "content_type",
        "size",
        "sha256",
    }
    page = app.test_client().get("/api/v1/").get_data(as_text=True)
    assert "GET /api/v1/support/requests/{request_id}" in page and "bookings:read" in page
