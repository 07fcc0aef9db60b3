"""The append-only audit log on SQL: an INSERT and two SELECTs, nothing that changes a row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from iclient_adapters.sql.tables import audit_log
from iclient_core.shared.audit import AuditEntry

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
