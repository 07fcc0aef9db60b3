"""Emitting events: one delivery per subscribed endpoint, written in the caller's
transaction (it commits or rolls back with the change that caused it)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC
from typing import TYPE_CHECKING

from iclient_core.webhooks.model import Delivery, EventType

if TYPE_CHECKING:
    from iclient_core.accounts.model import Account
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

MESSAGE_PREFIX = "msg_"
"""How a message id (``webhook-id``) starts."""


def payload(services: Services, event: EventType, data: Mapping[str, object]) -> str:
    """The request body of an event: ``{"type", "timestamp", "data"}``, as Standard
    Webhooks lays it out (the timestamp in UTC, ISO 8601)."""
    moment = services.clock.now().astimezone(UTC).isoformat().replace("+00:00", "Z")
    return json.dumps(
        {"type": event.value, "timestamp": moment, "data": dict(data)},
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )


def emit(
    services: Services,
    uow: UnitOfWork,
    event: EventType,
    data: Mapping[str, object],
    *,
    only: str | None = None,
) -> list[Delivery]:
    """Queue ``event`` for every active endpoint subscribed to it (or for the endpoint
    ``only`` alone), in the caller's transaction; returns the deliveries queued (none when
    no endpoint wants it).

    ``data`` holds what a receiver needs to act (ids, the client's address…), JSON-ready.
    """
    wanted = [
        e
        for e in uow.webhooks.endpoints()
        if e.subscribes(event) and (only is None or e.id == only)
    ]
    if not wanted:
        return []
    body = payload(services, event, data)
    now = services.clock.now()
    queued = []
    for endpoint in wanted:
        delivery = Delivery.queue(
            id=MESSAGE_PREFIX + services.ids.new_id(),
            endpoint_id=endpoint.id,
            event_type=event,
            payload=body,
            now=now,
        )
        uow.webhooks.add_delivery(delivery)
        queued.append(delivery)
    return queued


def client_data(account: Account) -> dict[str, str]:
    """A client as events name them: id, e-mail address, names and language."""
    return {
        "id": account.id,
        "email": account.email.address,
        "first_name": account.profile.first_name,
        "last_name": account.profile.last_name,
        "language": account.language,
    }
