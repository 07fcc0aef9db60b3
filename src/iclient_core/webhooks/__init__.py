"""Webhooks: endpoints admins register, events written to an outbox in the same transaction
as their cause, and their signed delivery (Standard Webhooks) with retries, a log, and the
pause of endpoints that keep failing.

The public names of the package, by module:

- :mod:`.delivery`: ``WebhookReport``, ``deliver_webhooks``, ``request_for``
- :mod:`.destinations`: ``check_url``, ``is_public_address``, ``literal_address``
- :mod:`.endpoints`: ``EndpointPage``, ``create_endpoint``, ``delete_endpoint``,
  ``endpoint_page``, ``list_endpoints``, ``pause_endpoint``, ``resume_endpoint``,
  ``reveal_secret``, ``rotate_secret``, ``send_again``, ``send_test``, ``update_endpoint``
- :mod:`.events`: ``client_data``, ``emit``, ``payload``
- :mod:`.model`: ``Attempt``, ``Delivery``, ``DeliveryStatus``, ``DestinationRefused``,
  ``Endpoint``, ``EndpointState``, ``EventType``, ``WebhookRequest``, ``WebhookResponse``,
  ``backoff``
- :mod:`.ports`: ``WebhookRepository``, ``WebhookSender``
- :mod:`.signing`: ``headers``, ``new_secret``, ``secret_key``, ``sign``, ``verify``
"""

from iclient_core.webhooks.delivery import WebhookReport, deliver_webhooks, prune_log, request_for
from iclient_core.webhooks.destinations import check_url, is_public_address, literal_address
from iclient_core.webhooks.endpoints import (
    EndpointPage,
    create_endpoint,
    delete_endpoint,
    endpoint_page,
    list_endpoints,
    pause_endpoint,
    resume_endpoint,
    reveal_secret,
    rotate_secret,
    send_again,
    send_test,
    update_endpoint,
)
from iclient_core.webhooks.events import client_data, emit, payload
from iclient_core.webhooks.model import (
    Attempt,
    Delivery,
    DeliveryStatus,
    DestinationRefused,
    Endpoint,
    EndpointState,
    EventType,
    WebhookRequest,
    WebhookResponse,
    backoff,
)
from iclient_core.webhooks.ports import WebhookRepository, WebhookSender
from iclient_core.webhooks.signing import headers, new_secret, secret_key, sign, verify

__all__ = [
    "Attempt",
    "Delivery",
    "DeliveryStatus",
    "DestinationRefused",
    "Endpoint",
    "EndpointPage",
    "EndpointState",
    "EventType",
    "WebhookReport",
    "WebhookRepository",
    "WebhookRequest",
    "WebhookResponse",
    "WebhookSender",
    "backoff",
    "check_url",
    "client_data",
    "create_endpoint",
    "delete_endpoint",
    "deliver_webhooks",
    "emit",
    "endpoint_page",
    "headers",
    "is_public_address",
    "list_endpoints",
    "literal_address",
    "new_secret",
    "pause_endpoint",
    "payload",
    "prune_log",
    "request_for",
    "resume_endpoint",
    "reveal_secret",
    "rotate_secret",
    "secret_key",
    "send_again",
    "send_test",
    "sign",
    "update_endpoint",
    "verify",
]
