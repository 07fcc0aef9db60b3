"""The consent repository on SQL. Records: INSERT and SELECT only."""

from __future__ import annotations

from collections.abc import Sequence

import cattrs
import sqlalchemy as sa

from iclient_adapters.sql.connection import Executor
from iclient_adapters.sql.guards import unique_guard
from iclient_adapters.sql.tables import consent_kinds, consent_records, consent_versions
from iclient_core.consent.model import ConsentKind, ConsentRecord, ConsentVersion


class SqlConsentRepository:
    """The ``ConsentRepository`` port on a connection."""

    def __init__(self, connection: Executor, converter: cattrs.Converter) -> None:
        self._connection = connection
        self._converter = converter

    def add_kind(self, kind: ConsentKind) -> None:
        """Define a kind."""
        with unique_guard(self._connection, kind.key):
            self._connection.execute(
                consent_kinds.insert().values(self._converter.unstructure(kind))
            )

    def kinds(self) -> Sequence[ConsentKind]:
        """Every kind, oldest first."""
        rows = self._connection.execute(
            sa.select(consent_kinds).order_by(consent_kinds.c.created_at, consent_kinds.c.key)
        ).mappings()
        return [self._converter.structure(r, ConsentKind) for r in rows]

    def add_version(self, version: ConsentVersion) -> None:
        """Publish a version."""
        with unique_guard(self._connection, f"{version.kind} v{version.number}"):
            self._connection.execute(
                consent_versions.insert().values(self._converter.unstructure(version))
            )

    def versions(self, kind: str | None = None) -> Sequence[ConsentVersion]:
        """Published versions, newest number first."""
        query = sa.select(consent_versions).order_by(
            consent_versions.c.number.desc(), consent_versions.c.published_at.desc()
        )
        if kind is not None:
            query = query.where(consent_versions.c.kind == kind)
        return [
            self._converter.structure(r, ConsentVersion)
            for r in self._connection.execute(query).mappings()
        ]

    def current_numbers(self) -> dict[str, int]:
        """The newest version number of every kind that has one."""
        query = sa.select(consent_versions.c.kind, sa.func.max(consent_versions.c.number)).group_by(
            consent_versions.c.kind
        )
        return {kind: int(number) for kind, number in self._connection.execute(query)}

    def get_version(self, version_id: str) -> ConsentVersion | None:
        """One version by id."""
        row = (
            self._connection.execute(
                sa.select(consent_versions).where(consent_versions.c.id == version_id)
            )
            .mappings()
            .first()
        )
        return self._converter.structure(row, ConsentVersion) if row else None

    def append_record(self, record: ConsentRecord) -> None:
        """Insert one piece of evidence."""
        self._connection.execute(
            consent_records.insert().values(self._converter.unstructure(record))
        )

    def records_for_account(self, account_id: str) -> Sequence[ConsentRecord]:
        """An account's records, oldest first."""
        rows = self._connection.execute(
            sa.select(consent_records)
            .where(consent_records.c.account_id == account_id)
            .order_by(consent_records.c.at, consent_records.c.id)
        ).mappings()
        return [self._converter.structure(r, ConsentRecord) for r in rows]
