"""The staff tutorials behind the book icon: every guide in both languages, and every link in
them leads to a page that answers a manager."""

from __future__ import annotations

import re

import pytest

from iclient_core.accounts.model import LANGUAGES
from iclient_web.help.tutorials import FOLDER, GUIDES, guide
from tests.web.conftest import Browser

HREF = re.compile(r'href="([^"]*)"')


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("slug", GUIDES)
def test_each_guide_exists_in_both_languages_with_steps(slug: str, language: str) -> None:
    found = guide(slug, language)
    assert found is not None, f"{language}/{slug}.md"
    assert found.title and found.summary
    assert "<ol>" in str(found.html)


def test_no_guide_file_is_left_out_of_the_index() -> None:
    files = {(p.parent.name, p.stem) for p in FOLDER.glob("*/*.md")}
    assert files == {(language, slug) for slug in GUIDES for language in LANGUAGES}


def test_every_link_in_the_guides_opens_a_page_in_the_guides_language(browser: Browser) -> None:
    browser.staff_account()
    checked = set()
    for slug in GUIDES:
        for language in LANGUAGES:
            found = guide(slug, language)
            assert found is not None
            links = HREF.findall(str(found.html))
            for link in links:
                assert link.startswith(f"/{language}/"), (slug, language, link)
                checked.add(link)
    assert len(checked) > 10
    broken = {
        link: code for link in sorted(checked) if (code := browser.get(link).status_code) != 200
    }
    assert broken == {}


def test_staff_open_the_tutorials_from_the_book_icon_in_the_top_bar(browser: Browser) -> None:
    browser.staff_account(role="staff")
    overview = browser.get("/en/admin/").get_data(as_text=True)
    assert 'href="/en/admin/guides/"' in overview
    assert "#i-book" in overview
    index = browser.get("/en/admin/guides/").get_data(as_text=True)
    for slug in GUIDES:
        assert f'href="/en/admin/guides/{slug}"' in index
    page = browser.get("/pt/admin/guides/upload-documents")
    assert page.status_code == 200
    assert "Carregar documentos" in page.get_data(as_text=True)
    assert browser.get("/pt/admin/guides/no-such-guide").status_code == 404


def test_clients_do_not_reach_the_tutorials(browser: Browser) -> None:
    browser.client_account()
    assert browser.get("/pt/admin/guides/").status_code == 404
    assert browser.get("/pt/admin/guides/settings").status_code == 404
