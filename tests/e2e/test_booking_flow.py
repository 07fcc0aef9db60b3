"""A visitor books from a phone, gets the confirmation with its calendar file, moves the
booking once by the e-mailed link, and staff see it in the week view: in a real browser, each
page checked like every other page (no overflow, no console error, nothing serious for
axe-core)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.conftest import Checker, Site, Watched, new_context

pytestmark = pytest.mark.browser

Open = Callable[[Any], Watched]


def submit(watched: Watched, form: str) -> None:
    with watched.page.expect_navigation():
        watched.page.locator(f"{form} button[type=submit]").first.click()


def test_a_visitor_books_on_a_phone_moves_it_by_the_link_and_staff_see_it(
    site: Site,
    chromium: Any,
    contexts: Callable[[str, int], Any],
    open_page: Open,
    check: Checker,
) -> None:
    context = new_context(chromium, 390, "pt")
    try:
        watched = open_page(context)
        page = watched.page
        page.goto(f"{site.url}/pt/book")
        check(watched, "book")
        with page.expect_navigation():
            page.get_by_role("link", name="Consulta de diagnóstico").click()
        check(watched, "book-service")
        # A day at a time: pick Thursday 8 January, then 14:30 on it.
        with page.expect_navigation():
            page.locator(".day-picker a[href*='day=2026-01-08']").click()
        assert "day=2026-01-08" in page.url
        page.locator("input[name=start][value='2026-01-08T14:30:00+00:00']").check()
        page.fill("#name", "Marta Sousa")
        page.fill("#email", "marta@example.pt")
        page.fill("#phone", "913 222 333")
        page.check("#contact_consent")
        submit(watched, "form.booking")
        assert "A sua reserva está confirmada" in page.content()
        check(watched, "booking-confirmed")

        link = site.mail_link("marta@example.pt", "/book/manage/")
        mail = [m for m in site.transport.sent if "marta@example.pt" in str(m["To"])][-1]
        assert [p.get_filename() for p in mail.walk() if p.get_filename()] == ["booking.ics"]
        page.goto(site.url + link)
        check(watched, "booking-manage")
        with page.expect_navigation():
            page.locator(".day-picker a[href*='day=2026-01-09']").click()
        page.locator("input[name=start][value='2026-01-09T09:00:00+00:00']").check()
        submit(watched, "form.booking")
        assert "A sua reserva foi mudada" in page.content()
        check(watched, "booking-moved")
    finally:
        context.close()

    staff = open_page(contexts("staff", 1280))
    staff.page.goto(f"{site.url}/en/admin/bookings?view=week&day=2026-01-05")
    check(staff, "staff-bookings-week")
    friday = staff.page.locator("#day-2026-01-09")
    assert "Marta Sousa" in friday.inner_text()
    assert "09:00–09:30" in friday.inner_text()
    assert "Marta Sousa" not in staff.page.locator("#day-2026-01-08").inner_text()
