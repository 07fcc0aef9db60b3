"""A signed-in client updates the profile, password and e-mail address (items 5, 12, 28)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from iclient_adapters.clock import FrozenClock
from iclient_core.accounts import authentication, profile, recovery, registration
from iclient_core.accounts.model import Account
from iclient_core.notifications.model import Kind
from iclient_core.services import Services
from iclient_core.shared.errors import (
    InvalidCredentials,
    InvalidInput,
    NotFound,
    RateLimited,
    TokenExpired,
    TokenInvalid,
)
from tests.unit.helpers import (
    BASE_URL,
    IP,
    NEW_PASSWORD,
    PASSWORD,
    active_client,
    deliver,
    only,
    queued,
    register,
    sign_in,
    stored,
    token_in,
)

EMAIL = "ana.silva@example.com"
NEW_EMAIL = "ana.nova@example.com"


def current(services: Services, secret: str) -> authentication.CurrentSession | None:
    return authentication.current_session(services=services, session_secret=secret)


def change_password(
    services: Services,
    account: Account,
    *,
    current_password: str | None = PASSWORD,
    password: str = NEW_PASSWORD,
    session_id: str | None = None,
) -> None:
    profile.change_password(
        services=services,
        account_id=account.id,
        session_id=session_id,
        current_password=current_password,
        password=password,
        password_confirm=password,
        ip=IP,
    )


def ask_email_change(
    services: Services,
    account: Account,
    email: str | None = NEW_EMAIL,
    current_password: str | None = PASSWORD,
) -> None:
    profile.request_email_change(
        services=services,
        account_id=account.id,
        current_password=current_password,
        email=email,
        ip=IP,
    )


def email_change_token(services: Services, account: Account, email: str = NEW_EMAIL) -> str:
    ask_email_change(services, account, email)
    return token_in(only(deliver(services)), path="account/email")


def confirm(services: Services, token: str) -> Account:
    return profile.confirm_email_change(services=services, token=token, ip=IP)


# ---------------------------------------------------------------------------------------- profile


def test_client_updates_names_phone_and_language(services: Services) -> None:
    account = active_client(services)
    updated = profile.update_profile(
        services=services,
        account_id=account.id,
        first_name=" Ana  Maria ",
        last_name="Silva Santos",
        phone="00351 961 234 567",
        language="en",
    )
    assert updated.profile.first_name == "Ana Maria"
    assert updated.profile.phone == "+351961234567"
    assert updated.language == "en"
    assert stored(services, account.id).profile == updated.profile
    assert stored(services, account.id).language == "en"


def test_profile_update_without_language_keeps_it(services: Services) -> None:
    account = active_client(services, language="en")
    profile.update_profile(
        services=services,
        account_id=account.id,
        first_name="Ana",
        last_name="Silva",
        phone="912345678",
    )
    assert stored(services, account.id).language == "en"


def test_invalid_profile_is_refused_and_nothing_changes(services: Services) -> None:
    account = active_client(services)
    with pytest.raises(InvalidInput) as error:
        profile.update_profile(
            services=services,
            account_id=account.id,
            first_name="",
            last_name="Silva\x1b[31m",
            phone="123",
        )
    assert dict(error.value.by_field()) == {
        "first_name": ["required"],
        "last_name": ["invalid_characters"],
        "phone": ["phone_invalid"],
    }
    assert stored(services, account.id).profile == account.profile


def test_only_active_accounts_have_a_profile_to_update(services: Services) -> None:
    register(services)
    with services.uow() as uow:
        [pending] = uow.accounts.list()
    for account_id in (pending.id, "no-such-account"):
        with pytest.raises(NotFound):
            profile.update_profile(
                services=services,
                account_id=account_id,
                first_name="Ana",
                last_name="Silva",
                phone="912345678",
            )


# -------------------------------------------------------------------------------- password change


def test_client_changes_the_password(services: Services) -> None:
    account = active_client(services)
    change_password(services, account)
    assert sign_in(services, password=NEW_PASSWORD).session_secret
    with pytest.raises(InvalidCredentials):
        sign_in(services, password=PASSWORD)
    mail = only(deliver(services))
    assert mail.kind is Kind.PASSWORD_CHANGED
    assert mail.to_address == EMAIL
    assert mail.context["reset_link"] == f"{BASE_URL}/pt/auth/forgot-password"


@pytest.mark.parametrize("wrong", [None, "", PASSWORD + " ", "violet tugboat umbrella 43"])
def test_item_5_password_change_requires_the_current_password(
    services: Services, wrong: str | None
) -> None:
    account = active_client(services)
    with pytest.raises(InvalidInput) as error:
        change_password(services, account, current_password=wrong)
    assert dict(error.value.by_field()) == {"current_password": ["password_wrong"]}
    assert stored(services, account.id).password_hash == account.password_hash
    assert sign_in(services).session_secret
    assert queued(services) == []


def test_item_5_wrong_current_passwords_are_throttled(services: Services) -> None:
    account = active_client(services)
    for _ in range(services.settings.sign_in_per_account.amount):
        with pytest.raises(InvalidInput):
            change_password(services, account, current_password="not my password at all")
    with pytest.raises(RateLimited):
        change_password(services, account)
    assert stored(services, account.id).password_hash == account.password_hash


def test_new_password_must_meet_the_policy(services: Services) -> None:
    account = active_client(services)
    for weak, code in (
        ("short", "password_too_short"),
        ("password1234", "password_common"),
        ("silva harbour lights", "password_personal"),
    ):
        with pytest.raises(InvalidInput) as error:
            change_password(services, account, password=weak)
        assert dict(error.value.by_field()) == {"password": [code]}
    assert sign_in(services).session_secret


def test_item_28_password_change_ends_other_sessions_but_keeps_this_one(
    services: Services,
) -> None:
    account = active_client(services)
    here = sign_in(services).session_secret
    elsewhere = sign_in(services).session_secret
    this_session = current(services, here)
    assert this_session is not None

    change_password(services, account, session_id=this_session.session.id)

    assert current(services, here) is not None
    assert current(services, elsewhere) is None


def test_item_28_password_change_without_a_current_session_ends_them_all(
    services: Services,
) -> None:
    account = active_client(services)
    secrets = [sign_in(services).session_secret for _ in range(3)]
    change_password(services, account, session_id=None)
    assert [current(services, s) for s in secrets] == [None, None, None]


def test_item_28_the_session_to_keep_is_named_by_its_id_not_its_secret(
    services: Services,
) -> None:
    # session_id is CurrentSession.session.id (a digest); the browser's secret matches nothing.
    account = active_client(services)
    here = sign_in(services).session_secret
    change_password(services, account, session_id=here)
    assert current(services, here) is None


# ---------------------------------------------------------------------------------- e-mail change


def test_email_change_is_confirmed_from_the_new_address(services: Services) -> None:
    account = active_client(services)
    ask_email_change(services, account)

    mail = only(deliver(services))
    assert mail.kind is Kind.EMAIL_CHANGE_CONFIRM
    assert mail.to_address == NEW_EMAIL
    assert mail.to_name == "Ana Silva"
    assert mail.context["new_email"] == NEW_EMAIL
    assert mail.context["link"].startswith(f"{BASE_URL}/pt/account/email/")


def test_nothing_changes_until_the_new_address_is_confirmed(services: Services) -> None:
    account = active_client(services)
    token = email_change_token(services, account)

    assert stored(services, account.id).email.address == EMAIL
    assert sign_in(services, EMAIL).session_secret
    with pytest.raises(InvalidCredentials):
        sign_in(services, NEW_EMAIL)
    # Opening the link only shows what will change.
    checked, new_address = profile.check_email_change(services=services, token=token)
    assert (checked.id, new_address) == (account.id, NEW_EMAIL)
    assert stored(services, account.id).email.address == EMAIL


def test_confirming_moves_the_account_and_tells_the_old_address(services: Services) -> None:
    account = active_client(services)
    token = email_change_token(services, account, "Ana.Nova@EXAMPLE.com")

    moved = confirm(services, token)

    assert moved.email.address == "Ana.Nova@example.com"
    assert stored(services, account.id).email.key == "ana.nova@example.com"
    mail = only(deliver(services))
    assert mail.kind is Kind.EMAIL_CHANGED
    assert mail.to_address == EMAIL
    assert mail.context["old_email"] == EMAIL
    assert mail.context["new_email"] == "Ana.Nova@example.com"
    assert sign_in(services, NEW_EMAIL).session_secret
    with pytest.raises(InvalidCredentials):
        sign_in(services, EMAIL)


def test_email_change_link_works_once(services: Services) -> None:
    account = active_client(services)
    token = email_change_token(services, account)
    confirm(services, token)
    with pytest.raises(TokenInvalid):
        profile.check_email_change(services=services, token=token)
    with pytest.raises(TokenInvalid):
        confirm(services, token)


def test_email_change_requires_the_current_password(services: Services) -> None:
    account = active_client(services)
    for wrong in (None, "not my password at all"):
        with pytest.raises(InvalidInput) as error:
            ask_email_change(services, account, current_password=wrong)
        assert dict(error.value.by_field()) == {"current_password": ["password_wrong"]}
    # The password is checked before the address, so a bad address reveals nothing either.
    with pytest.raises(InvalidInput) as error:
        ask_email_change(services, account, email="nope", current_password="wrong")
    assert dict(error.value.by_field()) == {"current_password": ["password_wrong"]}
    assert queued(services) == []


@pytest.mark.parametrize(
    ("email", "code"),
    [
        ("nope", "email_invalid"),
        ("", "required"),
        (None, "required"),
        ("ANA.SILVA@example.com", "email_unchanged"),
    ],
)
def test_email_change_refuses_a_bad_or_unchanged_address(
    services: Services, email: str | None, code: str
) -> None:
    account = active_client(services)
    with pytest.raises(InvalidInput) as error:
        ask_email_change(services, account, email=email)
    assert dict(error.value.by_field()) == {"email": [code]}
    assert queued(services) == []


def test_email_change_to_an_address_already_taken_sends_nothing_and_says_nothing(
    services: Services,
) -> None:
    account = active_client(services)
    active_client(services, email="rui.costa@example.com", first_name="Rui", last_name="Costa")
    assert ask_email_change(services, account, "Rui.Costa@example.com") is None
    assert queued(services) == []


def test_email_change_fails_if_the_address_was_taken_meanwhile(services: Services) -> None:
    account = active_client(services)
    token = email_change_token(services, account)
    register(services, email=NEW_EMAIL, first_name="Rui", last_name="Costa")
    deliver(services)

    with pytest.raises(InvalidInput) as error:
        confirm(services, token)

    assert dict(error.value.by_field()) == {"email": ["email_taken"]}
    assert stored(services, account.id).email.address == EMAIL
    assert queued(services) == []


def test_email_change_link_expires_after_a_day(
    services: Services, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = active_client(services)
    token = email_change_token(services, account)
    clock.advance(timedelta(hours=24, seconds=1))
    with pytest.raises(TokenExpired):
        confirm(services, token)
    assert stored(services, account.id).email.address == EMAIL


def test_password_change_spends_a_pending_email_change_link(services: Services) -> None:
    account = active_client(services)
    token = email_change_token(services, account)
    change_password(services, account)
    with pytest.raises(TokenInvalid):
        confirm(services, token)


def test_item_12_email_change_token_is_refused_at_activation(services: Services) -> None:
    account = active_client(services)
    token = email_change_token(services, account)
    with pytest.raises(TokenInvalid):
        registration.check_activation(services=services, token=token)


def test_item_12_reset_token_is_refused_as_an_email_change(services: Services) -> None:
    active_client(services)
    recovery.request_password_reset(services=services, email=EMAIL, ip=IP)
    token = token_in(only(deliver(services)), path="auth/reset-password")
    with pytest.raises(TokenInvalid):
        confirm(services, token)
