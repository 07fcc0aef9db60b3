"""The quote forms fed anything (hypothesis): odd Unicode, control characters, huge and
repeated values, numbers in every shape. The answer is a redirect or the form again (400),
never a server error, and nothing is sent to the client unless the proposal was good."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from iclient_adapters.ratelimit import LimitsRateLimiter
from tests.web.conftest import Browser
from tests.web.test_quotes import CLIENT, STAFF, ask

FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
NUMBERS = [
    "12,50",
    "12.50",
    "1.234,56",
    "1,234.56",
    "1 234,56",
    "-1",
    "1e309",
    "NaN",
    "inf",
    "0",
    "0,001",
    "99999999999999999999",
    "12,5,0",
    "١٢",
    "",
]
ODD = ["\x00", "\r\nBcc: x@example.pt", "\u202e", "\ufeff", "\U000e0041", "\uffff", "🙂" * 50]


def _value(plausible: list[str]) -> st.SearchStrategy[Any]:
    single = st.one_of(
        st.text(max_size=40),
        st.sampled_from(plausible),
        st.lists(st.sampled_from(ODD), min_size=1, max_size=3).map("".join),
        st.text(min_size=1, max_size=3).map(lambda s: s * 2000),
    )
    return st.one_of(st.none(), single, st.lists(single, min_size=2, max_size=3))


def _form(fields: dict[str, list[str]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional={name: _value(p) for name, p in fields.items()})


def _multidict(drawn: dict[str, Any], csrf: str) -> MultiDict[str, str]:
    data: MultiDict[str, str] = MultiDict({"csrf_token": csrf})
    for name, value in drawn.items():
        for one in value if isinstance(value, list) else [value]:
            if one is not None:
                data.add(name, one)
    return data


def _forget_attempts(browser: Browser) -> None:
    """Each example starts with no attempts counted (the public form is rate-limited)."""
    limiter = browser.portal.services.limiter
    assert isinstance(limiter, LimitsRateLimiter)
    limiter.reset()


@pytest.fixture
def ready(browser: Browser, other_browser: Browser) -> dict[str, Any]:
    browser.client_account(CLIENT)
    other_browser.staff_account(STAFF)
    quote_id = ask(browser)
    return {"client": browser, "staff": other_browser, "quote": quote_id}


PROPOSAL_FIELDS = {
    **{
        f"lines-{i}-{name}": NUMBERS if name in {"quantity", "unit_price"} else ["Linha", "2300"]
        for i in range(3)
        for name in ("description", "quantity", "unit_price", "vat_rate")
    },
    "lines-99999999999-quantity": NUMBERS,
    "discount_kind": ["", "percent", "amount", "x"],
    "discount_value": NUMBERS,
    "valid_until": ["2026-02-04", "2026-02-30", "04/02/2026", "9999-12-31", ""],
    "message": ["Olá"],
    "version": ["0", "1", "-1", "x"],
}


@FUZZ
@given(drawn=_form(PROPOSAL_FIELDS), send=st.booleans())
def test_the_proposal_form_answers_anything_without_a_server_error(
    ready: dict[str, Any], drawn: dict[str, Any], send: bool
) -> None:
    staff: Browser = ready["staff"]
    page = f"/pt/admin/quotes/{ready['quote']}"
    target = f"{page}/send" if send else page
    answer = staff.client.post(target, data=_multidict(drawn, staff.csrf(page)))
    assert answer.status_code in {303, 400, 409}, answer.status_code
    if answer.status_code != 303:
        assert 'name="lines-0-description"' in answer.get_data(as_text=True) or (
            answer.status_code == 409
        )


@FUZZ
@given(
    drawn=_form(
        {
            "subject": ["Pintura", ""],
            "details": ["Fachada", ""],
            "desired_date": ["2026-03-01", "2020-01-01", "amanhã", ""],
        }
    )
)
def test_the_request_form_answers_anything_without_a_server_error(
    ready: dict[str, Any], drawn: dict[str, Any]
) -> None:
    client: Browser = ready["client"]
    answer = client.client.post(
        "/pt/quotes/new", data=_multidict(drawn, client.csrf("/pt/quotes/new"))
    )
    assert answer.status_code in {303, 400}, answer.status_code


@FUZZ
@given(
    drawn=_form(
        {
            "name": ["Bruno", ""],
            "email": ["bruno@example.pt", "@", ""],
            "phone": ["912000111", "abc", ""],
            "subject": ["Telhado"],
            "details": ["Infiltrações"],
            "contact_consent": ["y", "", "false"],
        }
    )
)
def test_the_public_form_answers_anything_without_a_server_error(
    browser: Browser, drawn: dict[str, Any]
) -> None:
    _forget_attempts(browser)
    answer = browser.client.post(
        "/pt/quote-request", data=_multidict(drawn, browser.csrf("/pt/quote-request"))
    )
    assert answer.status_code in {200, 400}, answer.status_code


@FUZZ
@given(
    drawn=_form({"proposal": ["1", "2", "0", "x", "99999999"], "reason": ["Caro", ""]}),
    action=st.sampled_from(["accept", "decline", "withdraw", "renew"]),
)
def test_the_decision_forms_answer_anything_without_a_server_error(
    ready: dict[str, Any], drawn: dict[str, Any], action: str
) -> None:
    client: Browser = ready["client"]
    page = f"/pt/quotes/{ready['quote']}"
    answer = client.client.post(f"{page}/{action}", data=_multidict(drawn, client.csrf(page)))
    assert answer.status_code in {303, 400, 409}, answer.status_code
