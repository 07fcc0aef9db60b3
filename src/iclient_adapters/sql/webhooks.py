"""The webhooks repository on SQL: endpoints, the outbox of deliveries (claimed by one
deliverer at a time) and the log of attempts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import cattrs
import sqlalchemy as sa

from iclient_adapters.sql.connection import Executor
from iclient_adapters.sql.guards import unique_guard
from iclient_adapters.sql.tables import webhook_attempts, webhook_deliveries, webhook_endpoints
from iclient_core.shared.errors import ConcurrentUpdate
from iclient_core.webhooks.model import (
    Attempt,
    Delivery,
    DeliveryStatus,
    Endpoint,
    EndpointState,
    EventType,
)


def _endpoint_row(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": " ".join(e.value for e in endpoint.events),
        "secret": endpoint.secret,
        "state": endpoint.state.value,
        "paused_at": endpoint.paused_at,
        "pause_reason": endpoint.pause_reason,
        "consecutive_failures": endpoint.consecutive_failures,
        "failing_since": endpoint.failing_since,
        "last_success_at": endpoint.last_success_at,
        "created_at": endpoint.created_at,
        "updated_at": endpoint.updated_at,
        "version": endpoint.version,
    }


def _endpoint(row: sa.Row[Any]) -> Endpoint:
    return Endpoint(
        id=row.id,
        url=row.url,
        description=row.description,
        events=tuple(EventType(name) for name in row.events.split()),
        secret=row.secret,
        created_at=row.created_at,
        updated_at=row.updated_at,
        state=EndpointState(row.state),
        paused_at=row.paused_at,
        pause_reason=row.pause_reason,
        consecutive_failures=row.consecutive_failures,
        failing_since=row.failing_since,
        last_success_at=row.last_success_at,
        version=row.version,
    )


def _delivery_state(delivery: Delivery) -> dict[str, Any]:
    return {
        "status": delivery.status.value,
        "attempts": delivery.attempts,
        "last_status": delivery.last_status,
        "last_error": delivery.last_error,
        "last_attempt_at": delivery.last_attempt_at,
        "delivered_at": delivery.delivered_at,
        "next_attempt_at": delivery.next_attempt_at,
        "locked_until": delivery.locked_until,
    }


def _delivery_row(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "endpoint_id": delivery.endpoint_id,
        "event_type": delivery.event_type.value,
        "payload": delivery.payload,
        "created_at": delivery.created_at,
        **_delivery_state(delivery),
    }


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=row["id"],
        endpoint_id=row["endpoint_id"],
        event_type=EventType(row["event_type"]),
        payload=row["payload"],
        created_at=row["created_at"],
        next_attempt_at=row["next_attempt_at"],
        status=DeliveryStatus(row["status"]),
        attempts=row["attempts"],
        last_status=row["last_status"],
        last_error=row["last_error"],
        last_attempt_at=row["last_attempt_at"],
        delivered_at=row["delivered_at"],
        locked_until=row["locked_until"],
    )


def _attempt(row: sa.Row[Any]) -> Attempt:
    return Attempt(
        id=row.id,
        delivery_id=row.delivery_id,
        endpoint_id=row.endpoint_id,
        event_type=EventType(row.event_type),
        number=row.number,
        at=row.at,
        status_code=row.status_code,
        error=row.error,
        duration_ms=row.duration_ms,
    )


class SqlWebhookRepository:
    """The ``WebhookRepository`` port on a connection."""

    def __init__(self, connection: Executor, converter: cattrs.Converter) -> None:
        self._db = connection

    def add_endpoint(self, endpoint: Endpoint) -> None:
        """Insert an endpoint.

        Raises:
            AlreadyExists: the id is taken.
        """
        with unique_guard(self._db, endpoint.id):
            self._db.execute(webhook_endpoints.insert(), _endpoint_row(endpoint))

    def get_endpoint(self, endpoint_id: str) -> Endpoint | None:
        """The endpoint, or None."""
        row = self._db.execute(
            sa.select(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)
        ).first()
        return _endpoint(row) if row is not None else None

    def endpoints(self) -> Sequence[Endpoint]:
        """Every endpoint, oldest first."""
        rows = self._db.execute(
            sa.select(webhook_endpoints).order_by(
                webhook_endpoints.c.created_at, webhook_endpoints.c.id
            )
        )
        return [_endpoint(row) for row in rows]

    def save_endpoint(self, endpoint: Endpoint) -> None:
        """Write back an endpoint and bump its version."""
        values = _endpoint_row(endpoint)
        del values["id"], values["version"]
        result = self._db.execute(
            sa.update(webhook_endpoints)
            .where(
                webhook_endpoints.c.id == endpoint.id,
                webhook_endpoints.c.version == endpoint.version,
            )
            .values(**values, version=endpoint.version + 1)
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate(endpoint.id)
        endpoint.version += 1

    def remove_endpoint(self, endpoint_id: str) -> None:
        """Delete an endpoint; its deliveries and their attempts go with it (explicitly:
        SQLite enforces no cascade unless asked)."""
        deliveries = sa.select(webhook_deliveries.c.id).where(
            webhook_deliveries.c.endpoint_id == endpoint_id
        )
        self._db.execute(
            sa.delete(webhook_attempts).where(webhook_attempts.c.delivery_id.in_(deliveries))
        )
        self._db.execute(
            sa.delete(webhook_deliveries).where(webhook_deliveries.c.endpoint_id == endpoint_id)
        )
        self._db.execute(sa.delete(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id))

    def add_delivery(self, delivery: Delivery) -> None:
        """Queue a delivery."""
        with unique_guard(self._db, delivery.id):
            self._db.execute(webhook_deliveries.insert(), _delivery_row(delivery))

    def get_delivery(self, delivery_id: str) -> Delivery | None:
        """The delivery, or None."""
        row = (
            self._db.execute(
                sa.select(webhook_deliveries).where(webhook_deliveries.c.id == delivery_id)
            )
            .mappings()
            .first()
        )
        return _delivery(row) if row is not None else None

    def save_delivery(self, delivery: Delivery) -> None:
        """Write back a delivery's state."""
        self._db.execute(
            sa.update(webhook_deliveries)
            .where(webhook_deliveries.c.id == delivery.id)
            .values(**_delivery_state(delivery))
        )

    def claim_due(self, now: datetime, *, limit: int, lease: timedelta) -> Sequence[Delivery]:
        """Reserve up to ``limit`` due deliveries for ``lease``, oldest first.

        One ``UPDATE ... WHERE id IN (SELECT ...) RETURNING`` statement, as the e-mail
        outbox: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, SQLite's single write lock.
        """
        table = webhook_deliveries
        due = (
            sa.select(table.c.id)
            .where(
                table.c.status == DeliveryStatus.PENDING.value,
                table.c.next_attempt_at <= now,
                sa.or_(table.c.locked_until.is_(None), table.c.locked_until <= now),
            )
            .order_by(table.c.created_at, table.c.id)
            .limit(limit)
        )
        if self._db.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        claim = (
            sa.update(table)
            .where(table.c.id.in_(due.scalar_subquery()))
            .values(locked_until=now + lease)
            .returning(*table.c)
        )
        claimed = [_delivery(row) for row in self._db.execute(claim).mappings()]
        return sorted(claimed, key=lambda d: (d.created_at, d.id))

    def deliveries(self, endpoint_id: str, *, limit: int, offset: int = 0) -> Sequence[Delivery]:
        """An endpoint's deliveries, newest first."""
        table = webhook_deliveries
        rows = self._db.execute(
            sa.select(table)
            .where(table.c.endpoint_id == endpoint_id)
            .order_by(table.c.created_at.desc(), table.c.id.desc())
            .limit(limit)
            .offset(offset)
        ).mappings()
        return [_delivery(row) for row in rows]

    def count_deliveries(self, endpoint_id: str) -> int:
        """How many deliveries an endpoint has."""
        query = sa.select(sa.func.count()).where(webhook_deliveries.c.endpoint_id == endpoint_id)
        return int(self._db.execute(query).scalar_one())

    def add_attempt(self, attempt: Attempt) -> None:
        """Log one attempt (its delivery gone with its endpoint: nothing to log)."""
        exists = self._db.execute(
            sa.select(webhook_deliveries.c.id).where(webhook_deliveries.c.id == attempt.delivery_id)
        ).first()
        if exists is None:
            return
        self._db.execute(
            webhook_attempts.insert(),
            {
                "id": attempt.id,
                "delivery_id": attempt.delivery_id,
                "endpoint_id": attempt.endpoint_id,
                "event_type": attempt.event_type.value,
                "number": attempt.number,
                "at": attempt.at,
                "status_code": attempt.status_code,
                "error": attempt.error,
                "duration_ms": attempt.duration_ms,
            },
        )

    def attempts(self, delivery_ids: Sequence[str]) -> Sequence[Attempt]:
        """The attempts of these deliveries, newest first (one query)."""
        if not delivery_ids:
            return []
        table = webhook_attempts
        rows = self._db.execute(
            sa.select(table)
            .where(table.c.delivery_id.in_(list(delivery_ids)))
            .order_by(table.c.at.desc(), table.c.number.desc(), table.c.id.desc())
        )
        return [_attempt(row) for row in rows]

    def delete_deliveries_about(self, account_id: str) -> int:
        """Remove the deliveries whose body names the account, and their attempts."""
        pattern = (
            "%" + account_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        about = webhook_deliveries.c.payload.like(pattern, escape="\\")
        found = sa.select(webhook_deliveries.c.id).where(about)
        self._db.execute(
            sa.delete(webhook_attempts).where(webhook_attempts.c.delivery_id.in_(found))
        )
        result = self._db.execute(sa.delete(webhook_deliveries).where(about))
        return int(result.rowcount)

    def prune(self, before: datetime) -> int:
        """Remove the finished deliveries created before ``before``, and their attempts."""
        old = sa.and_(
            webhook_deliveries.c.status != DeliveryStatus.PENDING.value,
            webhook_deliveries.c.created_at < before,
        )
        found = sa.select(webhook_deliveries.c.id).where(old)
        self._db.execute(
            sa.delete(webhook_attempts).where(webhook_attempts.c.delivery_id.in_(found))
        )
        return int(self._db.execute(sa.delete(webhook_deliveries).where(old)).rowcount)

    def pending_count(self) -> int:
        """How many deliveries wait for an attempt."""
        query = sa.select(sa.func.count()).where(
            webhook_deliveries.c.status == DeliveryStatus.PENDING.value
        )
        return int(self._db.execute(query).scalar_one())
