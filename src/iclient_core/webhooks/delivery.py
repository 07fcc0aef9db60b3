"""Use case: send the due webhook deliveries, signed, with retries and back-off; pause the
endpoints that keep failing and tell the admins.

Called by the background worker every few seconds, like the e-mail outbox's delivery.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.mail import notify
from iclient_core.accounts.model import Role, Status
from iclient_core.notifications.model import Kind
from iclient_core.shared import audit
from iclient_core.shared.errors import ConcurrentUpdate
from iclient_core.webhooks.model import (
    MAX_ERROR,
    Attempt,
    Delivery,
    DestinationRefused,
    Endpoint,
    WebhookRequest,
    WebhookResponse,
)
from iclient_core.webhooks.ports import WebhookSender
from iclient_core.webhooks.signing import headers

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

logger = logging.getLogger("iclient.webhooks")

LEASE = timedelta(minutes=5)
"""How long a claimed delivery is reserved for the deliverer that claimed it (longer than
a request may take)."""

USER_AGENT = "iclient-webhooks/1"
"""The ``user-agent`` of every request."""


@attrs.frozen
class WebhookReport:
    """What one delivery round did."""

    sent: int = 0
    failed: int = 0
    paused: int = 0


def request_for(endpoint: Endpoint, delivery: Delivery, timestamp: int) -> WebhookRequest:
    """The signed request of one attempt (``timestamp``: seconds since the epoch)."""
    body = delivery.payload.encode()
    signed = headers(endpoint.secret, delivery.id, timestamp, body)
    return WebhookRequest(
        url=endpoint.url,
        headers=(*signed.items(), ("user-agent", USER_AGENT)),
        body=body,
    )


def deliver_webhooks(
    *, services: Services, sender: WebhookSender, limit: int = 50
) -> WebhookReport:
    """Send the due deliveries; failures are retried later with growing delays.

    Deliveries are claimed in one transaction (concurrent deliverers skip each other's);
    each attempt is logged, with its delivery's and its endpoint's new state, in a
    transaction of its own right after the request. A delivery for a paused endpoint is
    given up without a request (it can be sent again from the log after a resume).
    """
    with services.uow() as uow:
        claimed = list(uow.webhooks.claim_due(services.clock.now(), limit=limit, lease=LEASE))
        uow.commit()
    sent = failed = paused = 0
    for delivery in claimed:
        with services.uow() as uow:
            endpoint = uow.webhooks.get_endpoint(delivery.endpoint_id)
            if endpoint is None or not endpoint.is_active:
                reason = "the endpoint is paused" if endpoint else "the endpoint was removed"
                delivery.give_up(services.clock.now(), reason)
                uow.webhooks.save_delivery(delivery)
                uow.commit()
                failed += 1
                continue
        now = services.clock.now()
        started = time.monotonic()
        response: WebhookResponse | None = None
        error = ""
        try:
            response = sender.send(request_for(endpoint, delivery, int(now.timestamp())))
        except DestinationRefused as refused:
            error = f"refused: {refused}"
        except Exception as problem:  # any fault is logged; none may strand a delivery
            error = (
                f"{type(problem).__name__}: {problem}" if str(problem) else type(problem).__name__
            )
        elapsed = int((time.monotonic() - started) * 1000)
        ok = response is not None and 200 <= response.status < 300
        if response is not None and not ok:
            error = f"HTTP {response.status}: {response.body}".strip()
        paused_now = _record(services, delivery, response, error[:MAX_ERROR], elapsed)
        if ok:
            sent += 1
        else:
            failed += 1
            logger.warning(
                "webhook %s %s to %s failed, attempt %d: %s",
                delivery.event_type,
                delivery.id,
                endpoint.url,
                delivery.attempts,
                error,
            )
        paused += paused_now
    return WebhookReport(sent=sent, failed=failed, paused=paused)


KEEP = timedelta(days=30)
"""How long the delivery log keeps a finished delivery (its body names clients)."""


def prune_log(*, services: Services, keep: timedelta = KEEP) -> int:
    """Remove the delivered and given-up deliveries older than ``keep``, with their
    attempts; returns how many (the housekeeping runs it)."""
    with services.uow() as uow:
        removed = uow.webhooks.prune(services.clock.now() - keep)
        uow.commit()
    return removed


def _record(
    services: Services,
    delivery: Delivery,
    response: WebhookResponse | None,
    error: str,
    elapsed: int,
) -> bool:
    """Log the attempt and the new states; True when it paused the endpoint."""
    status = response.status if response is not None else None
    for attempt in range(3):
        try:
            with services.uow() as uow:
                pause = _apply(services, uow, delivery, status, error, elapsed)
                uow.commit()
        except ConcurrentUpdate:  # an admin saved the endpoint meanwhile: read it again
            if attempt == 2:
                raise
            delivery = _reread(services, delivery)
            continue
        return pause
    return False  # pragma: no cover - the loop returns or raises


def _apply(
    services: Services,
    uow: UnitOfWork,
    delivery: Delivery,
    status: int | None,
    error: str,
    elapsed: int,
) -> bool:
    now = services.clock.now()
    endpoint = uow.webhooks.get_endpoint(delivery.endpoint_id)
    if endpoint is None:
        return False
    if not error:
        delivery.delivered(now, status or 200)
        endpoint.succeeded(now)
        pause = False
    else:
        delivery.failed(now, status, error)
        pause = endpoint.failed(now)
    uow.webhooks.save_delivery(delivery)
    uow.webhooks.add_attempt(
        Attempt(
            id=services.ids.new_id(),
            delivery_id=delivery.id,
            endpoint_id=endpoint.id,
            event_type=delivery.event_type,
            number=delivery.attempts,
            at=now,
            status_code=status,
            error=error,
            duration_ms=elapsed,
        )
    )
    if pause:
        _pause(services, uow, endpoint)
    uow.webhooks.save_endpoint(endpoint)
    return pause


def _reread(services: Services, delivery: Delivery) -> Delivery:
    with services.uow() as uow:
        found = uow.webhooks.get_delivery(delivery.id)
    return found if found is not None else delivery


def _pause(services: Services, uow: UnitOfWork, endpoint: Endpoint) -> None:
    """Pause a failing endpoint, log it, and e-mail every active admin."""
    since = endpoint.failing_since or services.clock.now()
    reason = f"{endpoint.consecutive_failures} failed attempts since {since.isoformat()}"
    endpoint.pause(services.clock.now(), reason)
    audit.record(
        services,
        uow,
        actor=None,
        action="webhook.paused",
        target_type="webhook",
        target_id=endpoint.id,
        subject_id="",
        summary=endpoint.url,
        details={"url": endpoint.url, "reason": reason},
    )
    for admin in uow.accounts.list(role=Role.ADMIN, status=Status.ACTIVE, limit=100):
        notify(
            services,
            uow,
            admin,
            Kind.WEBHOOK_PAUSED,
            {
                "url": endpoint.url,
                "failures": str(endpoint.consecutive_failures),
                "link": services.links.staff_webhook(admin.language, endpoint.id),
            },
        )
    logger.warning("webhook endpoint %s (%s) paused: %s", endpoint.id, endpoint.url, reason)
