"""After each action the portal shows the next step: the activated client's address is
ready on the sign-in form, staff land on their dashboard, a checked import can be run, an
empty list says why instead of offering filters, the consent gate offers no link that bounces
back, and a proposal sent to a visitor ends on the quote page."""

from __future__ import annotations

import io
import re

from iclient_adapters.compose import Portal
from tests.web.conftest import PASSWORD, Browser, record_consent, stored_account
from tests.web.test_quotes import STAFF, page, send

CSV = (
    b"nome;apelido;email;telefone\r\n"
    b"Ana;Silva;ana@example.pt;912 345 678\r\n"
    b"Rui;Costa;rui@example.pt;123\r\n"
)


def test_the_activated_client_finds_their_address_on_the_sign_in_form(browser: Browser) -> None:
    browser.register("ana@example.pt")
    done = browser.activate("ana@example.pt")
    assert done.status_code == 303
    sign_in = page(browser.get(done.headers["Location"]))
    assert re.search(r'<input[^>]*name="email"[^>]*value="ana@example.pt"', sign_in)
    assert "A sua conta está ativa" in sign_in
    # Once: the next visit to the sign-in form starts empty again.
    again = page(browser.get("/pt/auth/sign-in"))
    assert not re.search(r'name="email"[^>]*value="ana@', again)


def test_staff_who_sign_in_land_on_the_staff_dashboard(browser: Browser) -> None:
    landed = browser.staff_account(STAFF)
    assert landed.status_code == 303
    assert landed.headers["Location"].endswith("/pt/admin/")
    # The home page of a member of staff is their dashboard too.
    home = browser.get("/pt/")
    assert home.status_code == 303 and home.headers["Location"].endswith("/pt/admin/")


def test_a_client_who_signs_in_lands_on_their_home_page(browser: Browser) -> None:
    landed = browser.client_account("ana@example.pt")
    assert landed.headers["Location"].endswith("/pt/")


def test_after_a_dry_run_the_checked_file_can_be_imported_at_once(browser: Browser) -> None:
    browser.staff_account(STAFF, role="staff")
    token = browser.csrf("/pt/admin/clients/import")
    checked = browser.client.post(
        "/pt/admin/clients/import",
        data={
            "csrf_token": token,
            "dry_run": "y",
            "send_invitations": "y",
            "file": (io.BytesIO(CSV), "clientes.csv", "text/csv"),
        },
        content_type="multipart/form-data",
    )
    report = page(checked)
    assert checked.status_code == 200
    assert stored_account(browser.portal, "ana@example.pt") is None
    form = re.search(r'<form[^>]*id="import-now".*?</form>', report, re.S)
    assert form, "no 'import now' form after the dry run"
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form.group(0)))
    assert "Importar agora" in form.group(0)
    done = browser.client.post("/pt/admin/clients/import", data=fields)
    assert done.status_code == 200
    assert "1 cliente criado." in page(done)
    assert stored_account(browser.portal, "ana@example.pt") is not None
    assert stored_account(browser.portal, "rui@example.pt") is None


def test_an_import_now_form_that_was_tampered_with_creates_nobody(browser: Browser) -> None:
    browser.staff_account(STAFF, role="staff")
    token = browser.csrf("/pt/admin/clients/import")
    done = browser.client.post(
        "/pt/admin/clients/import",
        data={"csrf_token": token, "checked_file": "not-a-checked-file"},
    )
    assert done.status_code == 400
    assert stored_account(browser.portal, "ana@example.pt") is None


def test_empty_lists_say_so_instead_of_offering_filters(browser: Browser) -> None:
    browser.client_account("ana@example.pt")
    documents = page(browser.get("/pt/documents"))
    assert 'role="search"' not in documents
    assert "Ainda não há documentos na sua área" in documents
    quotes = page(browser.get("/pt/quotes"))
    assert 'name="state"' not in quotes
    assert "Ainda não pediu nenhum orçamento" in quotes
    # A filter that finds nothing keeps its form, to change it.
    filtered = page(browser.get("/pt/documents?q=fatura"))
    assert 'role="search"' in filtered


def test_the_consent_gate_shows_no_menu_link_that_would_bounce_back(
    browser: Browser, portal: Portal
) -> None:
    browser.register("ana@example.pt")
    browser.activate("ana@example.pt")
    browser.sign_in("ana@example.pt", consent=False)
    gate = page(browser.get("/pt/consent"))
    assert 'href="/pt/documents"' not in gate
    assert 'href="/pt/quotes"' not in gate
    assert 'action="/pt/auth/sign-out"' in gate  # leaving is still possible
    assert 'class="brand" href="/pt/consent"' in gate
    record_consent(portal)
    after = page(browser.get("/pt/"))
    assert 'href="/pt/documents"' in after


def test_a_proposal_for_a_visitor_ends_on_the_quote_page_with_what_to_do(
    browser: Browser, other_browser: Browser
) -> None:
    thanks = browser.submit(
        "/pt/quote-request",
        {
            "name": "Bruno Costa",
            "email": "bruno@example.pt",
            "phone": "912 000 111",
            "subject": "Telhado",
            "details": "Infiltrações no sótão.",
            "contact_consent": "y",
        },
    )
    assert thanks.status_code == 200
    other_browser.staff_account(STAFF)
    queue = page(other_browser.get("/pt/admin/quotes"))
    quote_id = re.search(r'id="quote-([0-9a-f]+)"', queue).group(1)  # type: ignore[union-attr]
    sent = send(other_browser, quote_id)
    assert sent.status_code == 303  # type: ignore[attr-defined]
    location = sent.headers["Location"]  # type: ignore[attr-defined]
    assert location.endswith(f"/pt/admin/quotes/{quote_id}")
    shown = page(other_browser.get(location))
    assert "convide" in shown
    assert "Pintura da fachada (m²)" in shown  # the proposal was kept as a draft


def test_sign_in_with_the_password_just_chosen_works(browser: Browser) -> None:
    browser.register("ana@example.pt")
    browser.activate("ana@example.pt")
    assert browser.sign_in("ana@example.pt", PASSWORD).status_code == 303
