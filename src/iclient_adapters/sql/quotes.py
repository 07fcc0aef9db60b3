"""The quote repository on SQL: ``quotes``, ``quote_proposals``, ``quote_lines``, ``quote_events``.

A quote is read in four queries whatever its size, and a list page in one (a ``quotes``
row carries the newest sent version's total and validity, and the client's name comes from
a join). Saving first moves the ``version`` on with ``UPDATE … WHERE version = :read``:
of two transactions that read the same quote, the second finds no row to update (on
PostgreSQL it waits for the first one's row lock, then sees the new version) and raises
``ConcurrentUpdate`` before writing anything else. Sent versions are never rewritten; the
history is only appended to.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

import cattrs
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from iclient_adapters.sql.connection import Executor
from iclient_adapters.sql.converters import Embedded, Row, same_named
from iclient_adapters.sql.guards import unique_guard
from iclient_adapters.sql.tables import (
    accounts,
    quote_events,
    quote_lines,
    quote_numbers,
    quote_proposals,
    quotes,
)
from iclient_core.quotes.model import (
    Proposal,
    ProposalContent,
    Quote,
    QuoteEvent,
    QuoteNumber,
    QuoteState,
)
from iclient_core.quotes.ports import QuoteSummary
from iclient_core.quotes.pricing import Line
from iclient_core.shared.errors import ConcurrentUpdate
from iclient_core.shared.money import Money
from iclient_core.shared.paging import Page

_VISITOR = Embedded(
    {
        "name": "visitor_name",
        "email": "visitor_email",
        "phone": "visitor_phone",
        "contact_consent_at": "visitor_consent_at",
    },
    marker="visitor_email",
)
_DECISION = Embedded(
    {
        "action": "decision_action",
        "at": "decided_at",
        "account_id": "decided_by",
        "account_label": "decided_by_label",
        "ip": "decision_ip",
        "proposal_number": "decision_number",
        "content_hash": "decision_hash",
        "reason": "decision_reason",
    },
    marker="decision_action",
)
_ATTACHMENT = Embedded(
    {
        "key": "attachment_key",
        "display_name": "attachment_name",
        "content_type": "attachment_type",
        "size": "attachment_size",
        "sha256": "attachment_sha256",
    },
    marker="attachment_key",
)
_NUMBER = Embedded({"prefix": "number_prefix", "year": "number_year", "sequence": "number_seq"})
_QUOTE_NESTED = ("number", "visitor", "decision", "attachment", "proposals", "events")
_DISCOUNT = Embedded({"kind": "discount_kind", "value": "discount_value"}, marker="discount_kind")
_QUANTITY = Embedded({"thousandths": "quantity_thousandths"})
_ACTOR = Embedded({"side": "side", "id": "actor_id", "label": "actor_label"})


# --------------------------------------------------------------------------- rows


def quote_row(converter: cattrs.Converter, quote: Quote) -> dict[str, Any]:
    """The ``quotes`` columns of ``quote`` (all but ``version``; proposals and events have
    rows of their own)."""
    fields = converter.unstructure(quote)
    sent = quote.sent_proposal
    return {
        **same_named(fields, Quote, besides=(*_QUOTE_NESTED, "version")),
        **_NUMBER.flatten(fields["number"]),
        **_VISITOR.flatten(fields["visitor"]),
        **_DECISION.flatten(fields["decision"]),
        **_ATTACHMENT.flatten(fields["attachment"]),
        # The newest sent version, copied for the lists.
        "sent_number": sent.number if sent else None,
        "sent_valid_until": sent.content.valid_until if sent else None,
        "sent_total_cents": sent.totals.total.cents if sent else None,
        "currency": sent.content.currency if sent else None,
    }


def proposal_row(converter: cattrs.Converter, quote_id: str, proposal: Proposal) -> dict[str, Any]:
    """The ``quote_proposals`` columns of one version (its lines have rows of their own)."""
    fields = converter.unstructure(proposal)
    content = fields["content"]
    return {
        "quote_id": quote_id,
        **same_named(fields, Proposal, besides=("content",)),
        **same_named(content, ProposalContent, besides=("discount", "lines")),
        **_DISCOUNT.flatten(content["discount"]),
    }


def line_rows(
    converter: cattrs.Converter, quote_id: str, proposal: Proposal
) -> list[dict[str, Any]]:
    """The ``quote_lines`` rows of one version, in order."""
    rows = []
    for position, line in enumerate(proposal.content.lines):
        fields = converter.unstructure(line)
        rows.append(
            {
                "quote_id": quote_id,
                "number": proposal.number,
                "position": position,
                **same_named(fields, Line, besides=("quantity", "unit_price")),
                **_QUANTITY.flatten(fields["quantity"]),
                # In the proposal's currency, which the proposal's row holds.
                "unit_price_cents": fields["unit_price"]["cents"],
            }
        )
    return rows


def event_row(converter: cattrs.Converter, quote_id: str, event: QuoteEvent) -> dict[str, Any]:
    """The ``quote_events`` row of one history entry."""
    fields = converter.unstructure(event)
    return {
        "quote_id": quote_id,
        **same_named(fields, QuoteEvent, besides=("actor",)),
        **_ACTOR.flatten(fields["actor"]),
    }


def _proposal_fields(row: Row, lines: Sequence[Row]) -> dict[str, Any]:
    currency = row["currency"]
    return {
        **same_named(row, Proposal, besides=("content",)),
        "content": {
            **same_named(row, ProposalContent, besides=("discount", "lines")),
            "discount": _DISCOUNT.nest(row),
            "lines": [_line_fields(line, currency) for line in lines],
        },
    }


def _line_fields(row: Row, currency: str) -> dict[str, Any]:
    return {
        **same_named(row, Line, besides=("quantity", "unit_price")),
        "quantity": _QUANTITY.nest(row),
        "unit_price": {"cents": row["unit_price_cents"], "currency": currency},
    }


def _event_fields(row: Row) -> dict[str, Any]:
    return {**same_named(row, QuoteEvent, besides=("actor",)), "actor": _ACTOR.nest(row)}


def quote_from_rows(
    converter: cattrs.Converter,
    row: Row,
    proposals: Sequence[Row],
    lines: Mapping[int, Sequence[Row]],
    events: Sequence[Row],
) -> Quote:
    """Rebuild a ``Quote`` from its row, its versions' rows (with their lines, by version
    number, in position order) and its history's rows, all in order."""
    decision = _DECISION.nest(row)
    if decision is not None and decision["reason"] is None:
        decision["reason"] = ""  # the column is nullable; no reason is an empty one
    fields = {
        **same_named(row, Quote, besides=_QUOTE_NESTED),
        "number": _NUMBER.nest(row),
        "visitor": _VISITOR.nest(row),
        "decision": decision,
        "attachment": _ATTACHMENT.nest(row),
        "proposals": [_proposal_fields(p, lines.get(p["number"], ())) for p in proposals],
        "events": [_event_fields(e) for e in events],
    }
    return converter.structure(fields, Quote)


# --------------------------------------------------------------------------- filters


def _state_filter(states: Collection[QuoteState], today: date) -> sa.ColumnElement[bool]:
    """Rows whose effective state is one of ``states`` (sent and overdue counts as expired)."""
    sent = quotes.c.state == QuoteState.SENT.value
    overdue = sa.and_(sent, quotes.c.sent_valid_until < today)
    conditions: list[sa.ColumnElement[bool]] = []
    for state in states:
        if state is QuoteState.SENT:
            conditions.append(
                sa.and_(
                    sent,
                    sa.or_(quotes.c.sent_valid_until.is_(None), quotes.c.sent_valid_until >= today),
                )
            )
        elif state is QuoteState.EXPIRED:
            conditions.append(sa.or_(quotes.c.state == QuoteState.EXPIRED.value, overdue))
        else:
            conditions.append(quotes.c.state == state.value)
    return sa.or_(sa.false(), *conditions)


def _filters(
    today: date,
    client_id: str | None,
    states: Collection[QuoteState] | None,
    valid_until_by: date | None,
) -> list[sa.ColumnElement[bool]]:
    found: list[sa.ColumnElement[bool]] = []
    if client_id is not None:
        found.append(quotes.c.client_id == client_id)
    if states is not None:
        found.append(_state_filter(states, today))
    if valid_until_by is not None:
        found.append(quotes.c.sent_valid_until <= valid_until_by)
    return found


def _effective(row: Row, today: date) -> QuoteState:
    state = QuoteState(row["state"])
    valid_until = row["sent_valid_until"]
    if state is QuoteState.SENT and valid_until is not None and valid_until < today:
        return QuoteState.EXPIRED
    return state


# --------------------------------------------------------------------------- repository


class SqlQuoteRepository:
    """The ``QuoteRepository`` port on a connection."""

    def __init__(self, connection: Executor, converter: cattrs.Converter) -> None:
        self._db = connection
        self._converter = converter

    def add(self, quote: Quote) -> None:
        """Insert a new quote with its versions and history.

        Raises:
            AlreadyExists: the id or the number is taken.
        """
        with unique_guard(self._db, quote.id):
            self._db.execute(
                sa.insert(quotes).values(**quote_row(self._converter, quote), version=quote.version)
            )
        self._insert_proposals(quote.id, quote.proposals)
        self._insert_events(quote.id, quote.events)

    def next_number(self, year: int) -> int:
        """Move ``year``'s counter on and return it, in one statement. The counter's row stays
        locked until the caller's transaction ends (a concurrent one waits, then counts on
        from the number this one took); SQLite lets one writer in at a time anyway."""
        insert = postgresql.insert if self._db.dialect.name == "postgresql" else sqlite.insert
        upsert = insert(quote_numbers).values(year=year, last=1)
        statement = upsert.on_conflict_do_update(
            index_elements=[quote_numbers.c.year],
            set_={"last": quote_numbers.c.last + 1},
        ).returning(quote_numbers.c.last)
        return int(self._db.execute(statement).scalar_one())

    def _insert_proposals(self, quote_id: str, proposals: Sequence[Proposal]) -> None:
        if not proposals:
            return
        self._db.execute(
            sa.insert(quote_proposals),
            [proposal_row(self._converter, quote_id, p) for p in proposals],
        )
        rows = [row for p in proposals for row in line_rows(self._converter, quote_id, p)]
        if rows:
            self._db.execute(sa.insert(quote_lines), rows)

    def _insert_events(self, quote_id: str, events: Sequence[QuoteEvent]) -> None:
        if events:
            self._db.execute(
                sa.insert(quote_events), [event_row(self._converter, quote_id, e) for e in events]
            )

    def get(self, quote_id: str) -> Quote | None:
        """The whole quote in four queries, or None."""
        return self.get_many([quote_id]).get(quote_id)

    def get_many(self, quote_ids: Collection[str]) -> dict[str, Quote]:
        """The whole quotes with these ids, by id, in four queries (their rows, their
        versions, the versions' lines, their history)."""
        ids = sorted(set(quote_ids))
        if not ids:
            return {}
        rows = self._db.execute(sa.select(quotes).where(quotes.c.id.in_(ids))).mappings().all()
        if not rows:
            return {}
        proposals: dict[str, list[Row]] = {}
        for proposal in self._db.execute(
            sa.select(quote_proposals)
            .where(quote_proposals.c.quote_id.in_(ids))
            .order_by(quote_proposals.c.quote_id, quote_proposals.c.number)
        ).mappings():
            proposals.setdefault(proposal["quote_id"], []).append(proposal)
        lines: dict[str, dict[int, list[Row]]] = {}
        for line in self._db.execute(
            sa.select(quote_lines)
            .where(quote_lines.c.quote_id.in_(ids))
            .order_by(quote_lines.c.quote_id, quote_lines.c.number, quote_lines.c.position)
        ).mappings():
            lines.setdefault(line["quote_id"], {}).setdefault(line["number"], []).append(line)
        events: dict[str, list[Row]] = {}
        for event in self._db.execute(
            sa.select(quote_events)
            .where(quote_events.c.quote_id.in_(ids))
            .order_by(quote_events.c.quote_id, quote_events.c.seq)
        ).mappings():
            events.setdefault(event["quote_id"], []).append(event)
        return {
            row["id"]: quote_from_rows(
                self._converter,
                row,
                proposals.get(row["id"], []),
                lines.get(row["id"], {}),
                events.get(row["id"], []),
            )
            for row in rows
        }

    def save(self, quote: Quote) -> None:
        """Write back a changed quote and bump its version.

        Raises:
            ConcurrentUpdate: the stored version is not the one that was read.
            ValueError: a sent version was changed (they are frozen).
        """
        values = quote_row(self._converter, quote)
        del values["id"]
        result = self._db.execute(
            sa.update(quotes)
            .where(quotes.c.id == quote.id, quotes.c.version == quote.version)
            .values(**values, version=quote.version + 1)
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate(quote.id)
        stored = {
            row.number: row
            for row in self._db.execute(
                sa.select(
                    quote_proposals.c.number,
                    quote_proposals.c.sent_at,
                    quote_proposals.c.content_hash,
                ).where(quote_proposals.c.quote_id == quote.id)
            )
        }
        fresh: list[Proposal] = []
        for proposal in quote.proposals:
            known = stored.get(proposal.number)
            if known is None:
                fresh.append(proposal)
            elif known.sent_at is not None:
                if proposal.content_hash != known.content_hash:
                    raise ValueError(f"version {proposal.number} was sent and cannot change")
            else:  # an open draft: replace it
                self._db.execute(
                    sa.delete(quote_lines).where(
                        quote_lines.c.quote_id == quote.id,
                        quote_lines.c.number == proposal.number,
                    )
                )
                self._db.execute(
                    sa.delete(quote_proposals).where(
                        quote_proposals.c.quote_id == quote.id,
                        quote_proposals.c.number == proposal.number,
                    )
                )
                fresh.append(proposal)
        self._insert_proposals(quote.id, fresh)
        last = self._db.execute(
            sa.select(sa.func.coalesce(sa.func.max(quote_events.c.seq), 0)).where(
                quote_events.c.quote_id == quote.id
            )
        ).scalar_one()
        self._insert_events(quote.id, [e for e in quote.events if e.seq > last])
        quote.version += 1

    def _listing(self) -> sa.Select[Any]:
        return sa.select(
            quotes.c.id,
            quotes.c.number_prefix,
            quotes.c.number_year,
            quotes.c.number_seq,
            quotes.c.subject,
            quotes.c.state,
            quotes.c.client_id,
            quotes.c.created_at,
            quotes.c.updated_at,
            quotes.c.visitor_name,
            quotes.c.visitor_email,
            quotes.c.sent_valid_until,
            quotes.c.sent_total_cents,
            quotes.c.currency,
            accounts.c.first_name,
            accounts.c.last_name,
            accounts.c.email,
        ).select_from(quotes.outerjoin(accounts, accounts.c.id == quotes.c.client_id))

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
        """Matching quotes, most recently changed first, in one query."""
        query = (
            self._listing()
            .where(*_filters(today, client_id, states, valid_until_by))
            .order_by(quotes.c.updated_at.desc(), quotes.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [self._summary(row, today) for row in self._db.execute(query).mappings()]

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
        """One page and, by a window count in the same statement, the total."""
        conditions = _filters(today, client_id, states, valid_until_by)
        query = (
            self._listing()
            .add_columns(sa.func.count().over().label("total"))
            .where(*conditions)
            .order_by(quotes.c.updated_at.desc(), quotes.c.id.desc())
            .limit(size)
            .offset((number - 1) * size)
        )
        rows = self._db.execute(query).mappings().all()
        if rows:
            total = int(rows[0]["total"])
        elif number > 1:  # past the end: the window counted nothing
            total = self.count(
                today=today, client_id=client_id, states=states, valid_until_by=valid_until_by
            )
        else:
            total = 0
        items = tuple(self._summary(row, today) for row in rows)
        return Page(items=items, total=total, number=number, size=size)

    def _summary(self, row: sa.RowMapping, today: date) -> QuoteSummary:
        if row["email"] is not None:
            name = f"{row['first_name']} {row['last_name']}".strip()
            email = row["email"]
        else:
            name, email = row["visitor_name"] or "", row["visitor_email"] or ""
        total = row["sent_total_cents"]
        return QuoteSummary(
            id=row["id"],
            number=QuoteNumber(row["number_prefix"], row["number_year"], row["number_seq"]),
            subject=row["subject"],
            state=_effective(row, today),
            client_id=row["client_id"],
            client_name=name,
            client_email=email,
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            total=Money(int(total), row["currency"]) if total is not None else None,
            valid_until=row["sent_valid_until"],
        )

    def count(
        self,
        *,
        today: date,
        client_id: str | None = None,
        states: Collection[QuoteState] | None = None,
        valid_until_by: date | None = None,
    ) -> int:
        """How many quotes match."""
        query = (
            sa.select(sa.func.count())
            .select_from(quotes)
            .where(*_filters(today, client_id, states, valid_until_by))
        )
        return int(self._db.execute(query).scalar_one())

    def list_overdue(self, *, today: date, limit: int = 100) -> Sequence[str]:
        """Ids of sent quotes past their validity date, oldest first."""
        query = (
            sa.select(quotes.c.id)
            .where(
                quotes.c.state == QuoteState.SENT.value,
                quotes.c.sent_valid_until < today,
            )
            .order_by(quotes.c.updated_at, quotes.c.id)
            .limit(limit)
        )
        return [str(value) for value in self._db.execute(query).scalars()]
