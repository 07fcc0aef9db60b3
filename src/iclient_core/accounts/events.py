"""Sending a client a message about an event, on the channels they want.

Senders of non-essential messages (documents, quotes, bookings, support, news) call
:func:`notify_event` in the transaction of their change; it asks
:func:`iclient_core.notifications.preferences.wants` for each channel and queues the e-mail
(with its one-click unsubscribe link) and the SMS (to the confirmed phone) in the outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from iclient_core.accounts.model import Account
from iclient_core.accounts.ports import TokenClaims
from iclient_core.notifications.model import Channel, Kind, Notification
from iclient_core.notifications.outbox import branding, queue
from iclient_core.notifications.preferences import UNSUBSCRIBE_PURPOSE, Event, wants

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork


def unsubscribe_token(services: Services, account_id: str, event: Event) -> str:
    """A signed token that turns off ``event``'s e-mail for ``account_id``, and nothing else."""
    claims = TokenClaims(account_id=account_id, fingerprint="", data={"event": event.value})
    return services.tokens.issue(UNSUBSCRIBE_PURPOSE, claims, now=services.clock.now())


def notify_event(
    services: Services,
    uow: UnitOfWork,
    account: Account,
    event: Event,
    kind: Kind,
    context: dict[str, str] | Callable[[], dict[str, str]] | None = None,
) -> list[Channel]:
    """Queue ``kind`` about ``event`` on every channel ``account`` wants; returns those.

    The e-mail's context gains ``unsubscribe_link`` (the mail adapter turns it into RFC 8058
    ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers and a footer line); the SMS
    goes to the account's confirmed phone, rendered by the SMS adapter from the same
    context. Nothing is queued for a channel the account turned off.

    Args:
        context: the message's words (or a callable making them, called only when at least
            one channel is wanted).
    """
    channels = [channel for channel in Channel if wants(uow, account, event, channel)]
    if not channels:
        return []
    words = context() if callable(context) else (context or {})
    base = {"first_name": account.profile.first_name, **branding(services, uow), **words}
    for channel in channels:
        extra = {"event": event.value}
        if channel is Channel.EMAIL:
            token = unsubscribe_token(services, account.id, event)
            extra["unsubscribe_link"] = services.links.unsubscribe(account.language, token)
        queue(
            services,
            uow,
            Notification(
                kind=kind,
                to_address=(
                    account.email.address if channel is Channel.EMAIL else account.profile.phone
                ),
                to_name=account.profile.full_name,
                language=account.language,
                context={**base, **extra},
                channel=channel.value,
            ),
        )
    return channels
