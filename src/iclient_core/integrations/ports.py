"""The port of the integrations: API keys and the answers kept for idempotent requests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from iclient_core.integrations.model import ApiKey, KeptResponse


class ApiKeyRepository(Protocol):
    """Stores API keys and the answers kept for their idempotent requests."""

    def add(self, key: ApiKey) -> None:
        """Store a new key.

        Raises:
            AlreadyExists: the id is taken.
        """

    def get(self, key_id: str) -> ApiKey | None:
        """The key, or None."""

    def list(self) -> Sequence[ApiKey]:
        """Every key, newest first."""

    def save(self, key: ApiKey) -> None:
        """Write back a key changed since it was read, and bump its ``version``.

        Raises:
            ConcurrentUpdate: it changed since it was read (or is gone).
        """

    def touch(self, key_id: str, at: datetime, ip: str) -> None:
        """Note a use of the key (the last one wins; no version check, no version bump)."""

    def kept_response(self, key_id: str, idempotency_key: str) -> KeptResponse | None:
        """The answer kept for this key's ``idempotency_key``, or None."""

    def keep_response(self, response: KeptResponse) -> None:
        """Keep an answer.

        Raises:
            AlreadyExists: an answer is already kept for the key and idempotency key.
        """

    def forget_responses(self, before: datetime) -> int:
        """Drop the answers kept since before ``before``; how many went."""
