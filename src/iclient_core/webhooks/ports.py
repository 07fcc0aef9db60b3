"""The ports of webhooks: the store of endpoints, deliveries and attempts, and the sender."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from iclient_core.webhooks.model import (
    Attempt,
    Delivery,
    Endpoint,
    WebhookRequest,
    WebhookResponse,
)


class WebhookRepository(Protocol):
    """Stores the endpoints, their outbox of deliveries, and the log of attempts."""

    def add_endpoint(self, endpoint: Endpoint) -> None:
        """Store a new endpoint.

        Raises:
            AlreadyExists: the id is taken.
        """

    def get_endpoint(self, endpoint_id: str) -> Endpoint | None:
        """The endpoint, or None."""

    def endpoints(self) -> Sequence[Endpoint]:
        """Every endpoint, oldest first."""

    def save_endpoint(self, endpoint: Endpoint) -> None:
        """Write back an endpoint changed since it was read, and bump its ``version``.

        Raises:
            ConcurrentUpdate: it changed (or went) since it was read.
        """

    def remove_endpoint(self, endpoint_id: str) -> None:
        """Remove an endpoint with its deliveries and their attempts."""

    def add_delivery(self, delivery: Delivery) -> None:
        """Queue a delivery (in the caller's transaction)."""

    def get_delivery(self, delivery_id: str) -> Delivery | None:
        """The delivery, or None."""

    def save_delivery(self, delivery: Delivery) -> None:
        """Write back a delivery after an attempt (or a request to send it again)."""

    def claim_due(self, now: datetime, *, limit: int, lease: timedelta) -> Sequence[Delivery]:
        """Reserve up to ``limit`` due deliveries for ``lease``, oldest first.

        Two deliverers running at once never claim the same delivery.
        """

    def deliveries(self, endpoint_id: str, *, limit: int, offset: int = 0) -> Sequence[Delivery]:
        """An endpoint's deliveries, newest first."""

    def count_deliveries(self, endpoint_id: str) -> int:
        """How many deliveries an endpoint has."""

    def add_attempt(self, attempt: Attempt) -> None:
        """Log one attempt."""

    def attempts(self, delivery_ids: Sequence[str]) -> Sequence[Attempt]:
        """The attempts of these deliveries, newest first (one query)."""

    def delete_deliveries_about(self, account_id: str) -> int:
        """Remove every delivery whose body names ``account_id`` (with its attempts), when
        the account's personal data is erased; returns how many."""

    def prune(self, before: datetime) -> int:
        """Remove the finished (delivered or failed) deliveries created before ``before``,
        with their attempts; returns how many."""

    def pending_count(self) -> int:
        """How many deliveries wait for an attempt."""


class WebhookSender(Protocol):
    """Sends one signed request to an endpoint over the network."""

    def send(self, request: WebhookRequest) -> WebhookResponse:
        """POST ``request.body`` to ``request.url`` with ``request.headers``.

        Redirects are not followed (a 3xx is an answer like any other).

        Raises:
            DestinationRefused: the URL is not allowed (its scheme, or an address of the
                name that is not on the public internet); nothing was sent.
            OSError: the connection failed or timed out.
        """
