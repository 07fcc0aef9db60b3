"""API keys and the answers kept for idempotent requests.

An API key lets another program (the business's invoicing software) use the portal's JSON
API. Its secret is shown once, when an admin creates it; the portal keeps only its SHA-256.
The secrets are 256 random bits: no list of guesses reaches them, so a slow password hash
(argon2, made to protect what people choose) would only add its cost to every request.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from datetime import datetime

import attrs

SECRET_PREFIX = "ick_"
"""How every API key's secret starts (secret scanners can recognise one)."""


class Scope(enum.StrEnum):
    """One thing a key may be used for; a key holds one or more."""

    CLIENTS_READ = "clients:read"
    CLIENTS_WRITE = "clients:write"
    DOCUMENTS_READ = "documents:read"
    DOCUMENTS_WRITE = "documents:write"
    QUOTES_READ = "quotes:read"
    QUOTES_WRITE = "quotes:write"
    BOOKINGS_READ = "bookings:read"
    SUPPORT_READ = "support:read"


def hash_secret(secret: str) -> str:
    """The SHA-256 of a key's secret, in hex: what the portal stores and compares."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def split_secret(secret: str) -> str | None:
    """The key id a secret names (``ick_<id>.<random>``), or None for anything else."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    key_id, dot, rest = secret[len(SECRET_PREFIX) :].partition(".")
    if not dot or not key_id or not rest or len(key_id) > 36 or not key_id.isprintable():
        return None
    return key_id


@attrs.define
class ApiKey:
    """A key another program uses the API with, acting as the admin who created it.

    Build one with :meth:`issue`.

    Attributes:
        name: what the key is for, as the admin named it ("Invoicing").
        scopes: what the key may be used for.
        secret_hash: the SHA-256 of the secret (see :func:`hash_secret`).
        hint: the secret's last four characters, to tell keys apart on the list.
        owner_id: the admin who created the key; the API acts as them.
        expires_at: when the key stops working (None: never).
        revoked_at: when an admin revoked it (None: not revoked).
        last_used_at: the last request made with it.
        last_used_ip: where that request came from.
        version: bumped at every save (optimistic locking).
    """

    id: str
    name: str
    scopes: frozenset[Scope]
    secret_hash: str
    hint: str
    owner_id: str
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    last_used_ip: str = ""
    version: int = 0

    @classmethod
    def issue(
        cls,
        *,
        id: str,
        name: str,
        scopes: frozenset[Scope],
        secret: str,
        owner_id: str,
        now: datetime,
        expires_at: datetime | None = None,
    ) -> ApiKey:
        """A new key for ``secret`` (which the caller shows once and forgets)."""
        return cls(
            id=id,
            name=name,
            scopes=frozenset(scopes),
            secret_hash=hash_secret(secret),
            hint=secret[-4:],
            owner_id=owner_id,
            created_at=now,
            expires_at=expires_at,
        )

    def matches(self, secret: str) -> bool:
        """Whether ``secret`` is this key's (compared in constant time)."""
        return hmac.compare_digest(self.secret_hash, hash_secret(secret))

    def is_expired(self, now: datetime) -> bool:
        """Whether the key's expiry has passed."""
        return self.expires_at is not None and now >= self.expires_at

    def is_usable(self, now: datetime) -> bool:
        """Neither revoked nor expired."""
        return self.revoked_at is None and not self.is_expired(now)

    def revoke(self, now: datetime) -> None:
        """Stop the key for good (a second revocation changes nothing)."""
        if self.revoked_at is None:
            self.revoked_at = now


@attrs.frozen
class KeptResponse:
    """The answer to a POST sent with an ``Idempotency-Key``, kept to answer a repeat.

    Attributes:
        key_id: the API key that sent it (keys never see each other's answers).
        idempotency_key: the header's value.
        fingerprint: a digest of the request (method, path, body): a repeat with another
            request under the same key is refused.
        status: the HTTP status of the first answer.
        body: its body (JSON text).
        location: its ``Location`` header ("" when none).
        created_at: when it was first answered.
    """

    key_id: str
    idempotency_key: str
    fingerprint: str
    status: int
    body: str
    location: str
    created_at: datetime
