"""The ports of notifications: the outbox that holds them and the mailer that sends them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from iclient_core.notifications.model import OutboxMessage


class OutboxRepository(Protocol):
    """Holds notifications until they are delivered."""

    def add(self, message: OutboxMessage) -> None:
        """Queue a message (in the caller's transaction)."""

    def get(self, message_id: str) -> OutboxMessage | None:
        """The message with this outbox id, or None."""

    def claim_due(self, now: datetime, *, limit: int, lease: timedelta) -> Sequence[OutboxMessage]:
        """Reserve up to ``limit`` due messages for ``lease``, oldest first.

        Two deliverers running at once never claim the same message.
        """

    def save(self, message: OutboxMessage) -> None:
        """Write back a message after an attempt."""

    def pending_count(self) -> int:
        """How many messages are neither sent nor given up."""

    def due_since(self, now: datetime) -> datetime | None:
        """When the due message that has waited longest became due, or None if none is due.

        A message becomes due when it is queued, and again when the back-off after a failed
        attempt ends; one under a deliverer's lease is not waiting. ``now`` minus this is how
        far delivery is behind.
        """


class SmsSender(Protocol):
    """Renders a queued SMS notification and hands it to an SMS provider."""

    def send(self, message: OutboxMessage) -> None:
        """Deliver one SMS (``message.notification.to_address`` is the phone number).

        The provider may be asked again after an uncertain hand-over; ``message.message_id``
        identifies the message across attempts.

        Raises:
            DeliveryFailed: the provider failed (``permanent`` when retrying cannot help).
        """


class Mailer(Protocol):
    """Renders a queued notification and hands it to a mail transport."""

    def send(self, message: OutboxMessage) -> None:
        """Deliver one message, using ``message.message_id`` as its Message-ID.

        Raises:
            DeliveryFailed: a temporary failure; the outbox will try again later.
        """
