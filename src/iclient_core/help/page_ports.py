"""The page help's value and port: the text an admin wrote for one page in one language,
and the repository that keeps them (the use cases are in :mod:`.pages`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import attrs


@attrs.frozen(kw_only=True)
class PageHelpText:
    """What an admin wrote to explain one page in one language, in place of the shipped text.

    Attributes:
        page: the page's name (the bundled portal uses its endpoint, ``documents.index``).
        language: ``pt`` or ``en``.
        text: Markdown.
        updated_at: when it was last saved.
    """

    page: str
    language: str
    text: str
    updated_at: datetime


class PageHelpRepository(Protocol):
    """The help texts admins wrote, one per page and language."""

    def get(self, page: str, language: str) -> PageHelpText | None:
        """The text written for ``page`` in ``language``, or None."""

    def list(self) -> Sequence[PageHelpText]:
        """Every text written, by page then language."""

    def save(self, text: PageHelpText) -> None:
        """Store ``text``, replacing the one of the same page and language."""

    def remove(self, page: str, language: str) -> None:
        """Forget the text of ``page`` in ``language`` (nothing if there is none)."""
