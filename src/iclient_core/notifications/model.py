"""Notifications the core asks to send, and the outbox that holds them until they are sent."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import attrs


class Kind(enum.StrEnum):
    """Every message the portal can send; each has a template per language in the mail
    adapter (and, for those sent by SMS, in the SMS adapter)."""

    ACTIVATION = "activation"
    ALREADY_REGISTERED = "already_registered"
    PASSWORD_RESET = "password_reset"
    PASSWORD_CHANGED = "password_changed"
    EMAIL_CHANGE_CONFIRM = "email_change_confirm"
    EMAIL_CHANGED = "email_changed"
    QUOTE_REQUESTED = "quote_requested"  # to staff: a new request, or a renewal
    QUOTE_RECEIVED = "quote_received"  # to the client or visitor: their request arrived
    QUOTE_ANSWERED = "quote_answered"  # to staff: the client accepted, declined or withdrew
    QUOTE_SENT = "quote_sent"  # to the client: a proposal (or a revised one) is ready
    QUOTE_ACCEPTED = "quote_accepted"  # to the client: the receipt of their acceptance
    QUOTE_UPDATE = "quote_update"  # to the client: being revised, cancelled or expired
    QUOTE_EXPIRING = "quote_expiring"  # to the client: a sent quote is about to expire
    INVITATION = "invitation"
    STAFF_INVITATION = "staff_invitation"
    DOCUMENT_PUBLISHED = "document_published"  # to the client: new documents, with a link
    DELETION_REQUESTED = "deletion_requested"  # to the client: the receipt of their request
    FORM_RECEIVED = "form_received"  # to the business: someone sent a public form
    FORM_ACKNOWLEDGED = "form_acknowledged"  # to the sender: their message arrived
    PHONE_CODE = "phone_code"  # by SMS to the client: the code that confirms their phone
    BOOKING_CONFIRMED = "booking_confirmed"  # to the person: their booking, with a calendar file
    BOOKING_CHANGED = "booking_changed"  # to the person: moved or cancelled
    BOOKING_REMINDER = "booking_reminder"  # to the person: the day before
    WEBHOOK_PAUSED = "webhook_paused"  # to admins: an endpoint kept failing and was paused
    NEW_DEVICE_SIGN_IN = "new_device_sign_in"  # to the owner: a sign-in from a new browser
    TWO_STEP_DISABLED = "two_step_disabled"  # to the owner: two-step sign-in was turned off
    TWO_STEP_RESET = "two_step_reset"  # to the owner: staff turned their two-step sign-in off
    SUPPORT_REPLY = "support_reply"  # to the client: staff answered their support request
    SUPPORT_MESSAGE = "support_message"  # to staff: a new support request or a client reply


class Channel(enum.StrEnum):
    """How a notification reaches its recipient."""

    EMAIL = "email"
    SMS = "sms"


@attrs.frozen
class Notification:
    """What to tell whom, in which language; rendered to an e-mail by the mail adapter.

    ``context`` holds only strings (names, links) so that it stores and renders anywhere.
    ``channel`` is ``email`` (``to_address`` an e-mail address) or ``sms`` (``to_address``
    a phone number in international form).
    """

    kind: Kind
    to_address: str
    to_name: str
    language: str
    context: dict[str, str] = attrs.field(factory=dict)
    channel: str = "email"

    @property
    def links(self) -> dict[str, str]:
        """The links the message carries, by name: every ``context`` entry named ``link`` or
        ending in ``_link`` (``link``, ``sign_in_link``, ``reset_link``…)."""
        return {
            name: value
            for name, value in self.context.items()
            if name == "link" or name.endswith("_link")
        }


MAX_ATTEMPTS = 12
"""After this many failed attempts a message is given up and left for staff to look at."""


def backoff(attempts: int) -> timedelta:
    """Delay before the next attempt: 30 s doubling per failure, at most one hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


@attrs.define
class OutboxMessage:
    """A notification waiting in the outbox, written in the same transaction as its cause.

    ``message_id`` is fixed when the message is queued, so a retry after an uncertain
    hand-over carries the same Message-ID and the receiving side can de-duplicate it.
    """

    id: str
    notification: Notification
    message_id: str
    created_at: datetime
    next_attempt_at: datetime
    attempts: int = 0
    sent_at: datetime | None = None
    last_error: str | None = None
    locked_until: datetime | None = None

    @classmethod
    def queue(
        cls, *, id: str, notification: Notification, now: datetime, domain: str
    ) -> OutboxMessage:
        """Put a notification in the outbox, due at once."""
        return cls(
            id=id,
            notification=notification,
            message_id=f"<{id}@{domain}>",
            created_at=now,
            next_attempt_at=now,
        )

    @property
    def given_up(self) -> bool:
        """True when no further attempt will be made."""
        return self.sent_at is None and self.attempts >= MAX_ATTEMPTS

    def is_due(self, now: datetime) -> bool:
        """True when a deliverer may pick this message now."""
        return (
            self.sent_at is None
            and not self.given_up
            and self.next_attempt_at <= now
            and (self.locked_until is None or self.locked_until <= now)
        )

    def claim(self, now: datetime, lease: timedelta) -> None:
        """Reserve the message for one deliverer for ``lease``."""
        self.locked_until = now + lease

    def delivered(self, now: datetime) -> None:
        """Mark the message as handed over to the mail server."""
        self.sent_at = now
        self.locked_until = None
        self.last_error = None

    def failed(self, now: datetime, error: str, *, permanent: bool = False) -> None:
        """Record a failed attempt and schedule the next one (none after a permanent one)."""
        self.attempts = MAX_ATTEMPTS if permanent else self.attempts + 1
        self.last_error = error[:500]
        self.locked_until = None
        self.next_attempt_at = now + backoff(self.attempts)
