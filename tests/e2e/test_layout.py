"""The portal's layout in a real browser (Debian's Chromium, driven by Playwright): on a
360 px phone no page scrolls sideways, with lists full of long words; the landing page
greets visitors; the accent colour an admin chose reaches every page."""

from __future__ import annotations

import io

import pytest
from flask import Flask

from iclient_adapters.compose import Portal
from iclient_adapters.mail import MemoryTransport
from tests.e2e.test_browser import live_url  # noqa: F401 - fixture re-exported
from tests.web.conftest import Browser, stored_account
from tests.web.test_documents import PDF, upload
from tests.web.test_quotes import ask, send

pytestmark = pytest.mark.browser

PHONE = 360
LONG = "Impermeabilização-da-cobertura-do-armazém-principal-e-anexos-Norte"
"""A word longer than a phone is wide, as people do type in titles and subjects."""


@pytest.fixture
def people(app: Flask, portal: Portal, transport: MemoryTransport) -> dict[str, Browser]:
    """Ana (a client) and Gestora (an admin), signed in, with documents, quotes and an
    audit log full of entries to list."""
    ana = Browser(app.test_client(), portal, transport)
    ana.client_account("ana.maria.conceicao.silva@empresa-de-exemplo.example.pt")
    staff = Browser(app.test_client(), portal, transport)
    staff.staff_account("gestora.administrativa@empresa-de-exemplo.example.pt")
    account = stored_account(portal, "ana.maria.conceicao.silva@empresa-de-exemplo.example.pt")
    assert account is not None
    for number in range(3):
        done = upload(
            staff,
            account.id,
            (io.BytesIO(PDF), f"{LONG}-{number}.pdf"),
            title=f"{LONG} {number}",
            reference=f"FT-2026/{number:04d}-{LONG[:20]}",
            amount="12345,67",
        )
        assert done.status_code in (200, 303), done.get_data(as_text=True)
    quote_id = ask(ana, subject=f"{LONG} — pintura")
    assert send(staff, quote_id).status_code == 303  # type: ignore[attr-defined]
    ask(ana, subject="Muro do quintal")
    return {"client": ana, "staff": staff, "quote": quote_id, "client_id": account.id}  # type: ignore[dict-item]


@pytest.fixture
def phone(chromium: object) -> object:
    """The suite's one Chromium (Debian's binary); each check opens its own context."""
    return chromium


def _page_as(browser: object, base: str, person: Browser | None, width: int) -> object:
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="pt-PT")  # type: ignore[attr-defined]
    if person is not None:
        cookie = person.client.get_cookie("iclient")
        assert cookie is not None
        context.add_cookies([{"name": "iclient", "value": cookie.value, "url": base}])
    return context.new_page()


def _scroll_width(page: object, url: str) -> int:
    response = page.goto(url)  # type: ignore[attr-defined]
    assert response is not None and response.status == 200, (url, response and response.status)
    return int(page.evaluate("document.documentElement.scrollWidth"))  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [PHONE, 800, 1040])
def test_no_page_scrolls_sideways_on_a_phone_or_a_small_tablet(
    width: int,
    phone: object,
    live_url: str,  # noqa: F811 - the fixture imported above
    people: dict[str, object],
) -> None:
    client, staff = people["client"], people["staff"]
    quote, client_id = people["quote"], people["client_id"]
    pages = {
        client: [
            "/pt/",
            "/pt/documents",
            "/pt/quotes",
            f"/pt/quotes/{quote}",
            "/pt/account",
        ],
        staff: [
            "/pt/admin/",
            "/pt/admin/clients/",
            f"/pt/admin/clients/{client_id}",
            f"/pt/admin/clients/{client_id}/documents",
            "/pt/admin/documents/unopened",
            "/pt/admin/consent",
            f"/pt/admin/consent/clients/{client_id}",
            "/pt/admin/quotes",
            f"/pt/admin/quotes/{quote}",
            "/pt/admin/staff/",
            "/pt/admin/audit/",
            "/pt/admin/settings/",
        ],
        None: ["/pt/", "/en/", "/pt/auth/sign-in", "/pt/auth/sign-up", "/pt/quote-request"],
    }
    too_wide = {}
    for person, paths in pages.items():
        page = _page_as(phone, live_url, person, width)  # type: ignore[arg-type]
        for path in paths:
            scrolled = _scroll_width(page, live_url + path)
            if scrolled > width:
                too_wide[path] = scrolled
        page.context.close()  # type: ignore[attr-defined]
    assert too_wide == {}


def test_the_audit_log_fits_a_laptop_screen(
    phone: object,
    live_url: str,  # noqa: F811 - the fixture imported above
    people: dict[str, object],
) -> None:
    page = _page_as(phone, live_url, people["staff"], 1280)  # type: ignore[arg-type]
    assert _scroll_width(page, f"{live_url}/pt/admin/audit/") <= 1280
