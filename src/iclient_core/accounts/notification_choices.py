"""Use cases: a client chooses which messages they receive by e-mail and SMS, confirms
their phone with a code sent by SMS, and turns one kind of e-mail off from the e-mail itself.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.model import Account, Status
from iclient_core.accounts.profile import load_active
from iclient_core.notifications.model import Channel, Kind, Notification
from iclient_core.notifications.outbox import branding, queue
from iclient_core.notifications.preferences import (
    UNSUBSCRIBE_MAX_AGE,
    UNSUBSCRIBE_PURPOSE,
    Event,
    NotificationPreferences,
    choice_key,
    every_choice,
    news_consent_given,
    preferences_of,
)
from iclient_core.shared import audit
from iclient_core.shared.errors import InvalidInput, NotFound, TokenInvalid
from iclient_core.shared.limits import Limit, check_limit

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

PHONE_CODES_PER_ACCOUNT = Limit(3, timedelta(hours=1))
"""How many confirmation codes one account may have sent by SMS."""

PHONE_CODES_PER_NUMBER = Limit(5, timedelta(days=1))
"""How many confirmation codes one phone number may receive, whatever the account."""

PHONE_CODE_ENTRIES = Limit(10, timedelta(hours=1))
"""How many codes one account may enter (right or wrong) before waiting."""


@attrs.frozen
class Choice:
    """One switch of the notifications page."""

    event: Event
    channel: Channel
    on: bool

    @property
    def key(self) -> str:
        """The form field of the switch: ``event:channel``."""
        return choice_key(self.event, self.channel)


@attrs.frozen
class NotificationSettings:
    """What the notifications page shows.

    Attributes:
        phone: the account's phone number ("" for none).
        phone_confirmed: SMS may go to ``phone``.
        code_pending: a code was sent to ``phone`` and may be entered now.
        sms_available: the installation has an SMS provider.
        news_consent: the marketing consent is given (news need it as well).
    """

    choices: tuple[Choice, ...]
    phone: str
    phone_confirmed: bool
    code_pending: bool
    sms_available: bool
    news_consent: bool

    def on(self, event: Event, channel: Channel) -> bool:
        """The switch of ``event`` on ``channel``."""
        return any(c.on for c in self.choices if c.event is event and c.channel is channel)


def _settings(
    services: Services, uow: UnitOfWork, account: Account, prefs: NotificationPreferences
) -> NotificationSettings:
    phone = account.profile.phone
    now = services.clock.now()
    return NotificationSettings(
        choices=tuple(Choice(e, c, prefs.allows(e, c)) for e, c in every_choice()),
        phone=phone,
        phone_confirmed=prefs.phone_confirmed(phone),
        code_pending=prefs.code_pending(phone, now),
        sms_available=services.sms is not None,
        news_consent=news_consent_given(uow, account.id),
    )


def notification_settings(*, services: Services, actor: Account) -> NotificationSettings:
    """The signed-in account's choices and the state of its phone (the account as read for
    this request: no statement of its own for it).

    Raises:
        NotFound: the account may not sign in.
    """
    if not actor.is_active:
        raise NotFound()
    with services.uow() as uow:
        return _settings(services, uow, actor, preferences_of(uow, actor.id))


def choose_notifications(
    *, services: Services, account_id: str, on: Collection[str], ip: str = "-"
) -> NotificationSettings:
    """Keep exactly the switches named in ``on`` (``event:channel`` keys) on, the rest off.

    Unknown keys are ignored. SMS switches may be on before the phone is confirmed; no SMS
    goes until it is.

    Raises:
        NotFound: no such active account.
    """
    with services.uow() as uow:
        account = load_active(uow, account_id)
        prefs = preferences_of(uow, account.id)
        now = services.clock.now()
        changed: dict[str, bool] = {}
        for event, channel in every_choice():
            key = choice_key(event, channel)
            if prefs.choose(event, channel, key in on, now):
                changed[key] = key in on
        uow.notification_preferences.save(prefs)
        if changed:
            audit.record(
                services,
                uow,
                actor=account,
                action="notifications.preferences_changed",
                target_type="account",
                target_id=account.id,
                subject_id=account.id,
                summary=", ".join(
                    f"{k} {'on' if v else 'off'}" for k, v in sorted(changed.items())
                ),
                details={k: "on" if v else "off" for k, v in changed.items()},
                ip=ip,
            )
        uow.commit()
        return _settings(services, uow, account, prefs)


def send_phone_code(*, services: Services, account_id: str, ip: str = "-") -> None:
    """Send a six-digit code by SMS to the account's phone, to confirm it.

    The code is stored hashed, expires after
    :data:`~iclient_core.notifications.preferences.PHONE_CODE_LIFETIME`, works once, and a
    new one replaces the previous one.

    Raises:
        InvalidInput: ``phone``: ``phone_missing`` (no number on the profile),
            ``sms_unavailable`` (no SMS provider) or ``phone_confirmed`` (already done).
        RateLimited: too many codes for the account or the number.
        NotFound: no such active account.
    """
    with services.uow() as uow:
        account = load_active(uow, account_id)
        phone = account.profile.phone
        if services.sms is None:
            raise InvalidInput.single("phone", "sms_unavailable")
        if not phone:
            raise InvalidInput.single("phone", "phone_missing")
        prefs = preferences_of(uow, account.id)
        if prefs.phone_confirmed(phone):
            raise InvalidInput.single("phone", "phone_confirmed")
        check_limit(
            services.limiter, f"phone-code:{account.id}", PHONE_CODES_PER_ACCOUNT, count=True
        )
        check_limit(services.limiter, f"phone-code-to:{phone}", PHONE_CODES_PER_NUMBER, count=True)
        code = f"{secrets.randbelow(1_000_000):06d}"
        now = services.clock.now()
        prefs.code_sent(services.hasher.hash(code), phone, now)
        uow.notification_preferences.save(prefs)
        queue(
            services,
            uow,
            Notification(
                kind=Kind.PHONE_CODE,
                to_address=phone,
                to_name=account.profile.full_name,
                language=account.language,
                context={"code": code, **branding(services, uow)},
                channel=Channel.SMS.value,
            ),
        )
        audit.record(
            services,
            uow,
            actor=account,
            action="notifications.phone_code_sent",
            target_type="account",
            target_id=account.id,
            subject_id=account.id,
            summary=_masked(phone),
            ip=ip,
        )
        uow.commit()


def _masked(phone: str) -> str:
    """The number with all but its last three digits hidden, for the log."""
    return "•" * max(len(phone) - 3, 0) + phone[-3:]


def confirm_phone(*, services: Services, account_id: str, code: str, ip: str = "-") -> None:
    """Confirm the account's phone with the code sent to it by SMS.

    Raises:
        InvalidInput: ``code``: ``code_expired`` (none pending for this number: never sent,
            too old, already used, too many wrong entries, or the phone changed since) or
            ``sms_code_wrong``.
        RateLimited: too many entries for the account.
        NotFound: no such active account.
    """
    entered = "".join((code or "").split())
    with services.uow() as uow:
        account = load_active(uow, account_id)
        check_limit(services.limiter, f"phone-confirm:{account.id}", PHONE_CODE_ENTRIES, count=True)
        phone = account.profile.phone
        prefs = preferences_of(uow, account.id)
        now = services.clock.now()
        if not prefs.code_pending(phone, now):
            raise InvalidInput.single("code", "code_expired")
        if not (entered.isdigit() and services.hasher.verify(entered, prefs.code_hash)):
            prefs.code_attempts += 1
            uow.notification_preferences.save(prefs)
            uow.commit()
            raise InvalidInput.single("code", "sms_code_wrong")
        prefs.confirm(phone, now)
        uow.notification_preferences.save(prefs)
        audit.record(
            services,
            uow,
            actor=account,
            action="notifications.phone_confirmed",
            target_type="account",
            target_id=account.id,
            subject_id=account.id,
            summary=_masked(phone),
            ip=ip,
        )
        uow.commit()


def _unsubscribing(services: Services, uow: UnitOfWork, token: str) -> tuple[Account, Event]:
    try:
        claims = services.tokens.verify(
            UNSUBSCRIBE_PURPOSE, token, max_age=UNSUBSCRIBE_MAX_AGE, now=services.clock.now()
        )
        event = Event(claims.data.get("event", ""))
    except (TokenInvalid, ValueError) as error:
        raise TokenInvalid() from error
    account = uow.accounts.get(claims.account_id)
    if account is None or account.status is Status.DELETED:
        raise TokenInvalid()
    return account, event


def unsubscribe_event(*, services: Services, token: str) -> Event:
    """The event an unsubscribe link turns off (for the page that asks to confirm).

    Raises:
        TokenInvalid: the link is tampered with or its account is gone.
        TokenExpired: the link is older than
            :data:`~iclient_core.notifications.preferences.UNSUBSCRIBE_MAX_AGE`.
    """
    with services.uow() as uow:
        return _unsubscribing(services, uow, token)[1]


def unsubscribe(*, services: Services, token: str, ip: str = "-") -> Event:
    """Turn off e-mail for the one event of an unsubscribe link (RFC 8058 one-click).

    Needs no session: the signed token is the authority, and it can do nothing else.
    Doing it twice changes nothing the second time.

    Raises:
        TokenInvalid: the link is tampered with or its account is gone.
        TokenExpired: the link is too old.
    """
    with services.uow() as uow:
        account, event = _unsubscribing(services, uow, token)
        prefs = preferences_of(uow, account.id)
        if prefs.choose(event, Channel.EMAIL, False, services.clock.now()):
            uow.notification_preferences.save(prefs)
            audit.record(
                services,
                uow,
                actor=None,
                action="notifications.unsubscribed",
                target_type="account",
                target_id=account.id,
                subject_id=account.id,
                summary=f"{event.value} e-mail off, from the e-mail's link",
                details={"event": event.value},
                ip=ip,
            )
            uow.commit()
        return event
