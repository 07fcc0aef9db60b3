"""Ports every domain uses: the clock, ids, rate limits and the links put in e-mails."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Tells the time; tests hand in one they can move."""

    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""


class IdGenerator(Protocol):
    """Makes new identifiers for aggregates and messages."""

    def new_id(self) -> str:
        """A new, unique, unguessable identifier (at most 36 characters)."""


class RateLimiter(Protocol):
    """Counts attempts per key in a moving window."""

    def hit(self, key: str, *, amount: int, per: timedelta) -> bool:
        """Count one attempt; False when the key is now over ``amount`` per ``per``."""

    def test(self, key: str, *, amount: int, per: timedelta) -> bool:
        """True when one more attempt would still be within the limit (counts nothing)."""

    def clear(self, key: str, *, amount: int, per: timedelta) -> None:
        """Forget the attempts counted for ``key``."""

    def window(self, key: str, *, amount: int, per: timedelta) -> tuple[int, int]:
        """How many attempts ``key`` has left in the window, and in how many seconds the
        oldest one counted leaves it (counts nothing): ``(remaining, reset_after)``."""


class Links(Protocol):
    """The absolute addresses put in e-mails, one method per purpose.

    The core names what a link is for; the adapter decides the URL layout (the bundled
    ``PortalLinks`` knows the Flask portal's routes; an embedder with other URLs writes its
    own). Every link is built from configured values only, never from a request's Host.
    """

    def activation(self, language: str, token: str) -> str:
        """Where a new account (or an invited one) sets its first password with ``token``."""

    def password_reset(self, language: str, token: str) -> str:
        """Where a forgotten password is replaced with ``token``."""

    def email_change(self, language: str, token: str) -> str:
        """Where a new e-mail address is confirmed with ``token``."""

    def sign_in(self, language: str) -> str:
        """The sign-in page."""

    def forgot_password(self, language: str) -> str:
        """Where a password reset is asked for."""

    def documents(self, language: str) -> str:
        """The client's list of documents."""

    def sessions(self, language: str) -> str:
        """The signed-in person's list of their sessions."""

    def quote(self, language: str, quote_id: str) -> str:
        """The client's page of one quote."""

    def staff_quote(self, language: str, quote_id: str) -> str:
        """The staff's page of one quote."""

    def notifications(self, language: str) -> str:
        """Where a client chooses which messages they receive, by e-mail and SMS."""

    def unsubscribe(self, language: str, token: str) -> str:
        """Where one click (a POST, RFC 8058) turns off one kind of e-mail, with ``token``."""

    def booking(self, language: str, token: str) -> str:
        """The page where a person cancels or moves their booking (``token`` signs it)."""

    def staff_webhook(self, language: str, endpoint_id: str) -> str:
        """The admins' page of one webhook endpoint (its delivery log)."""

    def support(self, language: str, conversation_id: str) -> str:
        """The client's page of one support request."""

    def staff_support(self, language: str, conversation_id: str) -> str:
        """The staff's page of one support request."""

    def logo(self, version: str) -> str:
        """The business's public logo; ``version`` changes with the logo (cache busting)."""
