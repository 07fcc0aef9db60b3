"""The webhooks repository of the in-memory store (see ``iclient_adapters.memory``)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime, timedelta

from iclient_adapters.memory.state import MemoryState
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate
from iclient_core.webhooks.model import Attempt, Delivery, DeliveryStatus, Endpoint


class MemoryWebhookRepository:
    """Endpoints, deliveries and attempts in dicts; endpoints saved with a version check."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add_endpoint(self, endpoint: Endpoint) -> None:
        """Store a new endpoint."""
        if endpoint.id in self._state.webhook_endpoints:
            raise AlreadyExists(endpoint.id)
        self._state.webhook_endpoints[endpoint.id] = copy.deepcopy(endpoint)

    def get_endpoint(self, endpoint_id: str) -> Endpoint | None:
        """The endpoint, or None."""
        found = self._state.webhook_endpoints.get(endpoint_id)
        return copy.deepcopy(found) if found is not None else None

    def endpoints(self) -> Sequence[Endpoint]:
        """Every endpoint, oldest first."""
        return [
            copy.deepcopy(e)
            for e in sorted(
                self._state.webhook_endpoints.values(), key=lambda e: (e.created_at, e.id)
            )
        ]

    def save_endpoint(self, endpoint: Endpoint) -> None:
        """Write back an endpoint, checking its version."""
        stored = self._state.webhook_endpoints.get(endpoint.id)
        if stored is None or stored.version != endpoint.version:
            raise ConcurrentUpdate(endpoint.id)
        endpoint.version += 1
        self._state.webhook_endpoints[endpoint.id] = copy.deepcopy(endpoint)

    def remove_endpoint(self, endpoint_id: str) -> None:
        """Remove an endpoint, its deliveries and their attempts."""
        self._state.webhook_endpoints.pop(endpoint_id, None)
        for key in [
            k for k, d in self._state.webhook_deliveries.items() if d.endpoint_id == endpoint_id
        ]:
            del self._state.webhook_deliveries[key]
        for key in [
            k for k, a in self._state.webhook_attempts.items() if a.endpoint_id == endpoint_id
        ]:
            del self._state.webhook_attempts[key]

    def add_delivery(self, delivery: Delivery) -> None:
        """Queue a delivery."""
        if delivery.id in self._state.webhook_deliveries:
            raise AlreadyExists(delivery.id)
        self._state.webhook_deliveries[delivery.id] = copy.deepcopy(delivery)

    def get_delivery(self, delivery_id: str) -> Delivery | None:
        """The delivery, or None."""
        found = self._state.webhook_deliveries.get(delivery_id)
        return copy.deepcopy(found) if found is not None else None

    def save_delivery(self, delivery: Delivery) -> None:
        """Write back a delivery (gone with its endpoint: nothing to write)."""
        if delivery.id in self._state.webhook_deliveries:
            self._state.webhook_deliveries[delivery.id] = copy.deepcopy(delivery)

    def claim_due(self, now: datetime, *, limit: int, lease: timedelta) -> Sequence[Delivery]:
        """Reserve due deliveries, oldest first."""
        due = sorted(
            (d for d in self._state.webhook_deliveries.values() if d.is_due(now)),
            key=lambda d: (d.created_at, d.id),
        )[:limit]
        for delivery in due:
            delivery.claim(now, lease)
        return [copy.deepcopy(d) for d in due]

    def deliveries(self, endpoint_id: str, *, limit: int, offset: int = 0) -> Sequence[Delivery]:
        """An endpoint's deliveries, newest first."""
        found = sorted(
            (d for d in self._state.webhook_deliveries.values() if d.endpoint_id == endpoint_id),
            key=lambda d: (d.created_at, d.id),
            reverse=True,
        )
        return [copy.deepcopy(d) for d in found[offset : offset + limit]]

    def count_deliveries(self, endpoint_id: str) -> int:
        """How many deliveries an endpoint has."""
        return sum(
            1 for d in self._state.webhook_deliveries.values() if d.endpoint_id == endpoint_id
        )

    def add_attempt(self, attempt: Attempt) -> None:
        """Log one attempt (gone with its endpoint: nothing to log)."""
        if attempt.delivery_id in self._state.webhook_deliveries:
            self._state.webhook_attempts[attempt.id] = attempt

    def attempts(self, delivery_ids: Sequence[str]) -> Sequence[Attempt]:
        """The attempts of these deliveries, newest first."""
        wanted = set(delivery_ids)
        return sorted(
            (a for a in self._state.webhook_attempts.values() if a.delivery_id in wanted),
            key=lambda a: (a.at, a.number, a.id),
            reverse=True,
        )

    def delete_deliveries_about(self, account_id: str) -> int:
        """Remove the deliveries whose body names the account, and their attempts."""
        found = [k for k, d in self._state.webhook_deliveries.items() if account_id in d.payload]
        for key in found:
            del self._state.webhook_deliveries[key]
        for key in [k for k, a in self._state.webhook_attempts.items() if a.delivery_id in found]:
            del self._state.webhook_attempts[key]
        return len(found)

    def prune(self, before: datetime) -> int:
        """Remove the finished deliveries created before ``before``, and their attempts."""
        found = [
            k
            for k, d in self._state.webhook_deliveries.items()
            if d.status is not DeliveryStatus.PENDING and d.created_at < before
        ]
        for key in found:
            del self._state.webhook_deliveries[key]
        gone = set(found)
        for key in [k for k, a in self._state.webhook_attempts.items() if a.delivery_id in gone]:
            del self._state.webhook_attempts[key]
        return len(found)

    def pending_count(self) -> int:
        """How many deliveries wait for an attempt."""
        return sum(
            1 for d in self._state.webhook_deliveries.values() if d.status is DeliveryStatus.PENDING
        )
