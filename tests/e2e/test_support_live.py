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


def test_a_client_opens_a_request_with_a_photo_on_a_phone_sees_the_answer_live_and_closes_it(
    site: Site,
    contexts: Callable[[str, int], Any],
    open_page: Open,
    check: Checker,
    tmp_path: Any,
) -> None:
    from tests.web.test_support import PHOTO

    photo = tmp_path / "ecra.jpg"
    photo.write_bytes(PHOTO)
    client = open_page(contexts("client", 390))
    client.page.goto(f"{site.url}/pt/support/new")
    check(client, "support-new-phone")
    client.page.fill("#subject", "O ecrã ficou preto")
    client.page.select_option("#category", "technical")
    client.page.fill("#message", "Desde esta manhã. Junto uma fotografia.")
    client.page.set_input_files("#file", str(photo))
    with client.page.expect_navigation():
        client.page.locator("main form button[type=submit]").first.click()
    assert "/pt/support/" in client.page.url and "/new" not in client.page.url
    conversation_id = client.page.url.rstrip("/").rsplit("/", 1)[1]
    assert client.page.locator("#live-thread a[href*='/files/']").count() == 1
    client.page.evaluate("window.__stillTheSamePage = true")

    staff = Browser(site.app.test_client(), site.portal, site.transport)
    staff.sign_in("gestora@example.pt")
    page = f"/pt/admin/support/{conversation_id}"
    staff.submit(f"{page}/note", {"note": "Ver garantia antes."}, form_page=page)
    staff.submit(f"{page}/reply", {"message": "Ligue o cabo HDMI de novo."}, form_page=page)

    client.page.locator("#live-thread li", has_text="Ligue o cabo HDMI de novo.").wait_for(
        timeout=15_000
    )
    assert client.page.evaluate("window.__stillTheSamePage === true")
    assert "Ver garantia antes." not in client.page.content()
    with client.page.expect_navigation():
        client.page.locator("form.close-request button[type=submit]").click()
    assert client.page.locator("#live-thread .thread-status .state-closed").count() == 1
    check(client, "support-closed-phone")
