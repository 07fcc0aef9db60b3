"""Use cases: a signed-in person updates their data, password and e-mail address."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts import tokens
from iclient_core.accounts.contact import clean_email, clean_profile, personal_data
from iclient_core.accounts.mail import notify
from iclient_core.accounts.model import Account
from iclient_core.accounts.passwords import normalise_password
from iclient_core.accounts.tokens import Purpose
from iclient_core.notifications.model import Kind
from iclient_core.shared import audit
from iclient_core.shared.errors import FieldError, InvalidInput, NotFound, TokenInvalid
from iclient_core.shared.limits import check_limit
from iclient_core.shared.security_log import security_event
from iclient_core.shared.taxid import clean_address, clean_nif

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork


def load_active(uow: UnitOfWork, account_id: str) -> Account:
    """The active account with this id, read in the caller's transaction.

    Raises:
        NotFound: no such account, or it may not sign in.
    """
    account = uow.accounts.get(account_id)
    if account is None or not account.is_active:
        raise NotFound()
    return account


def check_current_password(services: Services, account: Account, password: str | None) -> None:
    """Refuse with a field error unless ``password`` is the account's current one.

    Wrong guesses count against the account's sign-in limit, so this is no side door for
    guessing a password.

    Raises:
        InvalidInput: ``current_password``: ``password_wrong``.
        RateLimited: too many wrong guesses.
    """
    key = f"reauth:{account.id}"
    limit = services.settings.sign_in_per_account
    check_limit(services.limiter, key, limit, count=False)
    assert account.password_hash is not None
    if not services.hasher.verify(normalise_password(password or ""), account.password_hash):
        services.limiter.hit(key, amount=limit.amount, per=limit.per)
        raise InvalidInput.single("current_password", "password_wrong")


def update_profile(
    *,
    services: Services,
    account_id: str,
    first_name: str | None,
    last_name: str | None,
    phone: str | None,
    language: str | None = None,
    nif: str | None = None,
    billing_address: str | None = None,
) -> Account:
    """Replace the names and phone (and, if given, the preferred language, the tax number
    and the billing address that quotes are made out to).

    Args:
        nif: a Portuguese tax number (``123 456 789``, ``PT123456789``), empty for none, or
            None to keep the stored one.
        billing_address: a few lines, empty for none, or None to keep the stored one.

    Raises:
        InvalidInput: a field is missing or invalid (``nif_invalid`` for a tax number whose
            check digit is wrong).
        NotFound: no such active account.
    """
    errors: list[FieldError] = []
    profile = clean_profile(services, first_name, last_name, phone, errors)
    tax_number = clean_nif(nif, "nif", errors) if nif is not None else None
    address = (
        clean_address(billing_address, "billing_address", errors)
        if billing_address is not None
        else None
    )
    if errors:
        raise InvalidInput(errors)
    with services.uow() as uow:
        account = load_active(uow, account_id)
        profile = attrs.evolve(
            profile,
            nif=account.profile.nif if tax_number is None else tax_number,
            billing_address=account.profile.billing_address if address is None else address,
        )
        account.update_profile(profile, services.settings.language(language) if language else None)
        uow.accounts.save(account)
        uow.commit()
    return account


def change_password(
    *,
    services: Services,
    account_id: str,
    session_id: str | None,
    current_password: str | None,
    password: str | None,
    password_confirm: str | None,
    ip: str,
) -> None:
    """Replace the password, given the current one; every other session is ended.

    Raises:
        InvalidInput: wrong current password (``current_password``) or a weak new one.
        RateLimited: too many wrong current passwords.
    """
    with services.uow() as uow:
        account = load_active(uow, account_id)
        check_current_password(services, account, current_password)
        new = services.settings.password_policy.check(
            password or "",
            password_confirm or "",
            strength=services.strength,
            personal=personal_data(services, account),
        )
        account.set_password(services.hasher.hash(new))
        uow.accounts.save(account)
        ended = uow.sessions.delete_for_account(account.id, keep=session_id)
        notify(
            services,
            uow,
            account,
            Kind.PASSWORD_CHANGED,
            {
                "reset_link": services.links.forgot_password(account.language),
            },
        )
        audit.record(
            services,
            uow,
            actor=account,
            action="account.password_changed",
            target_type="account",
            target_id=account.id,
            ip=ip,
            details={"sessions": ended},
        )
        uow.commit()
    security_event("password_changed", account_id=account.id, ip=ip, sessions_ended=ended)


def request_email_change(
    *,
    services: Services,
    account_id: str,
    current_password: str | None,
    email: str | None,
    ip: str,
) -> None:
    """E-mail a confirmation link to a new address; nothing changes until it is followed.

    When the new address already belongs to another account nothing is sent, and the
    caller cannot tell.

    Raises:
        InvalidInput: wrong password, malformed address, or the address already in use here.
    """
    errors: list[FieldError] = []
    address = clean_email(services, email, errors)
    with services.uow() as uow:
        account = load_active(uow, account_id)
        check_current_password(services, account, current_password)
        if address is None:
            raise InvalidInput(errors)
        if address.key == account.email.key:
            raise InvalidInput.single("email", "email_unchanged")
        if uow.accounts.get_by_email_key(address.key) is None:
            token = tokens.issue(services, account, Purpose.EMAIL_CHANGE, email=address.address)
            notify(
                services,
                uow,
                account,
                Kind.EMAIL_CHANGE_CONFIRM,
                {
                    "link": services.links.email_change(account.language, token),
                    "new_email": address.address,
                },
                to_address=address.address,
            )
            uow.commit()
    security_event("email_change_requested", account_id=account_id, ip=ip)


def check_email_change(*, services: Services, token: str) -> tuple[Account, str]:
    """Check an e-mail change link without spending it; returns the account and new address.

    Raises:
        TokenInvalid, TokenExpired: as for the other links.
    """
    with services.uow() as uow:
        account, claims = tokens.redeem(
            services, uow, Purpose.EMAIL_CHANGE, token, services.settings.email_change_max_age
        )
        if not account.is_active or "email" not in claims.data:
            raise TokenInvalid()
        return account, claims.data["email"]


def confirm_email_change(*, services: Services, token: str, ip: str) -> Account:
    """Spend an e-mail change link: the account moves to the new address; the old is told.

    Raises:
        TokenInvalid, TokenExpired: as for the other links.
        InvalidInput: the new address was taken by another account meanwhile.
    """
    with services.uow() as uow:
        account, claims = tokens.redeem(
            services, uow, Purpose.EMAIL_CHANGE, token, services.settings.email_change_max_age
        )
        if not account.is_active or "email" not in claims.data:
            raise TokenInvalid()
        errors: list[FieldError] = []
        address = clean_email(services, claims.data["email"], errors)
        if address is None:
            raise TokenInvalid()
        if uow.accounts.get_by_email_key(address.key) is not None:
            raise InvalidInput.single("email", "email_taken")
        old = account.email.address
        account.change_email(address)
        uow.accounts.save(account)
        notify(
            services,
            uow,
            account,
            Kind.EMAIL_CHANGED,
            {
                "old_email": old,
                "new_email": address.address,
            },
            to_address=old,
        )
        audit.record(
            services,
            uow,
            actor=account,
            action="account.email_changed",
            target_type="account",
            target_id=account.id,
            ip=ip,
        )
        uow.commit()
    security_event("email_changed", account_id=account.id, ip=ip)
    return account
