"""The API key repository on SQL: keys, and the answers kept for idempotent requests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from iclient_adapters.sql.connection import Executor
from iclient_adapters.sql.guards import unique_guard
from iclient_adapters.sql.tables import api_keys, api_responses
from iclient_core.integrations.model import ApiKey, KeptResponse, Scope
from iclient_core.shared.errors import ConcurrentUpdate


def _key_row(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "name": key.name,
        "scopes": " ".join(sorted(s.value for s in key.scopes)),
        "secret_hash": key.secret_hash,
        "hint": key.hint,
        "owner_id": key.owner_id,
        "created_at": key.created_at,
        "expires_at": key.expires_at,
        "revoked_at": key.revoked_at,
        "last_used_at": key.last_used_at,
        "last_used_ip": key.last_used_ip,
        "version": key.version,
    }


def _key(row: sa.Row[Any]) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        scopes=frozenset(Scope(s) for s in row.scopes.split() if s in set(Scope)),
        secret_hash=row.secret_hash,
        hint=row.hint,
        owner_id=row.owner_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
        last_used_ip=row.last_used_ip,
        version=row.version,
    )


class SqlApiKeyRepository:
    """API keys and kept answers in two tables; keys saved with an optimistic version check."""

    def __init__(self, connection: Executor) -> None:
        self._db = connection

    def add(self, key: ApiKey) -> None:
        """Insert a key."""
        with unique_guard(self._db, key.id):
            self._db.execute(api_keys.insert(), _key_row(key))

    def get(self, key_id: str) -> ApiKey | None:
        """The key, or None."""
        row = self._db.execute(sa.select(api_keys).where(api_keys.c.id == key_id)).first()
        return _key(row) if row is not None else None

    def list(self) -> Sequence[ApiKey]:
        """Every key, newest first."""
        rows = self._db.execute(
            sa.select(api_keys).order_by(api_keys.c.created_at.desc(), api_keys.c.id.desc())
        )
        return [_key(row) for row in rows]

    def save(self, key: ApiKey) -> None:
        """Write back a key and bump its version."""
        values = _key_row(key)
        del values["id"], values["version"]
        result = self._db.execute(
            sa.update(api_keys)
            .where(api_keys.c.id == key.id, api_keys.c.version == key.version)
            .values(**values, version=key.version + 1)
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate(key.id)
        key.version += 1

    def touch(self, key_id: str, at: datetime, ip: str) -> None:
        """Note a use of the key (no version check: the last use wins)."""
        self._db.execute(
            sa.update(api_keys)
            .where(api_keys.c.id == key_id)
            .values(last_used_at=at, last_used_ip=ip)
        )

    def kept_response(self, key_id: str, idempotency_key: str) -> KeptResponse | None:
        """The kept answer, or None."""
        row = self._db.execute(
            sa.select(api_responses).where(
                api_responses.c.key_id == key_id,
                api_responses.c.idempotency_key == idempotency_key,
            )
        ).first()
        if row is None:
            return None
        return KeptResponse(
            key_id=row.key_id,
            idempotency_key=row.idempotency_key,
            fingerprint=row.fingerprint,
            status=row.status,
            body=row.body,
            location=row.location,
            created_at=row.created_at,
        )

    def keep_response(self, response: KeptResponse) -> None:
        """Insert a kept answer (once per key and idempotency key)."""
        with unique_guard(self._db, response.idempotency_key):
            self._db.execute(
                api_responses.insert(),
                {
                    "key_id": response.key_id,
                    "idempotency_key": response.idempotency_key,
                    "fingerprint": response.fingerprint,
                    "status": response.status,
                    "body": response.body,
                    "location": response.location,
                    "created_at": response.created_at,
                },
            )

    def forget_responses(self, before: datetime) -> int:
        """Delete the answers kept before ``before``."""
        result = self._db.execute(
            sa.delete(api_responses).where(api_responses.c.created_at < before)
        )
        return int(result.rowcount or 0)
