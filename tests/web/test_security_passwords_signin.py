"""Checklist items 7–11 through the portal's pages: password fields, throttling, one answer
for every failed sign-in, no default accounts, security events in the log."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask

from iclient_adapters.compose import Portal
from iclient_adapters.config import Config
from iclient_adapters.mail import MemoryTransport
from iclient_core.accounts.model import Role, Status, email_key
from iclient_web import create_app
from iclient_web.cli import log_formatter, main
from tests.web.conftest import (
    CSRF_RE,
    NEW_PASSWORD,
    PASSWORD,
    Browser,
    path_of,
    record_consent,
    stored_account,
    without_csrf,
)

EMAIL = "ana@example.pt"
WRONG = "uma frase errada mas igualmente comprida"
TOO_MANY = "Demasiadas tentativas"


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            self.inputs.append(dict(attrs))
        # The portal's own passkeys.js (loaded on the sign-in page) touches no password
        # field and listens to no paste: test_passkeys_script_leaves_password_fields_alone.
        if tag == "script" and not (dict(attrs).get("src") or "").endswith("/passkeys.js"):
            self.scripts += 1


def _parse(body: str) -> _Inputs:
    parser = _Inputs()
    parser.feed(body)
    return parser


def _reset_path(browser: Browser, email: str = EMAIL) -> str:
    browser.submit("/pt/auth/forgot-password", {"email": email})
    return path_of(browser.link_in(browser.last_mail_to(email), "/auth/reset-password/"))


def _activation_path(browser: Browser, email: str = EMAIL) -> str:
    return path_of(browser.link_in(browser.last_mail_to(email), "/auth/activate/"))


# ------------------------------------------------------------------------------------ item 7


def test_passkeys_script_leaves_password_fields_alone() -> None:
    script = (Path(__file__).parents[2] / "src/iclient_web/static/passkeys.js").read_text()
    assert "paste" not in script and "password" not in script.lower()


def _assert_password_fields(browser: Browser, url: str, names: set[str]) -> None:
    page = browser.get(url)
    assert page.status_code == 200, url
    parsed = _parse(page.get_data(as_text=True))
    assert parsed.scripts == 0, f"{url}: no script may block pasting"
    fields = [i for i in parsed.inputs if i.get("name") in names]
    assert {i["name"] for i in fields} == names, url
    for field in fields:
        assert field.get("type") == "password", (url, field)
        assert not {"onpaste", "oncopy", "ondrop", "readonly"} & field.keys(), (url, field)
        # password managers may fill them in
        assert field.get("autocomplete") in {"current-password", "new-password"}, field
        assert "maxlength" not in field, (url, field)


def test_item_7_password_fields_are_type_password_and_allow_paste(browser: Browser) -> None:
    _assert_password_fields(browser, "/pt/auth/sign-in", {"password"})
    browser.register()
    _assert_password_fields(browser, _activation_path(browser), {"password", "password_confirm"})
    browser.activate()
    _assert_password_fields(browser, _reset_path(browser), {"password", "password_confirm"})
    browser.sign_in()
    _assert_password_fields(
        browser, "/pt/account", {"current_password", "password", "password_confirm"}
    )


# ------------------------------------------------------------------------------------ item 8


def test_item_8_sign_in_throttled_per_address_answers_429_with_retry_after(
    browser: Browser,
) -> None:
    browser.register()
    browser.activate()
    for _ in range(5):
        assert browser.sign_in(password=WRONG).status_code == 400

    throttled = browser.sign_in(password=WRONG)
    assert throttled.status_code == 429
    retry_after = int(throttled.headers["Retry-After"])
    assert 0 < retry_after <= 15 * 60  # an attacker cannot lock the owner out for long
    body = throttled.get_data(as_text=True)
    assert TOO_MANY in body
    assert '<html lang="pt">' in body
    assert 'href="/pt/auth/sign-in"' in body  # a friendly page with a way on
    # the right password waits from the same network; from another network the owner is
    # not locked out by these failures (the address's own budget is larger; device cookies
    # keep the owner's browser going past it: item 51)
    same_network = browser.submit(
        "/pt/auth/sign-in",
        {"email": EMAIL, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "127.0.0.9"},
    )
    assert same_network.status_code == 429
    elsewhere = browser.submit(
        "/pt/auth/sign-in",
        {"email": EMAIL, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.77"},
    )
    assert elsewhere.status_code == 303


def test_item_8_sign_in_throttled_per_ip_answers_429(
    browser: Browser, other_browser: Browser
) -> None:
    browser.register()
    browser.activate()
    attacker = {"REMOTE_ADDR": "203.0.113.66"}
    token = other_browser.csrf("/pt/auth/sign-in")
    for n in range(50):  # a different address each time: no single account is throttled
        failed = other_browser.client.post(
            "/pt/auth/sign-in",
            data={"email": f"pessoa{n}@example.pt", "password": WRONG, "csrf_token": token},
            environ_base=attacker,
        )
        assert failed.status_code == 400
    blocked = other_browser.client.post(
        "/pt/auth/sign-in",
        data={"email": EMAIL, "password": PASSWORD, "csrf_token": token},
        environ_base=attacker,
    )
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert TOO_MANY in blocked.get_data(as_text=True)

    # the owner, from another address, is not locked out by the attacker
    assert browser.sign_in().status_code == 303


def test_item_8_password_reset_lifts_the_account_throttle(browser: Browser) -> None:
    browser.register()
    browser.activate()
    for _ in range(5):
        browser.sign_in(password=WRONG)
    assert browser.sign_in().status_code == 429

    reset = _reset_path(browser)
    changed = browser.submit(reset, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert changed.status_code == 303

    assert browser.sign_in(password=NEW_PASSWORD).status_code == 303


# ------------------------------------------------------------------------------------ item 9


def test_item_9_one_answer_for_unknown_wrong_password_unactivated_and_disabled(
    browser: Browser, portal: Portal
) -> None:
    answers = {}
    answers["unknown address"] = browser.sign_in(EMAIL, PASSWORD)

    browser.register(EMAIL)
    answers["not activated"] = browser.sign_in(EMAIL, PASSWORD)

    browser.activate(EMAIL)
    answers["wrong password"] = browser.sign_in(EMAIL, WRONG)

    with portal.services.uow() as uow:
        account = uow.accounts.get_by_email_key(email_key(EMAIL))
        assert account is not None
        account.disable()
        uow.accounts.save(account)
        uow.commit()
    answers["disabled"] = browser.sign_in(EMAIL, PASSWORD)

    statuses = {reason: answer.status_code for reason, answer in answers.items()}
    assert set(statuses.values()) == {400}, statuses
    bodies = {reason: without_csrf(a.get_data(as_text=True)) for reason, a in answers.items()}
    first = bodies["unknown address"]
    assert "O e-mail ou a palavra-passe não estão corretos" in first
    for reason, body in bodies.items():
        assert body == first, f"the {reason!r} answer differs from the unknown-address one"
    headers = {reason: sorted(a.headers.keys()) for reason, a in answers.items()}
    assert len({tuple(h) for h in headers.values()}) == 1, headers


def test_item_9_unknown_address_answer_is_the_same_for_any_unknown_address(
    browser: Browser,
) -> None:
    browser.register()
    browser.activate()
    unknown = browser.sign_in("ninguem@example.pt", WRONG)
    known = browser.sign_in(EMAIL, WRONG)
    assert unknown.status_code == known.status_code == 400
    # the pages differ only by the address typed back into the form
    assert without_csrf(unknown.get_data(as_text=True)).replace(
        "ninguem@example.pt", EMAIL
    ) == without_csrf(known.get_data(as_text=True))


# ----------------------------------------------------------------------------------- item 10


@pytest.fixture
def fresh_app(tmp_path: Path) -> Flask:
    """The portal as the composition root builds it from the environment, nothing seeded."""
    config = Config.from_env(
        {
            "ICLIENT_DATABASE_URL": "memory://",
            "ICLIENT_STORAGE_URL": "memory://",
            "ICLIENT_MAIL_URL": "memory://",
            "ICLIENT_BASE_URL": "https://portal.example.test",
        },
        instance_path=tmp_path,
    )
    return create_app({"TESTING": True}, config=config)


def _fresh_browser(app: Flask) -> Browser:
    return Browser(app.test_client(), app.extensions["iclient"], MemoryTransport())


def test_item_10_a_fresh_portal_has_no_accounts(fresh_app: Flask) -> None:
    portal: Portal = fresh_app.extensions["iclient"]
    with portal.services.uow() as uow:
        assert list(uow.accounts.list(limit=1000)) == []
        assert uow.accounts.count_admins() == 0
    browser = _fresh_browser(fresh_app)
    for email, password in [
        ("admin@portal.example.test", "admin"),
        ("admin@example.com", "password"),
        ("admin", "admin"),
        ("root@localhost", "root"),
    ]:
        # sign in over https, where the cookie is __Host-iclient
        page = browser.client.get("/pt/auth/sign-in", base_url="https://portal.example.test")
        found = CSRF_RE.search(page.get_data(as_text=True))
        assert found
        refused = browser.client.post(
            "/pt/auth/sign-in",
            data={"email": email, "password": password, "csrf_token": found.group(1)},
            base_url="https://portal.example.test",
            headers={"Referer": "https://portal.example.test/pt/auth/sign-in"},
        )
        assert refused.status_code == 400, email


def test_item_10_first_admin_comes_from_create_staff(fresh_app: Flask) -> None:
    runner = fresh_app.test_cli_runner()
    result = runner.invoke(
        main,
        args=["create-staff", "chefe@oficina.pt", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "chefe@oficina.pt" in result.output
    assert PASSWORD not in result.output

    portal: Portal = fresh_app.extensions["iclient"]
    account = stored_account(portal, "chefe@oficina.pt")
    assert account is not None
    assert account.role is Role.ADMIN and account.status is Status.ACTIVE

    client = fresh_app.test_client()
    https = {"base_url": "https://portal.example.test"}
    page = client.get("/pt/auth/sign-in", **https)
    found = CSRF_RE.search(page.get_data(as_text=True))
    assert found
    signed_in = client.post(
        "/pt/auth/sign-in",
        data={"email": "chefe@oficina.pt", "password": PASSWORD, "csrf_token": found.group(1)},
        headers={"Referer": "https://portal.example.test/pt/auth/sign-in"},
        **https,
    )
    assert signed_in.status_code == 303
    assert client.get("/pt/admin/", **https).status_code == 200


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("curta", "Use pelo menos 12 caracteres"),
        ("password1234", "comum"),
        ("chefe oficina 1", "nome da empresa"),
    ],
)
def test_item_10_create_staff_refuses_a_weak_password_with_the_reason(
    fresh_app: Flask, password: str, reason: str
) -> None:
    runner = fresh_app.test_cli_runner()
    result = runner.invoke(
        main,
        args=["create-staff", "chefe@oficina.pt", "--role", "admin", "--password-stdin"],
        input=password + "\n",
    )
    assert result.exit_code != 0
    assert "password:" in result.stderr
    assert reason in result.stderr
    assert password not in result.output
    assert stored_account(fresh_app.extensions["iclient"], "chefe@oficina.pt") is None


# ----------------------------------------------------------------------------------- item 11


def _security_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "iclient.security"]


def _fields(line: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in line.split(" "))


def test_item_11_security_events_name_event_account_and_ip_without_secrets(
    browser: Browser, other_browser: Browser, portal: Portal, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    ip = {"environ_base": {"REMOTE_ADDR": "203.0.113.5"}}
    browser.submit(
        "/pt/auth/sign-up",
        {"first_name": "Ana", "last_name": "Silva", "phone": "912 345 678", "email": EMAIL},
        **ip,
    )
    activation = _activation_path(browser)
    browser.submit(activation, {"password": PASSWORD, "password_confirm": PASSWORD}, **ip)
    record_consent(portal, EMAIL)
    browser.submit("/pt/auth/sign-in", {"email": EMAIL, "password": WRONG}, **ip)
    browser.submit("/pt/auth/sign-in", {"email": EMAIL, "password": PASSWORD}, **ip)
    browser.submit("/pt/auth/sign-out", {}, form_page="/pt/", **ip)
    reset = _reset_path(browser)
    browser.submit(reset, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}, **ip)
    other_browser.sign_in("ninguem@example.pt", WRONG)

    account = stored_account(portal, EMAIL)
    assert account is not None
    lines = _security_lines(caplog)
    events = [_fields(line) for line in lines]
    seen = {e["event"] for e in events}
    assert {"sign_up", "activation", "sign_in_failed", "sign_in", "sign_out"} <= seen
    assert {"reset_requested", "password_reset"} <= seen
    for event in events:
        assert {"event", "account", "ip"} <= event.keys(), event
    ours = [e for e in events if e["account"] == account.id]
    assert {"sign_up", "activation", "sign_in_failed", "sign_in", "sign_out"} <= {
        e["event"] for e in ours
    }
    assert all(e["ip"] == "203.0.113.5" for e in ours if e["event"] != "reset_requested")
    assert any(e["event"] == "sign_in_failed" and e["account"] == "-" for e in events)

    secrets = [PASSWORD, NEW_PASSWORD, WRONG]
    secrets += [activation.rsplit("/", 1)[1], reset.rsplit("/", 1)[1]]
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "") + repr(record.args)
        for secret in secrets:
            assert secret not in text, (record.name, text)


@pytest.fixture
def server_three_hours_behind_utc() -> Iterator[None]:
    """The process's local time zone is UTC-3 for the test (a POSIX TZ, no tz database)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "XYZ+03"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.mark.usefixtures("server_three_hours_behind_utc")
def test_item_11_security_log_lines_say_when_in_utc(
    browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="iclient.security")
    browser.sign_in("ninguem@example.pt", WRONG)
    (record,) = [r for r in caplog.records if r.name == "iclient.security"]

    line = log_formatter().format(record)  # the format ``iclient serve`` logs with

    when = datetime.fromtimestamp(record.created, UTC)
    assert line.startswith(when.strftime("%Y-%m-%dT%H:%M:%SZ iclient.security event="))
    local = datetime.fromtimestamp(record.created).strftime("%Y-%m-%dT%H:%M:%S")
    assert not line.startswith(local)


def test_item_11_cr_lf_in_input_cannot_forge_a_log_line(
    browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    forged = "ana@example.pt\r\nevent=sign_in account=admin ip=127.0.0.1"
    browser.sign_in(forged, WRONG)
    browser.submit("/pt/auth/forgot-password", {"email": forged})
    browser.submit(
        "/pt/auth/sign-up",
        {"first_name": "Ana\r\nevent=x", "last_name": "Silva", "phone": "", "email": forged},
    )
    # a value that does reach the log: the client address (here straight from the server)
    browser.submit(
        "/pt/auth/sign-in",
        {"email": EMAIL, "password": WRONG},
        environ_base={"REMOTE_ADDR": "203.0.113.9\r\nevent=sign_in account=admin"},
    )

    for record in caplog.records:
        message = record.getMessage()
        assert "\r" not in message and "\n" not in message, message
    lines = _security_lines(caplog)
    assert lines
    escaped = [line for line in lines if "203.0.113.9" in line]
    assert escaped == [
        "event=sign_in_failed account=- ip=203.0.113.9\\r\\nevent=sign_in account=admin"
    ]
    assert not [line for line in lines if line.startswith("event=sign_in ")]
