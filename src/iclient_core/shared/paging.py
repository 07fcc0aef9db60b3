"""One page of a longer list, as the lists show them.

Two ways to page: :class:`Page`, a numbered page of a counted list (small lists, where a
count is cheap), and :class:`Window`, a page found by keyset (the staff lists of accounts,
which grow to hundreds of thousands): the page after or before an item's :class:`Position`,
carried in links as an opaque :class:`Cursor`, with no total to count.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Generic, Protocol, TypeVar

import attrs

T = TypeVar("T")
L_co = TypeVar("L_co", covariant=True)


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


class Listed(Protocol):
    """What an item of a keyset-paged list has: an id and a creation time."""

    @property
    def id(self) -> str:
        """The item's id (breaks ties between items created at the same instant)."""

    @property
    def created_at(self) -> datetime:
        """When the item was created (the lists are newest first)."""


L = TypeVar("L", bound=Listed)

_CURSOR_MAX_LENGTH = 200
_ID_MAX_LENGTH = 36
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_MICROS_MAX_DIGITS = 18  # enough for any datetime (to the year 9999); more is refused unread
_AFTER, _BEFORE = "n", "p"


@attrs.frozen(order=True)
class Position:
    """Where an item stands in a list kept newest first: its creation time, then its id.

    Lists compare the pair as one key, ``(created_at, id)``, so that items created at the
    same instant still have an order and a page boundary never splits or repeats them.
    """

    created_at: datetime
    id: str

    @classmethod
    def of(cls, item: Listed) -> Position:
        """The position of ``item``."""
        return cls(created_at=item.created_at, id=item.id)


@attrs.frozen
class Cursor:
    """Where a page of a keyset-paged list starts, as carried by a "next" or "previous" link.

    Attributes:
        position: the item at the edge of the page the link was on.
        backward: False for the items listed after ``position`` (older: the next page),
            True for those listed before it (newer: the previous page).
    """

    position: Position
    backward: bool = False

    def encode(self) -> str:
        """The cursor as an opaque, URL-safe text."""
        micros = (self.position.created_at - _EPOCH) // _MICROSECOND
        raw = f"{micros}|{self.position.id}".encode()
        body = base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
        return (_BEFORE if self.backward else _AFTER) + body

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        """The cursor that ``text`` (from a URL) encodes, or None for anything else.

        A cursor is not signed: forging one only moves where a page starts, among the items
        the reader may list anyway. Ids that could not be ids (too long, control characters)
        are refused.
        """
        if not text or len(text) > _CURSOR_MAX_LENGTH or text[0] not in (_AFTER, _BEFORE):
            return None
        body = text[1:]
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("utf-8")
            micros, separator, item_id = raw.partition("|")
            digits = micros.removeprefix("-")
            if not (digits.isascii() and digits.isdigit()) or len(digits) > _MICROS_MAX_DIGITS:
                return None
            created_at = _EPOCH + int(micros) * _MICROSECOND
        except (ValueError, OverflowError):  # binascii.Error, UnicodeDecodeError: ValueErrors
            return None
        if not separator or not 0 < len(item_id) <= _ID_MAX_LENGTH or not item_id.isprintable():
            return None
        return cls(Position(created_at, item_id), backward=text[0] == _BEFORE)


@attrs.frozen
class Window(Generic[T]):
    """One page of a list paged by keyset, newest first, and the cursors of its neighbours.

    There is no total: counting every match of a search costs more than finding one page of
    it. A window knows only whether there are items before and after it.

    Attributes:
        items: the page's items, newest first.
        next_cursor: the cursor of the page after this one (older items), or None at the end.
        previous_cursor: the cursor of the page before this one (newer items), or None on
            the first page.
    """

    items: tuple[T, ...]
    next_cursor: str | None = None
    previous_cursor: str | None = None

    @property
    def has_next(self) -> bool:
        """Whether there are items after this page."""
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        """Whether there are items before this page."""
        return self.previous_cursor is not None

    @property
    def is_whole(self) -> bool:
        """Whether the page holds the whole list (then ``len(items)`` is its length)."""
        return not (self.has_next or self.has_previous)


class KeysetFetch(Protocol[L_co]):
    """Reads up to ``limit`` items of a list, newest first, from either side of a position."""

    def __call__(
        self, *, after: Position | None, before: Position | None, limit: int
    ) -> Sequence[L_co]:
        """The items after ``after`` (the first ones if None), or the ``limit`` items just
        before ``before``; newest first either way."""


def keyset_window(
    fetch: KeysetFetch[L],
    *,
    cursor: str | None,
    size: int,
    position: Callable[[L], Position] = Position.of,
) -> Window[L]:
    """The page of ``size`` items that ``cursor`` points at (the first page for None or for
    anything unreadable), reading one item more than shown to know whether more follow.

    ``position`` is an item's place in the list (its creation time and id by default; a list
    kept in another order, such as bookings by start, names its own). ``fetch`` keeps the
    list's order: "after" a position is whatever that order puts after it.

    One read, or two when a "previous" link leads back to a first page that has lost items
    since (that page is then read afresh from the top, so that it is full).

    Raises:
        ValueError: ``size`` is not positive.
    """
    if size < 1:
        raise ValueError(f"a page holds at least one item, not {size}")
    start = Cursor.decode(cursor)
    if start is not None and start.backward:
        found = fetch(after=None, before=start.position, limit=size + 1)
        if len(found) >= size:
            more = len(found) > size
            items = tuple(found[1:] if more else found)
            return Window(
                items=items,
                next_cursor=Cursor(position(items[-1])).encode(),
                previous_cursor=Cursor(position(items[0]), backward=True).encode()
                if more
                else None,
            )
        start = None
    after = start.position if start is not None else None
    found = fetch(after=after, before=None, limit=size + 1)
    items = tuple(found[:size])
    previous = None
    if start is not None:
        edge = position(items[0]) if items else start.position
        previous = Cursor(edge, backward=True).encode()
    return Window(
        items=items,
        next_cursor=Cursor(position(items[-1])).encode() if len(found) > size else None,
        previous_cursor=previous,
    )
