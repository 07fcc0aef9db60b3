"""The consent gate, re-consent, evidence and privacy rights, through the portal's pages."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask

from iclient_adapters.compose import Portal
from iclient_web.security import is_consent_exempt, is_public
from tests.web.conftest import PASSWORD, Browser, stored_account, without_page_help

EMAIL = "ana@example.pt"
NEW_TERMS = "## 1. Objeto\n\nNovos termos: a área de cliente passa a incluir orçamentos.\n"


def _gated_client(browser: Browser) -> None:
    browser.register(EMAIL)
    browser.activate(EMAIL)
    assert browser.sign_in(EMAIL, consent=False).status_code == 303


def _dummy(rule_arguments: set[str]) -> dict[str, str]:
    return {name: ("pt" if name == "lang" else "x" * 12) for name in rule_arguments}


def test_item_16_30_every_private_route_sends_an_unconsented_client_to_the_gate(
    app: Flask, browser: Browser
) -> None:
    _gated_client(browser)
    token = browser.csrf("/pt/consent")
    checked = 0
    for rule in app.url_map.iter_rules():
        if is_public(rule.endpoint, app) or is_consent_exempt(rule.endpoint, app):
            continue
        path = rule.build(_dummy(set(rule.arguments)), append_unknown=False)[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = browser.client.open(path, method=method, data={"csrf_token": token})
            location = response.headers.get("Location", "")
            assert response.status_code == 303, (rule.rule, method, response.status_code)
            assert location.startswith("/pt/consent"), (rule.rule, method, location)
            checked += 1
    assert checked >= 5


def test_item_30_every_private_route_sends_a_visitor_to_sign_in(
    app: Flask, browser: Browser
) -> None:
    token = browser.csrf("/pt/auth/sign-in")
    for rule in app.url_map.iter_rules():
        if is_public(rule.endpoint, app):
            continue
        path = rule.build(_dummy(set(rule.arguments)), append_unknown=False)[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = browser.client.open(path, method=method, data={"csrf_token": token})
            assert response.status_code == 303, (rule.rule, method)
            assert response.headers["Location"].startswith("/pt/auth/sign-in"), rule.rule


def test_only_a_short_explicit_list_of_routes_skips_the_gate(app: Flask) -> None:
    exempt = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if not is_public(rule.endpoint, app) and is_consent_exempt(rule.endpoint, app)
    )
    assert exempt == [
        "account.cancel_deletion",
        "account.data_export",
        "account.request_deletion",
        "consent.show",
        "consent.submit",
    ]


def test_gate_sends_the_client_on_to_the_page_first_asked_for(browser: Browser) -> None:
    _gated_client(browser)
    asked = browser.get("/pt/account")
    assert asked.headers["Location"] == "/pt/consent?next=/pt/account"
    done = browser.submit(
        "/pt/consent?next=/pt/account", {"accept_terms": "y", "accept_privacy": "y"}
    )
    assert done.status_code == 303
    assert done.headers["Location"] == "/pt/account"
    assert browser.get("/pt/account").status_code == 200


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil"])
def test_next_after_accepting_is_local_only(browser: Browser, target: str) -> None:
    _gated_client(browser)
    done = browser.submit(
        f"/pt/consent?next={target}",
        {"accept_terms": "y", "accept_privacy": "y"},
        form_page="/pt/consent",
    )
    assert done.headers["Location"] == "/pt/"


def test_consent_form_needs_its_csrf_token(browser: Browser) -> None:
    _gated_client(browser)
    refused = browser.client.post("/pt/consent", data={"accept_terms": "y", "accept_privacy": "y"})
    assert refused.status_code == 400
    assert browser.get("/pt/").headers["Location"].startswith("/pt/consent")


def test_declining_keeps_the_client_signed_in_but_gated(browser: Browser) -> None:
    _gated_client(browser)
    only_terms = browser.submit("/pt/consent", {"accept_terms": "y"})
    assert only_terms.status_code == 400
    page = only_terms.get_data(as_text=True)
    assert "É necessário aceitar este texto" in page
    assert 'action="/pt/auth/sign-out"' in page  # a way out
    assert 'action="/pt/account/delete"' in page  # or a deletion request
    assert browser.get("/pt/").headers["Location"].startswith("/pt/consent")
    asked = browser.submit(
        "/pt/account/delete", {"current_password": PASSWORD}, form_page="/pt/consent"
    )
    assert asked.status_code == 303
    account = stored_account(browser.portal, EMAIL)
    assert account is not None and account.deletion_requested_at is not None


def test_staff_are_not_gated(browser: Browser) -> None:
    browser.staff_account(role="staff")
    assert browser.get("/pt/admin/").status_code == 200


def test_staff_who_are_not_admins_cannot_publish(browser: Browser) -> None:
    browser.staff_account(email="colaborador@example.pt", role="staff")
    page = browser.get("/pt/admin/consent")
    assert page.status_code == 200
    assert "Publicar uma nova versão" not in without_page_help(page.get_data(as_text=True))
    refused = browser.submit(
        "/pt/admin/consent",
        {"kind": "terms", "language": "pt", "title": "T", "body": "B", "action": "publish"},
    )
    assert refused.status_code == 404


def _publish(admin: Browser, **fields: str) -> object:
    data = {"kind": "terms", "language": "pt", "action": "publish", **fields}
    return admin.submit("/pt/admin/consent", data)


def test_preview_shows_the_text_without_publishing_it(browser: Browser, portal: Portal) -> None:
    browser.staff_account()
    shown = _publish(browser, title="Termos 2026", body="**Novo** texto", action="preview")
    assert shown.status_code == 200  # type: ignore[attr-defined]
    assert "<strong>Novo</strong>" in shown.get_data(as_text=True)  # type: ignore[attr-defined]
    from iclient_core.consent.use_cases import catalogue

    admin = stored_account(portal, "gestora@example.pt")
    _kinds, versions = catalogue(services=portal.services, actor=admin)  # type: ignore[arg-type]
    assert all(v.title != "Termos 2026" for v in versions)


def test_a_bad_publication_gets_the_form_back_with_the_reasons(browser: Browser) -> None:
    browser.staff_account()
    refused = _publish(browser, kind="nonsense", title="", body="", language="xx")
    assert refused.status_code == 400  # type: ignore[attr-defined]
    page = refused.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "Este campo é obrigatório." in page
    assert "Escolha uma das opções." in page


def test_done_when_publish_regate_accept_and_show_the_evidence_everywhere(
    browser: Browser, other_browser: Browser, portal: Portal
) -> None:
    # A person registers, meets the gate, accepts and uses the portal.
    _gated_client(browser)
    assert browser.get("/pt/").headers["Location"].startswith("/pt/consent")
    browser.accept_consent()
    assert browser.get("/pt/").status_code == 200

    # An admin publishes a new Terms version.
    other_browser.staff_account()
    published = _publish(other_browser, title="Termos e Condições 2027", body=NEW_TERMS)
    assert published.status_code == 303  # type: ignore[attr-defined]

    # The person is gated again at the next request, sees the new text and what changed.
    regated = browser.get("/pt/")
    assert regated.headers["Location"].startswith("/pt/consent")
    gate = browser.get("/pt/consent").get_data(as_text=True)
    assert "Termos e Condições 2027" in gate
    assert "Versão 2" in gate
    assert "O que mudou desde a versão que aceitou (versão 1)" in gate
    assert "Novos termos" in gate
    assert "Li e aceito a Política de Privacidade" not in gate  # accepted, unchanged
    done = browser.submit("/pt/consent", {"accept_terms": "y"})
    assert done.status_code == 303
    assert browser.get("/pt/").status_code == 200

    # The account page shows both acceptances with their versions and times.
    mine = browser.get("/pt/account").get_data(as_text=True)
    history = mine.split('id="consents"', 1)[1]
    assert "Termos e Condições 2027" in history
    assert "Termos e Condições de utilização" in history
    assert len(re.findall(r"<td[^>]*>Aceite</td>", history)) == 3, (
        history
    )  # terms v1, privacy v1, terms v2

    # The admin's view of that client shows them too.
    client = stored_account(portal, EMAIL)
    assert client is not None
    staff_view = other_browser.get(f"/pt/admin/consent/clients/{client.id}")
    assert staff_view.status_code == 200
    text = staff_view.get_data(as_text=True)
    assert "Termos e Condições 2027" in text and "Termos e Condições de utilização" in text
    assert "formulário do portal" in text

    # The JSON export contains them.
    export = browser.get("/pt/account/data-export")
    assert export.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(export.get_data(as_text=True))
    terms = [(c["version"], c["action"]) for c in data["consents"] if c["kind"] == "terms"]
    assert terms == [(1, "accepted"), (2, "accepted")]
    assert data["profile"]["email"] == EMAIL
    assert all(c["at"] and c["ip"] and c["content_hash"] for c in data["consents"])


def test_a_translation_of_the_current_version_does_not_gate_again(
    browser: Browser, other_browser: Browser
) -> None:
    browser.client_account(EMAIL)
    other_browser.staff_account()
    assert _publish(other_browser, title="Termos 2027", body=NEW_TERMS).status_code == 303  # type: ignore[attr-defined]
    browser.submit("/pt/consent", {"accept_terms": "y"})
    assert browser.get("/pt/").status_code == 200
    again = _publish(other_browser, language="pt", title="T", body="B", translation="y")
    assert again.status_code == 400  # type: ignore[attr-defined]  # pt already has version 2
    translated = _publish(
        other_browser, language="en", title="Terms 2027", body="New terms", translation="y"
    )
    assert translated.status_code == 303  # type: ignore[attr-defined]
    assert browser.get("/pt/").status_code == 200


def test_client_gives_and_withdraws_marketing_consent(browser: Browser) -> None:
    browser.client_account(EMAIL)
    given = browser.submit(
        "/pt/account/consent/marketing", {"action": "give"}, form_page="/pt/account"
    )
    assert given.status_code == 303
    page = browser.get("/pt/account").get_data(as_text=True)
    assert "Retirar" in page
    browser.submit("/pt/account/consent/marketing", {"action": "withdraw"}, form_page="/pt/account")
    history = browser.get("/pt/account").get_data(as_text=True).split('id="consents"', 1)[1]
    assert re.search(r"<td[^>]*>Retirado</td>", history)


def test_staff_confirm_a_deletion_request_and_the_person_can_no_longer_sign_in(
    browser: Browser, other_browser: Browser, portal: Portal
) -> None:
    browser.client_account(EMAIL)
    browser.submit("/pt/account/delete", {"current_password": PASSWORD}, form_page="/pt/account")
    other_browser.staff_account(role="staff", email="colaborador@example.pt")
    listed = other_browser.get("/pt/admin/deletions").get_data(as_text=True)
    assert EMAIL in listed
    client = stored_account(portal, EMAIL)
    assert client is not None
    erased = other_browser.submit(
        f"/pt/admin/deletions/{client.id}", {}, form_page="/pt/admin/deletions"
    )
    assert erased.status_code == 303
    assert browser.get("/pt/account").status_code == 303  # the open session ended
    assert browser.sign_in(EMAIL).status_code == 400
    assert stored_account(portal, EMAIL) is None  # the address no longer finds anybody
