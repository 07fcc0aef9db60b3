"""Idempotent POSTs through the API: the first answer to an ``Idempotency-Key`` is kept,
and a repeat of the same request gets it again instead of doing the work twice.

The answer is kept per API key and idempotency key, with a fingerprint of the request: the
same idempotency key sent with another request is a client's mistake, refused rather than
answered with an unrelated result.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING

from iclient_core.integrations.keys import ApiCaller
from iclient_core.integrations.model import KeptResponse
from iclient_core.shared.errors import AlreadyExists, DomainError

if TYPE_CHECKING:
    from iclient_core.services import Services

KEEP_FOR = timedelta(hours=24)
"""How long an answer is kept for a repeat."""

MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(DomainError):
    """The idempotency key was already used with another request."""

    code = "idempotency_key_reused"


def fingerprint(method: str, path: str, body: bytes, content_type: str = "") -> str:
    """A digest of a request: what a repeat must match."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), content_type.encode()):
        digest.update(part + b"\0")
    digest.update(body)
    return digest.hexdigest()


def recall(
    *, services: Services, caller: ApiCaller, idempotency_key: str, request_fingerprint: str
) -> KeptResponse | None:
    """The answer kept for a repeat of this request, or None the first time.

    Raises:
        IdempotencyKeyReused: the key was used with another request.
    """
    with services.uow() as uow:
        kept = uow.api_keys.kept_response(caller.key.id, idempotency_key)
    if kept is None or kept.created_at + KEEP_FOR < services.clock.now():
        return None
    if kept.fingerprint != request_fingerprint:
        raise IdempotencyKeyReused()
    return kept


def remember(
    *,
    services: Services,
    caller: ApiCaller,
    idempotency_key: str,
    request_fingerprint: str,
    status: int,
    body: str,
    location: str = "",
) -> KeptResponse:
    """Keep the answer to a request; when a concurrent twin kept one first, that one.

    Raises:
        IdempotencyKeyReused: a concurrent request with another body kept its answer first.
    """
    response = KeptResponse(
        key_id=caller.key.id,
        idempotency_key=idempotency_key,
        fingerprint=request_fingerprint,
        status=status,
        body=body,
        location=location,
        created_at=services.clock.now(),
    )
    try:
        with services.uow() as uow:
            uow.api_keys.keep_response(response)
            uow.commit()
    except AlreadyExists:
        first = recall(
            services=services,
            caller=caller,
            idempotency_key=idempotency_key,
            request_fingerprint=request_fingerprint,
        )
        return first if first is not None else response
    return response


def forget_old_responses(*, services: Services) -> int:
    """Drop the answers kept longer than :data:`KEEP_FOR`; how many went (housekeeping)."""
    with services.uow() as uow:
        gone = uow.api_keys.forget_responses(services.clock.now() - KEEP_FOR)
        uow.commit()
    return gone
