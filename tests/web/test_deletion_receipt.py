"""A client who asks for their account to be deleted gets a receipt by e-mail: in their
language, saying when the data will be erased and how to cancel."""

from __future__ import annotations

from iclient_core.accounts.privacy import DELETION_DELAY
from tests.web.conftest import PASSWORD, Browser, path_of

EMAIL = "ana@example.pt"


def _ask_for_deletion(browser: Browser, lang: str) -> None:
    browser.register(EMAIL, lang=lang)
    browser.activate(EMAIL)
    browser.sign_in(EMAIL, lang=lang)
    asked = browser.submit(
        f"/{lang}/account/delete", {"current_password": PASSWORD}, form_page=f"/{lang}/account"
    )
    assert asked.status_code == 303


def _text(message: object) -> str:
    body = message.get_body(("plain",))  # type: ignore[attr-defined]
    assert body is not None
    return str(body.get_content())


def test_a_deletion_request_is_acknowledged_by_e_mail_in_portuguese(browser: Browser) -> None:
    _ask_for_deletion(browser, "pt")
    receipt = browser.last_mail_to(EMAIL)
    assert "pedido de eliminação" in str(receipt["Subject"])
    text = _text(receipt)
    due = browser.portal.services.clock.now() + DELETION_DELAY
    zone = browser.portal.services.settings.quotes.zone()
    assert due.astimezone(zone).strftime("%d/%m/%Y") in text
    assert "«Cancelar o pedido de eliminação»" in text
    assert path_of(browser.link_in(receipt, "/auth/sign-in")) == "/pt/auth/sign-in"


def test_an_english_client_gets_the_receipt_in_english(browser: Browser) -> None:
    _ask_for_deletion(browser, "en")
    receipt = browser.last_mail_to(EMAIL)
    assert "deletion request" in str(receipt["Subject"])
    text = _text(receipt)
    due = (browser.portal.services.clock.now() + DELETION_DELAY).astimezone(
        browser.portal.services.settings.quotes.zone()
    )
    assert f"{due.day} {due:%b} {due.year}" in text
    assert '"Cancel the deletion request"' in text
