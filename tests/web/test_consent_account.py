"""Giving and withdrawing consents on the account page: every combination of kind, action
and person gets an answer that says what happened, never a server error."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iclient_adapters.compose import Portal
from tests.web.conftest import PASSWORD, Browser

EMAIL = "ana@example.pt"


def _staff(browser: Browser, email: str, role: str) -> None:
    """A staff member made with ``iclient create-staff`` signs in: staff meet no consent gate,
    so they never pass through it."""
    from iclient_core.accounts.model import Role
    from iclient_core.staff.members import create_staff

    create_staff(
        services=browser.portal.services,
        email=email,
        role=Role(role),
        password=PASSWORD,
        first_name="Gestora",
        last_name="Exemplo",
    )
    assert browser.sign_in(email, consent=False).status_code == 303


def _change(browser: Browser, kind: str, action: str, lang: str = "pt") -> object:
    return browser.submit(
        f"/{lang}/account/consent/{kind}", {"action": action}, form_page=f"/{lang}/account"
    )


def test_staff_giving_marketing_consent_are_told_staff_accounts_have_none(
    browser: Browser,
) -> None:
    _staff(browser, "colaborador@example.pt", "staff")
    answer = _change(browser, "marketing", "give")
    assert answer.status_code == 400  # type: ignore[attr-defined]
    page = answer.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "As contas da equipa não dão consentimentos" in page


@pytest.mark.parametrize("kind", ["terms", "privacy"])
def test_a_client_withdrawing_a_required_consent_is_pointed_to_account_deletion(
    browser: Browser, kind: str
) -> None:
    browser.client_account(EMAIL)
    answer = _change(browser, kind, "withdraw")
    assert answer.status_code == 400  # type: ignore[attr-defined]
    page = answer.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "não pode ser retirado" in page
    assert "/pt/account#privacy" in page  # where deletion is asked for


def test_the_refusal_speaks_the_pages_language(browser: Browser) -> None:
    browser.client_account(EMAIL)
    answer = _change(browser, "terms", "withdraw", lang="en")
    assert answer.status_code == 400  # type: ignore[attr-defined]
    assert "cannot be withdrawn" in answer.get_data(as_text=True)  # type: ignore[attr-defined]


KINDS = st.one_of(
    st.sampled_from(["terms", "privacy", "marketing", "newsletter", "TERMS", "x"]),
    st.text(min_size=1, max_size=40),
)
ACTIONS = st.one_of(st.sampled_from(["give", "withdraw", "", "GIVE"]), st.text(max_size=20))


@pytest.fixture
def people(app: Flask, portal: Portal, browser: Browser) -> dict[str, Browser]:
    """A client, a collaborator and a manager, each signed in at a browser of their own."""
    found = {}
    for role in ("client", "staff", "admin"):
        person = Browser(app.test_client(), portal, browser.transport)
        email = f"{role}@example.pt"
        if role == "client":
            person.client_account(email)
        else:
            _staff(person, email, role)
        found[role] = person
    return found


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(role=st.sampled_from(["client", "staff", "admin"]), kind=KINDS, action=ACTIONS)
def test_no_kind_action_or_role_makes_a_server_error(
    people: dict[str, Browser], role: str, kind: str, action: str
) -> None:
    url = "/pt/account/consent/" + quote(kind, safe="")
    answer = people[role].submit(url, {"action": action}, form_page="/pt/account")
    assert answer.status_code < 500, (role, kind, action)


def test_the_account_page_says_in_sentences_whether_a_consent_is_given(
    browser: Browser,
) -> None:
    browser.client_account(EMAIL)
    before = browser.get("/pt/account").get_data(as_text=True).split('id="consents"', 1)[1]
    assert "Não deu este consentimento." in before
    assert "Dar o meu consentimento" in before
    _change(browser, "marketing", "give")
    after = browser.get("/pt/account").get_data(as_text=True).split('id="consents"', 1)[1]
    assert "— dado" not in after
    assert "Deu este consentimento. Pode retirá-lo a qualquer momento." in after
    assert "Retirar o meu consentimento" in after


def test_staff_see_no_consent_buttons_on_their_account_page(browser: Browser) -> None:
    _staff(browser, "colaborador@example.pt", "staff")
    page = browser.get("/pt/account").get_data(as_text=True).split('id="consents"', 1)[1]
    assert "As contas da equipa não dão consentimentos." in page
    assert "/pt/account/consent/marketing" not in page
