"""In-memory help: the page help texts admins wrote."""

from __future__ import annotations

from collections.abc import Sequence

from iclient_adapters.memory.state import MemoryState
from iclient_core.help.page_ports import PageHelpText


def _key(page: str, language: str) -> str:
    return f"{page}\n{language}"


class MemoryPageHelpRepository:
    """The ``PageHelpRepository`` port over a memory store's state."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def get(self, page: str, language: str) -> PageHelpText | None:
        """The text written for ``page`` in ``language``, or None."""
        return self._state.page_help.get(_key(page, language))

    def list(self) -> Sequence[PageHelpText]:
        """Every text written, by page then language."""
        return sorted(self._state.page_help.values(), key=lambda t: (t.page, t.language))

    def save(self, text: PageHelpText) -> None:
        """Store ``text`` in place of the one of the same page and language."""
        self._state.page_help[_key(text.page, text.language)] = text

    def remove(self, page: str, language: str) -> None:
        """Forget the text of ``page`` in ``language``."""
        self._state.page_help.pop(_key(page, language), None)
