"""Integrations: API keys another program uses the portal's JSON API with, and the answers
kept for its idempotent requests.

- ``model``: ``ApiKey``, ``Scope``, ``KeptResponse``, ``hash_secret``.
- ``ports``: ``ApiKeyRepository`` (``uow.api_keys``).
- ``keys``: ``create_key``, ``list_keys``, ``revoke_key``, ``authenticate``, ``require_scope``,
  ``record_write``, ``ApiCaller``, ``NewKey``, ``KeyRefused``, ``ScopeMissing``.
- ``idempotency``: ``recall``, ``remember``, ``fingerprint``, ``forget_old_responses``,
  ``IdempotencyKeyReused``.
"""

from __future__ import annotations

from iclient_core.integrations.idempotency import (
    IdempotencyKeyReused,
    fingerprint,
    forget_old_responses,
    recall,
    remember,
)
from iclient_core.integrations.keys import (
    ApiCaller,
    KeyRefused,
    NewKey,
    ScopeMissing,
    authenticate,
    create_key,
    list_keys,
    may,
    record_write,
    require_scope,
    revoke_key,
)
from iclient_core.integrations.model import ApiKey, KeptResponse, Scope, hash_secret
from iclient_core.integrations.ports import ApiKeyRepository

__all__ = [
    "ApiCaller",
    "ApiKey",
    "ApiKeyRepository",
    "IdempotencyKeyReused",
    "KeptResponse",
    "KeyRefused",
    "NewKey",
    "Scope",
    "ScopeMissing",
    "authenticate",
    "create_key",
    "fingerprint",
    "forget_old_responses",
    "hash_secret",
    "list_keys",
    "may",
    "recall",
    "record_write",
    "remember",
    "require_scope",
    "revoke_key",
]
