"""The ports of the quotes: the repository, its list rows, and the links put in e-mails."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Protocol

import attrs

from iclient_core.quotes.model import Quote, QuoteNumber, QuoteState, Side, waiting_for
from iclient_core.shared.money import Money
from iclient_core.shared.paging import Page


@attrs.frozen
class QuoteSummary:
    """One row of a quote list: enough to show it without loading its versions.

    Attributes:
        state: the effective state on the day the list was asked for (overdue → expired).
        client_name: the client's name, or the visitor's for a request without an account.
        client_email: the client's (or visitor's) e-mail address.
        total: the grand total of the newest sent version, if any.
        valid_until: the validity date of the newest sent version, if any.
    """

    id: str
    number: QuoteNumber
    subject: str
    state: QuoteState
    client_id: str | None
    client_name: str
    client_email: str
    created_at: datetime
    updated_at: datetime
    total: Money | None
    valid_until: date | None

    @property
    def reference(self) -> str:
        """The number people quote (see ``Quote.reference``)."""
        return str(self.number)

    @property
    def waiting_for(self) -> Side | None:
        """Whose move it is."""
        return waiting_for(self.state)

    @property
    def is_visitor(self) -> bool:
        """True for a request from the public form not yet given to a client account."""
        return self.client_id is None


class QuoteRepository(Protocol):
    """Stores quotes with their versions, lines, history and decision, as one aggregate."""

    def add(self, quote: Quote) -> None:
        """Store a new quote.

        Raises:
            AlreadyExists: the id, or the number (year and sequence), is taken.
        """

    def next_number(self, year: int) -> int:
        """The next sequence number of ``year`` for a new quote: 1 for the year's first.

        Never the same number twice, even for transactions numbering at the same moment on
        several connections or processes (the caller's transaction may wait for another's
        to end). A number taken by a transaction that rolls back may be skipped: there may
        be gaps, never duplicates.
        """

    def get(self, quote_id: str) -> Quote | None:
        """The whole quote, or None (a fixed number of queries, whatever its size)."""

    def get_many(self, quote_ids: Collection[str]) -> Mapping[str, Quote]:
        """The whole quotes with these ids, by id (unknown ids left out), in as many queries
        as :meth:`get` takes for one."""

    def save(self, quote: Quote) -> None:
        """Write back a quote changed since it was read, and bump its ``version``.

        Versions already sent are never rewritten; new history entries are appended.

        Raises:
            ConcurrentUpdate: the stored version is not the one that was read (someone else
                decided or changed the quote first); nothing was written.
        """

    def list(
        self,
        *,
        today: date,
        client_id: str | None = None,
        states: Collection[QuoteState] | None = None,
        valid_until_by: date | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> Sequence[QuoteSummary]:
        """Quotes, most recently changed first, in one query whatever the page size.

        Args:
            today: the business's date, which decides which sent quotes count as expired.
            client_id: only this client's quotes.
            states: only quotes whose *effective* state is one of these.
            valid_until_by: only quotes whose newest sent version is valid until this date
                or earlier.
            limit: the page size.
            offset: how many matching rows to skip.
        """

    def count(
        self,
        *,
        today: date,
        client_id: str | None = None,
        states: Collection[QuoteState] | None = None,
        valid_until_by: date | None = None,
    ) -> int:
        """How many quotes :meth:`list` would find without a limit."""

    def page(
        self,
        *,
        today: date,
        client_id: str | None = None,
        states: Collection[QuoteState] | None = None,
        valid_until_by: date | None = None,
        number: int = 1,
        size: int = 20,
    ) -> Page[QuoteSummary]:
        """Page ``number`` of what :meth:`list` finds, with the total: one look-up (a lists'
        page costs no separate count)."""

    def list_overdue(self, *, today: date, limit: int = 100) -> Sequence[str]:
        """Ids of sent quotes whose validity date is before ``today``, oldest first."""
