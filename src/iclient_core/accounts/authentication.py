"""Use cases: sign in, recognise a signed-in session, sign out."""

from __future__ import annotations

import ipaddress
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.mail import notify
from iclient_core.accounts.model import Account, email_key
from iclient_core.accounts.passwords import MAXIMUM, normalise_password
from iclient_core.accounts.ports import TokenClaims
from iclient_core.accounts.sessions import SignInSession, session_key
from iclient_core.notifications.model import Kind
from iclient_core.shared import audit
from iclient_core.shared.errors import DomainError, InvalidCredentials
from iclient_core.shared.limits import Limit, check_limit, clear_attempts
from iclient_core.shared.security_log import security_event

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork


@attrs.frozen
class SignedIn:
    """The outcome of a successful sign-in.

    Attributes:
        account: who signed in.
        session_secret: the new session's secret for the browser's cookie, or "" while a
            second step is still due (``second_step``).
        second_step: the password was right but the account asks for a second step (an
            authenticator code, a recovery code or a passkey) before any session opens.
        device: the device token for the browser to keep (a long-lived cookie): a browser
            that holds one may keep trying when the address is locked for unknown devices.
        new_device: the browser brought no device token of this account (the owner was
            e-mailed about the sign-in).
    """

    account: Account
    session_secret: str
    second_step: bool = False
    device: str = ""
    new_device: bool = False


@attrs.frozen
class CurrentSession:
    """A live session and its account, as found from the browser's secret.

    Attributes:
        revision: the portal's revision at this moment (see
            ``SettingsRepository.revision``): what a caller kept in memory of the settings
            or the consent gate is still right while it has not changed.
    """

    account: Account
    session: SignInSession
    revision: int = 0


DEVICE_PURPOSE = "device"
"""The token purpose of device cookies."""

DEVICE_MAX_AGE = timedelta(days=365)
"""How long a device token is honoured after it was issued (each sign-in renews it)."""


def lookup_key(services: Services, email: str) -> str:
    """The e-mail key to look an address up by, normalised as at registration.

    Text that is not a valid address keeps its plain key (it will simply match nothing).
    """
    if len(email) > 254:
        return email_key(email[:254])
    try:
        return email_key(services.contacts.normalise_email(email))
    except ValueError:
        return email_key(email)


def network_of(ip: str) -> str:
    """The network an address belongs to for rate limits (a home or office shares one)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip[:64]
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


@attrs.frozen
class SignInKeys:
    """The rate-limit keys of one sign-in attempt.

    Attributes:
        address: failures for the address from browsers without its device token (the
            budget an attacker can spend, which a trusted device does not depend on).
        pair: failures for the address from one network.
        network: failures from one network, whatever the address.
        device: failures of one trusted device (only when the browser brought a valid
            device token for this address).
    """

    address: str
    pair: str
    network: str
    device: str | None = None


def sign_in_keys(services: Services, email: str, ip: str, device: str | None = None) -> SignInKeys:
    """The rate-limit keys for sign-in attempts of one address from one IP and device."""
    key = lookup_key(services, email)
    net = network_of(ip)
    return SignInKeys(
        address=f"sign-in:account:{key}",
        pair=f"sign-in:pair:{key}:{net}",
        network=f"sign-in:ip:{net}",
        device=f"sign-in:device:{device}" if device else None,
    )


def device_of(services: Services, token: str | None, email: str) -> str | None:
    """The device id of a valid device token issued to the account of ``email``, or None.

    The token names the address key it was issued for, so a device cookie of one account
    gives nothing to attempts on another.
    """
    if not token or len(token) > 1000:
        return None
    try:
        claims = services.tokens.verify(
            DEVICE_PURPOSE, token, max_age=DEVICE_MAX_AGE, now=services.clock.now()
        )
    except DomainError:
        return None
    if claims.data.get("key") != lookup_key(services, email) or not claims.data.get("device"):
        return None
    return claims.data["device"]


def issue_device(services: Services, account: Account, device: str | None = None) -> str:
    """A device token for a browser that proved it belongs to ``account``'s owner."""
    claims = TokenClaims(
        account_id=account.id,
        fingerprint="",
        data={"key": account.email.key, "device": device or secrets.token_urlsafe(16)},
    )
    return services.tokens.issue(DEVICE_PURPOSE, claims, now=services.clock.now())


def _limits(services: Services, keys: SignInKeys) -> list[tuple[str, Limit]]:
    settings = services.settings
    if keys.device is not None:
        return [(keys.device, settings.sign_in_per_device)]
    return [
        (keys.pair, settings.sign_in_per_account),
        (keys.network, settings.sign_in_per_ip),
        (keys.address, settings.sign_in_per_address),
    ]


def sign_in(
    *,
    services: Services,
    email: str | None,
    password: str | None,
    ip: str,
    user_agent: str,
    device: str | None = None,
) -> SignedIn:
    """Check the credentials and open a new session (or ask for the second step).

    Every failure (unknown address, wrong password, account not activated or disabled)
    raises the same error after about the same work, so none of them can be told apart.

    Failures are counted per address and network, per network, and per address; a browser
    with a device token of the address (``device``, from an earlier successful sign-in)
    counts only against its own budget, so an attacker's failures elsewhere cannot lock
    the owner's browser out.

    Raises:
        InvalidCredentials: the generic failure.
        RateLimited: too many failures for this address or from this network.
    """
    email, password = email or "", password or ""
    known_device = device_of(services, device, email)
    keys = sign_in_keys(services, email, ip, known_device)
    limits = _limits(services, keys)
    for key, limit in limits:
        check_limit(services.limiter, key, limit, count=False)
    candidate = normalise_password(password)
    with services.uow() as uow:
        account = (
            uow.accounts.get_by_email_key(lookup_key(services, email))
            if len(email) <= 254
            else None
        )
        if account is None or account.password_hash is None or len(candidate) > MAXIMUM:
            services.hasher.dummy_verify()
            matches = False
        else:
            matches = services.hasher.verify(candidate, account.password_hash)
        if account is None or not matches or not account.is_active:
            uow.rollback()
            for key, limit in limits:
                services.limiter.hit(key, amount=limit.amount, per=limit.per)
            security_event("sign_in_failed", account_id=account.id if account else None, ip=ip)
            with services.uow() as audit_uow:  # the failure is kept; nothing else is
                audit.record(
                    services,
                    audit_uow,
                    actor=None,
                    action="auth.sign_in_failed",
                    target_type="account",
                    target_id=account.id if account else "",
                    ip=ip,
                )
                audit_uow.commit()
            raise InvalidCredentials()
        assert account.password_hash is not None
        if services.hasher.needs_update(account.password_hash):
            account.rehash(services.hasher.hash(candidate))
            uow.accounts.save(account)
            uow.commit()
        for key, limit in limits:
            if key != keys.network:
                clear_attempts(services.limiter, key, limit)
        if needs_second_step(services, uow, account):
            security_event("sign_in_second_step", account_id=account.id, ip=ip)
            return SignedIn(account=account, session_secret="", second_step=True)
        # The account was read a moment ago in this unit of work: the session opens in it
        # (saving checks the version read, so a change since then is refused, not lost).
        return _session_for(
            services,
            uow,
            account,
            ip=ip,
            user_agent=user_agent,
            device=known_device,
            how="password",
        )


def needs_second_step(services: Services, uow: UnitOfWork, account: Account) -> bool:
    """Whether ``account`` signs in with a second step: it has a confirmed authenticator app
    or a passkey (staff whom the business requires to have one but who have none yet sign in
    with the password and are taken to set one up: see ``two_step.setup_due``)."""
    return uow.two_step.has_second_step(account.id)


def open_session(
    services: Services,
    account: Account,
    *,
    ip: str,
    user_agent: str,
    device: str | None,
    how: str,
) -> SignedIn:
    """Open a session for ``account`` whose sign-in is complete; e-mail its owner when the
    browser is not a known device of the account (except at the very first sign-in).

    Args:
        device: the device id of the browser's valid device token, or None.
        how: what proved the person (``password``, ``authenticator``, ``recovery_code``,
            ``passkey``), for the audit log.
    """
    with services.uow() as uow:
        fresh = uow.accounts.get(account.id)
        if fresh is None or not fresh.is_active:
            raise InvalidCredentials()
        return _session_for(
            services, uow, fresh, ip=ip, user_agent=user_agent, device=device, how=how
        )


def _session_for(
    services: Services,
    uow: UnitOfWork,
    account: Account,
    *,
    ip: str,
    user_agent: str,
    device: str | None,
    how: str,
) -> SignedIn:
    """Open the session of :func:`open_session` in ``uow``, where ``account`` was read."""
    now = services.clock.now()
    # The very first sign-in follows activation in the same browser: nothing to report.
    alert = device is None and account.last_sign_in_at is not None
    account.signed_in(now)
    session, secret = SignInSession.start(
        account_id=account.id, now=now, ip=ip, user_agent=user_agent
    )
    uow.accounts.save(account)
    uow.sessions.add(session)
    if alert:
        notify(
            services,
            uow,
            account,
            Kind.NEW_DEVICE_SIGN_IN,
            {
                "link": services.links.sessions(account.language),
                "ip": ip[:64],
                "device": user_agent[:120],
            },
        )
    audit.record(
        services,
        uow,
        actor=account,
        action="auth.sign_in",
        target_type="account",
        target_id=account.id,
        summary=f"Signed in with {how.replace('_', ' ')}",
        ip=ip,
        details={"method": how, "new_device": device is None},
    )
    uow.commit()
    security_event("sign_in", account_id=account.id, ip=ip, method=how)
    return SignedIn(
        account=account,
        session_secret=secret,
        device=issue_device(services, account, device),
        new_device=device is None,
    )


def current_session(*, services: Services, session_secret: str | None) -> CurrentSession | None:
    """The live session for a browser's secret, or None (unknown, expired, account closed).

    From the process's session cache (``services.session_cache``) when it kept the look-up
    and nothing changed since; else one statement: the session with its account and the
    portal's revision. Expired sessions and sessions of accounts that can no longer sign in
    are deleted; activity is written at most once a minute (through the database, which then
    reads the session again).
    """
    if not session_secret:
        return None
    settings = services.settings
    cache = services.session_cache
    now = services.clock.now()
    key = session_key(session_secret)
    kept = cache.recall(key)
    if kept is not None:
        session, account, revision = kept
        live = account.is_active and not session.expired(
            now, idle=settings.session_idle, absolute=settings.session_absolute
        )
        if live and not session.needs_touch(now):
            return CurrentSession(account=account, session=session, revision=revision)
    ticket = cache.ticket()
    with services.uow() as uow:
        found = uow.sessions.get_with_account(key)
        if found is None:
            return None
        session, account, revision = found
        if not account.is_active or session.expired(
            now, idle=settings.session_idle, absolute=settings.session_absolute
        ):
            uow.sessions.delete(session.id)
            uow.commit()
            cache.forget(key)
            return None
        if session.needs_touch(now):
            uow.sessions.touch(session.id, now)
            session.last_seen_at = now
            uow.commit()
            cache.forget(key)  # the touch is a change: the next request reads it back
            return CurrentSession(account=account, session=session, revision=revision)
    cache.keep(key, found, ticket)
    return CurrentSession(account=account, session=session, revision=revision)


def sign_out(*, services: Services, session_secret: str | None, ip: str) -> None:
    """End the session server-side: its cookie no longer works, even if copied."""
    if not session_secret:
        return
    with services.uow() as uow:
        session = uow.sessions.get(session_key(session_secret))
        if session is None:
            return
        uow.sessions.delete(session.id)
        uow.commit()
    services.session_cache.forget(session.id)
    security_event("sign_out", account_id=session.account_id, ip=ip)
