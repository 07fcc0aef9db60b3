"""Use cases of the admins' webhooks page: register, change, pause, resume and remove
endpoints, read their delivery log, send a delivery again, send a test event.

Every change is in the audit log. Only staff with the ``webhooks.manage`` permission (the
admins) may do any of it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import Permission, require
from iclient_core.shared import audit
from iclient_core.shared.errors import FieldError, InvalidInput, NotFound
from iclient_core.shared.text import clean_line
from iclient_core.webhooks.destinations import check_url
from iclient_core.webhooks.events import emit
from iclient_core.webhooks.model import (
    EVENT_TYPES,
    Attempt,
    Delivery,
    DeliveryStatus,
    DestinationRefused,
    Endpoint,
    EventType,
    ordered,
)
from iclient_core.webhooks.signing import new_secret

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

MAX_ENDPOINTS = 20
"""The most endpoints a portal may have."""

LOG_PAGE = 25
"""Deliveries per page of an endpoint's log."""


@attrs.frozen
class EndpointPage:
    """One endpoint with a page of its delivery log (newest first) and each delivery's
    attempts (newest first)."""

    endpoint: Endpoint
    deliveries: Sequence[Delivery]
    attempts: Mapping[str, Sequence[Attempt]]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        """How many pages the log has (at least one)."""
        return max((self.total + self.size - 1) // self.size, 1)


def _endpoint(uow: UnitOfWork, endpoint_id: str) -> Endpoint:
    found = uow.webhooks.get_endpoint(endpoint_id)
    if found is None:
        raise NotFound()
    return found


def _clean(
    services: Services, url: str | None, description: str | None, events: Collection[str]
) -> tuple[str, str, tuple[EventType, ...]]:
    errors: list[FieldError] = []
    clean_url = ""
    if not (url or "").strip():
        errors.append(FieldError("url", "required"))
    else:
        try:
            clean_url = check_url(
                url or "",
                allow_http=services.settings.webhooks_allow_http,
                allow_private=services.settings.webhooks_allow_private,
            )
        except DestinationRefused:
            errors.append(FieldError("url", "webhook_url_refused"))
    text = ""
    if (description or "").strip():
        text = clean_line(description, "description", errors, max_length=200)
    chosen: list[EventType] = []
    for name in events:
        try:
            event = EventType(name)
        except ValueError:
            errors.append(FieldError("events", "invalid_choice"))
            break
        if event not in EVENT_TYPES:
            errors.append(FieldError("events", "invalid_choice"))
            break
        chosen.append(event)
    if not chosen and not any(e.field == "events" for e in errors):
        errors.append(FieldError("events", "required"))
    if errors:
        raise InvalidInput(errors)
    return clean_url, text, ordered(chosen)


def _audit(
    services: Services,
    uow: UnitOfWork,
    actor: Account | None,
    action: str,
    endpoint: Endpoint,
    ip: str,
    **details: object,
) -> None:
    audit.record(
        services,
        uow,
        actor=actor,
        action=action,
        target_type="webhook",
        target_id=endpoint.id,
        subject_id="",
        summary=endpoint.url,
        details={"url": endpoint.url, **details},
        ip=ip,
    )


def list_endpoints(*, services: Services, actor: Account) -> Sequence[Endpoint]:
    """Every endpoint, oldest first.

    Raises:
        PermissionDenied: the actor may not manage webhooks.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.WEBHOOKS_MANAGE)
        return uow.webhooks.endpoints()


def endpoint_page(
    *, services: Services, actor: Account, endpoint_id: str, page: int = 1, size: int = LOG_PAGE
) -> EndpointPage:
    """An endpoint and a page of its delivery log.

    Raises:
        PermissionDenied: the actor may not manage webhooks.
        NotFound: no such endpoint.
    """
    page = max(page, 1)
    with services.uow() as uow:
        require(uow, actor, Permission.WEBHOOKS_MANAGE)
        endpoint = _endpoint(uow, endpoint_id)
        total = uow.webhooks.count_deliveries(endpoint_id)
        deliveries = uow.webhooks.deliveries(endpoint_id, limit=size, offset=(page - 1) * size)
        attempts: dict[str, list[Attempt]] = {d.id: [] for d in deliveries}
        for attempt in uow.webhooks.attempts([d.id for d in deliveries]):
            attempts[attempt.delivery_id].append(attempt)
    return EndpointPage(endpoint, deliveries, attempts, total, page, size)


def create_endpoint(
    *,
    services: Services,
    actor: Account,
    url: str | None,
    description: str | None,
    events: Collection[str],
    ip: str,
) -> Endpoint:
    """Register an endpoint with a new secret (``endpoint.secret``, to show the admin).

    Raises:
        InvalidInput: the URL is missing or refused (``webhook_url_refused``: not https, or
            not a public address), the description is bad, no event or an unknown one, or
            ``too_many`` endpoints.
        PermissionDenied: the actor may not manage webhooks.
    """
    clean_url, text, chosen = _clean(services, url, description, events)
    with services.uow() as uow:
        actor = require(uow, actor, Permission.WEBHOOKS_MANAGE)
        if len(uow.webhooks.endpoints()) >= MAX_ENDPOINTS:
            raise InvalidInput.single("url", "too_many")
        endpoint = Endpoint.register(
            id=services.ids.new_id(),
            url=clean_url,
            description=text,
            events=chosen,
            secret=new_secret(),
            now=services.clock.now(),
        )
        uow.webhooks.add_endpoint(endpoint)
        _audit(
            services,
            uow,
            actor,
            "webhook.created",
            endpoint,
            ip,
            events=" ".join(chosen),
        )
        uow.commit()
    return endpoint


def update_endpoint(
    *,
    services: Services,
    actor: Account,
    endpoint_id: str,
    url: str | None,
    description: str | None,
    events: Collection[str],
    ip: str,
) -> Endpoint:
    """Change an endpoint's URL, description and events (its secret stays).

    Raises:
        InvalidInput, PermissionDenied: as :func:`create_endpoint`.
        NotFound: no such endpoint.
    """
    clean_url, text, chosen = _clean(services, url, description, events)
    with services.uow() as uow:
        actor = require(uow, actor, Permission.WEBHOOKS_MANAGE)
        endpoint = _endpoint(uow, endpoint_id)
        before = endpoint.url
        endpoint.url, endpoint.description, endpoint.events = clean_url, text, chosen
        endpoint.updated_at = services.clock.now()
        uow.webhooks.save_endpoint(endpoint)
        _audit(
            services,
            uow,
            actor,
            "webhook.updated",
            endpoint,
            ip,
            previous_url=before,
            events=" ".join(chosen),
        )
        uow.commit()
    return endpoint


def delete_endpoint(*, services: Services, actor: Account, endpoint_id: str, ip: str) -> None:
    """Remove an endpoint with its delivery log.

    Raises:
        PermissionDenied: the actor may not manage webhooks.
        NotFound: no such endpoint.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.WEBHOOKS_MANAGE)
        endpoint = _endpoint(uow, endpoint_id)
        uow.webhooks.remove_endpoint(endpoint_id)
        _audit(services, uow, actor, "webhook.deleted", endpoint, ip)
        uow.commit()


def pause_endpoint(*, services: Services, actor: Account, endpoint_id: str, ip: str) -> Endpoint:
    """Stop sending an endpoint its events until it is resumed.

    Raises:
        PermissionDenied: the actor may not manage webhooks.
        NotFound: no such endpoint.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.WEBHOOKS_MANAGE)
        endpoint = _endpoint(uow, endpoint_id)
        if endpoint.is_active:
            endpoint.pause(services.clock.now(), "paused by an admin")
            uow.webhooks.save_endpoint(endpoint)
            _audit(services, uow, actor, "webhook.paused", endpoint, ip)
            uow.commit()
    return endpoint


def resume_endpoint(*, services: Services, actor: Account, endpoint_id: str, ip: str) -> Endpoint:
    """Send a paused endpoint its events again (those given up meanwhile may be sent again
    one by one from the log).

    Raises:
        PermissionDenied: the actor may not manage webhooks.
        NotFound: no such endpoint.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.WEBHOOKS_MANAGE)
        endpoint = _endpoint(uow, endpoint_id)
        if not endpoint.is_active:
            endpoint.resume(services.clock.now())
            uow.webhooks.save_endpoint(endpoint)
            _audit(services, uow, actor, "webhook.resumed", endpoint, ip)
            uow.commit()
    return endpoint


def rotate_secret(*, services: Services, actor: Account, endpoint_id: str, ip: str) -> Endpoint:
    """Give an endpoint a new secret (the old one stops signing at once).

    Raises:
        PermissionDenied: the actor may not manage webhooks.
        NotFound: no such endpoint.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.WEBHOOKS_MANAGE)
        endpoint = _endpoint(uow, endpoint_id)
        endpoint.secret = new_secret()
        endpoint.updated_at = services.clock.now()
        uow.webhooks.save_endpoint(endpoint)
        _audit(services, uow, actor, "webhook.secret_rotated", endpoint, ip)
        uow.commit()
    return endpoint


def reveal_secret(*, services: Services, actor: Account, endpoint_id: str, ip: str) -> str:
    """An endpoint's secret, to copy into the receiver; each look is in the audit log.

    Raises:
        PermissionDenied: the actor may not manage webhooks.
        NotFound: no such endpoint.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.WEBHOOKS_MANAGE)
        endpoint = _endpoint(uow, endpoint_id)
        _audit(services, uow, actor, "webhook.secret_revealed", endpoint, ip)
        uow.commit()
    return endpoint.secret


def send_again(
    *, services: Services, actor: Account, endpoint_id: str, delivery_id: str, ip: str
) -> Delivery:
    """Queue a logged delivery again, due at once, with the same id and body (a receiver
    that kept it recognises it).

    Raises:
        PermissionDenied: the actor may not manage webhooks.
        NotFound: no such endpoint or delivery (or not the endpoint's).
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.WEBHOOKS_MANAGE)
        endpoint = _endpoint(uow, endpoint_id)
        delivery = uow.webhooks.get_delivery(delivery_id)
        if delivery is None or delivery.endpoint_id != endpoint.id:
            raise NotFound()
        if delivery.status is not DeliveryStatus.PENDING:
            delivery.send_again(services.clock.now())
            uow.webhooks.save_delivery(delivery)
        _audit(
            services,
            uow,
            actor,
            "webhook.sent_again",
            endpoint,
            ip,
            delivery=delivery.id,
            event=delivery.event_type.value,
        )
        uow.commit()
    return delivery


def send_test(*, services: Services, actor: Account, endpoint_id: str, ip: str) -> Delivery:
    """Queue a ``webhook.test`` event for one endpoint, to try it out.

    Raises:
        PermissionDenied: the actor may not manage webhooks.
        NotFound: no such endpoint.
        InvalidInput: the endpoint is paused (``webhook_paused``).
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.WEBHOOKS_MANAGE)
        endpoint = _endpoint(uow, endpoint_id)
        if not endpoint.is_active:
            raise InvalidInput.single("endpoint", "webhook_paused")
        queued = emit(services, uow, EventType.PING, {"endpoint_id": endpoint.id}, only=endpoint.id)
        _audit(services, uow, actor, "webhook.tested", endpoint, ip)
        uow.commit()
    return queued[0]
