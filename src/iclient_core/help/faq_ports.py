"""The FAQ repository port."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from iclient_core.help.faq import FaqEntry


class FaqRepository(Protocol):
    """The FAQ entries of every language."""

    def add(self, entry: FaqEntry) -> None:
        """Store a new entry.

        Raises:
            AlreadyExists: an entry of the same language has this anchor.
        """

    def get(self, entry_id: str) -> FaqEntry | None:
        """One entry by id, or None."""

    def update(self, entry: FaqEntry) -> None:
        """Store the changed fields of an existing entry (its id and anchor do not change).

        Raises:
            NotFound: no entry has this id.
        """

    def delete(self, entry_id: str) -> None:
        """Remove an entry (nothing happens when there is none)."""

    def list(
        self, *, language: str | None = None, published: bool | None = None
    ) -> Sequence[FaqEntry]:
        """Entries (of one language, published or not, when given), by language, then
        position, then question."""
