"""The quote repository of the in-memory store (see ``iclient_adapters.memory``)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Sequence
from datetime import date

from iclient_adapters.memory.state import MemoryState
from iclient_core.quotes.model import Quote, QuoteState
from iclient_core.quotes.ports import QuoteSummary
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate
from iclient_core.shared.paging import Page


def summarise(quote: Quote, today: date, name: str, email: str) -> QuoteSummary:
    """The list row of ``quote``."""
    sent = quote.sent_proposal
    return QuoteSummary(
        id=quote.id,
        number=quote.number,
        subject=quote.subject,
        state=quote.effective_state(today),
        client_id=quote.client_id,
        client_name=name,
        client_email=email,
        created_at=quote.created_at,
        updated_at=quote.updated_at,
        total=sent.totals.total if sent is not None else None,
        valid_until=sent.content.valid_until if sent is not None else None,
    )


def _valid_until_by(quote: Quote, day: date) -> bool:
    sent = quote.sent_proposal
    return (
        sent is not None
        and sent.content.valid_until is not None
        and (sent.content.valid_until <= day)
    )


class MemoryQuoteRepository:
    """Quotes in a dict, saved with an optimistic version check."""

    def __init__(self, state: MemoryState, take_number: Callable[[int], int]) -> None:
        self._state = state
        self._take_number = take_number

    def add(self, quote: Quote) -> None:
        """Store a new quote (its id and its number unique)."""
        if quote.id in self._state.quotes:
            raise AlreadyExists(quote.id)
        number = (quote.number.year, quote.number.sequence)
        if any((q.number.year, q.number.sequence) == number for q in self._state.quotes.values()):
            raise AlreadyExists(str(quote.number))
        self._state.quotes[quote.id] = copy.deepcopy(quote)

    def next_number(self, year: int) -> int:
        """The store's next number of ``year`` (kept by the store, outside transactions)."""
        return self._take_number(year)

    def get(self, quote_id: str) -> Quote | None:
        """The quote, or None."""
        found = self._state.quotes.get(quote_id)
        return copy.deepcopy(found) if found is not None else None

    def get_many(self, quote_ids: Collection[str]) -> dict[str, Quote]:
        """The quotes with these ids, by id."""
        return {
            quote_id: copy.deepcopy(self._state.quotes[quote_id])
            for quote_id in quote_ids
            if quote_id in self._state.quotes
        }

    def save(self, quote: Quote) -> None:
        """Write back a changed quote (optimistic version check)."""
        stored = self._state.quotes.get(quote.id)
        if stored is None or stored.version != quote.version:
            raise ConcurrentUpdate(quote.id)
        frozen = {p.number: p for p in stored.proposals if p.is_frozen}
        for proposal in quote.proposals:
            if proposal.number in frozen and proposal != frozen[proposal.number]:
                raise ValueError(f"version {proposal.number} was sent and cannot change")
        quote.version += 1
        self._state.quotes[quote.id] = copy.deepcopy(quote)

    def _matching(
        self,
        today: date,
        client_id: str | None,
        states: Collection[QuoteState] | None,
        valid_until_by: date | None,
    ) -> list[Quote]:
        wanted = set(states) if states is not None else None
        found = [
            q
            for q in self._state.quotes.values()
            if (client_id is None or q.client_id == client_id)
            and (wanted is None or q.effective_state(today) in wanted)
            and (valid_until_by is None or _valid_until_by(q, valid_until_by))
        ]
        found.sort(key=lambda q: (q.updated_at, q.id), reverse=True)
        return found

    def _names(self, quote: Quote) -> tuple[str, str]:
        account = self._state.accounts.get(quote.client_id or "")
        if account is not None:
            return account.profile.full_name, account.email.address
        if quote.visitor is not None:
            return quote.visitor.name, quote.visitor.email
        return "", ""

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
        """Matching quotes, most recently changed first."""
        found = self._matching(today, client_id, states, valid_until_by)
        page = found[offset : offset + limit]
        return [summarise(q, today, *self._names(q)) for q in page]

    def count(
        self,
        *,
        today: date,
        client_id: str | None = None,
        states: Collection[QuoteState] | None = None,
        valid_until_by: date | None = None,
    ) -> int:
        """How many quotes match."""
        return len(self._matching(today, client_id, states, valid_until_by))

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
        """One page of matching quotes and the total."""
        found = self._matching(today, client_id, states, valid_until_by)
        start = (number - 1) * size
        items = tuple(summarise(q, today, *self._names(q)) for q in found[start : start + size])
        return Page(items=items, total=len(found), number=number, size=size)

    def list_overdue(self, *, today: date, limit: int = 100) -> Sequence[str]:
        """Ids of sent quotes past their validity date, oldest first."""
        overdue = sorted(
            (q for q in self._state.quotes.values() if q.is_overdue(today)),
            key=lambda q: (q.updated_at, q.id),
        )
        return [q.id for q in overdue[:limit]]
