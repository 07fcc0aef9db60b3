"""Accepting a quote takes two steps: the quote page links to a confirmation that restates the
number, version and total, whose form (CSRF-protected, no JavaScript) accepts; declining is
apart from accepting, and secondary."""

from __future__ import annotations

import re

from tests.web.conftest import Browser
from tests.web.test_quotes import CLIENT, STAFF, accept, ask, page, send, staff_version


def _sent(client: Browser, staff: Browser) -> str:
    client.client_account(CLIENT)
    staff.staff_account(STAFF)
    quote_id = ask(client)
    send(staff, quote_id)
    return quote_id


def test_one_click_on_the_quote_page_does_not_accept(
    browser: Browser, other_browser: Browser
) -> None:
    quote_id = _sent(browser, other_browser)
    show = f"/pt/quotes/{quote_id}"
    shown = page(browser.get(show))
    assert f'action="{show}/accept"' not in shown  # no form that accepts from here
    assert f'href="{show}/accept?version=1"' in shown
    # The decline form is folded away apart from the accept link, with a secondary button.
    decline = re.search(r"<details[^>]*>(?:(?!</details>).)*/decline", shown, re.S)
    assert decline is not None and "Aceitar" not in decline.group(0)
    # The old one-step POST only leads to the confirmation.
    one_click = browser.submit(f"{show}/accept", {"proposal": "1"}, form_page=show)
    assert one_click.status_code == 303
    assert one_click.headers["Location"].endswith(f"{show}/accept?version=1")
    assert "Proposta enviada" in page(browser.get(show))


def test_the_confirmation_restates_number_version_and_total_then_accepts(
    browser: Browser, other_browser: Browser
) -> None:
    quote_id = _sent(browser, other_browser)
    show = f"/pt/quotes/{quote_id}"
    total = re.search(r'class="num total">([^<]+)<', page(browser.get(show)))
    assert total is not None
    confirm = browser.get(f"{show}/accept?version=1")
    assert confirm.status_code == 200
    body = page(confirm)
    assert "ORC 2026/0001" in body and "versão 1" in body and total.group(1) in body
    assert 'name="csrf_token"' in body and re.search(r'name="confirmed"[^>]*value="yes"', body)
    assert f'action="{show}/accept"' in body and "<script" not in body.split("<main", 1)[1]
    done = browser.submit(
        f"{show}/accept",
        {"proposal": "1", "confirmed": "yes"},
        form_page=f"{show}/accept?version=1",
    )
    assert done.status_code == 303 and done.headers["Location"].endswith(show)
    assert "Aceite" in page(browser.get(show))


def test_a_stale_confirmation_is_refused_clearly(browser: Browser, other_browser: Browser) -> None:
    quote_id = _sent(browser, other_browser)
    show, admin = f"/pt/quotes/{quote_id}", f"/pt/admin/quotes/{quote_id}"
    opened = f"{show}/accept?version=1"
    assert browser.get(opened).status_code == 200
    other_browser.submit(
        f"{admin}/revise", {"version": staff_version(other_browser, quote_id)}, form_page=admin
    )
    send(other_browser, quote_id, **{"lines-0-unit_price": "11,00"})
    again = browser.get(opened)
    assert again.status_code == 409 and "A proposta mudou" in page(again)
    stale = accept(browser, quote_id, "1")
    assert stale.status_code == 409 and "A proposta mudou" in page(stale)  # type: ignore[attr-defined]
    assert browser.get(f"{show}/accept?version=x").status_code == 409
    assert "Proposta enviada" in page(browser.get(show))
    assert accept(browser, quote_id, "2").status_code == 303  # type: ignore[attr-defined]
