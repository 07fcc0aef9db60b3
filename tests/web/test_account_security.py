"""Two-step sign-in, the session list and device cookies in the portal, in Portuguese and
English: a client turns on an authenticator app, signs in with a code or a recovery code,
sees and ends the sessions of other browsers, and turns two-step sign-in off again."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iclient_adapters.clock import FrozenClock
from iclient_adapters.compose import Portal
from iclient_core.staff.settings import save_settings
from tests.web.conftest import PASSWORD, Browser, path_of

SECRET_RE = re.compile(r'<code class="secret">([A-Z2-7]+)</code>')
CODE_RE = re.compile(r"<li><code>([a-z0-9-]{19})</code></li>")
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def turn_on_app(browser: Browser, clock: FrozenClock, lang: str = "pt") -> tuple[str, list[str]]:
    """Set up the authenticator app from the security page; its secret and recovery codes."""
    page = f"/{lang}/account/security"
    started = browser.submit(f"{page}/authenticator", {}, form_page=page)
    assert started.status_code == 303
    shown = browser.get(page).get_data(as_text=True)
    assert 'src="data:image/svg+xml' in shown  # the QR code, drawn on the server
    found = SECRET_RE.search(shown)
    assert found
    secret = found.group(1)
    code = pyotp.TOTP(secret).at(clock.now())
    done = browser.submit(f"{page}/authenticator/confirm", {"code": code}, form_page=page)
    assert done.status_code == 200
    codes = CODE_RE.findall(done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    return secret, codes


def sign_out(browser: Browser, lang: str = "pt") -> None:
    browser.submit(f"/{lang}/auth/sign-out", {}, form_page=f"/{lang}/account")


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_item_47_two_step_sign_in_with_an_authenticator_app(
    browser: Browser, clock: FrozenClock, lang: str
) -> None:
    browser.client_account()
    secret, _codes = turn_on_app(browser, clock, lang)
    sign_out(browser, lang)

    first = browser.submit(
        f"/{lang}/auth/sign-in", {"email": "ana@example.pt", "password": PASSWORD}
    )
    assert first.status_code == 303 and first.location.endswith(f"/{lang}/auth/two-factor")
    assert browser.get(f"/{lang}/account").status_code == 303  # no session before the code
    page = browser.get(f"/{lang}/auth/two-factor").get_data(as_text=True)
    assert ("Segundo passo" if lang == "pt" else "Second step") in page

    # The code that turned the app on was spent: the same one is refused.
    same = browser.submit(f"/{lang}/auth/two-factor", {"code": pyotp.TOTP(secret).at(clock.now())})
    assert same.status_code == 400
    clock.advance(timedelta(seconds=30))
    done = browser.submit(f"/{lang}/auth/two-factor", {"code": pyotp.TOTP(secret).at(clock.now())})
    assert done.status_code == 303
    assert browser.get(f"/{lang}/account").status_code == 200


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_item_48_recovery_codes_work_once_in_place_of_the_app(
    browser: Browser, clock: FrozenClock, lang: str
) -> None:
    browser.client_account()
    _secret, codes = turn_on_app(browser, clock, lang)
    for attempt in range(2):
        sign_out(browser, lang)
        browser.submit(f"/{lang}/auth/sign-in", {"email": "ana@example.pt", "password": PASSWORD})
        answer = browser.submit(f"/{lang}/auth/two-factor", {"code": codes[0].upper()})
        assert answer.status_code == (303 if attempt == 0 else 400)
    page = answer.get_data(as_text=True)
    assert ("O código não está certo" if lang == "pt" else "The code is not right") in page
    assert browser.submit(f"/{lang}/auth/two-factor", {"code": codes[1]}).status_code == 303
    left = browser.get(f"/{lang}/account/security").get_data(as_text=True)
    assert ("8 códigos de recuperação" if lang == "pt" else "8 unused recovery codes") in left


def test_the_second_step_is_rate_limited(browser: Browser, clock: FrozenClock) -> None:
    browser.client_account()
    turn_on_app(browser, clock)
    sign_out(browser)
    browser.submit("/pt/auth/sign-in", {"email": "ana@example.pt", "password": PASSWORD})
    answers = [
        browser.submit("/pt/auth/two-factor", {"code": f"{n:06d}"}).status_code for n in range(7)
    ]
    assert answers[:5] == [400] * 5 and answers[5:] == [429, 429]


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_item_50_session_list_marks_this_browser_and_ends_another(
    app: Flask, portal: Portal, browser: Browser, other_browser: Browser, lang: str
) -> None:
    browser.client.environ_base["HTTP_USER_AGENT"] = FIREFOX
    other_browser.client.environ_base.update(
        {"HTTP_USER_AGENT": IPHONE, "REMOTE_ADDR": "198.51.100.23"}
    )
    browser.client_account()
    other_browser.sign_in()
    page = browser.get(f"/{lang}/account/sessions").get_data(as_text=True)
    assert ("Firefox em Linux" if lang == "pt" else "Firefox on Linux") in page
    assert "Mobile Safari" in page and "198.51.100.23" in page
    assert page.count('class="current-session"') == 1
    assert ("Este navegador" if lang == "pt" else "This browser") in page

    ids = re.findall(r"/account/sessions/([0-9a-f]{64})/end", page)
    assert len(ids) == 2
    with portal.services.uow() as uow:
        phone = next(
            s
            for s in uow.sessions.list_for_account(
                uow.accounts.get_by_email_key("ana@example.pt").id  # type: ignore[union-attr]
            )
            if s.user_agent == IPHONE
        )
    ended = browser.submit(
        f"/{lang}/account/sessions/{phone.id}/end", {}, form_page=f"/{lang}/account/sessions"
    )
    assert ended.status_code == 303
    assert other_browser.get(f"/{lang}/account").status_code == 303  # signed out there
    assert browser.get(f"/{lang}/account").status_code == 200


def test_sign_out_everywhere_else_and_a_foreign_session_id(
    browser: Browser, other_browser: Browser, app: Flask
) -> None:
    browser.client_account()
    other_browser.sign_in()
    third = Browser(app.test_client(), browser.portal, browser.transport)
    third.sign_in()
    done = browser.submit("/en/account/sessions/others/end", {}, form_page="/en/account/sessions")
    assert done.status_code == 303
    assert "2 other sessions were signed out" in browser.get("/en/account/sessions").get_data(
        as_text=True
    )
    assert other_browser.get("/en/account").status_code == 303
    assert third.get("/en/account").status_code == 303
    unknown = browser.submit(
        f"/en/account/sessions/{'0' * 64}/end", {}, form_page="/en/account/sessions"
    )
    assert unknown.status_code == 404


def test_a_sign_in_from_a_new_device_sends_an_e_mail(
    browser: Browser, other_browser: Browser
) -> None:
    browser.client_account()  # the first sign-in ever: nothing to report
    sign_out(browser)
    browser.sign_in()  # the same browser again (its device cookie): nothing either
    assert not [m for m in browser.mail() if "nova entrada" in str(m["Subject"]).lower()]

    other_browser.sign_in()
    found = [m for m in browser.mail() if "nova entrada" in str(m["Subject"]).lower()]
    assert len(found) == 1
    link = browser.link_in(found[0], "/account/sessions")
    assert path_of(link) == "/pt/account/sessions"


def test_turning_two_step_off_needs_password_and_code_and_ends_other_sessions(
    browser: Browser, other_browser: Browser, clock: FrozenClock
) -> None:
    browser.client_account()
    secret, codes = turn_on_app(browser, clock, "en")
    other_browser.submit("/en/auth/sign-in", {"email": "ana@example.pt", "password": PASSWORD})
    clock.advance(timedelta(seconds=30))
    other_browser.submit("/en/auth/two-factor", {"code": pyotp.TOTP(secret).at(clock.now())})
    assert other_browser.get("/en/account").status_code == 200

    wrong = browser.submit(
        "/en/account/security/off",
        {"current_password": "not it at all, sorry", "code": codes[0]},
        form_page="/en/account/security",
    )
    assert wrong.status_code == 400
    no_code = browser.submit(
        "/en/account/security/off",
        {"current_password": PASSWORD, "code": "123456"},
        form_page="/en/account/security",
    )
    assert no_code.status_code == 400
    done = browser.submit(
        "/en/account/security/off",
        {"current_password": PASSWORD, "code": codes[0]},
        form_page="/en/account/security",
    )
    assert done.status_code == 303
    assert other_browser.get("/en/account").status_code == 303
    assert browser.get("/en/account").status_code == 200
    mail = browser.last_mail_to("ana@example.pt")
    assert "Two-step sign-in was turned off" in str(mail["Subject"]) or "desligada" in str(
        mail["Subject"]
    )
    sign_out(browser, "en")
    again = browser.submit("/en/auth/sign-in", {"email": "ana@example.pt", "password": PASSWORD})
    assert again.status_code == 303 and "/two-factor" not in again.location


def test_staff_without_a_second_step_are_taken_to_set_one_up(
    browser: Browser, other_browser: Browser, portal: Portal, clock: FrozenClock
) -> None:
    browser.staff_account("gestora@example.pt", role="admin")
    with portal.services.uow() as uow:
        admin = uow.accounts.get_by_email_key("gestora@example.pt")
    assert admin is not None
    settings = browser.get("/pt/admin/settings/").get_data(as_text=True)
    assert 'name="staff_two_step"' in settings
    save_settings(
        services=portal.services,
        actor=admin,
        business_name="Oficina Exemplo",
        contact_email="",
        contact_phone="",
        default_language="",
        vat_rates="23, 13, 6, 0",
        upload_limit_mb="100",
        staff_two_step=True,
    )
    other_browser.staff_account("rui@example.pt", role="staff")
    taken = other_browser.get("/pt/admin/")
    assert taken.status_code == 303 and taken.location.endswith("/pt/account/security")
    assert other_browser.get("/static/style.css").status_code == 200  # public: not taken
    assert other_browser.get("/pt/faq").status_code == 200
    page = other_browser.get("/pt/account/security").get_data(as_text=True)
    assert "exige" in page  # the business requires it
    turn_on_app(other_browser, clock)
    assert other_browser.get("/pt/admin/").status_code == 200
    # Staff may not turn it off while the business requires it.
    assert 'action="/pt/account/security/off"' not in other_browser.get(
        "/pt/account/security"
    ).get_data(as_text=True)


def test_item_51_device_cookies_an_attackers_failures_do_not_lock_out_the_owner(
    browser: Browser, other_browser: Browser
) -> None:
    """The lock-out test: failures from many networks spend the address's budget for
    unknown browsers, but the owner's browser, which signed in before, keeps its own."""
    browser.client_account()
    sign_out(browser)
    for n in range(25):
        other_browser.client.environ_base["REMOTE_ADDR"] = f"198.51.{n}.9"
        other_browser.submit(
            "/pt/auth/sign-in", {"email": "ana@example.pt", "password": f"guess number {n}"}
        )
    other_browser.client.environ_base["REMOTE_ADDR"] = "192.0.2.200"
    locked = other_browser.submit(
        "/pt/auth/sign-in", {"email": "ana@example.pt", "password": PASSWORD}
    )
    assert locked.status_code == 429  # an unknown browser waits, even with the password

    owner = browser.submit("/pt/auth/sign-in", {"email": "ana@example.pt", "password": PASSWORD})
    assert owner.status_code == 303
    assert browser.get("/pt/account").status_code == 200


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answer=st.one_of(st.text(max_size=200), st.just('{"rawId": "Y3JlZA", "response": {}}')))
def test_odd_passkey_answers_and_codes_never_make_a_server_error(
    browser: Browser, answer: str
) -> None:
    passkey = browser.submit("/pt/auth/passkey", {"response": answer}, form_page="/pt/auth/sign-in")
    assert passkey.status_code == 303 and passkey.location.endswith("/pt/auth/sign-in")
    code = browser.submit("/pt/auth/two-factor", {"code": answer}, form_page="/pt/auth/sign-in")
    assert code.status_code == 303  # no password given first: back to the sign-in page
    options = browser.submit("/pt/auth/passkey/options", {}, form_page="/pt/auth/sign-in")
    assert options.status_code == 200 and options.is_json
