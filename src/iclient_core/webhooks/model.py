"""Webhooks: the endpoints admins register, the deliveries waiting in their outbox, and the
log of every attempt.

An event (``document.published``…) is written as one :class:`Delivery` per subscribed
endpoint, in the same transaction as the change that caused it (a transactional outbox):
nothing is sent for a change that was rolled back, and nothing is lost when the receiver,
the network or the worker is down. The background worker sends what is due, signed after
the Standard Webhooks specification, and retries with exponential back-off.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime, timedelta

import attrs


class EventType(enum.StrEnum):
    """Every event an endpoint may subscribe to (the ``type`` of the payload)."""

    CLIENT_REGISTERED = "client.registered"  # a client account exists (sign-up or staff)
    CLIENT_ACTIVATED = "client.activated"  # the client chose their first password
    DOCUMENT_PUBLISHED = "document.published"  # staff put a document in a client's area
    DOCUMENT_DOWNLOADED = "document.downloaded"  # the client downloaded one of their documents
    QUOTE_REQUESTED = "quote.requested"  # a client or a visitor asked for a quote
    QUOTE_ACCEPTED = "quote.accepted"
    QUOTE_DECLINED = "quote.declined"
    CONSENT_ACCEPTED = "consent.accepted"  # a client accepted a version of a legal text
    PING = "webhook.test"  # sent on an admin's request, to try an endpoint out


EVENT_TYPES: tuple[EventType, ...] = tuple(e for e in EventType if e is not EventType.PING)
"""The events an endpoint may subscribe to, in the order the pages list them."""


class EndpointState(enum.StrEnum):
    """Whether an endpoint is sent its events."""

    ACTIVE = "active"
    PAUSED = "paused"  # by an admin, or after failing for too long; resumed by an admin


class DeliveryStatus(enum.StrEnum):
    """Where one event's delivery to one endpoint stands."""

    PENDING = "pending"  # waiting for its first attempt, or for the next one
    DELIVERED = "delivered"  # the endpoint answered 2xx
    FAILED = "failed"  # given up: too many attempts, or the endpoint was paused


MAX_ATTEMPTS = 8
"""Attempts of one delivery before it is given up (about nine hours of retries)."""

PAUSE_AFTER = timedelta(days=1)
"""An endpoint whose every attempt failed for this long (with at least
``PAUSE_MIN_FAILURES`` attempts) is paused and the admins are told."""

PAUSE_MIN_FAILURES = 5
"""The fewest failed attempts in a row before an endpoint may be paused."""

PAUSE_FAILURES = 100
"""Failed attempts in a row that pause an endpoint however recent the first one is."""

MAX_ERROR = 500
"""The longest error (or response excerpt) kept for one attempt."""


def backoff(attempts: int) -> timedelta:
    """Delay before the next attempt after ``attempts`` failures: 10 s, tripled per failure,
    at most six hours (10 s, 30 s, 90 s, 4.5 min, 13.5 min, 40 min, 2 h)."""
    return timedelta(seconds=min(10 * 3 ** max(attempts - 1, 0), 6 * 3600))


@attrs.define
class Endpoint:
    """A receiver an admin registered: where to send which events, and the signing secret.

    Attributes:
        secret: ``whsec_`` and the base64 of the key (Standard Webhooks' form); the key
            signs every request, so it is stored as is (shown to admins only on demand).
        consecutive_failures: failed attempts since the last success.
        failing_since: when the first of those failed (None after a success).
        version: bumped at each save (optimistic concurrency).
    """

    id: str
    url: str
    description: str
    events: tuple[EventType, ...]
    secret: str
    created_at: datetime
    updated_at: datetime
    state: EndpointState = EndpointState.ACTIVE
    paused_at: datetime | None = None
    pause_reason: str = ""
    consecutive_failures: int = 0
    failing_since: datetime | None = None
    last_success_at: datetime | None = None
    version: int = 0

    @classmethod
    def register(
        cls,
        *,
        id: str,
        url: str,
        description: str,
        events: Iterable[EventType],
        secret: str,
        now: datetime,
    ) -> Endpoint:
        """A new, active endpoint."""
        return cls(
            id=id,
            url=url,
            description=description,
            events=ordered(events),
            secret=secret,
            created_at=now,
            updated_at=now,
        )

    @property
    def is_active(self) -> bool:
        """Whether events are sent to it."""
        return self.state is EndpointState.ACTIVE

    def subscribes(self, event: EventType) -> bool:
        """Whether it is sent ``event`` now (test pings always are)."""
        return self.is_active and (event is EventType.PING or event in self.events)

    def succeeded(self, now: datetime) -> None:
        """An attempt got a 2xx answer: the failure streak ends."""
        self.consecutive_failures = 0
        self.failing_since = None
        self.last_success_at = now

    def failed(self, now: datetime) -> bool:
        """An attempt failed; True when the endpoint has failed long enough to be paused."""
        self.consecutive_failures += 1
        if self.failing_since is None:
            self.failing_since = now
        return self.is_active and (
            self.consecutive_failures >= PAUSE_FAILURES
            or (
                self.consecutive_failures >= PAUSE_MIN_FAILURES
                and now - self.failing_since >= PAUSE_AFTER
            )
        )

    def pause(self, now: datetime, reason: str) -> None:
        """Stop sending it events (deliveries due meanwhile are given up)."""
        self.state = EndpointState.PAUSED
        self.paused_at = now
        self.pause_reason = reason[:MAX_ERROR]
        self.updated_at = now

    def resume(self, now: datetime) -> None:
        """Send it events again, its failure streak forgotten."""
        self.state = EndpointState.ACTIVE
        self.paused_at = None
        self.pause_reason = ""
        self.consecutive_failures = 0
        self.failing_since = None
        self.updated_at = now


def ordered(events: Iterable[EventType]) -> tuple[EventType, ...]:
    """``events`` without repeats, in the order of :data:`EVENT_TYPES`."""
    chosen = set(events)
    return tuple(e for e in EVENT_TYPES if e in chosen)


@attrs.define
class Delivery:
    """One event on its way to one endpoint: a row of the webhooks' outbox.

    Attributes:
        id: the message id, sent as ``webhook-id``: the same on every attempt, so that the
            receiver can tell a retry from a new event.
        payload: the request body, fixed when the event happened (JSON text).
        last_status: the HTTP status of the last attempt (None: no answer).
    """

    id: str
    endpoint_id: str
    event_type: EventType
    payload: str
    created_at: datetime
    next_attempt_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    last_status: int | None = None
    last_error: str = ""
    last_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    locked_until: datetime | None = None

    @classmethod
    def queue(
        cls, *, id: str, endpoint_id: str, event_type: EventType, payload: str, now: datetime
    ) -> Delivery:
        """An event for one endpoint, due at once."""
        return cls(
            id=id,
            endpoint_id=endpoint_id,
            event_type=event_type,
            payload=payload,
            created_at=now,
            next_attempt_at=now,
        )

    def is_due(self, now: datetime) -> bool:
        """True when a deliverer may pick it now."""
        return (
            self.status is DeliveryStatus.PENDING
            and self.next_attempt_at <= now
            and (self.locked_until is None or self.locked_until <= now)
        )

    def claim(self, now: datetime, lease: timedelta) -> None:
        """Reserve it for one deliverer for ``lease``."""
        self.locked_until = now + lease

    def delivered(self, now: datetime, status: int) -> None:
        """The endpoint answered 2xx."""
        self.attempts += 1
        self.status = DeliveryStatus.DELIVERED
        self.last_status = status
        self.last_error = ""
        self.last_attempt_at = now
        self.delivered_at = now
        self.locked_until = None

    def failed(self, now: datetime, status: int | None, error: str) -> None:
        """An attempt failed: retried after :func:`backoff`, given up after
        :data:`MAX_ATTEMPTS`."""
        self.attempts += 1
        self.last_status = status
        self.last_error = error[:MAX_ERROR]
        self.last_attempt_at = now
        self.locked_until = None
        self.next_attempt_at = now + backoff(self.attempts)
        if self.attempts >= MAX_ATTEMPTS:
            self.status = DeliveryStatus.FAILED

    def give_up(self, now: datetime, reason: str) -> None:
        """No attempt is made (the endpoint is paused): it stays in the log, failed."""
        self.status = DeliveryStatus.FAILED
        self.last_error = reason[:MAX_ERROR]
        self.locked_until = None

    def send_again(self, now: datetime) -> None:
        """An admin asked for it again: due at once, with a fresh round of attempts."""
        self.status = DeliveryStatus.PENDING
        self.attempts = 0
        self.next_attempt_at = now
        self.locked_until = None
        self.delivered_at = None


@attrs.frozen
class Attempt:
    """One request sent to an endpoint, as the delivery log shows it.

    Attributes:
        number: the delivery's attempt number (1 for the first).
        status_code: the HTTP status of the answer (None: no answer).
        error: why it failed (empty on success).
        duration_ms: how long the request took.
    """

    id: str
    delivery_id: str
    endpoint_id: str
    event_type: EventType
    number: int
    at: datetime
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        """Whether the endpoint answered 2xx."""
        return self.status_code is not None and 200 <= self.status_code < 300


class DestinationRefused(Exception):
    """An outgoing request was refused before it was sent: not ``https``, or an address
    that is not on the public internet (the protection against server-side request
    forgery)."""


@attrs.frozen
class WebhookRequest:
    """What the sender posts: the endpoint's URL, the headers and the body."""

    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


@attrs.frozen
class WebhookResponse:
    """What the endpoint answered: its status and the start of its body."""

    status: int
    body: str = ""
