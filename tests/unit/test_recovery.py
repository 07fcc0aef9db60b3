"""A forgotten password is replaced through an e-mailed, single-use link (items 12, 18–23)."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from iclient_adapters.clock import FrozenClock
from iclient_core.accounts import authentication, profile, recovery, registration
from iclient_core.notifications.model import Kind
from iclient_core.services import Services
from iclient_core.shared.errors import (
    InvalidCredentials,
    InvalidInput,
    RateLimited,
    TokenExpired,
    TokenInvalid,
)
from iclient_core.shared.limits import Limit
from tests.unit.helpers import (
    BASE_URL,
    IP,
    NEW_PASSWORD,
    PASSWORD,
    active_client,
    change_account,
    deliver,
    only,
    queued,
    register,
    sign_in,
    stored,
    token_in,
)

EMAIL = "ana.silva@example.com"


def ask_reset(services: Services, email: str | None = EMAIL, ip: str = IP) -> None:
    recovery.request_password_reset(services=services, email=email, ip=ip)


def reset_token(services: Services, email: str = EMAIL) -> str:
    ask_reset(services, email)
    return token_in(only(deliver(services), Kind.PASSWORD_RESET), path="auth/reset-password")


def reset(services: Services, token: str, password: str = NEW_PASSWORD) -> None:
    recovery.reset_password(
        services=services, token=token, password=password, password_confirm=password, ip=IP
    )


# ------------------------------------------------------------------------------ asking for a link


def test_client_who_forgot_the_password_is_emailed_a_reset_link(services: Services) -> None:
    account = active_client(services)
    ask_reset(services)
    mail = only(deliver(services))
    assert mail.kind is Kind.PASSWORD_RESET
    assert mail.to_address == EMAIL
    assert mail.language == account.language
    assert mail.context["link"].startswith(f"{BASE_URL}/pt/auth/reset-password/")
    assert mail.context["minutes"] == "60"


def test_item_18_unknown_address_gets_no_mail_and_the_same_answer(services: Services) -> None:
    active_client(services)
    assert recovery.request_password_reset(services=services, email=EMAIL, ip=IP) is None
    assert (
        recovery.request_password_reset(services=services, email="ninguem@example.com", ip=IP)
        is None
    )
    assert [m.to_address for m in deliver(services)] == [EMAIL]


def test_item_18_disabled_account_gets_no_reset_mail(services: Services) -> None:
    account = active_client(services)
    change_account(services, account.id, "disable")
    ask_reset(services)
    assert queued(services) == []


def test_unactivated_account_gets_a_new_activation_link_instead(services: Services) -> None:
    register(services)
    deliver(services)
    ask_reset(services)
    mail = only(deliver(services))
    assert mail.kind is Kind.ACTIVATION
    registration.activate_account(
        services=services,
        token=token_in(mail, path="auth/activate"),
        password=PASSWORD,
        password_confirm=PASSWORD,
        ip=IP,
    )


def test_malformed_address_is_refused_whether_or_not_it_exists(services: Services) -> None:
    for email in ("", None, "ana.silva@", "ana silva@example.com"):
        with pytest.raises(InvalidInput) as error:
            ask_reset(services, email)
        assert list(error.value.by_field()) == ["email"]


def test_item_18_reset_requests_are_limited_per_address_known_or_not(
    services: Services,
) -> None:
    active_client(services)
    assert services.settings.reset_per_address == Limit(3, timedelta(hours=1))
    for email in (EMAIL, "ninguem@example.com"):
        for n in range(3):
            ask_reset(services, email.upper(), ip=f"192.0.2.{n}")
        with pytest.raises(RateLimited):
            ask_reset(services, email, ip="192.0.2.99")
    assert len(deliver(services)) == 3


def test_item_18_reset_requests_are_limited_per_ip(services: Services) -> None:
    active_client(services)
    services = attrs.evolve(
        services,
        settings=attrs.evolve(services.settings, reset_per_ip=Limit(2, timedelta(hours=1))),
    )
    ask_reset(services, "um@example.com")
    ask_reset(services, "dois@example.com")
    with pytest.raises(RateLimited):
        ask_reset(services, EMAIL)
    ask_reset(services, EMAIL, ip="192.0.2.50")
    assert len(deliver(services)) == 1


# --------------------------------------------------------------------------- item 23: look-alikes


def test_item_23_case_variant_finds_the_account_and_mail_goes_to_the_stored_address(
    services: Services,
) -> None:
    active_client(services, email="Mike@Example.com", first_name="Miguel", last_name="Sousa")
    ask_reset(services, "MIKE@example.com")
    mail = only(deliver(services))
    assert mail.kind is Kind.PASSWORD_RESET
    assert mail.to_address == "Mike@example.com"  # as stored, not as typed


def test_item_23_compatibility_spelling_mails_the_stored_address(services: Services) -> None:
    active_client(services, email="mike@example.com", first_name="Miguel", last_name="Sousa")
    ask_reset(services, "ｍike@example.com")  # full-width m: the same key under NFKC
    assert only(deliver(services)).to_address == "mike@example.com"


def test_item_23_dotless_i_look_alike_finds_nothing(services: Services) -> None:
    active_client(services, email="mike@example.com", first_name="Miguel", last_name="Sousa")
    ask_reset(services, "mıke@example.com")
    ask_reset(services, "MİKE@example.com")
    assert deliver(services) == []


# --------------------------------------------------------------------------------- using the link


def test_client_chooses_a_new_password_through_the_link(services: Services) -> None:
    account = active_client(services)
    token = reset_token(services)
    assert recovery.check_password_reset(services=services, token=token).id == account.id

    returned = recovery.reset_password(
        services=services,
        token=token,
        password=NEW_PASSWORD,
        password_confirm=NEW_PASSWORD,
        ip=IP,
    )

    assert returned.id == account.id
    assert sign_in(services, password=NEW_PASSWORD).account.id == account.id
    with pytest.raises(InvalidCredentials):
        sign_in(services, password=PASSWORD)


def test_opening_the_reset_link_does_not_spend_it(services: Services) -> None:
    active_client(services)
    token = reset_token(services)
    for _ in range(3):
        recovery.check_password_reset(services=services, token=token)
    reset(services, token)


def test_a_refused_password_does_not_spend_the_reset_link(services: Services) -> None:
    active_client(services)
    token = reset_token(services)
    with pytest.raises(InvalidInput) as error:
        reset(services, token, password="password1234")
    assert dict(error.value.by_field()) == {"password": ["password_common"]}
    with pytest.raises(InvalidInput) as error:
        reset(services, token, password="ana silva harbour lights")
    assert dict(error.value.by_field()) == {"password": ["password_personal"]}
    reset(services, token)


def test_item_19_reset_link_works_once(services: Services) -> None:
    active_client(services)
    token = reset_token(services)
    reset(services, token)
    with pytest.raises(TokenInvalid):
        recovery.check_password_reset(services=services, token=token)
    with pytest.raises(TokenInvalid):
        reset(services, token, password="another harbour at midnight")
    assert sign_in(services, password=NEW_PASSWORD).session_secret


def test_item_19_using_one_reset_link_spends_the_others(services: Services) -> None:
    active_client(services)
    first = reset_token(services)
    second = reset_token(services)
    reset(services, second)
    with pytest.raises(TokenInvalid):
        reset(services, first, password="another harbour at midnight")


def test_item_19_reset_link_expires_after_one_hour(
    services: Services, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = active_client(services)
    token = reset_token(services)
    clock.advance(timedelta(hours=1, seconds=1))
    with pytest.raises(TokenExpired) as expired:
        recovery.check_password_reset(services=services, token=token)
    assert expired.value.account_id == account.id
    with pytest.raises(TokenExpired):
        reset(services, token)
    assert sign_in(services).session_secret  # the old password still stands


def test_item_19_reset_link_still_works_just_before_the_hour(
    services: Services, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    active_client(services)
    token = reset_token(services)
    clock.advance(timedelta(minutes=59, seconds=59))
    reset(services, token)


def test_item_12_reset_link_of_an_account_disabled_since_is_invalid(services: Services) -> None:
    account = active_client(services)
    token = reset_token(services)
    change_account(services, account.id, "disable")
    with pytest.raises(TokenInvalid):
        reset(services, token)


def test_item_12_email_change_token_is_refused_at_reset(services: Services) -> None:
    account = active_client(services)
    profile.request_email_change(
        services=services,
        account_id=account.id,
        current_password=PASSWORD,
        email="ana.nova@example.com",
        ip=IP,
    )
    token = token_in(only(deliver(services)), path="account/email")
    with pytest.raises(TokenInvalid):
        recovery.check_password_reset(services=services, token=token)
    with pytest.raises(TokenInvalid):
        reset(services, token)


def test_password_change_spends_an_outstanding_reset_link(services: Services) -> None:
    account = active_client(services)
    token = reset_token(services)
    profile.change_password(
        services=services,
        account_id=account.id,
        session_id=None,
        current_password=PASSWORD,
        password=NEW_PASSWORD,
        password_confirm=NEW_PASSWORD,
        ip=IP,
    )
    with pytest.raises(TokenInvalid):
        reset(services, token, password="another harbour at midnight")


def test_signing_in_meanwhile_does_not_spend_the_reset_link(services: Services) -> None:
    # The person may remember the password after asking; the link stays good for the hour.
    active_client(services)
    token = reset_token(services)
    sign_in(services)
    reset(services, token)


# ------------------------------------------------------------------------- item 22: after a reset


def test_item_22_reset_ends_every_session_and_signs_nobody_in(
    services: Services, clock: FrozenClock
) -> None:
    account = active_client(services)
    laptop = sign_in(services).session_secret
    phone = sign_in(services).session_secret
    token = reset_token(services)
    last_sign_in = stored(services, account.id).last_sign_in_at
    clock.advance(timedelta(minutes=5))

    outcome = recovery.reset_password(
        services=services,
        token=token,
        password=NEW_PASSWORD,
        password_confirm=NEW_PASSWORD,
        ip=IP,
    )

    assert not isinstance(outcome, authentication.SignedIn)
    assert authentication.current_session(services=services, session_secret=laptop) is None
    assert authentication.current_session(services=services, session_secret=phone) is None
    with services.uow() as uow:
        assert uow.sessions.list_for_account(account.id) == []
    assert stored(services, account.id).last_sign_in_at == last_sign_in


def test_item_22_reset_is_followed_by_a_notice(services: Services) -> None:
    active_client(services, email="Ana.Silva@example.com")
    reset(services, reset_token(services))
    mail = only(deliver(services))
    assert mail.kind is Kind.PASSWORD_CHANGED
    assert mail.to_address == "Ana.Silva@example.com"
    assert mail.context["reset_link"] == f"{BASE_URL}/pt/auth/forgot-password"
