"""In-memory notifications: the outbox, and a mailer that keeps what it is handed."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime, timedelta

import attrs

from iclient_adapters.memory.state import MemoryState
from iclient_core.notifications.model import OutboxMessage


class MemoryOutboxRepository:
    """Outbox messages in a dict."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add(self, message: OutboxMessage) -> None:
        """Queue a message."""
        self._state.outbox[message.id] = copy.deepcopy(message)

    def get(self, message_id: str) -> OutboxMessage | None:
        """The message, or None."""
        found = self._state.outbox.get(message_id)
        return copy.deepcopy(found) if found else None

    def claim_due(self, now: datetime, *, limit: int, lease: timedelta) -> Sequence[OutboxMessage]:
        """Reserve up to ``limit`` due messages, oldest first."""
        due = sorted(
            (m for m in self._state.outbox.values() if m.is_due(now)),
            key=lambda m: (m.created_at, m.id),
        )[:limit]
        for message in due:
            message.claim(now, lease)
        return [copy.deepcopy(m) for m in due]

    def save(self, message: OutboxMessage) -> None:
        """Write back a message."""
        self._state.outbox[message.id] = copy.deepcopy(message)

    def pending_count(self) -> int:
        """Messages neither sent nor given up."""
        return sum(1 for m in self._state.outbox.values() if m.sent_at is None and not m.given_up)

    def due_since(self, now: datetime) -> datetime | None:
        """When the longest-waiting due message became due, or None."""
        return min(
            (m.next_attempt_at for m in self._state.outbox.values() if m.is_due(now)), default=None
        )


@attrs.define
class MemoryMailer:
    """The ``Mailer`` port in memory: it keeps what it was handed, in order.

    A test reads the messages as the core queued them (``sent``) and the links each carries,
    by name, without parsing any text (:meth:`links`).
    """

    sent: list[OutboxMessage] = attrs.Factory(list)

    def send(self, message: OutboxMessage) -> None:
        """Keep the message as delivered."""
        self.sent.append(message)

    def messages(self, *, to: str | None = None, kind: str | None = None) -> list[OutboxMessage]:
        """The messages sent, oldest first, to ``to`` and of ``kind`` when given."""
        return [
            m
            for m in self.sent
            if (to is None or m.notification.to_address == to)
            and (kind is None or m.notification.kind == kind)
        ]

    def links(self, *, to: str | None = None, kind: str | None = None) -> dict[str, str]:
        """The links of the newest matching message, by name (``link``, ``reset_link``…).

        Raises:
            LookupError: no message matches.
        """
        found = self.messages(to=to, kind=kind)
        if not found:
            raise LookupError(f"no message to {to!r} of kind {kind!r}")
        return found[-1].notification.links


@attrs.define
class MemorySms:
    """The ``SmsSender`` port in memory: it keeps what it was handed, in order (the SMS as
    the core queued them; :class:`iclient_adapters.sms.TemplateSms` renders them)."""

    sent: list[OutboxMessage] = attrs.Factory(list)

    def send(self, message: OutboxMessage) -> None:
        """Keep the message as delivered."""
        self.sent.append(message)

    def messages(self, *, to: str | None = None, kind: str | None = None) -> list[OutboxMessage]:
        """The SMS sent, oldest first, to ``to`` and of ``kind`` when given."""
        return [
            m
            for m in self.sent
            if (to is None or m.notification.to_address == to)
            and (kind is None or m.notification.kind == kind)
        ]
