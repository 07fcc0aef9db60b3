"""Notification preferences: which events a client wants, on which channel.

Every sender of a non-essential message asks one function before queueing it::

    from iclient_core.notifications.preferences import Channel, Event, wants

    if wants(uow, account, Event.BOOKING_REMINDER, Channel.SMS):
        ...  # queue the SMS

or lets :func:`iclient_core.accounts.events.notify_event` ask and queue both channels at
once (the e-mail with its one-click unsubscribe link, the SMS to the confirmed phone).
Essential account messages (activation, password reset, security alerts) are not events:
they are always sent.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

import attrs

from iclient_core.notifications.model import Channel, Kind

if TYPE_CHECKING:
    from iclient_core.accounts.model import Account
    from iclient_core.consent.ports import ConsentRepository


class Event(enum.StrEnum):
    """Every kind of message a client may choose to receive or not."""

    NEW_DOCUMENT = "new_document"
    QUOTE_SENT = "quote_sent"
    QUOTE_EXPIRING = "quote_expiring"
    BOOKING_REMINDER = "booking_reminder"
    SUPPORT_REPLY = "support_reply"
    NEWS = "news"


ESSENTIAL_KINDS = frozenset(
    {
        Kind.ACTIVATION,
        Kind.ALREADY_REGISTERED,
        Kind.PASSWORD_RESET,
        Kind.PASSWORD_CHANGED,
        Kind.EMAIL_CHANGE_CONFIRM,
        Kind.EMAIL_CHANGED,
        Kind.INVITATION,
        Kind.STAFF_INVITATION,
        Kind.DELETION_REQUESTED,
        Kind.PHONE_CODE,
    }
)
"""Account messages no preference turns off (activation, reset, security alerts…)."""

NEWS_CONSENT = "marketing"
"""The consent kind that news and offers also need, besides the preference."""

UNSUBSCRIBE_PURPOSE = "unsubscribe"
"""The purpose of the signed tokens in one-click unsubscribe links."""

UNSUBSCRIBE_MAX_AGE = timedelta(days=400)
"""How long an e-mail's unsubscribe link keeps working (a year's old e-mail still works)."""

PHONE_CODE_LIFETIME = timedelta(minutes=10)
"""How long a phone confirmation code may be entered."""

PHONE_CODE_TRIES = 5
"""Wrong entries after which a phone confirmation code is void."""


def _default(event: Event, channel: Channel) -> bool:
    # E-mail is on for what the client's own business with the portal causes; SMS is asked
    # for explicitly; news need the marketing consent as well.
    return channel is Channel.EMAIL


def choice_key(event: Event, channel: Channel) -> str:
    """The key of one choice in :attr:`NotificationPreferences.choices`: ``event:channel``."""
    return f"{event.value}:{channel.value}"


def every_choice() -> Iterator[tuple[Event, Channel]]:
    """Every (event, channel) pair, events in their order, e-mail before SMS."""
    for event in Event:
        for channel in Channel:
            yield event, channel


@attrs.define
class NotificationPreferences:
    """One account's choices, and the state of its phone's confirmation.

    Attributes:
        choices: ``event:channel`` → on; a pair not stored takes its default (e-mail on,
            SMS off).
        confirmed_phone: the number the client proved to hold with a code ("" for none);
            SMS go only to the account's phone when it is this one, so changing the phone
            ends the confirmation.
        code_hash: the hash of the last code sent by SMS ("" when none is pending).
        code_phone: the number that code was sent to.
        code_expires_at: when that code stops being accepted.
        code_attempts: wrong entries of that code so far.
    """

    account_id: str
    choices: dict[str, bool] = attrs.field(factory=dict)
    confirmed_phone: str = ""
    confirmed_at: datetime | None = None
    code_hash: str = ""
    code_phone: str = ""
    code_expires_at: datetime | None = None
    code_attempts: int = 0
    updated_at: datetime | None = None

    @classmethod
    def defaults(cls, account_id: str) -> NotificationPreferences:
        """The choices of an account that never changed them."""
        return cls(account_id=account_id)

    def allows(self, event: Event, channel: Channel) -> bool:
        """The stored choice for ``event`` on ``channel``, or its default."""
        return self.choices.get(choice_key(event, channel), _default(event, channel))

    def choose(self, event: Event, channel: Channel, on: bool, now: datetime) -> bool:
        """Set one choice; True when it changed."""
        before = self.allows(event, channel)
        self.choices[choice_key(event, channel)] = on
        self.updated_at = now
        return before != on

    def phone_confirmed(self, phone: str) -> bool:
        """True when ``phone`` (the account's current number) is the confirmed one."""
        return bool(phone) and phone == self.confirmed_phone

    def code_pending(self, phone: str, now: datetime) -> bool:
        """True when a code sent to ``phone`` may still be entered."""
        return (
            bool(self.code_hash)
            and self.code_phone == phone
            and self.code_expires_at is not None
            and now < self.code_expires_at
            and self.code_attempts < PHONE_CODE_TRIES
        )

    def code_sent(self, code_hash: str, phone: str, now: datetime) -> None:
        """Remember a new code (the previous one stops working)."""
        self.code_hash = code_hash
        self.code_phone = phone
        self.code_expires_at = now + PHONE_CODE_LIFETIME
        self.code_attempts = 0

    def confirm(self, phone: str, now: datetime) -> None:
        """The code was right: ``phone`` is confirmed and the code is spent."""
        self.confirmed_phone = phone
        self.confirmed_at = now
        self.code_hash = ""
        self.code_phone = ""
        self.code_expires_at = None
        self.code_attempts = 0
        self.updated_at = now


class NotificationPreferencesRepository(Protocol):
    """Holds each account's notification preferences."""

    def get(self, account_id: str) -> NotificationPreferences | None:
        """The stored preferences of ``account_id``, or None when it never changed them."""

    def save(self, preferences: NotificationPreferences) -> None:
        """Store ``preferences`` in place of the account's previous ones."""

    def remove(self, account_id: str) -> None:
        """Forget the account's preferences (its erasure)."""


class PreferencesReader(Protocol):
    """What the preference check needs of a unit of work (any ``UnitOfWork`` has it)."""

    @property
    def notification_preferences(self) -> NotificationPreferencesRepository:
        """Each account's notification choices."""

    @property
    def consent(self) -> ConsentRepository:
        """The consent evidence (news and offers need the marketing consent)."""


def preferences_of(uow: PreferencesReader, account_id: str) -> NotificationPreferences:
    """The account's preferences, or the defaults, read in the caller's transaction."""
    return uow.notification_preferences.get(account_id) or NotificationPreferences.defaults(
        account_id
    )


def news_consent_given(uow: PreferencesReader, account_id: str) -> bool:
    """True when the latest record of the marketing consent is an acceptance."""
    latest = [r for r in uow.consent.records_for_account(account_id) if r.kind == NEWS_CONSENT]
    return bool(latest) and max(latest, key=lambda r: r.at).action == "accepted"


def wants(uow: PreferencesReader, account: Account, event: Event, channel: Channel) -> bool:
    """Whether ``account`` wants ``event`` on ``channel``: THE check every sender makes.

    Read in the caller's transaction (the one that queues the message). SMS also needs a
    phone confirmed with a code; news and offers also need the marketing consent.

    Args:
        uow: the caller's open unit of work.
        account: the recipient.
        event: what the message is about.
        channel: e-mail or SMS.
    """
    preferences = preferences_of(uow, account.id)
    if not preferences.allows(event, channel):
        return False
    if channel is Channel.SMS and not preferences.phone_confirmed(account.profile.phone):
        return False
    return event is not Event.NEWS or news_consent_given(uow, account.id)
