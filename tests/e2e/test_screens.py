"""The pages a business shows first — the client's home, documents and a quote, and the staff
dashboard — on a phone and a laptop, kept as screenshots under ``test-artifacts/screens/``
so that a change of look can be seen, not only tested."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, Site

pytestmark = pytest.mark.browser

SCREENS = [
    ("client-dashboard", "client", "/", "Oficina Exemplo"),
    ("documents", "client", "/documents", "fatura.pdf"),
    ("quote", "client", "/quotes/{sent}", "Pintura da fachada"),
    ("staff-dashboard", "staff", "/admin/", "Oficina Exemplo"),
]


@pytest.mark.parametrize("width", [390, 1280])
def test_the_main_pages_show_their_content_and_are_kept_as_screenshots(
    site: Site, contexts: Callable[[str, int], Any], width: int
) -> None:
    folder = ARTIFACTS / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    for name, who, path, shown in SCREENS:
        page = contexts(who, width).new_page()
        try:
            response = page.goto(f"{site.url}/pt{path.format(**site.ids)}")
            assert response is not None and response.status == 200, name
            assert page.locator("main h1").first.is_visible(), name
            assert shown in page.content(), name
            page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        finally:
            page.close()
