"""The outbox on SQL: queued notifications, claimed by one deliverer at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import cattrs
import sqlalchemy as sa

from iclient_adapters.sql.connection import Executor
from iclient_adapters.sql.converters import Row, same_named
from iclient_adapters.sql.tables import outbox
from iclient_core.notifications.model import MAX_ATTEMPTS, Notification, OutboxMessage


def message_state(message: OutboxMessage) -> dict[str, Any]:
    """The columns of an outbox message that change as delivery is attempted."""
    return {
        "next_attempt_at": message.next_attempt_at,
        "attempts": message.attempts,
        "sent_at": message.sent_at,
        "last_error": message.last_error,
        "locked_until": message.locked_until,
    }


def message_to_row(converter: cattrs.Converter, message: OutboxMessage) -> dict[str, Any]:
    """The ``outbox`` columns of ``message`` (its notification's fields in columns of their
    names, the context as JSON)."""
    fields = converter.unstructure(message)
    return {
        **same_named(fields, OutboxMessage, besides=("notification",)),
        **same_named(fields["notification"], Notification),
    }


def message_from_row(converter: cattrs.Converter, row: Row) -> OutboxMessage:
    """Rebuild an ``OutboxMessage`` from an ``outbox`` row."""
    fields = {
        **same_named(row, OutboxMessage, besides=("notification",)),
        "notification": same_named(row, Notification),
    }
    return converter.structure(fields, OutboxMessage)


class SqlOutboxRepository:
    """Queued notifications in the ``outbox`` table."""

    def __init__(self, connection: Executor, converter: cattrs.Converter) -> None:
        self._db = connection
        self._converter = converter

    def add(self, message: OutboxMessage) -> None:
        """Queue a message (in the caller's transaction)."""
        self._db.execute(sa.insert(outbox), message_to_row(self._converter, message))

    def get(self, message_id: str) -> OutboxMessage | None:
        """The message with this outbox id, or None."""
        row = self._db.execute(sa.select(outbox).where(outbox.c.id == message_id)).mappings()
        found = row.first()
        return message_from_row(self._converter, found) if found is not None else None

    def claim_due(self, now: datetime, *, limit: int, lease: timedelta) -> Sequence[OutboxMessage]:
        """Reserve up to ``limit`` due messages for ``lease``, oldest first.

        One ``UPDATE ... WHERE id IN (SELECT ...) RETURNING`` statement: on PostgreSQL the
        inner select takes the rows ``FOR UPDATE SKIP LOCKED``, so concurrent deliverers
        skip each other's rows; SQLite runs the whole statement under its single write lock.
        """
        due = (
            sa.select(outbox.c.id)
            .where(
                outbox.c.sent_at.is_(None),
                outbox.c.attempts < MAX_ATTEMPTS,
                outbox.c.next_attempt_at <= now,
                sa.or_(outbox.c.locked_until.is_(None), outbox.c.locked_until <= now),
            )
            .order_by(outbox.c.created_at, outbox.c.id)
            .limit(limit)
        )
        if self._db.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        claim = (
            sa.update(outbox)
            .where(outbox.c.id.in_(due.scalar_subquery()))
            .values(locked_until=now + lease)
            .returning(*outbox.c)
        )
        claimed = [
            message_from_row(self._converter, row) for row in self._db.execute(claim).mappings()
        ]
        return sorted(claimed, key=lambda m: (m.created_at, m.id))

    def save(self, message: OutboxMessage) -> None:
        """Write back a message after an attempt."""
        self._db.execute(
            sa.update(outbox).where(outbox.c.id == message.id).values(**message_state(message))
        )

    def pending_count(self) -> int:
        """How many messages are neither sent nor given up."""
        query = sa.select(sa.func.count()).where(
            outbox.c.sent_at.is_(None), outbox.c.attempts < MAX_ATTEMPTS
        )
        return int(self._db.execute(query).scalar_one())

    def due_since(self, now: datetime) -> datetime | None:
        """When the longest-waiting due message became due, or None.

        One statement on the ``(sent_at, next_attempt_at)`` index: cheap enough for a
        readiness probe polled every few seconds.
        """
        query = sa.select(sa.func.min(outbox.c.next_attempt_at)).where(
            outbox.c.sent_at.is_(None),
            outbox.c.attempts < MAX_ATTEMPTS,
            outbox.c.next_attempt_at <= now,
            sa.or_(outbox.c.locked_until.is_(None), outbox.c.locked_until <= now),
        )
        found: datetime | None = self._db.execute(query).scalar_one()
        return found
