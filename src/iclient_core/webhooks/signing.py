"""Signatures after the Standard Webhooks specification (https://www.standardwebhooks.com).

The secret is ``whsec_`` followed by the base64 of a random key. Each request carries
``webhook-id`` (the message id, the same on retries), ``webhook-timestamp`` (seconds since
the epoch, when the attempt was made) and ``webhook-signature``: ``v1,`` and the base64 of
the HMAC-SHA256, under the key, of ``<id>.<timestamp>.<body>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
"""How a secret starts."""

KEY_BYTES = 24
"""Random bytes in a new key (192 bits; the specification asks for 24 to 64)."""


def new_secret() -> str:
    """A new random secret, in the ``whsec_`` form."""
    return PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The key of a ``whsec_`` secret.

    Raises:
        ValueError: not a secret of that form.
    """
    if not secret.startswith(PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    try:
        key = base64.b64decode(secret.removeprefix(PREFIX), validate=True)
    except binascii.Error:
        raise ValueError("a webhook secret is whsec_ and base64") from None
    if not key:
        raise ValueError("a webhook secret has a key")
    return key


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value of one request: ``v1,<base64 HMAC-SHA256>``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Every header of one request: the three Standard Webhooks ones and the content type."""
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }


def verify(
    secret: str, message_id: str, timestamp: int, body: bytes, signature_header: str
) -> bool:
    """Whether any ``v1`` signature of ``signature_header`` (space-separated) is right."""
    expected = sign(secret, message_id, timestamp, body)
    return any(hmac.compare_digest(expected, given) for given in signature_header.split())
