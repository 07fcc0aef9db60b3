"""What every domain shares, on SQL: the append-only audit log and the business settings
(key/value rows)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs
import cattrs
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from iclient_adapters.sql.connection import Executor
from iclient_adapters.sql.tables import audit_log, revisions, settings
from iclient_core.shared.audit import AuditEntry
from iclient_core.shared.business import BusinessSettings


def _filters(
    action: str | None,
    actor_id: str | None,
    target_id: str | None,
    since: datetime | None,
    until: datetime | None,
    subject_id: str | None = None,
) -> list[sa.ColumnElement[bool]]:
    found: list[sa.ColumnElement[bool]] = []
    if action is not None:
        found.append(audit_log.c.action == action)
    if actor_id is not None:
        found.append(audit_log.c.actor_id == actor_id)
    if target_id is not None:
        found.append(audit_log.c.target_id == target_id)
    if subject_id is not None:
        found.append(audit_log.c.subject_id == subject_id)
    if since is not None:
        found.append(audit_log.c.at >= since)
    if until is not None:
        found.append(audit_log.c.at < until)
    return found


class SqlAuditLog:
    """The ``AuditLog`` port on a connection."""

    def __init__(self, connection: Executor, converter: cattrs.Converter) -> None:
        self._connection = connection
        self._converter = converter

    def append(self, entry: AuditEntry) -> None:
        """Insert one entry."""
        self._connection.execute(audit_log.insert(), self._converter.unstructure(entry))

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
        subject_id: str | None = None,
    ) -> Sequence[AuditEntry]:
        """Matching entries, oldest first."""
        query = (
            sa.select(audit_log)
            .where(*_filters(action, actor_id, target_id, since, until, subject_id))
            .order_by(audit_log.c.at, audit_log.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [
            self._converter.structure(row, AuditEntry)
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
        subject_id: str | None = None,
    ) -> int:
        """How many entries match."""
        query = (
            sa.select(sa.func.count())
            .select_from(audit_log)
            .where(*_filters(action, actor_id, target_id, since, until, subject_id))
        )
        return int(self._connection.execute(query).scalar_one())


def settings_to_rows(converter: cattrs.Converter, value: BusinessSettings) -> dict[str, Any]:
    """The key/value rows of ``value``: one per field, JSON values (rates as text, never
    floats)."""
    return converter.unstructure(value)


def settings_from_rows(converter: cattrs.Converter, stored: Mapping[str, Any]) -> BusinessSettings:
    """Rebuild the settings; keys missing, empty or written by a newer version take defaults."""
    known = {field.name for field in attrs.fields(BusinessSettings)}
    kept = {key: value for key, value in stored.items() if key in known and value}
    return converter.structure(kept, BusinessSettings)


PORTAL = "portal"
"""The name of the portal's revision row (created by the migrations)."""


_REVISION = sa.select(revisions.c.revision).where(revisions.c.name == PORTAL)

PORTAL_REVISION = sa.func.coalesce(_REVISION.scalar_subquery(), 0)
"""The portal's revision as a column another statement can carry (0 before the first)."""
"""Every request's revision look-up, built once."""


class SqlSettingsRepository:
    """The ``SettingsRepository`` port on the ``settings`` table."""

    def __init__(self, connection: Executor, converter: cattrs.Converter) -> None:
        self._db = connection
        self._converter = converter

    def get(self) -> BusinessSettings | None:
        """The stored settings, or None when none were ever saved."""
        found = {row.key: row.value for row in self._db.execute(sa.select(settings))}
        return settings_from_rows(self._converter, found) if found else None

    def save(self, value: BusinessSettings) -> None:
        """Replace the stored settings (in the caller's transaction)."""
        rows = settings_to_rows(self._converter, value)
        self._db.execute(sa.delete(settings).where(settings.c.key.in_(list(rows))))
        self._db.execute(sa.insert(settings), [{"key": key, "value": v} for key, v in rows.items()])

    def revision(self) -> int:
        """The portal's revision (one primary-key look-up)."""
        return int(self._db.execute(_REVISION).scalar() or 0)

    def bump_revision(self) -> None:
        """One ``INSERT … ON CONFLICT DO UPDATE SET revision = revision + 1``: concurrent
        bumps add up, and a missing row starts at one."""
        insert = postgresql.insert if self._db.dialect.name == "postgresql" else sqlite.insert
        statement = insert(revisions).values(name=PORTAL, revision=1)
        self._db.execute(
            statement.on_conflict_do_update(
                index_elements=[revisions.c.name],
                set_={"revision": revisions.c.revision + 1},
            )
        )
