"""Signed-in sessions, kept server-side so that signing out really ends them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import attrs


def session_key(secret: str) -> str:
    """The stored id of a session: a digest of the secret the browser holds.

    A copy of the database therefore does not hold usable session cookies.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


@attrs.define
class SignInSession:
    """One signed-in browser (or API client) of one account."""

    id: str
    account_id: str
    created_at: datetime
    last_seen_at: datetime
    ip: str
    user_agent: str

    @classmethod
    def start(
        cls, *, account_id: str, now: datetime, ip: str, user_agent: str
    ) -> tuple[SignInSession, str]:
        """Open a session; returns it and the secret to hand to the browser (once)."""
        secret = secrets.token_urlsafe(32)
        session = cls(
            id=session_key(secret),
            account_id=account_id,
            created_at=now,
            last_seen_at=now,
            ip=ip[:64],
            user_agent=user_agent[:300],
        )
        return session, secret

    def expired(self, now: datetime, *, idle: timedelta, absolute: timedelta) -> bool:
        """True once the session was idle too long or is simply too old."""
        return now - self.last_seen_at > idle or now - self.created_at > absolute

    def needs_touch(self, now: datetime) -> bool:
        """Whether ``last_seen_at`` is stale enough to be worth a write (once a minute)."""
        return now - self.last_seen_at > timedelta(minutes=1)
