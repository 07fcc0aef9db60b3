"""A support thread open on a client's phone (390 px) shows a staff reply without a reload:
the page's script polls with ``If-None-Match`` and the new message appears; internal notes
never do. Without JavaScript, a reload shows the same."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.conftest import Checker, Site, Watched, new_context
from tests.web.conftest import Browser

pytestmark = pytest.mark.browser

Open = Callable[[Any], Watched]


def test_a_staff_reply_appears_in_the_clients_open_thread_without_a_reload(
    site: Site, contexts: Callable[[str, int], Any], open_page: Open, check: Checker
) -> None:
    client = open_page(contexts("client", 390))
    conversation_id = site.ids["support"]
    client.page.goto(f"{site.url}/pt/support/{conversation_id}")
    assert "Já vimos o problema." in client.page.content()
    assert "Nota interna de teste." not in client.page.content()
    check(client, "support-thread-before")
    client.page.evaluate("window.__stillTheSamePage = true")

    staff = Browser(site.app.test_client(), site.portal, site.transport)
    staff.sign_in("gestora@example.pt")
    page = f"/pt/admin/support/{conversation_id}"
    staff.submit(f"{page}/note", {"note": "Outra nota só da equipa."}, form_page=page)
    answered = staff.submit(
        f"{page}/reply", {"message": "Reinicie a impressora, por favor."}, form_page=page
    )
    assert answered.status_code == 303

    reply = client.page.locator("#live-thread li", has_text="Reinicie a impressora, por favor.")
    reply.wait_for(timeout=15_000)
    assert client.page.evaluate("window.__stillTheSamePage === true")  # no reload happened
    assert "Outra nota só da equipa." not in client.page.content()
    check(client, "support-thread-after")


def test_without_javascript_a_reload_shows_the_thread(
    site: Site, chromium: Any, contexts: Callable[[str, int], Any]
) -> None:
    cookies = contexts("client", 390).cookies()
    context = new_context(chromium, 390, java_script_enabled=False)
    try:
        context.add_cookies(cookies)
        page = context.new_page()
        page.goto(f"{site.url}/pt/support/{site.ids['support']}")
        assert "Já vimos o problema." in page.content()
        assert page.locator("textarea[name=message]").count() == 1
    finally:
        context.close()
