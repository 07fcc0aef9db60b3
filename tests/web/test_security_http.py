"""Checklist items 33–36 and 41 over HTTP: CSRF on every state-changing route, escaping,
local-only ``next`` redirects, the security headers, and the configuration's secrets."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from iclient_adapters.compose import Portal
from iclient_adapters.config import Config, ConfigError
from iclient_adapters.mail import MemoryTransport
from iclient_adapters.testing import TEST_SECRET_KEY
from iclient_web import create_app, security
from tests.web.conftest import (
    NEW_PASSWORD,
    PASSWORD,
    Browser,
    app_with,
    path_of,
    record_consent,
    stored_account,
)

EMAIL = "ana@example.pt"
BASE_URL = "https://portal.example.test"
TEMPLATES = Path(security.__file__).parent / "templates"
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_EXEMPT = {"notifications.unsubscribe_link"}
"""The one-click unsubscribe POST (RFC 8058): a mail program sends it, with no session and
no token; its signed link is the authority, and it can only turn one kind of e-mail off."""
UPLOADS = {
    "admin_documents.upload",
    "admin_documents.replace",
    "quotes.client.new",
    "support.client.new",
    "support.client.reply",
    "support.admin.reply",
}
DUMMY = {"lang": "pt", "filename": "style.css"}


def _url(rule: Rule) -> str:
    """The rule's path with a dummy value for each converter."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: DUMMY.get(m.group(1), "dummy"), rule.rule)


def _rules(app: Flask, methods: set[str]) -> list[Rule]:
    return [r for r in app.url_map.iter_rules() if (r.methods or set()) & methods]


def _fetch(client: Any, url: str, **kwargs: Any) -> TestResponse:
    """A GET whose response is read and closed (static files hold an open file)."""
    with client.get(url, **kwargs) as response:
        response.get_data()
        return response


# ----------------------------------------------------------------------------------- item 33


def test_item_33_every_state_changing_route_needs_the_csrf_token(
    app: Flask, browser: Browser
) -> None:
    rules = _rules(app, STATE_CHANGING)
    endpoints = {r.endpoint for r in rules}
    assert {"auth.sign_up", "auth.sign_in", "auth.sign_out", "auth.reset", "auth.activate"} <= (
        endpoints
    )
    assert {"account.save_profile", "account.save_password", "account.save_email"} <= endpoints

    browser.client_account()
    anonymous = app.test_client()
    anonymous.get("/pt/auth/sign-in")  # has a session and a CSRF token, just not in the form
    form = {"email": EMAIL, "password": PASSWORD, "first_name": "X", "token": "dummy"}
    for rule in rules:
        url = _url(rule)
        for method in sorted((rule.methods or set()) & STATE_CHANGING):
            for who, client in (("anonymous", anonymous), ("signed in", browser.client)):
                for token in ({}, {"csrf_token": "forged"}):
                    answer = client.open(url, method=method, data={**form, **token})
                    if rule.endpoint in CSRF_EXEMPT:
                        # A forged link is refused as a link, not as a form.
                        assert answer.status_code == 400, (method, url, who, token)
                        assert "Este formulário expirou" not in answer.get_data(as_text=True)
                        continue
                    if rule.endpoint.startswith("api."):
                        # The JSON API takes no cookie, only a key in a header a page of
                        # another site cannot send: without one, nothing happens.
                        assert answer.status_code in (401, 404, 405), (method, url)
                        assert answer.mimetype == "application/problem+json"
                        continue
                    if who == "anonymous" and rule.endpoint in UPLOADS:
                        # Pages that take files answer nobody before reading the body.
                        assert answer.status_code == 303, (method, url)
                        assert "/auth/sign-in" in answer.headers["Location"]
                        continue
                    assert answer.status_code == 400, (method, url, who, token)
                    assert "Este formulário expirou" in answer.get_data(as_text=True)
    # nothing above signed anybody out or changed anything
    assert browser.get("/pt/").status_code == 200
    account = stored_account(browser.portal, EMAIL)
    assert account is not None and account.profile.first_name == "Ana"


def test_item_33_no_get_spends_a_link(browser: Browser, other_browser: Browser) -> None:
    browser.register()
    activation = path_of(browser.link_in(browser.last_mail_to(EMAIL), "/auth/activate/"))
    for _ in range(2):
        assert other_browser.get(activation).status_code == 200
    assert browser.activate().status_code == 303

    browser.submit("/pt/auth/forgot-password", {"email": EMAIL})
    reset = path_of(browser.link_in(browser.last_mail_to(EMAIL), "/auth/reset-password/"))
    for _ in range(2):
        assert other_browser.get(reset).status_code == 200
    done = browser.submit(reset, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert done.status_code == 303

    browser.sign_in(password=NEW_PASSWORD)
    browser.submit(
        "/pt/account/email",
        {"email": "ana.nova@example.pt", "current_password": NEW_PASSWORD},
        form_page="/pt/account",
    )
    confirm = path_of(browser.link_in(browser.last_mail_to("ana.nova@example.pt"), "/email/"))
    for _ in range(2):
        assert other_browser.get(confirm).status_code == 200
    assert stored_account(browser.portal, EMAIL) is not None
    assert browser.submit(confirm, {}).status_code == 303
    assert stored_account(browser.portal, "ana.nova@example.pt") is not None


def test_item_33_no_get_route_changes_anything(app: Flask, browser: Browser) -> None:
    browser.client_account()
    account = stored_account(browser.portal, EMAIL)
    outbox_before = len(browser.mail())
    rules = [r for r in _rules(app, {"GET"}) if "sign-out" not in r.rule]
    assert len(rules) >= 10
    for rule in rules:
        answer = _fetch(browser.client, _url(rule))
        assert answer.status_code < 500, rule.rule
    assert stored_account(browser.portal, EMAIL) == account
    assert len(browser.mail()) == outbox_before
    assert browser.get("/pt/").status_code == 200  # still signed in


# ----------------------------------------------------------------------------------- item 34

XSS_FIRST = "<script>alert(1)</script>"
XSS_LAST = '"><img src=x onerror=alert(1)>'


def test_item_34_names_are_escaped_on_every_page(browser: Browser) -> None:
    browser.submit(
        "/pt/auth/sign-up",
        {"first_name": XSS_FIRST, "last_name": XSS_LAST, "phone": "912 345 678", "email": EMAIL},
    )
    activation = path_of(browser.link_in(browser.last_mail_to(EMAIL), "/auth/activate/"))
    pages = {"activation": browser.get(activation).get_data(as_text=True)}
    assert browser.activate().status_code == 303
    assert browser.sign_in().status_code == 303
    pages["dashboard"] = browser.get("/pt/").get_data(as_text=True)
    pages["account"] = browser.get("/pt/account").get_data(as_text=True)

    for name, page in pages.items():
        assert XSS_FIRST not in page, name
        assert "<img" not in page, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, name
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in pages["account"]
    account = stored_account(browser.portal, EMAIL)
    assert account is not None and account.profile.first_name == XSS_FIRST  # kept as typed


def test_item_34_no_template_turns_escaping_off(app: Flask) -> None:
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) >= 10
    for template in templates:
        text = template.read_text()
        assert not re.search(r"\|\s*safe\b", text), template
        assert "autoescape false" not in text.replace("  ", " ").lower(), template
        assert "Markup" not in text, template
    for module in Path(security.__file__).parent.glob("*.py"):
        if module.name == "markdown.py":
            continue  # the one sanitising renderer, tested below
        assert "Markup(" not in module.read_text(), module
    assert app.jinja_env.autoescape("page.html") is True  # type: ignore[operator]


def test_item_34_markdown_of_consent_texts_cannot_inject_html() -> None:
    from iclient_web.markdown import render_markdown

    html = str(
        render_markdown(
            "# T <script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>"
        )
    )
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript:' not in html
    assert "<h1>" in html


# ----------------------------------------------------------------------------------- item 35

# FST's open-redirect list and a few more, as they arrive in the query string
OFFSITE = {
    "//evil.example": "//evil.example",
    "\\\\evil.example": "%5C%5Cevil.example",
    "/\\evil.example": "/%5Cevil.example",
    "\\t//evil.example": "%09//evil.example",
    "https://evil.example": "https%3A%2F%2Fevil.example",
    "javascript:alert(1)": "javascript:alert(1)",
    "/%5cevil.example": "/%5cevil.example",
    "///evil.example": "///evil.example",
    "/\\t/evil.example": "/%09/evil.example",
    " //evil.example": "%20//evil.example",
    "HTTP:evil.example": "HTTP:evil.example",
    "data:text/html,x": "data:text/html,x",
    "%2F%2Fevil.example": "%2F%2Fevil.example",
    "//evil.example@portal": "//evil.example%40portal.example.test",
    "\\n//evil.example": "%0A//evil.example",
}


@pytest.fixture
def signed_up(browser: Browser) -> Browser:
    browser.register()
    browser.activate()
    record_consent(browser.portal)
    return browser


def _new_browser(app: Flask, portal: Portal, transport: MemoryTransport) -> Browser:
    return Browser(app.test_client(), portal, transport)


@pytest.mark.parametrize("query", OFFSITE.values(), ids=OFFSITE.keys())
def test_item_35_next_refuses_offsite_targets(
    signed_up: Browser, app: Flask, portal: Portal, transport: MemoryTransport, query: str
) -> None:
    browser = _new_browser(app, portal, transport)
    url = f"/pt/auth/sign-in?next={query}"
    signed_in = browser.submit(url, {"email": EMAIL, "password": PASSWORD})
    assert signed_in.status_code == 303
    assert signed_in.headers["Location"] == "/pt/"
    # and when already signed in, the sign-in page sends on to the same place
    again = browser.get(url)
    assert again.status_code == 303
    assert again.headers["Location"] == "/pt/"


@pytest.mark.parametrize("target", ["/pt/account", "/en/account?tab=email"])
def test_item_35_next_follows_local_paths(signed_up: Browser, target: str) -> None:
    signed_in = signed_up.submit(
        f"/pt/auth/sign-in?next={target.replace('?', '%3F').replace('=', '%3D')}",
        {"email": EMAIL, "password": PASSWORD},
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["Location"] == target
    assert signed_up.get(target).status_code == 200


def test_item_35_private_pages_send_back_after_sign_in(signed_up: Browser) -> None:
    asked = signed_up.get("/pt/account")
    assert asked.status_code == 303
    sign_in = asked.headers["Location"]
    assert sign_in.startswith("/pt/auth/sign-in?next=")
    back = signed_up.submit(sign_in, {"email": EMAIL, "password": PASSWORD})
    assert back.headers["Location"] == "/pt/account"


# ----------------------------------------------------------------------------------- item 36


def _assert_security_headers(response: TestResponse, where: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {d.strip() for d in csp.split(";")}
    for needed in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert needed in directives, (where, csp)
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") in {"no-referrer", "same-origin"}, where


def _every_kind_of_response(browser: Browser) -> Iterator[tuple[str, TestResponse, bool]]:
    """(what, response, signed in?) for public, private, error, redirect and static answers."""
    client = browser.client
    yield "public page", _fetch(client, "/pt/auth/sign-in"), False
    yield "redirect", _fetch(client, "/"), False
    yield "404 in a language", _fetch(client, "/pt/no-such-page"), False
    yield "404 outside", _fetch(client, "/no-such-page"), False
    yield "405", _fetch(client, "/pt/auth/sign-out"), False
    yield "static file", _fetch(client, "/static/style.css"), False
    yield "CSRF failure", client.post("/pt/auth/sign-in", data={}), False
    browser.client_account()
    yield "dashboard", _fetch(client, "/pt/"), True
    yield "account", _fetch(client, "/pt/account"), True
    yield "404 signed in", _fetch(client, "/pt/no-such-page"), True
    yield "static signed in", _fetch(client, "/static/style.css"), True


def test_item_36_every_response_carries_the_security_headers(browser: Browser) -> None:
    for what, response, signed_in in _every_kind_of_response(browser):
        _assert_security_headers(response, what)
        assert "Strict-Transport-Security" not in response.headers, what  # plain http
        if signed_in and "static" not in what:
            assert "no-store" in response.headers.get("Cache-Control", ""), what


def test_item_36_hsts_under_https(portal: Portal, transport: MemoryTransport) -> None:
    app = app_with(portal, base_url=BASE_URL)
    client = app.test_client()
    for url in ("/pt/auth/sign-in", "/no-such-page", "/static/style.css", "/"):
        response = _fetch(client, url, base_url=BASE_URL)
        _assert_security_headers(response, url)
        hsts = response.headers.get("Strict-Transport-Security", "")
        match = re.search(r"max-age=(\d+)", hsts)
        assert match and int(match.group(1)) >= 31536000, (url, hsts)


# ----------------------------------------------------------------------------------- item 41

MEMORY = {
    "ICLIENT_DATABASE_URL": "memory://",
    "ICLIENT_STORAGE_URL": "memory://",
    "ICLIENT_MAIL_URL": "memory://",
}


def test_item_41_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ICLIENT_SECRET_KEY"):
        Config.from_env({**MEMORY, "ICLIENT_ENV": "production"}, instance_path=tmp_path)
    assert not (tmp_path / "secret_key").exists()
    with pytest.raises(ConfigError):
        Config.from_env(
            {**MEMORY, "ICLIENT_ENV": "production", "ICLIENT_SECRET_KEY": ""},
            instance_path=tmp_path,
        )


@pytest.mark.parametrize("production", [True, False])
def test_item_41_a_short_secret_key_is_refused(tmp_path: Path, production: bool) -> None:
    env = {**MEMORY, "ICLIENT_SECRET_KEY": "s3cr3t-but-only-31-characters!!"}
    if production:
        env["ICLIENT_ENV"] = "production"
    with pytest.raises(ConfigError, match="32 characters"):
        Config.from_env(env, instance_path=tmp_path)


def test_item_41_the_generated_development_key_is_random_256_bits_and_private(
    tmp_path: Path,
) -> None:
    first = Config.from_env(MEMORY, instance_path=tmp_path / "one")
    key = first.secret_key
    assert len(key) >= 43  # 256 bits in url-safe base64
    assert re.fullmatch(r"[A-Za-z0-9_-]+", key)
    stored = tmp_path / "one" / "secret_key"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert Config.from_env(MEMORY, instance_path=tmp_path / "one").secret_key == key  # kept
    assert Config.from_env(MEMORY, instance_path=tmp_path / "two").secret_key != key  # random
    app = create_app({"TESTING": True}, config=first)
    assert app.secret_key == key


def test_item_41_session_cookies_survive_a_key_rotation(
    browser: Browser, portal: Portal, tmp_path: Path
) -> None:
    browser.client_account()
    cookie = browser.client.get_cookie("iclient")
    assert cookie is not None
    new_key = "a-brand-new-secret-key-for-the-portal-0123456789"

    def client_on(env: dict[str, str]) -> Any:
        config = Config.from_env({**MEMORY, **env}, instance_path=tmp_path)
        rotated = Portal(config=config, services=portal.services)
        client = create_app({"TESTING": True}, portal=rotated).test_client()
        client.set_cookie("iclient", cookie.value)
        return client

    kept = client_on(
        {"ICLIENT_SECRET_KEY": new_key, "ICLIENT_SECRET_KEY_FALLBACKS": TEST_SECRET_KEY}
    )
    assert kept.get("/pt/account").status_code == 200
    dropped = client_on({"ICLIENT_SECRET_KEY": new_key})
    assert dropped.get("/pt/account").status_code == 303


def test_item_41_fallback_keys_may_be_listed_with_spaces(
    browser: Browser, portal: Portal, tmp_path: Path
) -> None:
    browser.client_account()
    cookie = browser.client.get_cookie("iclient")
    assert cookie is not None
    config = Config.from_env(
        {
            **MEMORY,
            "ICLIENT_SECRET_KEY": "a-brand-new-secret-key-for-the-portal-0123456789",
            "ICLIENT_SECRET_KEY_FALLBACKS": "an-even-older-key-nobody-uses-anymore-0000, "
            + TEST_SECRET_KEY,
        },
        instance_path=tmp_path,
    )
    rotated = Portal(config=config, services=portal.services)
    client = create_app({"TESTING": True}, portal=rotated).test_client()
    client.set_cookie("iclient", cookie.value)
    assert client.get("/pt/").status_code == 200


def test_item_41_debug_is_off(portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app(portal=portal)
    assert app.debug is False
    assert app.config["PROPAGATE_EXCEPTIONS"] is False
    assert os.environ["FLASK_DEBUG"] == "1"


def test_item_41_an_error_in_a_view_shows_the_friendly_page_without_a_traceback(
    app: Flask, browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    @security.public
    def explode() -> str:
        raise RuntimeError("db password=hunter2 at /srv/iclient/secret.py line 42")

    app.add_url_rule("/<lang>/explode", "explode", explode)
    app.add_url_rule("/explode-private", "explode_private", explode)

    for url in ("/pt/explode", "/en/explode"):
        failed = browser.get(url)
        assert failed.status_code == 500
        page = failed.get_data(as_text=True)
        for leak in ("Traceback", "RuntimeError", "hunter2", "secret.py", "line 42", 'File "'):
            assert leak not in page, (url, leak)
        assert "<h1>" in page
        _assert_security_headers(failed, url)
    assert "Algo correu mal do nosso lado" in browser.get("/pt/explode").get_data(as_text=True)
    assert "Something went wrong on our side" in browser.get("/en/explode").get_data(as_text=True)
    browser.client_account()
    failed = browser.get("/explode-private")
    assert failed.status_code == 500
    assert "Traceback" not in failed.get_data(as_text=True)
    # the details go to the log, for the people who run the portal
    assert any(r.name == "iclient.web" and r.exc_info for r in caplog.records)


@pytest.mark.parametrize(
    "path",
    [
        "/pt/documents/%00abc/download",
        "/pt/quotes/%00",
        "/pt/admin/clients/%00x",
        "/pt/auth/activate/abc%00def",
        "/pt/admin/consent/versions/%01",
    ],
)
def test_control_characters_in_url_ids_get_a_404_page_before_any_lookup(
    browser: Browser, path: str
) -> None:
    browser.staff_account()
    answer = browser.get(path)
    assert answer.status_code == 404
    assert "Página não encontrada" in answer.get_data(as_text=True)
