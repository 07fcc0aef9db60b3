"""Use cases: two-step sign-in with an authenticator app, recovery codes and passkeys.

An account has two-step sign-in once it has a confirmed authenticator app or a passkey. The
password is then only the first step: the second is a code from the app, an unused
recovery code, or a passkey. A passkey may also replace the password altogether (it is
itself two factors: the device and its screen lock).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.authentication import SignedIn, device_of, network_of, open_session
from iclient_core.accounts.mail import notify
from iclient_core.accounts.model import Account
from iclient_core.accounts.profile import check_current_password, load_active
from iclient_core.accounts.second_factor import (
    RECOVERY_CODES,
    Authenticator,
    Passkey,
    RecoveryCode,
    looks_like_recovery_code,
    new_recovery_code,
    recovery_digest,
)
from iclient_core.notifications.model import Kind
from iclient_core.shared import audit
from iclient_core.shared.errors import InvalidCredentials, InvalidInput, NotFound
from iclient_core.shared.limits import check_limit, clear_attempts
from iclient_core.shared.security_log import security_event
from iclient_core.shared.text import counted

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

MAX_PASSKEY_NAME = 60


@attrs.frozen
class TwoStepStatus:
    """What the security page shows of an account's second steps.

    Attributes:
        authenticator: a confirmed authenticator app is on.
        recovery_left: unused recovery codes.
        passkeys: the account's passkeys, oldest first.
        required: the account is staff and the business requires two-step sign-in for staff.
    """

    authenticator: bool
    recovery_left: int
    passkeys: Sequence[Passkey]
    required: bool

    @property
    def on(self) -> bool:
        """Whether signing in asks for a second step."""
        return self.authenticator or bool(self.passkeys)


def _required(uow: UnitOfWork, account: Account) -> bool:
    stored = uow.settings.get()
    return account.role.is_staff and stored is not None and stored.staff_two_step


def two_step_status(*, services: Services, account_id: str) -> TwoStepStatus:
    """The account's second steps, for its security page.

    Raises:
        NotFound: no such active account.
    """
    with services.uow() as uow:
        account = load_active(uow, account_id)
        authenticator = uow.two_step.get_authenticator(account.id)
        codes = uow.two_step.recovery_codes(account.id)
        return TwoStepStatus(
            authenticator=authenticator is not None and authenticator.confirmed,
            recovery_left=sum(1 for code in codes if code.used_at is None),
            passkeys=list(uow.two_step.passkeys(account.id)),
            required=_required(uow, account),
        )


def setup_due(*, services: Services, account_id: str) -> bool:
    """Whether the account must set up two-step sign-in before anything else: it is staff,
    the business requires two-step sign-in for staff, and it has no second step yet."""
    with services.uow() as uow:
        account = uow.accounts.get(account_id)
        if account is None or not _required(uow, account):
            return False
        authenticator = uow.two_step.get_authenticator(account.id)
        has = (authenticator is not None and authenticator.confirmed) or bool(
            uow.two_step.passkeys(account.id)
        )
        return not has


@attrs.frozen
class NewAuthenticator:
    """A secret to show (as a QR code and as text) until the owner confirms a first code."""

    secret: str
    uri: str


def start_authenticator(*, services: Services, account_id: str) -> NewAuthenticator:
    """Make a new authenticator secret for the account (not yet a second step).

    Asking again replaces an unconfirmed secret; a confirmed app stays until turned off.

    Raises:
        NotFound: no such active account.
        InvalidInput: ``code``: ``two_step_on`` (an authenticator app is on already).
    """
    with services.uow() as uow:
        account = load_active(uow, account_id)
        existing = uow.two_step.get_authenticator(account.id)
        if existing is not None and existing.confirmed:
            raise InvalidInput.single("code", "two_step_on")
        secret = services.one_time_codes.new_secret()
        uow.two_step.save_authenticator(
            Authenticator(account_id=account.id, secret=secret, created_at=services.clock.now())
        )
        uow.commit()
        uri = services.one_time_codes.provisioning_uri(
            secret, account_name=account.email.address, issuer=_issuer(services, uow)
        )
    return NewAuthenticator(secret=secret, uri=uri)


def pending_authenticator(*, services: Services, account_id: str) -> NewAuthenticator | None:
    """The unconfirmed authenticator secret waiting for its first code, or None."""
    with services.uow() as uow:
        account = load_active(uow, account_id)
        existing = uow.two_step.get_authenticator(account.id)
        if existing is None or existing.confirmed:
            return None
        uri = services.one_time_codes.provisioning_uri(
            existing.secret, account_name=account.email.address, issuer=_issuer(services, uow)
        )
        return NewAuthenticator(secret=existing.secret, uri=uri)


def _issuer(services: Services, uow: UnitOfWork) -> str:
    stored = uow.settings.get()
    return (stored.business_name if stored else "") or services.settings.business_name


def _limit_key(account_id: str) -> str:
    return f"two-step:{account_id}"


def _check_code(services: Services, uow: UnitOfWork, account: Account, code: str) -> str | None:
    """Spend ``code`` (authenticator or recovery code) in ``uow``; what it was, or None.

    An authenticator code is accepted once: its time step must be later than the last one
    accepted. A recovery code is marked used.
    """
    code = (code or "").strip()[:64]
    if looks_like_recovery_code(code):
        digest = recovery_digest(account.id, code)
        if uow.two_step.use_recovery_code(account.id, digest, services.clock.now()):
            return "recovery_code"
        return None
    authenticator = uow.two_step.get_authenticator(account.id)
    digits = code.replace(" ", "")
    if authenticator is None or not authenticator.confirmed or not digits.isdigit():
        return None
    step = services.one_time_codes.matching_step(
        authenticator.secret,
        digits,
        now=services.clock.now(),
        window=services.settings.two_step_window,
    )
    if step is None or not uow.two_step.advance_step(account.id, step):
        return None
    return "authenticator"


def _spend_code(services: Services, uow: UnitOfWork, account: Account, code: str | None) -> str:
    """Check the rate limit and spend ``code``; count a failure.

    Raises:
        RateLimited: too many wrong codes for this account.
        InvalidInput: ``code``: ``code_wrong``.
    """
    limit = services.settings.two_step_per_account
    check_limit(services.limiter, _limit_key(account.id), limit, count=False)
    how = _check_code(services, uow, account, code or "")
    if how is None:
        services.limiter.hit(_limit_key(account.id), amount=limit.amount, per=limit.per)
        raise InvalidInput.single("code", "code_wrong")
    return how


def _new_codes(services: Services, uow: UnitOfWork, account: Account) -> list[str]:
    now = services.clock.now()
    codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
    uow.two_step.replace_recovery_codes(
        account.id,
        [
            RecoveryCode(
                account_id=account.id, digest=recovery_digest(account.id, c), created_at=now
            )
            for c in codes
        ],
    )
    return codes


def confirm_authenticator(
    *, services: Services, account_id: str, code: str | None, ip: str
) -> list[str]:
    """Turn the authenticator app on with its first code; the recovery codes to show once.

    Recovery codes are made only when the account has none unused (a passkey may have made
    them already); then the list is empty.

    Raises:
        NotFound: no such active account.
        InvalidInput: ``code``: ``code_wrong`` (or ``two_step_on``).
        RateLimited: too many wrong codes.
    """
    limit = services.settings.two_step_per_account
    with services.uow() as uow:
        account = load_active(uow, account_id)
        authenticator = uow.two_step.get_authenticator(account.id)
        if authenticator is None:
            raise InvalidInput.single("code", "code_wrong")
        if authenticator.confirmed:
            raise InvalidInput.single("code", "two_step_on")
        check_limit(services.limiter, _limit_key(account.id), limit, count=False)
        step = services.one_time_codes.matching_step(
            authenticator.secret,
            (code or "").replace(" ", "").strip()[:12],
            now=services.clock.now(),
            window=services.settings.two_step_window,
        )
        if step is None:
            services.limiter.hit(_limit_key(account.id), amount=limit.amount, per=limit.per)
            raise InvalidInput.single("code", "code_wrong")
        authenticator.confirmed_at = services.clock.now()
        authenticator.last_step = step
        uow.two_step.save_authenticator(authenticator)
        codes = _codes_if_none(services, uow, account)
        audit.record(
            services,
            uow,
            actor=account,
            action="account.two_step_enabled",
            target_type="account",
            target_id=account.id,
            summary="Authenticator app turned on",
            ip=ip,
            details={"method": "authenticator"},
        )
        uow.commit()
    clear_attempts(services.limiter, _limit_key(account_id), limit)
    security_event("two_step_enabled", account_id=account_id, ip=ip)
    return codes


def _codes_if_none(services: Services, uow: UnitOfWork, account: Account) -> list[str]:
    if any(c.used_at is None for c in uow.two_step.recovery_codes(account.id)):
        return []
    return _new_codes(services, uow, account)


def regenerate_recovery_codes(
    *, services: Services, account_id: str, password: str | None, ip: str
) -> list[str]:
    """Replace every recovery code with ten new ones (after the current password).

    Raises:
        NotFound: no such active account.
        InvalidInput: ``current_password``: ``password_wrong``; ``code``: ``two_step_off``.
        RateLimited: too many wrong passwords.
    """
    with services.uow() as uow:
        account = load_active(uow, account_id)
        check_current_password(services, account, password)
        if not _has_second_step(uow, account):
            raise InvalidInput.single("code", "two_step_off")
        codes = _new_codes(services, uow, account)
        audit.record(
            services,
            uow,
            actor=account,
            action="account.recovery_codes_renewed",
            target_type="account",
            target_id=account.id,
            ip=ip,
        )
        uow.commit()
    security_event("recovery_codes_renewed", account_id=account_id, ip=ip)
    return codes


def _has_second_step(uow: UnitOfWork, account: Account) -> bool:
    authenticator = uow.two_step.get_authenticator(account.id)
    return (authenticator is not None and authenticator.confirmed) or bool(
        uow.two_step.passkeys(account.id)
    )


def turn_off(
    *,
    services: Services,
    account_id: str,
    session_id: str,
    password: str | None,
    code: str | None,
    ip: str,
) -> int:
    """Turn two-step sign-in off: after the password and a code (authenticator or recovery
    code), forget the app, the recovery codes and the passkeys, end every other session and
    e-mail the owner. Returns how many sessions ended.

    Raises:
        NotFound: no such active account.
        InvalidInput: ``current_password``: ``password_wrong``; ``code``: ``code_wrong``
            or ``two_step_required`` (staff while the business requires it).
        RateLimited: too many wrong passwords or codes.
    """
    with services.uow() as uow:
        account = load_active(uow, account_id)
        check_current_password(services, account, password)
        if _required(uow, account):
            raise InvalidInput.single("code", "two_step_required")
        how = _spend_code(services, uow, account, code)
        uow.two_step.delete_for_account(account.id)
        ended = uow.sessions.delete_for_account(account.id, keep=session_id)
        notify(
            services,
            uow,
            account,
            Kind.TWO_STEP_DISABLED,
            {"link": services.links.sessions(account.language)},
        )
        audit.record(
            services,
            uow,
            actor=account,
            action="account.two_step_disabled",
            target_type="account",
            target_id=account.id,
            summary=f"Two-step sign-in turned off; {counted(ended, 'other session')} ended",
            ip=ip,
            details={"sessions": ended, "code": how},
        )
        uow.commit()
    security_event("two_step_disabled", account_id=account_id, ip=ip, sessions_ended=ended)
    return ended


def second_step(
    *,
    services: Services,
    account_id: str,
    code: str | None,
    ip: str,
    user_agent: str,
    device: str | None = None,
) -> SignedIn:
    """Finish a sign-in whose password was right with an authenticator or recovery code.

    ``account_id`` comes from the browser's signed state after the password step.

    Raises:
        InvalidInput: ``code``: ``code_wrong``.
        RateLimited: too many wrong codes for this account.
        InvalidCredentials: the account can no longer sign in.
    """
    with services.uow() as uow:
        account = uow.accounts.get(account_id)
        if account is None or not account.is_active:
            raise InvalidCredentials()
        try:
            how = _spend_code(services, uow, account, code)
        except InvalidInput:
            security_event("second_step_failed", account_id=account.id, ip=ip)
            audit.record(
                services,
                uow,
                actor=None,
                action="auth.second_step_failed",
                target_type="account",
                target_id=account.id,
                ip=ip,
            )
            uow.commit()
            raise
        uow.commit()
    clear_attempts(services.limiter, _limit_key(account_id), services.settings.two_step_per_account)
    known = device_of(services, device, account.email.address)
    return open_session(services, account, ip=ip, user_agent=user_agent, device=known, how=how)


# ---------------------------------------------------------------------------------- passkeys


@attrs.frozen
class Ceremony:
    """Options for the browser (JSON) and the challenge the caller keeps until the answer."""

    options: str
    challenge: str


def passkey_registration(
    *, services: Services, account_id: str, rp_id: str, rp_name: str
) -> Ceremony:
    """Begin adding a passkey: the options for ``navigator.credentials.create``.

    Raises:
        NotFound: no such active account.
    """
    with services.uow() as uow:
        account = load_active(uow, account_id)
        existing = [p.credential_id for p in uow.two_step.passkeys(account.id)]
    options, challenge = services.passkeys.registration_options(
        rp_id=rp_id,
        rp_name=rp_name,
        user_id=account.id,
        user_name=account.email.address,
        display_name=account.profile.full_name,
        exclude=existing,
    )
    return Ceremony(options=options, challenge=challenge)


def add_passkey(
    *,
    services: Services,
    account_id: str,
    name: str | None,
    response: str | None,
    challenge: str,
    rp_id: str,
    origin: str,
    ip: str,
) -> list[str]:
    """Store the passkey the browser made; the recovery codes to show once when the account
    had none unused (a passkey turns two-step sign-in on, and a lost device must not lock the
    owner out).

    Raises:
        NotFound: no such active account.
        InvalidInput: ``passkey``: ``passkey_rejected``; ``name``: ``too_long``.
    """
    label = " ".join((name or "").split())
    if len(label) > MAX_PASSKEY_NAME:
        raise InvalidInput.single("name", "too_long")
    if not response or not challenge or len(response) > 20_000:
        raise InvalidInput.single("passkey", "passkey_rejected")
    made = services.passkeys.verify_registration(
        response=response, challenge=challenge, rp_id=rp_id, origin=origin
    )
    now = services.clock.now()
    with services.uow() as uow:
        account = load_active(uow, account_id)
        if uow.two_step.passkey_by_credential(made.credential_id) is not None:
            raise InvalidInput.single("passkey", "passkey_rejected")
        passkey = Passkey(
            id=services.ids.new_id(),
            account_id=account.id,
            credential_id=made.credential_id,
            public_key=made.public_key,
            sign_count=made.sign_count,
            name=label or "Passkey",
            created_at=now,
        )
        uow.two_step.add_passkey(passkey)
        codes = _codes_if_none(services, uow, account)
        audit.record(
            services,
            uow,
            actor=account,
            action="account.passkey_added",
            target_type="account",
            target_id=account.id,
            summary=f"Passkey added: {passkey.name}",
            ip=ip,
            details={"passkey": passkey.id, "name": passkey.name},
        )
        uow.commit()
    security_event("passkey_added", account_id=account_id, ip=ip)
    return codes


def remove_passkey(*, services: Services, account_id: str, passkey_id: str, ip: str) -> None:
    """Remove one of the account's passkeys.

    Raises:
        NotFound: no such passkey of this account.
        InvalidInput: ``passkey``: ``two_step_required`` (the last second step of a member
            of staff while the business requires one).
    """
    with services.uow() as uow:
        account = load_active(uow, account_id)
        keys = {p.id: p for p in uow.two_step.passkeys(account.id)}
        if passkey_id not in keys:
            raise NotFound()
        authenticator = uow.two_step.get_authenticator(account.id)
        last = len(keys) == 1 and (authenticator is None or not authenticator.confirmed)
        if last and _required(uow, account):
            raise InvalidInput.single("passkey", "two_step_required")
        uow.two_step.delete_passkey(account.id, passkey_id)
        if last:
            uow.two_step.replace_recovery_codes(account.id, [])
        audit.record(
            services,
            uow,
            actor=account,
            action="account.passkey_removed",
            target_type="account",
            target_id=account.id,
            summary=f"Passkey removed: {keys[passkey_id].name}",
            ip=ip,
            details={"passkey": passkey_id, "name": keys[passkey_id].name},
        )
        uow.commit()
    security_event("passkey_removed", account_id=account_id, ip=ip)


def passkey_sign_in_options(
    *, services: Services, rp_id: str, account_id: str | None = None
) -> Ceremony:
    """Begin signing in with a passkey: for the second step of ``account_id`` (its passkeys
    only) or, without an account, instead of the password (any passkey of this site)."""
    allow: list[str] = []
    if account_id is not None:
        with services.uow() as uow:
            allow = [p.credential_id for p in uow.two_step.passkeys(account_id)]
    options, challenge = services.passkeys.authentication_options(rp_id=rp_id, allow=allow)
    return Ceremony(options=options, challenge=challenge)


def sign_in_with_passkey(
    *,
    services: Services,
    response: str | None,
    challenge: str,
    rp_id: str,
    origin: str,
    ip: str,
    user_agent: str,
    account_id: str | None = None,
    device: str | None = None,
) -> SignedIn:
    """Sign in with a passkey: as the second step of ``account_id``, or on its own.

    Raises:
        InvalidCredentials: unknown passkey, another account's passkey for a second step,
            or a signature that does not verify.
        RateLimited: too many failures from this network.
    """
    settings = services.settings
    net_key = f"passkey:ip:{network_of(ip)}"
    check_limit(services.limiter, net_key, settings.sign_in_per_ip, count=False)
    credential = services.passkeys.credential_id(response or "") if response else None
    with services.uow() as uow:
        passkey = uow.two_step.passkey_by_credential(credential) if credential else None
        account = uow.accounts.get(passkey.account_id) if passkey else None
        try:
            if (
                passkey is None
                or account is None
                or not account.is_active
                or not challenge
                or (account_id is not None and account.id != account_id)
            ):
                raise InvalidCredentials()
            count = services.passkeys.verify_authentication(
                response=response or "",
                challenge=challenge,
                rp_id=rp_id,
                origin=origin,
                public_key=passkey.public_key,
                sign_count=passkey.sign_count,
            )
        except InvalidCredentials:
            services.limiter.hit(
                net_key, amount=settings.sign_in_per_ip.amount, per=settings.sign_in_per_ip.per
            )
            security_event("passkey_failed", account_id=account.id if account else None, ip=ip)
            raise
        uow.two_step.passkey_used(passkey.id, count, services.clock.now())
        uow.commit()
    known = device_of(services, device, account.email.address)
    return open_session(
        services, account, ip=ip, user_agent=user_agent, device=known, how="passkey"
    )
