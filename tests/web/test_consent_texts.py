"""Consent texts as people read them: in the page's language (with a note when a text has
no version in it), naming the business by its current name, with labels that say what is
agreed to; and the warning an admin gets when a text lacks a language."""

from __future__ import annotations

from iclient_adapters.compose import Portal
from iclient_core.staff.settings import save_settings
from tests.web.conftest import Browser, stored_account

EMAIL = "ana@example.pt"


def _gated_client(browser: Browser, lang: str = "pt") -> None:
    browser.register(EMAIL, lang=lang)
    browser.activate(EMAIL)
    assert browser.sign_in(EMAIL, lang=lang, consent=False).status_code == 303


def _publish(admin: Browser, **fields: str) -> object:
    data = {"kind": "terms", "language": "pt", "action": "publish", **fields}
    return admin.submit("/pt/admin/consent", data)


def test_the_texts_follow_the_pages_language_not_the_accounts(browser: Browser) -> None:
    _gated_client(browser, lang="pt")  # the account's language is Portuguese
    english = browser.get("/en/consent").get_data(as_text=True)
    assert "Terms and Conditions of use" in english
    assert "Termos e Condições de utilização" not in english
    portuguese = browser.get("/pt/consent").get_data(as_text=True)
    assert "Termos e Condições de utilização" in portuguese


def test_accepting_on_an_english_page_records_the_english_text(
    browser: Browser, portal: Portal
) -> None:
    _gated_client(browser, lang="pt")
    done = browser.submit("/en/consent", {"accept_terms": "y", "accept_privacy": "y"})
    assert done.status_code == 303
    account = stored_account(portal, EMAIL)
    assert account is not None
    with portal.services.uow() as uow:
        records = uow.consent.records_for_account(account.id)
    assert {r.language for r in records} == {"en"}


def test_a_text_missing_in_the_pages_language_is_shown_in_the_other_with_a_note(
    browser: Browser, other_browser: Browser
) -> None:
    other_browser.staff_account()
    _publish(other_browser, title="Termos 2027", body="Só em português.")
    _gated_client(browser, lang="en")
    page = browser.get("/en/consent").get_data(as_text=True)
    assert "Termos 2027" in page
    assert "This text is not available in English yet; it is shown in Portuguese." in page


def test_publishing_a_text_in_one_language_warns_which_languages_lack_it(
    browser: Browser,
) -> None:
    browser.staff_account()
    preview = _publish(browser, title="Termos 2027", body="Só em português.", action="preview")
    assert "Esta versão não tem texto em inglês" in preview.get_data(as_text=True)  # type: ignore[attr-defined]
    published = _publish(browser, title="Termos 2027", body="Só em português.")
    assert published.status_code == 303  # type: ignore[attr-defined]  # publishing anyway works
    index = browser.get("/pt/admin/consent").get_data(as_text=True)
    assert "Esta versão não tem texto em inglês" in index
    assert "/pt/admin/consent?kind=terms&amp;language=en&amp;translation=y" in index
    translated = _publish(
        browser, language="en", title="Terms 2027", body="English only.", translation="y"
    )
    assert translated.status_code == 303  # type: ignore[attr-defined]
    assert "não tem texto em" not in browser.get("/pt/admin/consent").get_data(as_text=True)


def test_example_texts_name_the_business_by_its_current_name(
    browser: Browser, portal: Portal
) -> None:
    browser.staff_account()
    admin = stored_account(portal, "gestora@example.pt")
    assert admin is not None
    save_settings(
        services=portal.services,
        actor=admin,
        business_name="Padaria Aurora",
        contact_email="",
        contact_phone="",
        default_language="",
        vat_rates="23 13 6 0",
        upload_limit_mb="100",
    )
    other = Browser(browser.client.application.test_client(), portal, browser.transport)
    _gated_client(other)
    gate = other.get("/pt/consent").get_data(as_text=True)
    assert "Padaria Aurora é responsável pelo tratamento" in gate
    assert "Oficina Exemplo" not in gate.split("<main", 1)[1]


def test_the_marketing_box_says_what_is_agreed_to(browser: Browser) -> None:
    _gated_client(browser)
    gate = browser.get("/pt/consent").get_data(as_text=True)
    box = gate.split('name="accept_marketing"', 1)[1].split("</label>", 1)[0]
    assert "Sim, quero receber novidades e promoções por e-mail" in box
