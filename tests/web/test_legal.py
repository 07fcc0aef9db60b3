"""The legal pages: the current Terms and Privacy Policy for everyone, in the page's
language with version and date, and the exact versions a client accepted, for them alone."""

from __future__ import annotations

import re

import pytest

from iclient_adapters.compose import Portal
from iclient_core.accounts.model import Role
from iclient_core.consent.use_cases import publish_version
from iclient_core.staff.members import create_staff
from tests.web.conftest import PASSWORD, Browser


def text(answer: object) -> str:
    return answer.get_data(as_text=True)  # type: ignore[attr-defined]


def publish(portal: Portal, kind: str, title: str, body: str, language: str = "pt") -> str:
    """A new version published by an admin straight in the core; returns its id."""
    services = portal.services
    with services.uow() as uow:
        admin = uow.accounts.get_by_email_key("dona@example.pt")
    if admin is None:
        admin = create_staff(
            services=services,
            email="dona@example.pt",
            role=Role.ADMIN,
            password=PASSWORD,
            first_name="Dona",
            last_name="Exemplo",
        )
    version = publish_version(
        services=services, actor=admin, kind=kind, title=title, body=body, language=language
    )
    return version.id


@pytest.mark.parametrize(
    ("lang", "path", "title", "version"),
    [
        ("pt", "terms", "Termos e Condições", "Versão 1, publicada em"),
        ("en", "terms", "Terms and Conditions", "Version 1, published on"),
        ("pt", "privacy", "Política de Privacidade", "Versão 1, publicada em"),
        ("en", "privacy", "Privacy Policy", "Version 1, published on"),
    ],
)
def test_visitors_read_the_current_texts_in_the_page_language(
    browser: Browser, lang: str, path: str, title: str, version: str
) -> None:
    page = browser.get(f"/{lang}/legal/{path}")
    assert page.status_code == 200
    body = text(page)
    assert title in body and version in body
    assert "Oficina Exemplo" in body  # the example text names the business
    assert "{business}" not in body


def test_a_new_version_replaces_the_old_one_on_the_public_page(
    browser: Browser, portal: Portal
) -> None:
    publish(portal, "terms", "Termos revistos", "# Termos\n\nNova **regra**.")
    body = text(browser.get("/pt/legal/terms"))
    assert "Termos revistos" in body and "<strong>regra</strong>" in body and "Versão 2" in body
    # the English page falls back to the Portuguese text of version 2 until it is translated
    assert "Termos revistos" in text(browser.get("/en/legal/terms"))


def test_the_footer_and_the_sign_up_form_link_the_legal_pages(browser: Browser) -> None:
    for page in ("/pt/", "/pt/auth/sign-in", "/en/faq"):
        body = text(browser.get(page))
        assert 'href="/' in body
        assert re.search(r'href="/(pt|en)/legal/terms"', body), page
        assert re.search(r'href="/(pt|en)/legal/privacy"', body), page
    sign_up = text(browser.get("/en/auth/sign-up"))
    form = sign_up[sign_up.index("<form") : sign_up.index("</form>")]
    assert 'href="/en/legal/terms"' in form and 'href="/en/legal/privacy"' in form


def test_a_client_rereads_each_version_they_accepted(browser: Browser, portal: Portal) -> None:
    browser.client_account()
    old_terms = text(browser.get("/pt/account"))
    first = re.findall(r'href="/pt/legal/accepted/([^"]+)"', old_terms)
    assert len(first) == 2  # the Terms and the Privacy Policy
    publish(portal, "terms", "Termos revistos", "Texto **novo** dos termos.")
    browser.accept_consent()
    account = text(browser.get("/pt/account"))
    links = re.findall(r'href="/pt/legal/accepted/([^"]+)"', account)
    assert len(links) == 3 and set(first) <= set(links)
    old = [text(browser.get(f"/pt/legal/accepted/{v}")) for v in first]
    assert any("Termos e Condições" in page and "Versão 1" in page for page in old)
    new = next(v for v in links if v not in first)
    page = browser.get(f"/pt/legal/accepted/{new}")
    assert page.status_code == 200
    assert "<strong>novo</strong>" in text(page) and "Versão 2" in text(page)


def test_a_version_the_client_did_not_accept_or_that_does_not_exist_is_a_404(
    browser: Browser, other_browser: Browser, portal: Portal
) -> None:
    browser.client_account()
    mine = re.findall(r'href="/pt/legal/accepted/([^"]+)"', text(browser.get("/pt/account")))
    unaccepted = publish(portal, "marketing", "Novidades", "Queremos enviar novidades.")
    assert browser.get(f"/pt/legal/accepted/{unaccepted}").status_code == 404
    assert browser.get("/pt/legal/accepted/no-such-version").status_code == 404
    assert browser.get("/en/legal/accepted/no-such-version").status_code == 404
    other_browser.client_account("rui@example.pt")
    # another client's link: the same text, but proof of what *they* accepted is theirs
    assert other_browser.get(f"/pt/legal/accepted/{mine[0]}").status_code == 200
    visitor = other_browser.client.post(
        "/pt/auth/sign-out", data={"csrf_token": other_browser.csrf("/pt/")}
    )
    assert visitor.status_code == 303
    signed_out = other_browser.get(f"/pt/legal/accepted/{mine[0]}")
    assert signed_out.status_code == 303 and "/auth/sign-in" in signed_out.headers["Location"]
