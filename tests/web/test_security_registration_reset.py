"""Checklist items 12, 15, 17 and 19–22 through the portal's pages: registration of a known
address, extra form fields, links built from the base URL, token pages, resets and links."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest

from iclient_adapters.clock import FrozenClock
from iclient_adapters.compose import Portal
from iclient_adapters.config import Config
from iclient_adapters.mail import MemoryTransport
from iclient_core.accounts.model import Role, Status
from tests.web.conftest import (
    CSRF_RE,
    NEW_PASSWORD,
    PASSWORD,
    Browser,
    app_with,
    path_of,
    stored_account,
    without_csrf,
)

EMAIL = "ana@example.pt"
BASE_URL = "https://portal.example.test"
INVALID_LINK = "Esta ligação não funciona"
EXPIRED_LINK = "Esta ligação expirou"
SIGN_UP = {"first_name": "Ana", "last_name": "Silva", "phone": "912 345 678"}


def _subjects(browser: Browser, address: str) -> list[str]:
    return [str(m["Subject"]) for m in browser.mail() if address in str(m["To"])]


def _activation_path(browser: Browser, email: str = EMAIL) -> str:
    return path_of(browser.link_in(browser.last_mail_to(email), "/auth/activate/"))


def _reset_path(browser: Browser, email: str = EMAIL) -> str:
    browser.submit("/pt/auth/forgot-password", {"email": email})
    return path_of(browser.link_in(browser.last_mail_to(email), "/auth/reset-password/"))


def _active(browser: Browser, email: str = EMAIL) -> None:
    browser.register(email)
    assert browser.activate(email).status_code == 303


def _token(path: str) -> str:
    return path.rsplit("/", 1)[1]


# ----------------------------------------------------------------------------------- item 15


def test_item_15_sign_up_with_a_registered_address_answers_like_a_new_one(
    browser: Browser, other_browser: Browser
) -> None:
    _active(browser)
    browser.mail()
    before = len(browser.transport.sent)

    taken = other_browser.submit("/pt/auth/sign-up", {**SIGN_UP, "email": EMAIL})
    new = other_browser.submit("/pt/auth/sign-up", {**SIGN_UP, "email": "novo@example.pt"})

    assert taken.status_code == new.status_code == 200
    assert without_csrf(taken.get_data(as_text=True)) == without_csrf(new.get_data(as_text=True))
    assert sorted(taken.headers.keys()) == sorted(new.headers.keys())
    sent = browser.mail()[before:]
    to_owner = [m for m in sent if EMAIL in str(m["To"])]
    assert [str(m["Subject"]) for m in to_owner] == ["Já tem uma conta em Oficina Exemplo"]
    body = to_owner[0].get_body(("plain",))
    assert body is not None
    assert "/auth/activate/" not in body.get_content()  # no way in for whoever typed it
    assert any("novo@example.pt" in str(m["To"]) for m in sent)
    account = stored_account(browser.portal, EMAIL)
    assert account is not None and account.profile.first_name == "Ana"


def test_item_15_sign_up_is_rate_limited_per_ip(browser: Browser, other_browser: Browser) -> None:
    crowd = {"REMOTE_ADDR": "203.0.113.80"}
    token = browser.csrf("/pt/auth/sign-up")
    for n in range(20):
        done = browser.client.post(
            "/pt/auth/sign-up",
            data={**SIGN_UP, "email": f"pessoa{n}@example.pt", "csrf_token": token},
            environ_base=crowd,
        )
        assert done.status_code == 200
    refused = browser.client.post(
        "/pt/auth/sign-up",
        data={**SIGN_UP, "email": "mais.uma@example.pt", "csrf_token": token},
        environ_base=crowd,
    )
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Demasiadas tentativas" in refused.get_data(as_text=True)
    assert stored_account(browser.portal, "mais.uma@example.pt") is None
    # someone else, elsewhere, still registers
    assert other_browser.register("outra@example.pt").status_code == 200


def test_item_15_resend_activation_is_rate_limited(browser: Browser) -> None:
    browser.register()
    for _ in range(3):
        assert browser.submit("/pt/auth/resend-activation", {"email": EMAIL}).status_code == 200
    refused = browser.submit("/pt/auth/resend-activation", {"email": EMAIL})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0


# ----------------------------------------------------------------------------------- item 17


def test_item_17_sign_up_ignores_role_and_status_fields(browser: Browser) -> None:
    done = browser.submit(
        "/pt/auth/sign-up",
        {**SIGN_UP, "email": EMAIL, "role": "admin", "status": "active", "is_staff": "1"},
    )
    assert done.status_code == 200
    account = stored_account(browser.portal, EMAIL)
    assert account is not None
    assert account.role is Role.CLIENT
    assert account.status is Status.PENDING_ACTIVATION
    assert account.password_hash is None
    assert browser.sign_in().status_code == 400
    assert browser.get("/pt/admin/").status_code == 303  # not signed in at all


def test_item_17_account_forms_ignore_role_status_and_email_fields(browser: Browser) -> None:
    browser.client_account()
    saved = browser.submit(
        "/pt/account",
        {
            "first_name": "Ana Maria",
            "last_name": "Silva",
            "phone": "912 345 678",
            "language": "pt",
            "role": "admin",
            "status": "active",
            "email": "intruso@example.pt",
        },
    )
    assert saved.status_code == 303
    changed = browser.submit(
        "/pt/account/password",
        {
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
            "role": "admin",
        },
        form_page="/pt/account",
    )
    assert changed.status_code == 303
    account = stored_account(browser.portal, EMAIL)
    assert account is not None
    assert account.profile.first_name == "Ana Maria"  # the expected fields were taken
    assert account.role is Role.CLIENT
    assert account.email.address == EMAIL
    assert stored_account(browser.portal, "intruso@example.pt") is None
    assert browser.get("/pt/admin/").status_code == 404


# ----------------------------------------------------------------------------------- item 20


@pytest.mark.parametrize(
    "spoof",
    [
        {"headers": {"Host": "evil.example"}},
        {"base_url": "http://evil.example"},
        {"headers": {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}},
    ],
    ids=["Host", "base_url", "X-Forwarded-Host"],
)
def test_item_20_reset_links_come_from_the_base_url_not_the_request(
    browser: Browser, spoof: dict[str, object]
) -> None:
    _active(browser)
    # the attacker's own browser, talking to the portal under a Host of their choosing
    attacker = browser.client.application.test_client()
    form = attacker.get("/pt/auth/forgot-password", **spoof)  # type: ignore[arg-type]
    assert form.status_code == 200
    found = CSRF_RE.search(form.get_data(as_text=True))
    assert found
    asked = attacker.post(
        "/pt/auth/forgot-password",
        data={"email": EMAIL, "csrf_token": found.group(1)},
        **spoof,  # type: ignore[arg-type]
    )
    assert asked.status_code == 200
    message = browser.last_mail_to(EMAIL)
    link = browser.link_in(message, "/auth/reset-password/")
    assert link.startswith(f"{BASE_URL}/pt/auth/reset-password/")
    body = message.get_body(("plain",))
    assert body is not None
    assert "evil.example" not in body.get_content()


def test_item_20_links_come_from_the_base_url_behind_a_proxy(
    portal: Portal, transport: MemoryTransport
) -> None:
    app = app_with(portal, proxy_hops=1)  # the proxy's X-Forwarded-* are believed here
    browser = Browser(app.test_client(), portal, transport)
    forwarded = {"X-Forwarded-Host": "evil.example", "X-Forwarded-For": "203.0.113.4"}
    token = browser.csrf("/pt/auth/sign-up")
    done = browser.client.post(
        "/pt/auth/sign-up",
        data={**SIGN_UP, "email": EMAIL, "csrf_token": token},
        headers=forwarded,
    )
    assert done.status_code == 200
    link = browser.link_in(browser.last_mail_to(EMAIL), "/auth/activate/")
    assert link.startswith(f"{BASE_URL}/pt/auth/activate/")


def test_item_20_production_trusts_the_base_url_host_by_default(tmp_path: Path) -> None:
    config = Config.from_env(
        {"ICLIENT_ENV": "production", "ICLIENT_SECRET_KEY": "k" * 43, "ICLIENT_BASE_URL": BASE_URL},
        instance_path=tmp_path,
    )
    assert config.production
    assert config.trusted_hosts == ("portal.example.test",)


def test_item_20_production_refuses_other_hosts(
    portal: Portal, caplog: pytest.LogCaptureFixture
) -> None:
    app = app_with(
        portal,
        production=True,
        base_url=BASE_URL,
        trusted_hosts=("portal.example.test",),
    )
    assert app.config["TRUSTED_HOSTS"] == ["portal.example.test"]
    client = app.test_client()
    good = client.get("/pt/auth/forgot-password", base_url=BASE_URL)
    assert good.status_code == 200
    for spoof in (
        {"base_url": "https://evil.example"},
        {"base_url": BASE_URL, "headers": {"Host": "evil.example"}},
        {"base_url": "https://portal.example.test.evil.example"},
    ):
        refused = client.get("/pt/auth/forgot-password", **spoof)  # type: ignore[arg-type]
        assert refused.status_code == 400, spoof
        text = refused.get_data(as_text=True)
        assert "Não foi possível tratar este pedido" in text  # a friendly page, not a crash
        assert "evil.example" not in text
        assert refused.headers["X-Content-Type-Options"] == "nosniff"

    found = CSRF_RE.search(good.get_data(as_text=True))
    assert found
    posted = client.post(
        "/pt/auth/forgot-password",
        data={"email": EMAIL, "csrf_token": found.group(1)},
        base_url="https://evil.example",
    )
    assert posted.status_code == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# ----------------------------------------------------------------------------------- item 21


def test_item_21_token_pages_send_no_referrer(browser: Browser, clock: FrozenClock) -> None:
    browser.register()
    activation = _activation_path(browser)
    seen = {
        "activation form": browser.get(activation),
        "activation, weak password": browser.submit(
            activation, {"password": "curta", "password_confirm": "curta"}
        ),
        "tampered activation": browser.get(activation + "x"),
    }
    browser.activate()
    seen["used activation link"] = browser.get(activation)
    reset = _reset_path(browser)
    seen["reset form"] = browser.get(reset)
    seen["reset, mismatch"] = browser.submit(
        reset, {"password": NEW_PASSWORD, "password_confirm": PASSWORD}
    )
    seen["tampered reset"] = browser.get(reset[:-3])
    browser.sign_in()
    browser.submit(
        "/pt/account/email",
        {"email": "ana.nova@example.pt", "current_password": PASSWORD},
        form_page="/pt/account",
    )
    confirm = path_of(browser.link_in(browser.last_mail_to("ana.nova@example.pt"), "/email/"))
    seen["confirm e-mail"] = browser.get(confirm)
    seen["tampered confirm e-mail"] = browser.get(confirm + "x")
    clock.advance(timedelta(hours=2))
    seen["expired reset"] = browser.get(reset)

    for name, response in seen.items():
        assert response.status_code < 500, name
        assert response.headers["Referrer-Policy"] == "no-referrer", name
    assert seen["expired reset"].status_code == 410


# ----------------------------------------------------------------------------------- item 22


def test_item_22_reset_signs_in_nobody_and_ends_every_session(
    browser: Browser, other_browser: Browser
) -> None:
    _active(browser)
    assert other_browser.sign_in().status_code == 303
    assert other_browser.get("/pt/").status_code == 200
    assert browser.sign_in().status_code == 303  # the resetting browser was signed in too

    reset = _reset_path(browser)
    done = browser.submit(reset, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert done.status_code == 303
    assert done.headers["Location"] == "/pt/auth/sign-in"

    for who in (browser, other_browser):
        after = who.get("/pt/account")
        assert after.status_code == 303
        assert after.headers["Location"].startswith("/pt/auth/sign-in")
    subjects = _subjects(browser, EMAIL)
    assert subjects[-1] == "A sua palavra-passe em Oficina Exemplo foi alterada"
    assert other_browser.sign_in(password=PASSWORD).status_code == 400
    assert other_browser.sign_in(password=NEW_PASSWORD).status_code == 303


# ------------------------------------------------------------------------------ items 12, 19


def test_item_19_reset_link_works_once(browser: Browser) -> None:
    _active(browser)
    reset = _reset_path(browser)
    first = browser.submit(reset, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert first.status_code == 303

    again_form = browser.get(reset)
    again = browser.client.post(
        reset,
        data={
            "password": "terceira frase sobre pombos e eletricos",
            "password_confirm": "terceira frase sobre pombos e eletricos",
            "csrf_token": browser.csrf("/pt/auth/forgot-password"),
        },
    )
    for response in (again_form, again):
        assert response.status_code == 400
        assert INVALID_LINK in response.get_data(as_text=True)
    assert browser.sign_in(password=NEW_PASSWORD).status_code == 303


def test_item_12_activation_link_works_once(browser: Browser) -> None:
    browser.register()
    activation = _activation_path(browser)
    assert browser.activate().status_code == 303
    again = browser.get(activation)
    assert again.status_code == 400
    assert INVALID_LINK in again.get_data(as_text=True)


def test_item_12_links_are_bound_to_their_purpose(browser: Browser) -> None:
    browser.register()
    activation_token = _token(_activation_path(browser))
    for response in (
        browser.get(f"/pt/auth/reset-password/{activation_token}"),
        browser.get(f"/pt/account/email/{activation_token}"),
    ):
        assert response.status_code == 400
        assert INVALID_LINK in response.get_data(as_text=True)
    assert browser.activate().status_code == 303

    reset_token = _token(_reset_path(browser))
    wrong = browser.get(f"/pt/auth/activate/{reset_token}")
    assert wrong.status_code == 400
    assert INVALID_LINK in wrong.get_data(as_text=True)
    posted = browser.client.post(
        f"/pt/auth/activate/{reset_token}",
        data={
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
            "csrf_token": browser.csrf("/pt/auth/sign-in"),
        },
    )
    assert posted.status_code == 400
    assert browser.sign_in(password=PASSWORD).status_code == 303  # nothing changed


def _tampered(token: str) -> list[str]:
    flipped = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]
    return [
        flipped,
        token[:-1],
        token + "A",
        token.replace(".", "", 1),
        "x",
        "." * 3,
        "A" * 3000,
        "eyJhIjoiMSJ9.AAAAAA.AAAA",
        "ção%00%0d%0a",
        "%2e%2e",
    ]


@pytest.mark.parametrize("route", ["/pt/auth/activate/", "/pt/auth/reset-password/"])
def test_item_12_tampered_tokens_get_the_friendly_invalid_link_page(
    browser: Browser, route: str
) -> None:
    _active(browser, "outra@example.pt")
    browser.register()
    token = _token(_activation_path(browser))
    if "reset" in route:
        browser.activate()
        token = _token(_reset_path(browser))
    csrf = browser.csrf("/pt/auth/sign-in")
    for bad in _tampered(token):
        shown = browser.get(route + bad)
        posted = browser.client.post(
            route + bad,
            data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD, "csrf_token": csrf},
        )
        for response in (shown, posted):
            assert response.status_code in {400, 404}, (bad, response.status_code)
            text = response.get_data(as_text=True)
            assert "Traceback" not in text
            if response.status_code == 400:
                assert INVALID_LINK in text, bad
    # the genuine link still works afterwards
    assert browser.get(route + token).status_code == 200


def test_item_12_expired_activation_link_offers_a_new_one(
    browser: Browser, clock: FrozenClock
) -> None:
    browser.register()
    old = _activation_path(browser)
    clock.advance(timedelta(hours=47))
    assert browser.get(old).status_code == 200  # links work for 48 hours
    clock.advance(timedelta(hours=2))

    expired = browser.get(old)
    assert expired.status_code == 410
    page = expired.get_data(as_text=True)
    assert EXPIRED_LINK in page
    assert expired.headers["Referrer-Policy"] == "no-referrer"
    action = re.search(r'<form method="post" action="([^"]+)"', page)
    hidden = re.search(r'<input[^>]*name="token"[^>]*value="([^"]+)"', page)
    found = CSRF_RE.search(page)
    assert action and hidden and found
    posted_too = browser.client.post(
        old,
        data={"password": PASSWORD, "password_confirm": PASSWORD, "csrf_token": found.group(1)},
    )
    assert posted_too.status_code == 410

    browser.mail()
    before = len(browser.transport.sent)
    asked = browser.client.post(
        unescape(action.group(1)),
        data={"token": unescape(hidden.group(1)), "csrf_token": found.group(1)},
    )
    assert asked.status_code == 200
    new_mail = [m for m in browser.mail()[before:] if EMAIL in str(m["To"])]
    assert len(new_mail) == 1
    new = path_of(browser.link_in(new_mail[0], "/auth/activate/"))
    assert new != old
    assert browser.get(new).status_code == 200
    assert browser.activate().status_code == 303
    assert browser.sign_in().status_code == 303


def test_item_19_reset_link_expires_after_an_hour(browser: Browser, clock: FrozenClock) -> None:
    _active(browser)
    reset = _reset_path(browser)
    clock.advance(timedelta(minutes=59))
    assert browser.get(reset).status_code == 200
    clock.advance(timedelta(minutes=2))
    expired = browser.get(reset)
    assert expired.status_code == 410
    assert 'href="/pt/auth/forgot-password"' in expired.get_data(as_text=True)
    posted = browser.submit(
        reset,
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        form_page="/pt/auth/forgot-password",
    )
    assert posted.status_code == 410
    assert browser.sign_in(password=PASSWORD).status_code == 303
