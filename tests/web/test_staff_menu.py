"""The staff area's menu says where the staff member is: the link of the current section is
marked (``aria-current="page"``, which the stylesheet also shows), and only that one."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import Browser

SECTIONS = [
    ("/pt/admin/", "/pt/admin/"),
    ("/pt/admin/clients/", "/pt/admin/clients/"),
    ("/pt/admin/clients/new", "/pt/admin/clients/"),
    ("/pt/admin/quotes", "/pt/admin/quotes"),
    ("/pt/admin/consent", "/pt/admin/consent"),
    ("/pt/admin/staff/", "/pt/admin/staff/"),
    ("/pt/admin/audit/", "/pt/admin/audit/"),
    ("/pt/admin/settings/", "/pt/admin/settings/"),
    ("/pt/admin/faq", "/pt/admin/faq"),
    ("/pt/admin/inbox", "/pt/admin/inbox"),
    ("/en/admin/guides/", "/en/admin/guides/"),
]


def _menu(page: str) -> str:
    found = re.search(r'<nav class="admin-nav".*?</nav>', page, re.S)
    assert found, "no staff menu on the page"
    return found.group(0)


@pytest.mark.parametrize(("path", "marked"), SECTIONS)
def test_the_staff_menu_marks_the_current_section(browser: Browser, path: str, marked: str) -> None:
    browser.staff_account(role="admin")
    response = browser.get(path)
    assert response.status_code == 200
    menu = _menu(response.get_data(as_text=True))
    current = re.findall(r'<a [^>]*href="([^"]+)"[^>]*aria-current="page"', menu)
    assert current == [marked]
