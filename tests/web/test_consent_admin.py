"""The staff's consent pages: the same staff layout as the other admin pages, kinds by their
readable names, and new versions that start from the current text with a preview of what
changes."""

from __future__ import annotations

import html

import pytest

from iclient_adapters.compose import Portal
from tests.web.conftest import Browser, stored_account

EMAIL = "ana@example.pt"


@pytest.mark.parametrize(
    "page", ["/pt/admin/consent", "/pt/admin/deletions", "consent-version", "consent-client"]
)
def test_consent_admin_pages_have_the_staff_menu(
    browser: Browser, other_browser: Browser, portal: Portal, page: str
) -> None:
    other_browser.client_account(EMAIL)
    browser.staff_account()
    if page == "consent-version":
        index = browser.get("/pt/admin/consent").get_data(as_text=True)
        page = index.split('href="/pt/admin/consent/versions/', 1)[1].split('"', 1)[0]
        page = f"/pt/admin/consent/versions/{page}"
    elif page == "consent-client":
        client = stored_account(portal, EMAIL)
        assert client is not None
        page = f"/pt/admin/consent/clients/{client.id}"
    answer = browser.get(page)
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    assert 'class="admin-nav"' in text
    assert 'href="/pt/admin/clients/"' in text


def test_kinds_show_their_translated_names(browser: Browser) -> None:
    browser.staff_account()
    portuguese = browser.get("/pt/admin/consent").get_data(as_text=True)
    kinds = portuguese.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert ">Termos e Condições</td>" in kinds
    assert ">Política de Privacidade</td>" in kinds
    assert ">Marketing</td>" in kinds
    assert ">terms</td>" not in portuguese
    assert '<option selected value="terms">Termos e Condições</option>' in portuguese
    english = browser.get("/en/admin/consent").get_data(as_text=True)
    assert ">Terms and Conditions</td>" in english
    assert ">Privacy Policy</td>" in english


def test_a_new_version_starts_from_the_current_text(browser: Browser) -> None:
    browser.staff_account()
    page = html.unescape(browser.get("/pt/admin/consent?kind=privacy").get_data(as_text=True))
    form = page.split('id="publish"', 1)[1]
    assert 'value="Política de Privacidade"' in form
    assert "Oficina Exemplo é responsável pelo tratamento dos dados pessoais" in form
    english = html.unescape(
        browser.get("/pt/admin/consent?kind=privacy&language=en").get_data(as_text=True)
    )
    assert "Oficina Exemplo is the controller of the personal data" in english


def test_the_preview_shows_what_changes_from_the_current_version(browser: Browser) -> None:
    browser.staff_account()
    page = html.unescape(browser.get("/pt/admin/consent?kind=terms").get_data(as_text=True))
    body = page.split('name="body"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    changed = body.replace("A conta é pessoal.", "A conta é pessoal e intransmissível.")
    preview = browser.submit(
        "/pt/admin/consent",
        {
            "kind": "terms",
            "language": "pt",
            "title": "Termos 2027",
            "body": changed,
            "action": "preview",
        },
    )
    assert preview.status_code == 200
    shown = preview.get_data(as_text=True).split('class="diff"', 1)[1].split("</pre>", 1)[0]
    assert "+ A conta é pessoal e intransmissível." in html.unescape(shown)
    assert "- A conta é pessoal." in html.unescape(shown)
