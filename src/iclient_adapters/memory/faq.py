"""In-memory FAQ repository."""

from __future__ import annotations

from collections.abc import Sequence

from iclient_adapters.memory.state import MemoryState
from iclient_core.help.faq import FaqEntry
from iclient_core.shared.errors import AlreadyExists, NotFound


class MemoryFaqRepository:
    """The ``FaqRepository`` port over a memory store's state."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add(self, entry: FaqEntry) -> None:
        """Store a new entry; (language, anchor) is unique."""
        if entry.id in self._state.faq_entries or any(
            (e.language, e.anchor) == (entry.language, entry.anchor)
            for e in self._state.faq_entries.values()
        ):
            raise AlreadyExists(f"faq {entry.language}#{entry.anchor}")
        self._state.faq_entries[entry.id] = entry

    def get(self, entry_id: str) -> FaqEntry | None:
        """One entry by id."""
        return self._state.faq_entries.get(entry_id)

    def update(self, entry: FaqEntry) -> None:
        """Replace a stored entry."""
        if entry.id not in self._state.faq_entries:
            raise NotFound(entry.id)
        if any(
            (e.language, e.anchor) == (entry.language, entry.anchor) and e.id != entry.id
            for e in self._state.faq_entries.values()
        ):
            raise AlreadyExists(f"faq {entry.language}#{entry.anchor}")
        self._state.faq_entries[entry.id] = entry

    def delete(self, entry_id: str) -> None:
        """Remove an entry."""
        self._state.faq_entries.pop(entry_id, None)

    def list(
        self, *, language: str | None = None, published: bool | None = None
    ) -> Sequence[FaqEntry]:
        """Entries by language, position, question."""
        found = [
            e
            for e in self._state.faq_entries.values()
            if (language is None or e.language == language)
            and (published is None or e.published == published)
        ]
        return sorted(found, key=lambda e: (e.language, e.position, e.question, e.id))
