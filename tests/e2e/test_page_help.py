"""Help on every page, in a real browser on a phone (390 px): the help button sits at the
bottom right, opens the page's explanation inside the window, and closes again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from iclient_web.help.page_help import shipped
from tests.e2e.conftest import Site

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("who", "lang", "path", "page"),
    [
        ("client", "pt", "/documents", "documents.index"),
        ("client", "en", "/quotes", "quotes.client.index"),
        ("staff", "pt", "/admin/", "admin.dashboard"),
    ],
)
def test_opening_a_pages_help_on_a_phone_shows_its_text(
    who: str,
    lang: str,
    path: str,
    page: str,
    site: Site,
    contexts: Callable[[str, int], Any],
) -> None:
    found = shipped(page, lang)
    assert found is not None
    tab = contexts(who, 390).new_page()
    try:
        tab.goto(f"{site.url}/{lang}{path}")
        button = tab.locator("details.page-help > summary")
        body = tab.locator(".page-help-body")
        assert button.is_visible()
        assert not body.is_visible()
        box = button.bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= 390 and box["x"] > 390 / 3  # the right-hand side
        assert box["y"] > tab.viewport_size["height"] / 2  # the bottom half

        button.click()
        assert body.is_visible()
        assert found.title in body.inner_text()
        first_words = found.body.split("\n", 1)[0].replace("**", "")[:30]
        assert first_words in body.inner_text()
        shown = body.bounding_box()
        assert shown is not None
        assert shown["x"] >= 0 and shown["x"] + shown["width"] <= 390
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390

        button.click()
        assert not body.is_visible()
    finally:
        tab.close()
