"""Keyset pages: cursors survive a URL, and walking next and previous meets every item once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iclient_core.shared.paging import Cursor, Position, Window, keyset_window

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


@attrs.frozen
class Item:
    id: str
    created_at: datetime


class Listing:
    """A list kept newest first, read the way the repositories read it; counts the reads."""

    def __init__(self, items: Sequence[Item]) -> None:
        self.items = sorted(items, key=Position.of, reverse=True)
        self.reads = 0

    def __call__(
        self, *, after: Position | None, before: Position | None, limit: int
    ) -> Sequence[Item]:
        self.reads += 1
        found = [
            item
            for item in self.items
            if (after is None or Position.of(item) < after)
            and (before is None or Position.of(item) > before)
        ]
        return found[-limit:] if before is not None else found[:limit]


def items(count: int, *, same_minute_every: int = 3) -> list[Item]:
    """``count`` items, several sharing a creation time (the id then decides)."""
    return [
        Item(id=f"{n:04x}", created_at=T0 + timedelta(minutes=n // same_minute_every))
        for n in range(count)
    ]


@given(
    created_at=st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
    ),
    item_id=st.text(
        st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Cf", "Co", "Cn", "Zs")),
        min_size=1,
        max_size=36,
    ),
    backward=st.booleans(),
)
def test_a_cursor_reads_back_as_the_same_position(
    created_at: datetime, item_id: str, backward: bool
) -> None:
    cursor = Cursor(Position(created_at, item_id), backward=backward)
    text = cursor.encode()
    assert text.isascii() and text.replace("-", "").replace("_", "").isalnum()
    assert Cursor.decode(text) == cursor


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "2",
        "n",
        "x" + Cursor(Position(T0, "a")).encode()[1:],
        "n!!!",
        "n" + "A" * 300,
        "nMTIzNA",  # "1234": no id
        "nYWJjfHg",  # "abc|x": no time
        "nMTIzfA",  # "123|": an empty id
        "nMTIzfGEAYg",  # "123|a\x00b": a NUL, which PostgreSQL refuses
        "nOTk5OTk5OTk5OTk5OTk5OTk5OTl8YQ",  # 20 digits: beyond any datetime
    ],
)
def test_anything_else_is_no_cursor(text: str | None) -> None:
    assert Cursor.decode(text) is None


@pytest.mark.parametrize("count", [0, 1, 9, 10, 11, 23, 30])
def test_next_then_previous_walks_every_item_once_each_way(count: int) -> None:
    listing = Listing(items(count))
    expected = [item.id for item in listing.items]
    pages: list[Window[Item]] = [keyset_window(listing, cursor=None, size=10)]
    while pages[-1].has_next:
        pages.append(keyset_window(listing, cursor=pages[-1].next_cursor, size=10))
    assert [item.id for page in pages for item in page.items] == expected
    assert [len(page.items) for page in pages[:-1]] == [10] * (len(pages) - 1)
    assert pages[0].previous_cursor is None
    assert all(page.has_previous for page in pages[1:])
    assert pages[0].is_whole == (count <= 10)
    back = pages[-1]
    for page in reversed(pages[:-1]):
        back = keyset_window(listing, cursor=back.previous_cursor, size=10)
        assert back == page
    assert not back.has_previous


def test_a_page_reads_once_and_one_item_more_than_it_shows() -> None:
    listing = Listing(items(30))
    first = keyset_window(listing, cursor=None, size=10)
    second = keyset_window(listing, cursor=first.next_cursor, size=10)
    keyset_window(listing, cursor=second.previous_cursor, size=10)
    assert listing.reads == 3


def test_going_back_to_a_first_page_that_lost_items_shows_it_full() -> None:
    listing = Listing(items(30))
    first = keyset_window(listing, cursor=None, size=10)
    second = keyset_window(listing, cursor=first.next_cursor, size=10)
    del listing.items[:4]  # four of the newest were erased meanwhile
    listing.reads = 0
    back = keyset_window(listing, cursor=second.previous_cursor, size=10)
    assert [item.id for item in back.items] == [item.id for item in listing.items[:10]]
    assert not back.has_previous and back.has_next
    assert listing.reads == 2


def test_new_items_appear_on_a_previous_page_and_nothing_is_skipped() -> None:
    listing = Listing(items(20))
    first = keyset_window(listing, cursor=None, size=10)
    second = keyset_window(listing, cursor=first.next_cursor, size=10)
    newer = Item(id="ffff", created_at=T0 + timedelta(days=1))
    listing.items.insert(0, newer)
    back = keyset_window(listing, cursor=second.previous_cursor, size=10)
    assert back.items == first.items and back.has_previous
    top = keyset_window(listing, cursor=back.previous_cursor, size=10)
    assert top.items[0] == newer


def test_a_page_holds_at_least_one_item() -> None:
    with pytest.raises(ValueError, match="at least one"):
        keyset_window(Listing(items(3)), cursor=None, size=0)
