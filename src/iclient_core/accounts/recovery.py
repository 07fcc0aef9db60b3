"""Use cases: a forgotten password is replaced through an e-mailed, single-use link."""

from __future__ import annotations

from typing import TYPE_CHECKING

from iclient_core.accounts import tokens
from iclient_core.accounts.authentication import sign_in_keys
from iclient_core.accounts.contact import clean_email, personal_data
from iclient_core.accounts.mail import message, notify
from iclient_core.accounts.model import Account, Status
from iclient_core.accounts.registration import send_activation, stand_in
from iclient_core.accounts.tokens import Purpose
from iclient_core.notifications.model import Kind
from iclient_core.notifications.outbox import queue
from iclient_core.shared import audit
from iclient_core.shared.errors import FieldError, InvalidInput, TokenInvalid
from iclient_core.shared.limits import check_limit, clear_attempts
from iclient_core.shared.security_log import security_event
from iclient_core.shared.text import counted

if TYPE_CHECKING:
    from iclient_core.services import Services


def request_password_reset(*, services: Services, email: str | None, ip: str) -> None:
    """E-mail a reset link to the account with this address, if there is one.

    The caller's outcome is the same whether or not the address exists, and nothing is
    sent to addresses without an account. An account still waiting for activation gets a
    fresh activation link instead.

    Raises:
        InvalidInput: the address is malformed.
        RateLimited: too many requests for this address or from this IP.
    """
    errors: list[FieldError] = []
    address = clean_email(services, email, errors)
    if address is None:
        raise InvalidInput(errors)
    settings = services.settings
    check_limit(services.limiter, f"reset:ip:{ip}", settings.reset_per_ip, count=True)
    check_limit(
        services.limiter, f"reset:account:{address.key}", settings.reset_per_address, count=True
    )
    with services.uow() as uow:
        found = uow.accounts.get_by_email_key(address.key)
        known = found is not None and found.status is not Status.DISABLED
        # An unknown address goes through the same work with a stand-in account (a token
        # signed, the e-mail built, an audit entry, one commit), only the e-mail is not
        # queued: the answer takes as long either way, so its timing does not tell whether
        # the address has an account.
        account = found if found is not None and known else stand_in(services, address)
        if account.status is Status.PENDING_ACTIVATION and known:
            send_activation(services, uow, account)
        else:
            token = tokens.issue(services, account, Purpose.PASSWORD_RESET)
            notification = message(
                services,
                uow,
                account,
                Kind.PASSWORD_RESET,
                {
                    "link": services.links.password_reset(account.language, token),
                    "minutes": str(int(settings.reset_max_age.total_seconds() // 60)),
                },
            )
            if known:
                queue(services, uow, notification)
        audit.record(
            services,
            uow,
            actor=None,
            action="auth.reset_requested",
            target_type="account",
            target_id=account.id if known else "",
            ip=ip,
        )
        uow.commit()
    if not known:
        security_event("reset_requested", ip=ip, known=False)
        return
    security_event("reset_requested", account_id=account.id, ip=ip, known=True)


def check_password_reset(*, services: Services, token: str) -> Account:
    """Check a reset link without spending it.

    Raises:
        TokenInvalid: tampered, used, or for another purpose.
        TokenExpired: older than the reset lifetime (one hour by default).
    """
    with services.uow() as uow:
        account, _ = tokens.redeem(
            services, uow, Purpose.PASSWORD_RESET, token, services.settings.reset_max_age
        )
        if account.status is not Status.ACTIVE:
            raise TokenInvalid()
        return account


def reset_password(
    *, services: Services, token: str, password: str | None, password_confirm: str | None, ip: str
) -> Account:
    """Spend a reset link: set the new password and end every session of the account.

    The person is not signed in; they sign in with the new password. The sign-in throttle
    of the account is lifted and a notice is e-mailed.

    Raises:
        TokenInvalid, TokenExpired: as :func:`check_password_reset`.
        InvalidInput: the password breaks the policy or the two entries differ.
    """
    settings = services.settings
    with services.uow() as uow:
        account, _ = tokens.redeem(
            services, uow, Purpose.PASSWORD_RESET, token, settings.reset_max_age
        )
        if account.status is not Status.ACTIVE:
            raise TokenInvalid()
        password = settings.password_policy.check(
            password or "",
            password_confirm or "",
            strength=services.strength,
            personal=personal_data(services, account),
        )
        account.set_password(services.hasher.hash(password))
        uow.accounts.save(account)
        ended = uow.sessions.delete_for_account(account.id)
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
            action="auth.password_reset",
            target_type="account",
            target_id=account.id,
            summary=f"Password reset by e-mailed link; {counted(ended, 'session')} ended",
            ip=ip,
            details={"sessions": ended},
        )
        uow.commit()
    # The address's own budget is lifted; the browser that followed the link is the owner's
    # and gets a device token from the portal (see authentication.issue_device), which
    # passes the limits of other networks and devices.
    keys = sign_in_keys(services, account.email.address, ip)
    clear_attempts(services.limiter, keys.address, settings.sign_in_per_address)
    clear_attempts(services.limiter, keys.pair, settings.sign_in_per_account)
    security_event("password_reset", account_id=account.id, ip=ip, sessions_ended=ended)
    return account
