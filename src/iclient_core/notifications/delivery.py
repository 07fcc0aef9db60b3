"""Use case: deliver what waits in the outbox, with retries and back-off."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from iclient_core.notifications.model import Channel, OutboxMessage
from iclient_core.shared.errors import DeliveryFailed

if TYPE_CHECKING:
    from iclient_core.services import Services

logger = logging.getLogger("iclient.mail")

LEASE = timedelta(minutes=5)
"""How long a claimed message is reserved for the deliverer that claimed it."""


@attrs.frozen
class DeliveryReport:
    """What one delivery round did."""

    sent: int = 0
    failed: int = 0


def deliver_outbox(*, services: Services, limit: int = 50) -> DeliveryReport:
    """Send the due messages; failures are retried later with growing delays.

    Messages are claimed in one transaction (so concurrent deliverers skip each other) and
    each result is recorded in its own transaction right after the hand-over.
    """
    with services.uow() as uow:
        claimed = list(uow.outbox.claim_due(services.clock.now(), limit=limit, lease=LEASE))
        uow.commit()
    sent = failed = 0
    for message in claimed:
        try:
            _send(services, message)
        except Exception as error:  # any fault is recorded; none may strand a claimed message
            permanent = isinstance(error, DeliveryFailed) and error.permanent
            with services.uow() as uow:
                message.failed(services.clock.now(), str(error), permanent=permanent)
                uow.outbox.save(message)
                uow.commit()
            failed += 1
            logger.warning(
                "%s %s %s %s failed, attempt %d%s: %s",
                message.notification.kind,
                "mail" if message.notification.channel == Channel.EMAIL else "SMS",
                message.id,
                message.message_id,
                message.attempts,
                ", given up" if message.given_up else "",
                error,
            )
            continue
        with services.uow() as uow:
            message.delivered(services.clock.now())
            uow.outbox.save(message)
            uow.commit()
        sent += 1
    return DeliveryReport(sent=sent, failed=failed)


def _send(services: Services, message: OutboxMessage) -> None:
    """Hand one message to the port of its channel."""
    if message.notification.channel == Channel.SMS:
        if services.sms is None:
            raise DeliveryFailed("permanent: no SMS provider is configured", permanent=True)
        services.sms.send(message)
    else:
        services.mailer.send(message)


def outbox_lag(*, services: Services) -> timedelta:
    """How far delivery is behind: how long the longest-waiting due message has waited.

    Zero when nothing is due. It grows while no deliverer runs (or keeps up), and not while
    the mail server is down: failed messages wait out their back-off, and are not due then.

    Raises:
        ServiceUnavailable: the database cannot be reached.
    """
    now = services.clock.now()
    with services.uow() as uow:
        since = uow.outbox.due_since(now)
    return max(now - since, timedelta(0)) if since is not None else timedelta(0)
