"""Use cases of API keys: admins create, list and revoke them; the API authenticates each
request with one and checks its scopes.

How a request through the API is allowed: the key names the admin who created it (its
owner), and every API call runs the portal's own use case *as that owner*, so the core's
``require(uow, actor, permission)`` checks the owner's role as stored now, exactly as for a
click in the staff area. The key's scopes narrow that further, before the use case is
called (:func:`require_scope`). What a key may do is therefore what its scopes name *and*
its owner may do: a key stops at once when its owner is disabled, and loses what the
owner's role loses.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import Permission, allowed, require
from iclient_core.integrations.model import SECRET_PREFIX, ApiKey, Scope, split_secret
from iclient_core.shared import audit
from iclient_core.shared.errors import (
    DomainError,
    FieldError,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from iclient_core.shared.text import clean_line

if TYPE_CHECKING:
    from iclient_core.services import Services

MAX_EXPIRY = timedelta(days=3 * 366)
"""How far ahead a key's expiry may be set."""


class KeyRefused(DomainError):
    """The request's API key is missing, unknown, wrong, revoked or expired (or its owner
    can no longer act). Deliberately says nothing about which."""

    code = "api_key_invalid"


class ScopeMissing(PermissionDenied):
    """The API key is genuine but holds no scope for this operation."""

    code = "insufficient_scope"

    def __init__(self, scope: Scope) -> None:
        super().__init__(f"the key lacks the scope {scope.value}")
        self.scope = scope


@attrs.frozen
class NewKey:
    """A key just created, and its secret: shown once, never stored."""

    key: ApiKey
    secret: str


@attrs.frozen
class ApiCaller:
    """Who a request through the API is: its key, and the owner it acts as."""

    key: ApiKey
    account: Account


def _scopes(raw: Iterable[str], errors: list[FieldError]) -> frozenset[Scope]:
    chosen: set[Scope] = set()
    for value in raw:
        try:
            chosen.add(Scope(value))
        except ValueError:
            errors.append(FieldError("scopes", "invalid_choice"))
            return frozenset()
    if not chosen:
        errors.append(FieldError("scopes", "required"))
    return frozenset(chosen)


def _expiry(raw: str | None, today: date, errors: list[FieldError]) -> datetime | None:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors.append(FieldError("expires_on", "date_invalid"))
        return None
    if day <= today:
        errors.append(FieldError("expires_on", "date_in_past"))
        return None
    if day > today + MAX_EXPIRY:
        errors.append(FieldError("expires_on", "date_invalid"))
        return None
    return datetime.combine(day, time(0), tzinfo=UTC)


def create_key(
    *,
    services: Services,
    actor: Account,
    name: str | None,
    scopes: Iterable[str],
    expires_on: str | None = None,
    ip: str = "-",
) -> NewKey:
    """Create an API key that acts as ``actor``; its secret is returned once.

    Args:
        scopes: the scope values (``"documents:write"``…), at least one.
        expires_on: an ISO date after today: the key stops working at its start (UTC);
            empty for a key that does not expire.

    Raises:
        PermissionDenied: the actor may not manage API keys.
        InvalidInput: no name, no or unknown scopes, or a bad expiry date.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.API_KEYS_MANAGE)
        errors: list[FieldError] = []
        clean_name = clean_line(name, "name", errors, max_length=100)
        chosen = _scopes(scopes, errors)
        now = services.clock.now()
        expires_at = _expiry(expires_on, now.date(), errors)
        if errors:
            raise InvalidInput(errors)
        key_id = services.ids.new_id()
        secret = f"{SECRET_PREFIX}{key_id}.{secrets.token_urlsafe(32)}"
        key = ApiKey.issue(
            id=key_id,
            name=clean_name,
            scopes=chosen,
            secret=secret,
            owner_id=actor.id,
            now=now,
            expires_at=expires_at,
        )
        uow.api_keys.add(key)
        audit.record(
            services,
            uow,
            actor=actor,
            action="api_key.created",
            target_type="api_key",
            target_id=key.id,
            summary=f"API key {key.name!r} with {', '.join(sorted(chosen))}",
            ip=ip,
            details={"name": key.name, "scopes": ",".join(sorted(chosen))},
        )
        uow.commit()
    return NewKey(key=key, secret=secret)


def list_keys(*, services: Services, actor: Account) -> Sequence[ApiKey]:
    """Every API key, newest first (revoked and expired ones too).

    Raises:
        PermissionDenied: the actor may not manage API keys.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.API_KEYS_MANAGE)
        return uow.api_keys.list()


def revoke_key(*, services: Services, actor: Account, key_id: str, ip: str = "-") -> ApiKey:
    """Stop a key for good: the next request made with it is refused.

    Raises:
        PermissionDenied: the actor may not manage API keys.
        NotFound: no such key.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.API_KEYS_MANAGE)
        key = uow.api_keys.get(key_id) if 0 < len(key_id) <= 36 else None
        if key is None:
            raise NotFound()
        if key.revoked_at is not None:
            return key
        key.revoke(services.clock.now())
        uow.api_keys.save(key)
        audit.record(
            services,
            uow,
            actor=actor,
            action="api_key.revoked",
            target_type="api_key",
            target_id=key.id,
            summary=f"API key {key.name!r} revoked",
            ip=ip,
            details={"name": key.name},
        )
        uow.commit()
    return key


def authenticate(*, services: Services, secret: str | None, ip: str = "-") -> ApiCaller:
    """The key and owner of a request's secret; the use is noted on the key.

    Raises:
        KeyRefused: no secret, an unknown or wrong one, a revoked or expired key, or an
            owner that is gone or inactive.
    """
    key_id = split_secret(secret or "")
    if key_id is None or secret is None:
        raise KeyRefused()
    now = services.clock.now()
    with services.uow() as uow:
        key = uow.api_keys.get(key_id)
        if key is None or not key.matches(secret) or not key.is_usable(now):
            raise KeyRefused()
        owner = uow.accounts.get(key.owner_id)
        if owner is None or not owner.is_active or not owner.role.is_staff:
            raise KeyRefused()
        uow.api_keys.touch(key.id, now, ip[:64])
        uow.commit()
    return ApiCaller(key=attrs.evolve(key, last_used_at=now, last_used_ip=ip[:64]), account=owner)


def require_scope(caller: ApiCaller, scope: Scope) -> Account:
    """The account the caller acts as, if its key holds ``scope``.

    Raises:
        ScopeMissing: the key holds no such scope.
    """
    if scope not in caller.key.scopes:
        raise ScopeMissing(scope)
    return caller.account


def may(caller: ApiCaller, scope: Scope, permission: Permission) -> bool:
    """Whether the caller holds ``scope`` and its owner ``permission`` (to list what the
    key can do)."""
    return scope in caller.key.scopes and allowed(caller.account, permission)


def record_write(
    *,
    services: Services,
    caller: ApiCaller,
    method: str,
    path: str,
    status: int,
    ip: str = "-",
) -> None:
    """Write a change made through the API to the audit log: which key, which request.

    The use case itself has already logged the change as the key's owner; this entry says
    it came through the key.
    """
    with services.uow() as uow:
        audit.record(
            services,
            uow,
            actor=caller.account,
            action="api_key.used",
            target_type="api_key",
            target_id=caller.key.id,
            summary=f"{method} {path[:200]} -> {status}",
            ip=ip,
            details={"name": caller.key.name, "method": method, "path": path[:200]},
        )
        uow.commit()
