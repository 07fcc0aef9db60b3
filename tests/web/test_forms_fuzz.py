"""Every form of the portal, fed anything: arbitrary, very long and odd Unicode text, control
characters, missing fields and repeated fields. The answer is never a server error, and a
refusal (400) shows the form again."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from iclient_adapters.ratelimit import LimitsRateLimiter
from tests.web.conftest import LINK_RE, NEW_PASSWORD, PASSWORD, Browser, path_of, record_consent

FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
EMAIL = "ana@example.pt"


class _Marker:
    """A value filled in when the request is sent (the current password, the same again)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


CURRENT = _Marker("CURRENT")  # the account's password at that moment
SAME = _Marker("SAME")  # the first value given for ``password``

PLAUSIBLE: dict[str, list[Any]] = {
    "email": [EMAIL, "ANA@Example.PT", "pessoa@exemplo.pt", "joão@exemplo.pt", "a@b", "@", ""],
    "password": [PASSWORD, NEW_PASSWORD, "curta", "password1234", "Ana Silva 2024!", ""],
    "password_confirm": [SAME, PASSWORD, ""],
    "current_password": [CURRENT, PASSWORD, ""],
    "first_name": ["Ana", "Zoë", "<b>x</b>", ""],
    "last_name": ["Silva", "O'Neil", ""],
    "phone": ["912 345 678", "+351 912 345 678", "+1 202 555 0143", "abc", ""],
    "language": ["pt", "en", "xx", ""],
    "token": ["x", "eyJhIjoiMSJ9.AAAAAA.AAAA", ""],
}
ODD = [
    "\x00",
    "\r\nBcc: intruso@example.pt",
    "\u202eevil",
    "\ufeff",
    "e\u0301",
    "𝔞𝔡𝔪𝔦𝔫",
    "ǅİßﬁ",
    "\u200b",
    "🙂" * 10,
    "\U000e0041",
    "\uffff",
]


def _field(name: str) -> st.SearchStrategy[Any]:
    single = st.one_of(
        st.text(),
        st.text(min_size=1).map(lambda s: s * (5000 // len(s) + 1)),  # very long
        st.lists(st.sampled_from(ODD), min_size=1, max_size=4).map("".join),
        st.sampled_from(PLAUSIBLE[name]),
    )
    return st.one_of(
        st.none(),  # missing
        single,
        st.lists(single, min_size=2, max_size=3),  # repeated
    )


@attrs.define
class Scene:
    """One form and what it needs to stay usable from one example to the next."""

    browser: Browser
    url: str
    fields: tuple[str, ...]
    shown: tuple[str, ...]
    csrf_page: str
    renew: Callable[[Scene], None] | None = None
    password: str = PASSWORD
    count: int = 0


def _activation(scene: Scene) -> None:
    scene.count += 1
    email = f"pessoa{scene.count}@example.pt"
    scene.browser.register(email)
    scene.url = path_of(scene.browser.link_in(scene.browser.last_mail_to(email), "/activate/"))
    scene.csrf_page = scene.url


def _has_link(message: EmailMessage, part: str) -> bool:
    body = message.get_body(("plain",))
    return body is not None and any(part in link for link in LINK_RE.findall(body.get_content()))


def _reset(scene: Scene) -> None:
    browser = scene.browser
    browser.mail()
    before = len(browser.transport.sent)
    browser.submit("/pt/auth/forgot-password", {"email": EMAIL})
    # the "password changed" notice of the last example may be delivered alongside
    (message,) = [m for m in browser.mail()[before:] if _has_link(m, "/reset-password/")]
    scene.url = scene.csrf_page = path_of(browser.link_in(message, "/reset-password/"))


def _scene(name: str, browser: Browser) -> Scene:
    public = "/pt/auth/forgot-password"  # always shows a form, signed in or not
    if name == "sign-up":
        return Scene(
            browser,
            "/pt/auth/sign-up",
            ("first_name", "last_name", "phone", "email"),
            ("first_name", "last_name", "phone", "email"),
            public,
        )
    browser.register()
    if name == "resend":
        return Scene(browser, "/pt/auth/resend-activation", ("email", "token"), ("email",), public)
    if name == "activation":
        scene = Scene(
            browser,
            "",
            ("password", "password_confirm"),
            ("password", "password_confirm"),
            "",
            renew=_activation,
        )
        _activation(scene)
        return scene
    browser.activate()
    record_consent(browser.portal)  # the client accepted the texts on an earlier visit
    if name == "sign-in":
        return Scene(
            browser, "/pt/auth/sign-in", ("email", "password"), ("email", "password"), public
        )
    if name == "forgot-password":
        return Scene(browser, public, ("email",), ("email",), public)
    if name == "reset":
        scene = Scene(
            browser,
            "",
            ("password", "password_confirm"),
            ("password", "password_confirm"),
            "",
            renew=_reset,
        )
        _reset(scene)
        return scene
    browser.sign_in()
    account = "/pt/account"
    if name == "profile":
        fields = ("first_name", "last_name", "phone", "language")
        return Scene(browser, account, fields, fields, account)
    if name == "password":
        fields = ("current_password", "password", "password_confirm")
        return Scene(browser, "/pt/account/password", fields, fields, account)
    assert name == "email"
    fields = ("current_password", "email")
    return Scene(browser, "/pt/account/email", fields, fields, account)


def _resolve(value: Any, scene: Scene, first_password: str) -> str:
    if value is CURRENT:
        return scene.password
    if value is SAME:
        return first_password
    return str(value)


def _form_data(scene: Scene, drawn: dict[str, Any]) -> MultiDict[str, str]:
    password = drawn.get("password")
    first = password[0] if isinstance(password, list) else password
    first_password = _resolve(first, scene, "") if first is not None else ""
    data: MultiDict[str, str] = MultiDict()
    for name, value in drawn.items():
        for one in value if isinstance(value, list) else [value]:
            if one is not None:
                data.add(name, _resolve(one, scene, first_password))
    return data


@pytest.fixture
def scenes() -> dict[str, Scene]:
    """The scene of the running test, kept across its examples."""
    return {}


FORMS = [
    "sign-up",
    "sign-in",
    "forgot-password",
    "resend",
    "activation",
    "reset",
    "profile",
    "password",
    "email",
]


@pytest.mark.parametrize("name", FORMS)
@FUZZ
@given(data=st.data())
def test_forms_answer_anything_without_a_server_error(
    browser: Browser, scenes: dict[str, Scene], name: str, data: st.DataObject
) -> None:
    if name not in scenes:  # once per test: the examples share the fixtures
        scenes[name] = _scene(name, browser)
    scene = scenes[name]
    limiter = browser.portal.services.limiter
    assert isinstance(limiter, LimitsRateLimiter)
    limiter.reset()  # each example starts with no attempts counted

    # some fields get anything, the others something plausible, so that deep paths run too
    fuzzed = data.draw(st.sets(st.sampled_from(scene.fields), min_size=1), label="fuzzed")
    drawn = {
        field: data.draw(
            _field(field) if field in fuzzed else st.sampled_from(PLAUSIBLE[field]), label=field
        )
        for field in scene.fields
    }
    form = _form_data(scene, drawn)
    token = browser.csrf(scene.csrf_page)
    form.add("csrf_token", token)
    answer = browser.client.post(scene.url, data=form)

    assert answer.status_code < 500, answer.get_data(as_text=True)[:2000]
    if answer.status_code == 400:
        page = answer.get_data(as_text=True)
        assert '<form method="post"' in page
        for field in scene.shown:
            assert f'name="{field}"' in page, field
    if answer.status_code == 303:
        if name == "password":
            scene.password = form.getlist("password")[0]
        if scene.renew is not None:
            scene.renew(scene)  # the link was spent: the next example gets a new one
        if name == "sign-in":
            browser.client.post("/pt/auth/sign-out", data={"csrf_token": browser.csrf("/pt/")})


LINKS = ["/pt/auth/activate/", "/pt/auth/reset-password/", "/pt/account/email/"]


@pytest.mark.parametrize("route", LINKS)
@FUZZ
@given(token=st.one_of(st.text(min_size=1), st.sampled_from(ODD)))
def test_link_tokens_answer_anything_without_a_server_error(
    browser: Browser, route: str, token: str
) -> None:
    url = route + quote(token, safe="")
    shown = browser.get(url)
    assert shown.status_code in {308, 400, 404, 410}  # 308: ``%2F`` merged into the path
    posted = browser.client.post(
        url,
        data={
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
            "csrf_token": browser.csrf("/pt/auth/forgot-password"),
        },
    )
    assert posted.status_code in {308, 400, 404, 410}
