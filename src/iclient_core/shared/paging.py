"""One page of a longer list, as the staff lists show them."""

from __future__ import annotations

from typing import Generic, TypeVar

import attrs

T = TypeVar("T")


@attrs.frozen
class Page(Generic[T]):
    """Items of page ``number`` (from 1) of a list of ``total`` items, ``size`` per page."""

    items: tuple[T, ...]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one, even when empty)."""
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        """Whether there is a page before this one."""
        return self.number > 1

    @property
    def has_next(self) -> bool:
        """Whether there is a page after this one."""
        return self.number < self.pages


def page_number(requested: int | str | None, total: int, size: int) -> int:
    """A valid page number for ``requested`` (anything unreadable or out of range is clamped)."""
    try:
        number = int(requested or 1)
    except (TypeError, ValueError):
        number = 1
    last = max(1, -(-total // size))
    return min(max(number, 1), last)


def requested_page(requested: int | str | None) -> int:
    """The page number asked for in a URL (1 for anything unreadable, at most six digits).

    For lists whose total is counted with the page itself, where :func:`page_number` cannot
    clamp to the last page beforehand.
    """
    text = str(requested or "1")
    return max(1, int(text)) if text.isascii() and text.isdigit() and 0 < len(text) <= 6 else 1
