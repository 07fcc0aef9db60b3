"""Business data on quotes: an admin sets the business's address, NIF and contacts, the client
their NIF and billing address at /<lang>/account, staff see them on the client's page, and
the quote page and PDF show both sides."""

from __future__ import annotations

import re

from tests.web.conftest import Browser
from tests.web.test_quote_pdf import pdf_text
from tests.web.test_quotes import CLIENT, STAFF, ask, page, send

SETTINGS = {
    "business_name": "Oficina Exemplo, Lda.",
    "contact_email": "geral@oficina.example.pt",
    "contact_phone": "234 000 111",
    "default_language": "",
    "vat_rates": "23, 13, 6, 0",
    "upload_limit_mb": "100",
    "address": "Rua das Flores, 12\r\n4000-123 Porto",
    "nif": "PT 509 442 013",
    "quote_prefix": "ORC",
}
PROFILE = {
    "first_name": "Ana",
    "last_name": "Silva",
    "phone": "912 345 678",
    "language": "pt",
    "nif": "123 456 789",
    "billing_address": "Avenida da Liberdade, 100\r\n1250-096 Lisboa",
}


def test_an_admin_gives_the_business_address_and_nif_a_bad_nif_is_explained(
    browser: Browser,
) -> None:
    browser.staff_account(STAFF, role="admin")
    form = page(browser.get("/pt/admin/settings/"))
    for name in ("address", "nif", "quote_prefix"):
        assert f'name="{name}"' in form, name
    bad = browser.submit("/pt/admin/settings/", {**SETTINGS, "nif": "509442014"})
    assert bad.status_code == 400
    assert "O NIF não é válido" in page(bad)
    bad_prefix = browser.submit("/pt/admin/settings/", {**SETTINGS, "quote_prefix": "OR/C"})
    assert bad_prefix.status_code == 400 and "letras e algarismos" in page(bad_prefix)
    assert browser.submit("/pt/admin/settings/", SETTINGS).status_code == 303
    saved = page(browser.get("/pt/admin/settings/"))
    assert 'value="509442013"' in saved and "Rua das Flores, 12\n4000-123 Porto" in saved


def test_a_client_keeps_a_nif_and_billing_address_and_staff_see_them(
    browser: Browser, other_browser: Browser
) -> None:
    browser.client_account(CLIENT)
    account = page(browser.get("/pt/account"))
    assert 'name="nif"' in account and 'name="billing_address"' in account
    bad = browser.submit("/pt/account", {**PROFILE, "nif": "123456780"})
    assert bad.status_code == 400 and "O NIF não é válido" in page(bad)
    assert browser.submit("/pt/account", PROFILE).status_code == 303
    assert 'value="123456789"' in page(browser.get("/pt/account"))
    other_browser.staff_account(STAFF, role="admin")
    clients = page(other_browser.get("/pt/admin/clients/"))
    client_page = re.search(r'href="(/pt/admin/clients/[0-9a-f]+)"', clients)
    assert client_page is not None
    shown = page(other_browser.get(client_page.group(1)))
    assert "123456789" in shown and "1250-096 Lisboa" in shown


def test_the_quote_page_and_pdf_show_the_business_and_the_client(
    browser: Browser, other_browser: Browser
) -> None:
    browser.client_account(CLIENT)
    assert browser.submit("/pt/account", PROFILE).status_code == 303
    other_browser.staff_account(STAFF, role="admin")
    assert other_browser.submit("/pt/admin/settings/", SETTINGS).status_code == 303
    quote_id = ask(browser)
    send(other_browser, quote_id)
    expected = (
        "Oficina Exemplo, Lda.",
        "Rua das Flores, 12",
        "4000-123 Porto",
        "509442013",
        "geral@oficina.example.pt",
        "+351 234 000 111",
        "Ana Silva",
        "123456789",
        "Avenida da Liberdade, 100",
        "1250-096 Lisboa",
    )
    for shown in (
        page(browser.get(f"/pt/quotes/{quote_id}")),
        page(other_browser.get(f"/pt/admin/quotes/{quote_id}")),
        pdf_text(browser.get(f"/pt/quotes/{quote_id}/pdf").data),
    ):
        for text in expected:
            assert text in shown, text
