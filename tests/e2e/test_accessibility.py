"""What a person with a screen reader, a keyboard or a thumb meets, each on the page where it
went wrong: field ids and labels, the names of the quote-line fields, errors tied to their
fields, the skip link, the size of the language links, and the scrollable legal texts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.conftest import Checker, Site, Watched

pytestmark = pytest.mark.browser

Open = Callable[[Any], Watched]


def duplicate_ids(page: Any) -> list[str]:
    return list(
        page.evaluate(
            """() => {
              const seen = new Map();
              for (const el of document.querySelectorAll('[id]'))
                seen.set(el.id, (seen.get(el.id) || 0) + 1);
              return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
            }"""
        )
    )


def labels_for_nothing(page: Any) -> list[str]:
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('label[for]')]
                 .filter(l => !document.getElementById(l.htmlFor))
                 .map(l => l.htmlFor)"""
        )
    )


def test_the_account_page_gives_each_current_password_box_its_own_id(
    site: Site, contexts: Callable[[str, int], Any], open_page: Open
) -> None:
    page = open_page(contexts("client", 1280)).page
    page.goto(f"{site.url}/en/account")
    assert duplicate_ids(page) == []
    assert labels_for_nothing(page) == []
    # each "Current password" label leads to the box of its own form
    for form in ("password", "email", "delete"):
        box = page.locator(f"form[action$='/account/{form}'] input[type=password]").first
        box_id = box.get_attribute("id")
        assert box_id is not None
        assert page.locator(f"label[for='{box_id}']").count() == 1


def test_the_decline_and_withdraw_reason_labels_name_their_boxes(
    site: Site, contexts: Callable[[str, int], Any], open_page: Open
) -> None:
    page = open_page(contexts("client", 1280)).page
    page.goto(f"{site.url}/en/quotes/{site.ids['sent']}")
    page.locator("details.withdraw summary").click()
    page.locator("details.decline summary").click()
    assert labels_for_nothing(page) == []
    assert duplicate_ids(page) == []
    for form in ("decline", "withdraw"):
        box = page.locator(f"form[action$='/{form}'] textarea")
        assert box.get_attribute("id") == f"{form}-reason"
        label = page.locator(f"label[for='{form}-reason']")
        assert label.inner_text().strip() == "Reason (optional)"


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        ("en", ("Line 3 description", "Line 3 quantity", "Line 3 unit price", "Line 3 VAT")),
        (
            "pt",
            (
                "Descrição da linha 3",
                "Quantidade da linha 3",
                "Preço unitário da linha 3",
                "IVA da linha 3",
            ),
        ),
    ],
)
def test_each_quote_line_field_names_its_line(
    lang: str,
    names: tuple[str, ...],
    site: Site,
    contexts: Callable[[str, int], Any],
    open_page: Open,
) -> None:
    page = open_page(contexts("staff", 1280)).page
    page.goto(f"{site.url}/{lang}/admin/quotes/{site.ids['requested']}")
    for name in names:
        field = page.get_by_label(name, exact=True)
        assert field.count() == 1, name
        assert field.get_attribute("name", timeout=1000) in {
            "lines-2-description",
            "lines-2-quantity",
            "lines-2-unit_price",
            "lines-2-vat_rate",
        }
    # and no two fields of the editor share a name
    labels = page.evaluate(
        """() => [...document.querySelectorAll('.lines-form input, .lines-form select')]
             .map(el => el.labels.length ? el.labels[0].innerText.trim()
                                          : el.getAttribute('aria-label'))"""
    )
    assert len(labels) == len(set(labels)) >= 32


def test_a_form_error_is_announced_with_its_field(
    site: Site, chromium: Any, open_page: Open, check: Checker
) -> None:
    from tests.e2e.conftest import new_context

    context = new_context(chromium, 390)
    try:
        watched = open_page(context)
        page = watched.page
        page.goto(f"{site.url}/en/auth/sign-up")
        page.fill("#first_name", "Ana")
        page.fill("#last_name", "Silva")
        page.fill("#phone", "912 345 678")
        page.fill("#email", "not an address")
        watched.expect_error = True  # a form with mistakes answers 400
        page.locator("main button[type=submit]").click()
        box = page.locator("#email")
        assert box.get_attribute("aria-invalid") == "true"
        described = (box.get_attribute("aria-describedby") or "").split()
        assert described, "the e-mail box names no description"
        said = " ".join(page.locator(f"#{ref}").inner_text() for ref in described)
        error = page.locator(".field.invalid .error").first.inner_text()
        assert error and error in said
        check(watched, "sign-up-with-an-error")
    finally:
        context.close()


@pytest.mark.parametrize("who", ["visitor", "client", "staff"])
def test_the_first_tab_offers_to_skip_to_the_content(
    who: str, site: Site, contexts: Callable[[str, int], Any], open_page: Open
) -> None:
    page = open_page(contexts(who, 390)).page
    page.goto(f"{site.url}/pt/documents" if who == "client" else f"{site.url}/pt/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.innerText.trim(), document.activeElement.hash]"
    )
    assert focused == ["Saltar para o conteúdo", "#content"]
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "content"
    assert page.evaluate("() => document.activeElement.tagName") == "MAIN"


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_the_language_links_are_big_enough_for_a_thumb(
    lang: str, site: Site, contexts: Callable[[str, int], Any], open_page: Open
) -> None:
    page = open_page(contexts("visitor", 390)).page
    page.goto(f"{site.url}/{lang}/auth/sign-in")
    links = page.locator("nav.langs a")
    assert links.count() >= 1
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box is not None
        assert box["width"] >= 24 and box["height"] >= 24, box


def test_the_legal_texts_scroll_by_keyboard_and_are_named(
    site: Site, contexts: Callable[[str, int], Any], open_page: Open
) -> None:
    page = open_page(contexts("gated", 390)).page
    page.goto(f"{site.url}/en/consent")
    texts = page.locator(".legal")
    assert texts.count() >= 2  # the Terms, the Privacy Policy, and any optional text
    for index in range(texts.count()):
        text = texts.nth(index)
        assert text.get_attribute("tabindex") == "0"
        assert text.get_attribute("role") == "region"
        name = text.get_attribute("aria-labelledby")
        assert name and page.locator(f"#{name}").inner_text().strip()
    texts.first.focus()
    before = texts.first.evaluate("el => el.scrollTop")
    page.keyboard.press("PageDown")
    # the browser scrolls smoothly: wait for the text to move
    texts.first.evaluate(
        """(el, before) => new Promise((done, fail) => {
             const started = Date.now();
             const look = () => el.scrollTop > before ? done()
               : Date.now() - started > 3000 ? fail(new Error('the text did not scroll'))
               : requestAnimationFrame(look);
             look();
           })""",
        before,
    )


def test_a_box_left_unticked_on_the_consent_page_is_announced_with_its_error(
    site: Site, contexts: Callable[[str, int], Any], open_page: Open
) -> None:
    watched = open_page(contexts("gated", 1280))
    page = watched.page
    page.goto(f"{site.url}/en/consent")
    watched.expect_error = True  # the form with a mistake answers 400
    with page.expect_navigation():
        page.locator("form[action*='/consent'] button[type=submit]").first.click()
    box = page.locator("input[name=accept_terms]")
    assert box.get_attribute("aria-invalid") == "true"
    described = (box.get_attribute("aria-describedby") or "").split()
    assert described, "the Terms box names no description"
    said = " ".join(page.locator(f"#{ref}").inner_text() for ref in described)
    assert "accept" in said.lower()


@pytest.mark.parametrize("path", ["/pt/faq", "/pt/legal/terms", "/en/legal/privacy"])
def test_a_page_of_its_own_shows_its_whole_text_without_a_scroll_box(
    site: Site, contexts: Callable[[str, int], Any], open_page: Open, path: str
) -> None:
    """The FAQ's answers and the legal pages are read as pages: no text is cut off in a box
    that scrolls on its own (the consent page keeps its boxes, which are focusable)."""
    page = open_page(contexts("visitor", 390)).page
    page.goto(f"{site.url}{path}")
    clipped = page.evaluate(
        "[...document.querySelectorAll('main .legal')]"
        ".filter(e => e.scrollHeight > e.clientHeight + 1).length"
    )
    assert page.locator("main .legal").count() >= 1
    assert clipped == 0
