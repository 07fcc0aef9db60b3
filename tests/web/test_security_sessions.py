"""Checklist items 24–29 through the portal's pages: a new session at sign-in, sign-out that
really ends it, cookie flags, timeouts, sessions ended by a password change, re-authentication
for password and e-mail changes."""

from __future__ import annotations

from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from iclient_adapters.clock import FrozenClock
from iclient_adapters.compose import Portal
from iclient_core.accounts.model import email_key
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
NEW_EMAIL = "ana.nova@example.pt"
BASE_URL = "https://portal.example.test"
DOCS = Path(__file__).parents[2] / "docs"


def _active(browser: Browser) -> None:
    browser.register()
    assert browser.activate().status_code == 303
    record_consent(browser.portal)


def _signed_in(browser: Browser) -> bool:
    answer = browser.get("/pt/account")  # a private page (visitors get a landing page at /pt/)
    assert answer.status_code in {200, 303}
    if answer.status_code == 303:
        assert answer.headers["Location"].startswith("/pt/auth/sign-in")
    return answer.status_code == 200


def _cookie(client: FlaskClient, name: str = "iclient") -> str:
    found = client.get_cookie(name)
    assert found is not None, f"no {name} cookie"
    return found.value


def _set_cookie_header(response_headers: list[str], name: str) -> str:
    found = [h for h in response_headers if h.startswith(f"{name}=")]
    assert found, response_headers
    return found[-1]


# ----------------------------------------------------------------------------------- item 24


def test_item_24_sign_in_starts_a_new_session(browser: Browser) -> None:
    _active(browser)
    before_token = browser.csrf("/pt/auth/sign-in")
    with browser.client.session_transaction() as session:
        session["planted"] = "put here before signing in"
        session["sid"] = "a secret chosen by an attacker"  # session fixation
        before_csrf = session["csrf_token"]
    before_cookie = _cookie(browser.client)

    signed_in = browser.client.post(
        "/pt/auth/sign-in",
        data={"email": EMAIL, "password": PASSWORD, "csrf_token": before_token},
    )
    assert signed_in.status_code == 303
    assert _signed_in(browser)

    with browser.client.session_transaction() as session:
        assert "planted" not in session
        assert session["sid"] != "a secret chosen by an attacker"
        assert session.get("csrf_token") != before_csrf
    assert _cookie(browser.client) != before_cookie
    after_token = browser.csrf("/pt/")
    assert after_token != before_token
    # a form token from before the sign-in no longer works
    stale = browser.client.post(
        "/pt/account",
        data={"first_name": "X", "last_name": "Y", "phone": "", "csrf_token": before_token},
    )
    assert stale.status_code == 400
    account = stored_account(browser.portal, EMAIL)
    assert account is not None and account.profile.first_name == "Ana"


# ----------------------------------------------------------------------------------- item 25


def test_item_25_sign_out_is_post_only(browser: Browser) -> None:
    browser.client_account()
    refused = browser.get("/pt/auth/sign-out")
    assert refused.status_code == 405
    body = refused.get_data(as_text=True)
    assert "Não foi possível tratar este pedido" in body  # the friendly page
    assert "POST" in refused.headers["Allow"]
    assert _signed_in(browser)


def test_item_25_sign_out_needs_the_csrf_token(browser: Browser) -> None:
    browser.client_account()
    for data in ({}, {"csrf_token": "forged"}, {"csrf_token": ""}):
        refused = browser.client.post("/pt/auth/sign-out", data=data)
        assert refused.status_code == 400, data
        assert "Este formulário expirou" in refused.get_data(as_text=True)
        assert _signed_in(browser)


def test_item_25_old_cookie_replayed_after_sign_out_is_refused(
    browser: Browser, portal: Portal
) -> None:
    browser.client_account()
    copied = _cookie(browser.client)

    out = browser.submit("/pt/auth/sign-out", {}, form_page="/pt/")
    assert out.status_code == 303
    assert not _signed_in(browser)

    thief = browser.client.application.test_client()
    thief.set_cookie("iclient", copied)
    replayed = thief.get("/pt/account")
    assert replayed.status_code == 303
    assert replayed.headers["Location"].startswith("/pt/auth/sign-in")
    assert thief.get("/pt/account").status_code == 303
    with portal.services.uow() as uow:
        account = uow.accounts.get_by_email_key(email_key(EMAIL))
        assert account is not None
        assert list(uow.sessions.list_for_account(account.id)) == []


# ----------------------------------------------------------------------------------- item 26


def test_item_26_session_cookie_is_httponly_and_samesite_lax(browser: Browser) -> None:
    _active(browser)
    signed_in = browser.sign_in()
    assert signed_in.status_code == 303
    header = _set_cookie_header(signed_in.headers.getlist("Set-Cookie"), "iclient")
    cookie = SimpleCookie(header)["iclient"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]
    assert not cookie["secure"]  # plain http (development): a Secure cookie would be lost


def test_item_26_under_https_the_cookie_is_host_prefixed_and_secure(portal: Portal) -> None:
    app = app_with(portal, base_url=BASE_URL)
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-iclient"
    client = app.test_client()
    https = {"base_url": BASE_URL}
    page = client.get("/pt/auth/sign-in", **https)
    header = _set_cookie_header(page.headers.getlist("Set-Cookie"), "__Host-iclient")
    cookie = SimpleCookie(header)["__Host-iclient"]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]  # required by the __Host- prefix
    assert not [h for h in page.headers.getlist("Set-Cookie") if h.startswith("iclient=")]


# ----------------------------------------------------------------------------------- item 27


def test_item_27_idle_sessions_end_after_60_minutes(browser: Browser, clock: FrozenClock) -> None:
    browser.client_account()
    clock.advance(timedelta(minutes=59))
    assert _signed_in(browser)
    clock.advance(timedelta(minutes=61))
    assert not _signed_in(browser)
    clock.advance(timedelta(minutes=1))
    assert not _signed_in(browser)  # and it does not come back


def test_item_27_sessions_end_after_12_hours_however_active(
    browser: Browser, clock: FrozenClock
) -> None:
    browser.client_account()
    for _ in range(24):  # every half hour for 12 hours
        clock.advance(timedelta(minutes=30))
        assert _signed_in(browser)
    clock.advance(timedelta(minutes=30))
    assert not _signed_in(browser)


def test_item_27_timeouts_are_documented(browser: Browser) -> None:
    settings = browser.portal.services.settings
    assert settings.session_idle == timedelta(minutes=60)
    assert settings.session_absolute == timedelta(hours=12)
    app = browser.client.application
    assert app.permanent_session_lifetime == timedelta(hours=12)
    security = (DOCS / "security.md").read_text()
    assert "Idle timeout: 60 minutes; absolute timeout: 12 hours" in security
    configuration = (DOCS / "configuration.md").read_text()
    assert "`ICLIENT_SESSION_IDLE_MINUTES` | `60`" in configuration
    assert "`ICLIENT_SESSION_ABSOLUTE_HOURS` | `12`" in configuration


# ----------------------------------------------------------------------------------- item 28


def test_item_28_password_change_ends_the_other_sessions_only(
    browser: Browser, other_browser: Browser
) -> None:
    browser.client_account()
    assert other_browser.sign_in().status_code == 303
    assert _signed_in(other_browser)

    changed = browser.submit(
        "/pt/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        form_page="/pt/account",
    )
    assert changed.status_code == 303
    assert _signed_in(browser)
    assert not _signed_in(other_browser)
    assert other_browser.sign_in(password=NEW_PASSWORD).status_code == 303


def test_item_28_disabling_the_account_ends_its_sessions(browser: Browser, portal: Portal) -> None:
    browser.client_account()
    with portal.services.uow() as uow:
        account = uow.accounts.get_by_email_key(email_key(EMAIL))
        assert account is not None
        account.disable()
        uow.accounts.save(account)
        uow.commit()
    assert not _signed_in(browser)


# ----------------------------------------------------------------------------------- item 29


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (
            "/pt/account/password",
            {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        ),
        ("/pt/account/email", {"email": NEW_EMAIL}),
    ],
    ids=["password", "e-mail"],
)
@pytest.mark.parametrize("current", ["uma palavra-passe errada e comprida", ""])
def test_item_29_changes_need_the_current_password(
    browser: Browser, url: str, data: dict[str, str], current: str
) -> None:
    browser.client_account()
    browser.mail()
    sent_before = len(browser.transport.sent)

    refused = browser.submit(url, {**data, "current_password": current}, form_page="/pt/account")

    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "A palavra-passe atual não está correta." in page
    assert f'action="{url}"' in page  # on the form, shown again
    assert _signed_in(browser)
    account = stored_account(browser.portal, EMAIL)
    assert account is not None and account.email.address == EMAIL
    assert len(browser.mail()) == sent_before  # no link, no notice
    other = Browser(browser.client.application.test_client(), browser.portal, browser.transport)
    assert other.sign_in(password=NEW_PASSWORD).status_code == 400
    assert other.sign_in(password=PASSWORD).status_code == 303


def test_item_29_email_change_is_confirmed_from_the_new_address(
    browser: Browser, other_browser: Browser
) -> None:
    browser.client_account()
    asked = browser.submit(
        "/pt/account/email",
        {"email": NEW_EMAIL, "current_password": PASSWORD},
        form_page="/pt/account",
    )
    assert asked.status_code == 303
    to_new = browser.last_mail_to(NEW_EMAIL)
    assert str(to_new["To"]).endswith(f"<{NEW_EMAIL}>") or str(to_new["To"]) == NEW_EMAIL
    confirm = path_of(browser.link_in(to_new, "/account/email/"))
    assert not [m for m in browser.mail() if EMAIL in str(m["To"]) and "alterado" in m["Subject"]]

    # following the link (GET, as mail scanners do) changes nothing, however often
    for _ in range(2):
        shown = other_browser.get(confirm)
        assert shown.status_code == 200
        assert NEW_EMAIL in shown.get_data(as_text=True)
    account = stored_account(browser.portal, EMAIL)
    assert account is not None and account.email.address == EMAIL

    confirmed = other_browser.submit(confirm, {})
    assert confirmed.status_code == 303
    account = stored_account(browser.portal, NEW_EMAIL)
    assert account is not None and account.email.address == NEW_EMAIL
    assert stored_account(browser.portal, EMAIL) is None
    notice = browser.last_mail_to(EMAIL)
    assert notice["Subject"] == (
        "O endereço de e-mail da sua conta em Oficina Exemplo foi alterado"
    )
    assert NEW_EMAIL in str(notice.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert other_browser.sign_in(NEW_EMAIL).status_code == 303
    third = Browser(browser.client.application.test_client(), browser.portal, browser.transport)
    assert third.sign_in(EMAIL).status_code == 400

    again = other_browser.submit(confirm, {}, form_page="/pt/account")
    assert again.status_code == 400  # the link worked once
    assert "Esta ligação não funciona" in again.get_data(as_text=True)
