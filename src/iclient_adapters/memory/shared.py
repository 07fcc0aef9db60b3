"""In-memory pieces every domain shares: the audit log and the business settings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from iclient_adapters.memory.state import MemoryState
from iclient_core.shared.audit import AuditEntry
from iclient_core.shared.business import BusinessSettings


class MemoryAuditLog:
    """The audit log in a dict; append and read, nothing else."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def append(self, entry: AuditEntry) -> None:
        """Add an entry."""
        self._state.audit[entry.id] = entry

    def _matching(
        self,
        action: str | None,
        actor_id: str | None,
        target_id: str | None,
        since: datetime | None,
        until: datetime | None,
        subject_id: str | None = None,
    ) -> list[AuditEntry]:
        found = [
            e
            for e in self._state.audit.values()
            if (action is None or e.action == action)
            and (actor_id is None or e.actor_id == actor_id)
            and (target_id is None or e.target_id == target_id)
            and (subject_id is None or e.subject_id == subject_id)
            and (since is None or e.at >= since)
            and (until is None or e.at < until)
        ]
        found.sort(key=lambda e: (e.at, e.id))
        return found

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
        found = self._matching(action, actor_id, target_id, since, until, subject_id)
        return found[offset : offset + limit]

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
        return len(self._matching(action, actor_id, target_id, since, until, subject_id))


_KEY = "business"
REVISION = "portal"
"""The counter that holds the portal's revision."""


class MemorySettingsRepository:
    """The ``SettingsRepository`` port over a memory store's state."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def get(self) -> BusinessSettings | None:
        """The stored settings, or None."""
        return self._state.settings.get(_KEY)

    def save(self, settings: BusinessSettings) -> None:
        """Replace the stored settings."""
        self._state.settings[_KEY] = settings

    def revision(self) -> int:
        """The portal's revision."""
        return self._state.counters.get(REVISION, 0)

    def bump_revision(self) -> None:
        """Move the revision on."""
        self._state.counters[REVISION] = self.revision() + 1
