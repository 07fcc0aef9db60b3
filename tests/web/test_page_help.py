"""Help on every page: the help button of the client and staff areas, its text in both
languages for every page (walked on the URL map), and the admins who rewrite it."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask

from iclient_core.accounts.model import LANGUAGES
from iclient_web.help.page_help import FILES, SIGNED_IN_PUBLIC, TEXTS, help_pages, shipped
from tests.unit.staff_helpers import actions
from tests.web.conftest import Browser

HELP = re.compile(r'<details class="page-help">.*?</details>', re.S)


def help_box(body: str) -> str:
    """The page's help box, as text (empty when the page has none)."""
    found = HELP.search(body)
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(0))) if found else ""


def test_every_client_and_staff_page_has_help_in_both_languages(app: Flask) -> None:
    pages = help_pages(app)
    assert {"documents.index", "admin.dashboard", "account.show", "home.dashboard"} <= set(pages)
    missing = [
        f"{language}/{page}.md"
        for page in pages
        for language in LANGUAGES
        if (found := shipped(page, language)) is None or not found.title or not found.body
    ]
    assert missing == [], f"pages without help text: {missing}"


def test_every_help_file_belongs_to_a_page_and_the_exceptions_are_real(app: Flask) -> None:
    pages = set(help_pages(app))
    files = {(p.parent.name, p.stem) for p in TEXTS.glob("*/*.md")}
    assert {page for _, page in files} - pages == set()
    assert {language for language, _ in files} == set(LANGUAGES)
    assert set(app.view_functions) >= (FILES | SIGNED_IN_PUBLIC)


def test_a_client_opens_the_help_of_a_page_in_their_language(browser: Browser) -> None:
    browser.client_account()
    pt = help_box(browser.get("/pt/documents").get_data(as_text=True))
    en = help_box(browser.get("/en/documents").get_data(as_text=True))
    assert shipped("documents.index", "pt").title in pt  # type: ignore[union-attr]
    assert "Ajuda" in pt
    assert shipped("documents.index", "en").title in en  # type: ignore[union-attr]
    assert "Help" in en
    assert pt != en


def test_visitors_pages_have_no_help_button(browser: Browser) -> None:
    for path in ("/pt/", "/pt/auth/sign-in", "/pt/auth/sign-up", "/pt/quote-request"):
        assert help_box(browser.get(path).get_data(as_text=True)) == "", path


def test_an_admin_rewrites_the_help_of_a_page_and_restores_the_shipped_one(
    browser: Browser, other_browser: Browser
) -> None:
    browser.staff_account()
    other_browser.client_account()
    shipped_title = shipped("documents.index", "pt").title  # type: ignore[union-attr]
    edit = "/pt/admin/help/documents.index/pt"
    page = browser.get(edit)
    assert page.status_code == 200
    assert 'name="text"' in page.get_data(as_text=True)

    saved = browser.submit(edit, {"text": "Aqui estão **as faturas** da oficina."})
    assert saved.status_code == 303
    box = help_box(other_browser.get("/pt/documents").get_data(as_text=True))
    assert "Aqui estão as faturas da oficina." in " ".join(box.split())
    assert shipped_title in box
    assert "faturas da oficina" not in help_box(
        other_browser.get("/en/documents").get_data(as_text=True)
    )
    listing = browser.get("/pt/admin/help/").get_data(as_text=True)
    assert "O seu texto" in listing

    restored = browser.submit(edit + "/restore", {}, form_page=edit)
    assert restored.status_code == 303
    assert "faturas da oficina" not in help_box(
        other_browser.get("/pt/documents").get_data(as_text=True)
    )
    assert actions(browser.portal.services, target_id="documents.index:pt") == [
        "help.page_updated",
        "help.page_restored",
    ]
    audit = browser.get("/pt/admin/audit/").get_data(as_text=True)
    assert "ajuda da página" in audit


def test_an_empty_or_oversized_help_text_gets_the_form_again_with_the_reason(
    browser: Browser,
) -> None:
    browser.staff_account()
    edit = "/en/admin/help/quotes.client.index/en"
    empty = browser.submit(edit, {"text": "   "})
    assert empty.status_code == 400
    assert "This field is required." in empty.get_data(as_text=True)
    long = browser.submit(edit, {"text": "x" * 10_001})
    assert long.status_code == 400
    assert "This is too long." in long.get_data(as_text=True)
    assert actions(browser.portal.services, action="help.page_updated") == []


@pytest.mark.parametrize(
    "path",
    [
        "/pt/admin/help/no.such_page/pt",
        "/pt/admin/help/documents.index/fr",
        "/pt/admin/help/quotes.client.pdf/pt",
        "/pt/admin/help/..%2F..%2Fetc/pt",
    ],
)
def test_help_of_something_that_is_not_a_page_is_not_found(browser: Browser, path: str) -> None:
    browser.staff_account()
    assert browser.get(path).status_code == 404


def test_collaborators_read_the_help_but_only_managers_rewrite_it(browser: Browser) -> None:
    browser.staff_account(role="staff")
    assert "page-help" in browser.get("/pt/admin/").get_data(as_text=True)
    assert browser.get("/pt/admin/help/").status_code == 404
    assert browser.get("/pt/admin/help/documents.index/pt").status_code == 404
    token = browser.csrf("/pt/admin/")
    answer = browser.client.post(
        "/pt/admin/help/documents.index/pt", data={"text": "Outro texto.", "csrf_token": token}
    )
    assert answer.status_code == 404
    assert actions(browser.portal.services, action="help.page_updated") == []


def test_the_help_button_works_without_javascript(browser: Browser) -> None:
    browser.staff_account()
    body = browser.get("/en/admin/").get_data(as_text=True)
    box = HELP.search(body)
    assert box is not None
    assert "<summary>" in box.group(0)
    assert "<script" not in body
