"""The portal's look through the browser: the landing page visitors meet at ``/<lang>/``, the
accent colour an admin chooses (served as ``/theme.css``, checked for contrast), and the
stylesheet's promises (tokens, focus, reduced motion, lists that become cards)."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

from tests.web.conftest import Browser
from tests.web.test_logo import another_browser, send_settings

STATIC = Path(__file__).resolve().parents[2] / "src" / "iclient_web" / "static"
EMAIL = "ana@example.pt"


def test_a_visitor_meets_the_business_and_the_ways_in(browser: Browser) -> None:
    for lang, words in (("pt", ("Entrar", "Registar")), ("en", ("Sign in", "Register"))):
        page = browser.get(f"/{lang}/")
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert "<h1>Oficina Exemplo</h1>" in body
        for word in words:
            assert word in body
        for path in ("/auth/sign-in", "/auth/sign-up", "/quote-request"):
            assert f'href="/{lang}{path}' in body
    assert browser.get("/").headers["Location"] == "/pt/"


def test_the_introduction_is_the_admins_markdown_in_the_page_language_and_safe(
    app: Flask, browser: Browser
) -> None:
    browser.staff_account()
    saved = send_settings(
        browser,
        intro_pt="**Reparamos** tudo.\n\n- Orçamentos em 48 h\n\n<script>alert(1)</script>",
        intro_en="",
    )
    assert saved.status_code == 303, saved.get_data(as_text=True)
    visitor = another_browser(app, browser)
    body = visitor.get("/pt/").get_data(as_text=True)
    assert "<strong>Reparamos</strong> tudo." in body
    assert "<li>Orçamentos em 48 h</li>" in body
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    # no English text yet: the Portuguese one stands in
    assert "<strong>Reparamos</strong>" in visitor.get("/en/").get_data(as_text=True)


def test_signed_in_people_still_get_their_dashboard_and_the_consent_gate(
    app: Flask, browser: Browser
) -> None:
    browser.client_account(EMAIL)
    home = browser.get("/pt/").get_data(as_text=True)
    assert "Olá, Ana." in home and "<h1>Oficina Exemplo</h1>" not in home
    gated = another_browser(app, browser)
    gated.register("rui@example.pt")
    gated.activate("rui@example.pt")
    assert gated.sign_in("rui@example.pt", consent=False).status_code == 303
    answer = gated.get("/pt/")
    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/pt/consent")


def test_the_accent_colour_reaches_every_page_through_theme_css(
    app: Flask, browser: Browser
) -> None:
    visitor = another_browser(app, browser)
    assert "/theme.css" not in visitor.get("/pt/").get_data(as_text=True)
    browser.staff_account()
    assert send_settings(browser, accent_color="#7A1F5C").status_code == 303
    page = visitor.get("/pt/auth/sign-in").get_data(as_text=True)
    link = re.search(r'<link rel="stylesheet" href="(/theme\.css\?v=7a1f5c)">', page)
    assert link, "no theme stylesheet on the page"
    theme = visitor.get(link.group(1))
    assert theme.status_code == 200
    assert theme.mimetype == "text/css"
    css = theme.get_data(as_text=True)
    assert "--accent: #7a1f5c;" in css
    assert re.search(r"--accent-soft: #[0-9a-f]{6};", css)
    assert theme.headers["Cache-Control"] == "public, max-age=300"
    # no inline style anywhere: the portal's CSP (style-src 'self') stays as it is
    assert "<style" not in page and " style=" not in page


def test_a_colour_that_cannot_be_read_is_refused_with_a_clear_message(
    browser: Browser,
) -> None:
    browser.staff_account()
    light = send_settings(browser, accent_color="#ffd700")
    assert light.status_code == 400
    assert "Esta cor é demasiado clara" in light.get_data(as_text=True)
    wrong = send_settings(browser, accent_color="vermelho")
    assert wrong.status_code == 400
    assert "seis dígitos hexadecimais" in wrong.get_data(as_text=True)
    assert "/theme.css" not in browser.get("/pt/").get_data(as_text=True)


def test_the_stylesheet_keeps_its_promises() -> None:
    css = (STATIC / "style.css").read_text(encoding="utf-8")
    for token in ("--accent:", "--space-4:", "--text-base:", "--radius:", "--font:"):
        assert token in css
    assert ":focus-visible" in css
    assert "prefers-reduced-motion: reduce" in css
    assert "content: attr(data-label)" in css
    assert "@import" not in css and "url(" not in css  # nothing loaded from elsewhere


def test_every_list_cell_is_labelled_for_the_phone_layout() -> None:
    templates = STATIC.parent / "templates"
    unlabelled = []
    for path in templates.rglob("*.html"):
        for table in re.findall(r'<table class="list[^"]*">.*?</table>', path.read_text(), re.S):
            body = table.split("</thead>", 1)[-1]
            unlabelled += [path.name for _ in re.findall(r"<td(?![^>]*data-label)[\s>]", body)]
    assert unlabelled == []


def test_theme_css_writes_nothing_but_a_colour(app: Flask, browser: Browser) -> None:
    from iclient_core.shared.business import BusinessSettings

    # stored by some other way than the settings page (an embedding product, a bad import)
    with browser.portal.services.uow() as uow:
        uow.settings.save(BusinessSettings(accent_color="red;}body{display:none"))
        uow.settings.bump_revision()
        uow.commit()
    css = browser.get("/theme.css").get_data(as_text=True)
    assert "display" not in css and "--accent" not in css
