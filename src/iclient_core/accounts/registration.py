"""Use cases: a client registers, follows the activation link and sets a password."""

from __future__ import annotations

from typing import TYPE_CHECKING

from iclient_core.accounts import tokens
from iclient_core.accounts.contact import clean_email, clean_profile, personal_data
from iclient_core.accounts.mail import notify
from iclient_core.accounts.model import Account, EmailAddress, Profile, Role, Status, email_key
from iclient_core.accounts.tokens import Purpose
from iclient_core.notifications.model import Kind
from iclient_core.shared import audit
from iclient_core.shared.errors import (
    AlreadyExists,
    FieldError,
    InvalidInput,
    TokenExpired,
    TokenInvalid,
)
from iclient_core.shared.limits import check_limit
from iclient_core.shared.security_log import security_event
from iclient_core.webhooks.events import client_data, emit
from iclient_core.webhooks.model import EventType

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork


def register_client(
    *,
    services: Services,
    first_name: str | None,
    last_name: str | None,
    phone: str | None,
    email: str | None,
    language: str | None,
    ip: str,
) -> None:
    """Register a client and e-mail the activation link.

    An address that already has an account gets an "already registered" e-mail instead,
    and the caller sees exactly the same outcome (no account enumeration).

    Raises:
        InvalidInput: a field is missing or invalid.
        RateLimited: too many sign-ups from this IP.
    """
    errors: list[FieldError] = []
    profile = clean_profile(services, first_name, last_name, phone, errors)
    address = clean_email(services, email, errors)
    if errors or address is None:
        raise InvalidInput(errors)
    check_limit(services.limiter, f"sign-up:ip:{ip}", services.settings.sign_up_per_ip, count=True)
    lang = services.settings.language(language)
    with services.uow() as uow:
        existing = uow.accounts.get_by_email_key(address.key)
        # Both branches do the same work (a new account built, an activation token signed,
        # one e-mail queued, one audit entry, one commit), so the time the answer takes does
        # not tell whether the address already has an account.
        account = Account.register_client(
            id=services.ids.new_id(),
            email=address,
            profile=profile,
            language=lang,
            now=services.clock.now(),
        )
        token = tokens.issue(services, account, Purpose.ACTIVATION)
        try:
            if existing is None:
                uow.accounts.add(account)
                send_activation(services, uow, account, token=token)
                emit(
                    services,
                    uow,
                    EventType.CLIENT_REGISTERED,
                    {"client": client_data(account), "source": "sign_up"},
                )
                action, target = "account.registered", account
            else:
                _send_already_registered(services, uow, existing)
                action, target = "account.registration_repeated", existing
            audit.record(
                services,
                uow,
                actor=None if existing else account,
                action=action,
                target_type="account",
                target_id=target.id,
                ip=ip,
            )
            uow.commit()
        except AlreadyExists:  # registered a moment ago by a concurrent request (at add or commit)
            return
    security_event(
        "sign_up", account_id=(existing or account).id, ip=ip, existing=existing is not None
    )


def stand_in(services: Services, address: EmailAddress) -> Account:
    """An account that is never stored, for the branch of an unknown address to do the same
    work as the branch of a known one."""
    return Account.register_client(
        id=services.ids.new_id(),
        email=address,
        profile=Profile(first_name="", last_name="", phone=""),
        language=services.settings.default_language,
        now=services.clock.now(),
    )


def send_activation(
    services: Services, uow: UnitOfWork, account: Account, *, token: str | None = None
) -> None:
    """Queue the activation e-mail of a pending ``account`` (also for staff's invitations)."""
    token = token or tokens.issue(services, account, Purpose.ACTIVATION)
    notify(
        services,
        uow,
        account,
        Kind.ACTIVATION,
        {
            "link": services.links.activation(account.language, token),
            "hours": str(int(services.settings.activation_max_age.total_seconds() // 3600)),
        },
    )


def _send_already_registered(services: Services, uow: UnitOfWork, account: Account) -> None:
    # The owner is told at most a few times an hour, however many sign-ups name the address
    # (and from however many IPs): the form must not be a way to flood someone's mailbox.
    limit = services.settings.resend_per_account
    if not services.limiter.hit(f"resend:{account.id}", amount=limit.amount, per=limit.per):
        return
    if account.status is Status.PENDING_ACTIVATION:
        send_activation(services, uow, account)
        return
    notify(
        services,
        uow,
        account,
        Kind.ALREADY_REGISTERED,
        {
            "sign_in_link": services.links.sign_in(account.language),
            "reset_link": services.links.forgot_password(account.language),
        },
    )


def check_activation(*, services: Services, token: str) -> Account:
    """Check an activation link without spending it (a GET, which mail scanners also do).

    Raises:
        TokenInvalid: tampered, used, or for another purpose.
        TokenExpired: too old; ``account_id`` lets the caller offer a new link.
    """
    with services.uow() as uow:
        account, _ = tokens.redeem(
            services, uow, Purpose.ACTIVATION, token, services.settings.activation_max_age
        )
        if account.status is not Status.PENDING_ACTIVATION:
            raise TokenInvalid()
        return account


def activate_account(
    *, services: Services, token: str, password: str | None, password_confirm: str | None, ip: str
) -> Account:
    """Spend an activation link: set the first password and open the account.

    Raises:
        TokenInvalid, TokenExpired: as :func:`check_activation`.
        InvalidInput: the password breaks the policy or the two entries differ.
    """
    with services.uow() as uow:
        account, _ = tokens.redeem(
            services, uow, Purpose.ACTIVATION, token, services.settings.activation_max_age
        )
        if account.status is not Status.PENDING_ACTIVATION:
            raise TokenInvalid()
        password = services.settings.password_policy.check(
            password or "",
            password_confirm or "",
            strength=services.strength,
            personal=personal_data(services, account),
        )
        account.activate(password_hash=services.hasher.hash(password), now=services.clock.now())
        uow.accounts.save(account)
        audit.record(
            services,
            uow,
            actor=account,
            action="account.activated",
            target_type="account",
            target_id=account.id,
            ip=ip,
        )
        if account.role is Role.CLIENT:
            emit(services, uow, EventType.CLIENT_ACTIVATED, {"client": client_data(account)})
        uow.commit()
    security_event("activation", account_id=account.id, ip=ip)
    return account


def resend_activation(
    *, services: Services, ip: str, email: str | None = None, expired_token: str | None = None
) -> None:
    """Send a new activation link, found by address or by an expired link's token.

    Answers the same whether or not the address has an account waiting for activation.

    Raises:
        InvalidInput: the address is malformed.
        RateLimited: too many resends.
    """
    with services.uow() as uow:
        account: Account | None = None
        if expired_token is not None:
            try:
                account, _ = tokens.redeem(
                    services,
                    uow,
                    Purpose.ACTIVATION,
                    expired_token,
                    services.settings.activation_max_age,
                )
            except TokenExpired as expired:
                account = uow.accounts.get(expired.account_id) if expired.account_id else None
            except TokenInvalid:
                account = None
        else:
            errors: list[FieldError] = []
            address = clean_email(services, email, errors)
            if address is None:
                raise InvalidInput(errors)
            account = uow.accounts.get_by_email_key(address.key)
        key = f"resend:{account.id if account else email_key(email or '')}"
        check_limit(services.limiter, key, services.settings.resend_per_account, count=True)
        check_limit(
            services.limiter, f"resend:ip:{ip}", services.settings.sign_up_per_ip, count=True
        )
        if account is None or account.status is not Status.PENDING_ACTIVATION:
            return
        send_activation(services, uow, account)
        uow.commit()
    security_event("activation_resent", account_id=account.id, ip=ip)
