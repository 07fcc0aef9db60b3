"""What every domain shares, on SQL: the append-only audit log and the business settings
(key/value rows)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from iclient_adapters.sql.tables import audit_log, settings
from iclient_core.shared.audit import AuditEntry
from iclient_core.shared.business import (
    DEFAULT_UPLOAD_LIMIT_MB,
    DEFAULT_VAT_RATES,
    BusinessSettings,
)

_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_label",
    "ip",
    "action",
    "target_type",
    "target_id",
    "summary",
)


def _filters(
    action: str | None,
    actor_id: str | None,
    target_id: str | None,
    since: datetime | None,
    until: datetime | None,
) -> list[sa.ColumnElement[bool]]:
    found: list[sa.ColumnElement[bool]] = []
    if action is not None:
        found.append(audit_log.c.action == action)
    if actor_id is not None:
        found.append(audit_log.c.actor_id == actor_id)
    if target_id is not None:
        found.append(audit_log.c.target_id == target_id)
    if since is not None:
        found.append(audit_log.c.at >= since)
    if until is not None:
        found.append(audit_log.c.at < until)
    return found


class SqlAuditLog:
    """The ``AuditLog`` port on a connection."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def append(self, entry: AuditEntry) -> None:
        """Insert one entry."""
        self._connection.execute(
            audit_log.insert(), {name: getattr(entry, name) for name in _COLUMNS}
        )

    def list(
        self,
        *,
        action: str | None = None,
        actor_id: str | None = None,
        target_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Sequence[AuditEntry]:
        """Matching entries, oldest first."""
        query = (
            sa.select(audit_log)
            .where(*_filters(action, actor_id, target_id, since, until))
            .order_by(audit_log.c.at, audit_log.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [
            AuditEntry(**{name: row[name] for name in _COLUMNS})
            for row in self._connection.execute(query).mappings()
        ]

    def count(
        self,
        *,
        action: str | None = None,
        actor_id: str | None = None,
        target_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        """How many entries match."""
        query = (
            sa.select(sa.func.count())
            .select_from(audit_log)
            .where(*_filters(action, actor_id, target_id, since, until))
        )
        return int(self._connection.execute(query).scalar_one())


_TEXT_KEYS = (
    "business_name",
    "contact_email",
    "contact_phone",
    "default_language",
    "logo_key",
    "logo_content_type",
    "logo_sha256",
)


def settings_to_rows(value: BusinessSettings) -> dict[str, Any]:
    """The key/value rows of ``value`` (JSON values; rates as strings, never floats)."""
    return {
        **{key: getattr(value, key) for key in _TEXT_KEYS},
        "vat_rates": [str(rate) for rate in value.vat_rates],
        "upload_limit_mb": value.upload_limit_mb,
    }


def settings_from_rows(stored: dict[str, Any]) -> BusinessSettings:
    """Rebuild the settings; keys missing (or written by a newer version) take defaults."""
    rates = stored.get("vat_rates")
    return BusinessSettings(
        **{key: str(stored.get(key) or "") for key in _TEXT_KEYS},
        vat_rates=tuple(Decimal(str(r)) for r in rates) if rates else DEFAULT_VAT_RATES,
        upload_limit_mb=int(stored.get("upload_limit_mb") or DEFAULT_UPLOAD_LIMIT_MB),
    )


class SqlSettingsRepository:
    """The ``SettingsRepository`` port on the ``settings`` table."""

    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def get(self) -> BusinessSettings | None:
        """The stored settings, or None when none were ever saved."""
        found = {row.key: row.value for row in self._db.execute(sa.select(settings))}
        return settings_from_rows(found) if found else None

    def save(self, value: BusinessSettings) -> None:
        """Replace the stored settings (in the caller's transaction)."""
        rows = settings_to_rows(value)
        self._db.execute(sa.delete(settings).where(settings.c.key.in_(list(rows))))
        self._db.execute(sa.insert(settings), [{"key": key, "value": v} for key, v in rows.items()])
