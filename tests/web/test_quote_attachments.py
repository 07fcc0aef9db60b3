"""A file attached to a quote request through the portal: the client attaches, staff download
the same bytes with the documents' safe headers, nobody else reaches it, the form keeps its
CSRF check, hostile names are made safe, and refusals are friendly (400, or 413 over the
limit). The public visitor form has no attachment."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from flask import Flask

from iclient_adapters.compose import Portal
from iclient_adapters.mail import MemoryTransport
from iclient_core.quotes.model import Quote
from tests.web.conftest import Browser, app_with, stored_account
from tests.web.test_documents import post_multipart

PDF = b"%PDF-1.7\n" + hashlib.sha256(b"planta").digest() * 400 + b"\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
CLIENT, OTHER, STAFF = "ana@example.pt", "bea@example.pt", "gestora@example.pt"


@pytest.fixture
def third_browser(app: Flask, portal: Portal, transport: MemoryTransport) -> Browser:
    """A third person's browser."""
    return Browser(app.test_client(), portal, transport)


def ask_with(
    browser: Browser, content: bytes | None, name: str = "planta.pdf", **fields: Any
) -> Any:
    """The signed-in client sends the request form with a file (multipart, CSRF filled)."""
    data: dict[str, Any] = {
        "subject": "Remodelação da cozinha",
        "details": "Ver a planta em anexo.",
        "desired_date": "",
        "csrf_token": browser.csrf("/pt/quotes/new"),
        **fields,
    }
    if content is not None:
        data["attachment"] = (io.BytesIO(content), name)
    return post_multipart(browser, "/pt/quotes/new", data)


def quote_of(portal: Portal, answer: Any) -> Quote:
    assert answer.status_code == 303, answer.get_data(as_text=True)
    quote_id = answer.headers["Location"].rsplit("/", 1)[1]
    with portal.services.uow() as uow:
        quote = uow.quotes.get(quote_id)
    assert quote is not None
    return quote


def client_id(portal: Portal, email: str = CLIENT) -> str:
    account = stored_account(portal, email)
    assert account is not None
    return account.id


def check_safe_headers(answer: Any, name: str) -> None:
    headers = answer.headers
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == f"attachment; filename={name}"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"].startswith("sandbox")
    assert headers["Content-Length"] == str(len(PDF))
    assert headers["ETag"] == f'"{hashlib.sha256(PDF).hexdigest()}"'


def test_client_attaches_a_pdf_and_staff_download_the_same_bytes(
    browser: Browser, other_browser: Browser, portal: Portal
) -> None:
    client, staff = browser, other_browser
    client.client_account(CLIENT)
    staff.staff_account(STAFF, role="staff")
    form = client.get("/pt/quotes/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form and 'name="attachment"' in form
    quote = quote_of(portal, ask_with(client, PDF, "planta.pdf"))
    assert quote.attachment is not None and quote.attachment.size == len(PDF)

    mine = client.get(f"/pt/quotes/{quote.id}").get_data(as_text=True)
    assert "planta.pdf" in mine and f"/pt/quotes/{quote.id}/attachment" in mine
    download = client.get(f"/pt/quotes/{quote.id}/attachment")
    assert download.status_code == 200 and download.get_data() == PDF
    check_safe_headers(download, "planta.pdf")

    theirs = staff.get(f"/pt/admin/quotes/{quote.id}").get_data(as_text=True)
    assert "planta.pdf" in theirs and f"/pt/admin/quotes/{quote.id}/attachment" in theirs
    download = staff.get(f"/pt/admin/quotes/{quote.id}/attachment")
    assert download.status_code == 200 and download.get_data() == PDF
    check_safe_headers(download, "planta.pdf")
    # Staff reach it through their own page only; the client's route is the client's.
    assert staff.get(f"/pt/quotes/{quote.id}/attachment").status_code == 404


def test_a_request_without_a_file_still_works_and_shows_no_attachment(
    browser: Browser, portal: Portal
) -> None:
    browser.client_account(CLIENT)
    quote = quote_of(portal, ask_with(browser, None))
    assert quote.attachment is None
    assert "/attachment" not in browser.get(f"/pt/quotes/{quote.id}").get_data(as_text=True)
    assert browser.get(f"/pt/quotes/{quote.id}/attachment").status_code == 404


def test_another_client_gets_404_for_the_attachment(
    browser: Browser, third_browser: Browser, portal: Portal
) -> None:
    browser.client_account(CLIENT)
    quote = quote_of(portal, ask_with(browser, PDF))
    third_browser.client_account(OTHER)
    assert third_browser.get(f"/pt/quotes/{quote.id}/attachment").status_code == 404
    assert third_browser.get(f"/pt/admin/quotes/{quote.id}/attachment").status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in(
    browser: Browser, third_browser: Browser, portal: Portal
) -> None:
    browser.client_account(CLIENT)
    quote = quote_of(portal, ask_with(browser, PDF))
    for path in (f"/pt/quotes/{quote.id}/attachment", f"/pt/admin/quotes/{quote.id}/attachment"):
        answer = third_browser.get(path)
        assert answer.status_code in (302, 303), path
        assert "/auth/sign-in" in answer.headers["Location"]


def test_the_form_with_a_file_needs_its_csrf_token(browser: Browser, portal: Portal) -> None:
    browser.client_account(CLIENT)
    for token in ("", "forged"):
        answer = post_multipart(
            browser,
            "/pt/quotes/new",
            {
                "subject": "Sem token",
                "details": "x",
                "csrf_token": token,
                "attachment": (io.BytesIO(PDF), "planta.pdf"),
            },
        )
        assert answer.status_code == 400
    owner = client_id(portal)
    assert list(portal.services.storage.keys(f"quotes/{owner}/")) == []
    assert "Sem token" not in browser.get("/pt/quotes").get_data(as_text=True)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("planta\u202egpj.pdf", "plantagpj.pdf"),  # no right-to-left override
        ("<script>alert(1)</script>.pdf", "script_.pdf"),
    ],
)
def test_a_hostile_file_name_is_made_safe(
    browser: Browser, portal: Portal, name: str, shown: str
) -> None:
    browser.client_account(CLIENT)
    quote = quote_of(portal, ask_with(browser, PDF, name))
    assert quote.attachment is not None
    assert quote.attachment.display_name == shown
    assert quote.attachment.key.startswith(f"quotes/{client_id(portal)}/{quote.id}-")
    page = browser.get(f"/pt/quotes/{quote.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    disposition = browser.get(f"/pt/quotes/{quote.id}/attachment").headers["Content-Disposition"]
    assert ".." not in disposition and "/" not in disposition and shown in disposition


@pytest.mark.parametrize(
    ("content", "name", "sentence"),
    [
        (HTML, "fatura.pdf", "não é aceite"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "planta.pdf", "não corresponde"),
        (b"MZ\x90\x00" + bytes(100), "programa.exe", "não é aceite"),
    ],
)
def test_a_refused_file_gets_the_form_again_with_a_clear_error(
    browser: Browser, portal: Portal, content: bytes, name: str, sentence: str
) -> None:
    browser.client_account(CLIENT)
    answer = ask_with(browser, content, name)
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert sentence in page and 'name="attachment"' in page
    assert list(portal.services.storage.keys(f"quotes/{client_id(portal)}/")) == []
    assert "Remodelação" not in browser.get("/pt/quotes").get_data(as_text=True)


def test_a_file_over_the_upload_limit_gets_the_friendly_413_page(
    portal: Portal, transport: MemoryTransport
) -> None:
    small = app_with(portal, max_upload_mb=1)
    browser = Browser(small.test_client(), portal, transport)
    browser.client_account(CLIENT)
    answer = ask_with(browser, PDF + bytes(3 * 1024 * 1024))
    assert answer.status_code == 413
    assert "1 MB" in answer.get_data(as_text=True)
    with portal.services.uow() as uow:
        assert uow.quotes.count(today=portal.services.clock.now().date()) == 0


def test_the_business_upload_limit_answers_413_with_the_form(
    browser: Browser, portal: Portal
) -> None:
    from iclient_core.shared.business import BusinessSettings

    with portal.services.uow() as uow:
        uow.settings.save(BusinessSettings(upload_limit_mb=1))
        uow.settings.bump_revision()  # as saving the settings page does
        uow.commit()
    browser.client_account(CLIENT)
    # Over the business's limit but within the request's room for the other fields: the
    # core refuses it while streaming, and the form says why.
    answer = ask_with(browser, PDF + bytes(1024 * 1024))
    assert answer.status_code == 413
    page = answer.get_data(as_text=True)
    assert 'name="attachment"' in page and "maior do que" in page
    assert list(portal.services.storage.keys(f"quotes/{client_id(portal)}/")) == []


def test_the_public_form_has_no_attachment(browser: Browser) -> None:
    page = browser.get("/pt/quote-request").get_data(as_text=True)
    assert 'name="attachment"' not in page and "multipart" not in page
