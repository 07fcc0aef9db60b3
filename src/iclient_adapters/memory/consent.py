"""In-memory consent repository (kinds, versions and append-only records)."""

from __future__ import annotations

from collections.abc import Sequence

from iclient_adapters.memory.state import MemoryState
from iclient_core.consent.model import ConsentKind, ConsentRecord, ConsentVersion
from iclient_core.shared.errors import AlreadyExists


class MemoryConsentRepository:
    """The ``ConsentRepository`` port over a memory store's state."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add_kind(self, kind: ConsentKind) -> None:
        """Define a kind."""
        if kind.key in self._state.consent_kinds:
            raise AlreadyExists(kind.key)
        self._state.consent_kinds[kind.key] = kind

    def kinds(self) -> Sequence[ConsentKind]:
        """Every kind, oldest first."""
        return sorted(self._state.consent_kinds.values(), key=lambda k: (k.created_at, k.key))

    def add_version(self, version: ConsentVersion) -> None:
        """Publish a version."""
        if any(
            (v.kind, v.number, v.language) == (version.kind, version.number, version.language)
            for v in self._state.consent_versions.values()
        ):
            raise AlreadyExists(f"{version.kind} v{version.number}")
        self._state.consent_versions[version.id] = version

    def versions(self, kind: str | None = None) -> Sequence[ConsentVersion]:
        """Published versions, newest number first."""
        found = [v for v in self._state.consent_versions.values() if kind is None or v.kind == kind]
        return sorted(found, key=lambda v: (v.number, v.published_at), reverse=True)

    def current_numbers(self) -> dict[str, int]:
        """The newest version number of every kind that has one."""
        current: dict[str, int] = {}
        for version in self._state.consent_versions.values():
            current[version.kind] = max(current.get(version.kind, 0), version.number)
        return current

    def get_version(self, version_id: str) -> ConsentVersion | None:
        """One version by id."""
        return self._state.consent_versions.get(version_id)

    def append_record(self, record: ConsentRecord) -> None:
        """Add one piece of evidence."""
        self._state.consent_records[record.id] = record

    def records_for_account(self, account_id: str) -> Sequence[ConsentRecord]:
        """An account's records, oldest first."""
        found = [r for r in self._state.consent_records.values() if r.account_id == account_id]
        return sorted(found, key=lambda r: (r.at, r.id))
