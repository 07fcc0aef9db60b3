"""The quick start's demo data: an admin and an active client with documents and a quote, made
once, nothing by default."""

from __future__ import annotations

import re

from iclient_adapters.compose import Portal
from iclient_adapters.demo import seed
from iclient_core.accounts.model import Role, Status
from tests.web.conftest import Browser, stored_account


def test_demo_seed_makes_an_admin_and_a_client_who_can_sign_in_once(
    portal: Portal, browser: Browser
) -> None:
    assert stored_account(portal, "admin@example.com") is None  # no default accounts
    created = seed(portal.services)
    assert [(role, email) for role, email, _ in created] == [
        ("admin", "admin@example.com"),
        ("client", "ana.silva@example.com"),
    ]
    admin = stored_account(portal, "admin@example.com")
    client = stored_account(portal, "ana.silva@example.com")
    assert admin is not None and admin.role is Role.ADMIN
    assert client is not None and client.status is Status.ACTIVE
    assert seed(portal.services) == []  # a second start changes nothing

    _, email, password = created[1]
    assert browser.sign_in(email, password).status_code == 303
    assert browser.get("/pt/").status_code == 200


def test_the_demo_has_a_service_a_visitor_can_book(portal: Portal, browser: Browser) -> None:
    seed(portal.services)
    seed(portal.services)  # a second start adds no second service
    with portal.services.uow() as uow:
        [service] = uow.bookings.services()
    assert service.name_pt == "Consulta"
    page = browser.get(f"/pt/book/{service.id}").get_data(as_text=True)
    assert 'name="start"' in page  # free times to choose from


def test_the_demo_client_finds_documents_and_a_quote_to_answer(
    portal: Portal, browser: Browser
) -> None:
    created = seed(portal.services)
    _, email, password = created[1]
    browser.sign_in(email, password)  # the consent gate passed too

    documents = browser.get("/pt/documents").get_data(as_text=True)
    assert "Fatura FT 2026/1" in documents and "Contrato de manutenção" in documents
    link = re.search(r'href="(/pt/documents/[^"]+/download)"', documents)
    assert link is not None
    answer = browser.get(link.group(1))
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    pdf = answer.get_data()
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")

    quotes = browser.get("/pt/quotes").get_data(as_text=True)
    assert "Manutenção anual do ar condicionado" in quotes
    shown = re.search(r'href="(/pt/quotes/[0-9a-f]+)"', quotes)
    assert shown is not None
    page = browser.get(shown.group(1)).get_data(as_text=True)
    assert "/accept" in page and "Podemos passar na próxima semana." in page
