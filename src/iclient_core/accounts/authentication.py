"""Use cases: sign in, recognise a signed-in session, sign out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.model import Account, email_key
from iclient_core.accounts.passwords import MAXIMUM, normalise_password
from iclient_core.accounts.sessions import SignInSession, session_key
from iclient_core.shared import audit
from iclient_core.shared.errors import InvalidCredentials
from iclient_core.shared.limits import check_limit
from iclient_core.shared.security_log import security_event

if TYPE_CHECKING:
    from iclient_core.services import Services


@attrs.frozen
class SignedIn:
    """The outcome of a successful sign-in: the account and the new session's secret."""

    account: Account
    session_secret: str


@attrs.frozen
class CurrentSession:
    """A live session and its account, as found from the browser's secret."""

    account: Account
    session: SignInSession


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


def sign_in_keys(services: Services, email: str, ip: str) -> tuple[str, str]:
    """The rate-limit keys for sign-in failures of one address and one IP."""
    return f"sign-in:account:{lookup_key(services, email)}", f"sign-in:ip:{ip}"


def sign_in(
    *, services: Services, email: str | None, password: str | None, ip: str, user_agent: str
) -> SignedIn:
    """Check the credentials and open a new session.

    Every failure (unknown address, wrong password, account not activated or disabled)
    raises the same error after about the same work, so none of them can be told apart.

    Raises:
        InvalidCredentials: the generic failure.
        RateLimited: too many failures for this address or from this IP.
    """
    settings = services.settings
    email, password = email or "", password or ""
    account_key, ip_key = sign_in_keys(services, email, ip)
    check_limit(services.limiter, account_key, settings.sign_in_per_account, count=False)
    check_limit(services.limiter, ip_key, settings.sign_in_per_ip, count=False)
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
            services.limiter.hit(
                account_key,
                amount=settings.sign_in_per_account.amount,
                per=settings.sign_in_per_account.per,
            )
            services.limiter.hit(
                ip_key, amount=settings.sign_in_per_ip.amount, per=settings.sign_in_per_ip.per
            )
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
        now = services.clock.now()
        account.signed_in(now)
        session, secret = SignInSession.start(
            account_id=account.id, now=now, ip=ip, user_agent=user_agent
        )
        uow.accounts.save(account)
        uow.sessions.add(session)
        audit.record(
            services,
            uow,
            actor=account,
            action="auth.sign_in",
            target_type="account",
            target_id=account.id,
            ip=ip,
        )
        uow.commit()
    services.limiter.clear(
        account_key,
        amount=settings.sign_in_per_account.amount,
        per=settings.sign_in_per_account.per,
    )
    security_event("sign_in", account_id=account.id, ip=ip)
    return SignedIn(account=account, session_secret=secret)


def current_session(*, services: Services, session_secret: str | None) -> CurrentSession | None:
    """The live session for a browser's secret, or None (unknown, expired, account closed).

    Expired sessions and sessions of accounts that can no longer sign in are deleted.
    """
    if not session_secret:
        return None
    settings = services.settings
    now = services.clock.now()
    with services.uow() as uow:
        session = uow.sessions.get(session_key(session_secret))
        if session is None:
            return None
        account = uow.accounts.get(session.account_id)
        if (
            account is None
            or not account.is_active
            or session.expired(now, idle=settings.session_idle, absolute=settings.session_absolute)
        ):
            uow.sessions.delete(session.id)
            uow.commit()
            return None
        if session.needs_touch(now):
            uow.sessions.touch(session.id, now)
            session.last_seen_at = now
            uow.commit()
        return CurrentSession(account=account, session=session)


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
    security_event("sign_out", account_id=session.account_id, ip=ip)
