"""The API key repository of the in-memory store (see ``iclient_adapters.memory``)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime

import attrs

from iclient_adapters.memory.state import MemoryState
from iclient_core.integrations.model import ApiKey, KeptResponse
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate


def _kept_id(key_id: str, idempotency_key: str) -> str:
    return f"{key_id}\0{idempotency_key}"


class MemoryApiKeyRepository:
    """API keys and kept answers in dicts; keys saved with an optimistic version check."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add(self, key: ApiKey) -> None:
        """Store a new key."""
        if key.id in self._state.api_keys:
            raise AlreadyExists(key.id)
        self._state.api_keys[key.id] = copy.deepcopy(key)

    def get(self, key_id: str) -> ApiKey | None:
        """The key, or None."""
        found = self._state.api_keys.get(key_id)
        return copy.deepcopy(found) if found is not None else None

    def list(self) -> Sequence[ApiKey]:
        """Every key, newest first."""
        ordered = sorted(self._state.api_keys.values(), key=lambda k: (k.created_at, k.id))
        return [copy.deepcopy(k) for k in reversed(ordered)]

    def save(self, key: ApiKey) -> None:
        """Write back a key, checking its version."""
        stored = self._state.api_keys.get(key.id)
        if stored is None or stored.version != key.version:
            raise ConcurrentUpdate(key.id)
        key.version += 1
        self._state.api_keys[key.id] = copy.deepcopy(key)

    def touch(self, key_id: str, at: datetime, ip: str) -> None:
        """Note a use of the key."""
        stored = self._state.api_keys.get(key_id)
        if stored is not None:
            self._state.api_keys[key_id] = attrs.evolve(stored, last_used_at=at, last_used_ip=ip)

    def kept_response(self, key_id: str, idempotency_key: str) -> KeptResponse | None:
        """The kept answer, or None."""
        return self._state.api_responses.get(_kept_id(key_id, idempotency_key))

    def keep_response(self, response: KeptResponse) -> None:
        """Keep an answer (once per key and idempotency key)."""
        kept_id = _kept_id(response.key_id, response.idempotency_key)
        if kept_id in self._state.api_responses:
            raise AlreadyExists(response.idempotency_key)
        self._state.api_responses[kept_id] = response

    def forget_responses(self, before: datetime) -> int:
        """Drop the answers kept before ``before``."""
        old = [k for k, r in self._state.api_responses.items() if r.created_at < before]
        for kept_id in old:
            del self._state.api_responses[kept_id]
        return len(old)
