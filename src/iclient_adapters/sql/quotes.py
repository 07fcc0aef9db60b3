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

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from iclient_adapters.sql.guards import unique_guard
from iclient_adapters.sql.tables import accounts, quote_events, quote_lines, quote_proposals, quotes
from iclient_core.quotes.model import (
    Action,
    Actor,
    Attachment,
    Decision,
    Proposal,
    ProposalContent,
    Quote,
    QuoteEvent,
    QuoteState,
    Side,
    VisitorContact,
)
from iclient_core.quotes.ports import QuoteSummary
from iclient_core.quotes.pricing import Discount, DiscountKind, Line
from iclient_core.shared.errors import ConcurrentUpdate
from iclient_core.shared.money import Money, Quantity

Row = sa.RowMapping


# --------------------------------------------------------------------------- rows


def quote_row(quote: Quote) -> dict[str, Any]:
    """The ``quotes`` columns of ``quote`` (all but ``version``)."""
    visitor, decision, sent = quote.visitor, quote.decision, quote.sent_proposal
    attachment = quote.attachment
    return {
        "id": quote.id,
        "client_id": quote.client_id,
        "state": quote.state.value,
        "subject": quote.subject,
        "details": quote.details,
        "desired_date": quote.desired_date,
        "language": quote.language,
        "created_at": quote.created_at,
        "updated_at": quote.updated_at,
        "visitor_name": visitor.name if visitor else None,
        "visitor_email": visitor.email if visitor else None,
        "visitor_phone": visitor.phone if visitor else None,
        "visitor_consent_at": visitor.contact_consent_at if visitor else None,
        "sent_number": sent.number if sent else None,
        "sent_valid_until": sent.content.valid_until if sent else None,
        "sent_total_cents": sent.totals.total.cents if sent else None,
        "currency": sent.content.currency if sent else None,
        "decision_action": decision.action.value if decision else None,
        "decided_at": decision.at if decision else None,
        "decided_by": decision.account_id if decision else None,
        "decided_by_label": decision.account_label if decision else None,
        "decision_ip": decision.ip if decision else None,
        "decision_number": decision.proposal_number if decision else None,
        "decision_hash": decision.content_hash if decision else None,
        "decision_reason": decision.reason if decision else None,
        "attachment_key": attachment.key if attachment else None,
        "attachment_name": attachment.display_name if attachment else None,
        "attachment_type": attachment.content_type if attachment else None,
        "attachment_size": attachment.size if attachment else None,
        "attachment_sha256": attachment.sha256 if attachment else None,
    }


def proposal_row(quote_id: str, proposal: Proposal) -> dict[str, Any]:
    """The ``quote_proposals`` columns of one version."""
    content = proposal.content
    return {
        "quote_id": quote_id,
        "number": proposal.number,
        "currency": content.currency,
        "discount_kind": content.discount.kind.value if content.discount else None,
        "discount_value": content.discount.value if content.discount else None,
        "valid_until": content.valid_until,
        "message": content.message,
        "created_at": proposal.created_at,
        "created_by": proposal.created_by,
        "sent_at": proposal.sent_at,
        "content_hash": proposal.content_hash,
    }


def line_rows(quote_id: str, proposal: Proposal) -> list[dict[str, Any]]:
    """The ``quote_lines`` rows of one version, in order."""
    return [
        {
            "quote_id": quote_id,
            "number": proposal.number,
            "position": position,
            "description": line.description,
            "quantity_thousandths": line.quantity.thousandths,
            "unit_price_cents": line.unit_price.cents,
            "vat_rate": line.vat_rate,
        }
        for position, line in enumerate(proposal.content.lines)
    ]


def event_row(quote_id: str, event: QuoteEvent) -> dict[str, Any]:
    """The ``quote_events`` row of one history entry."""
    return {
        "quote_id": quote_id,
        "seq": event.seq,
        "at": event.at,
        "action": event.action.value,
        "from_state": event.from_state.value if event.from_state else None,
        "to_state": event.to_state.value,
        "side": event.actor.side.value,
        "actor_id": event.actor.id,
        "actor_label": event.actor.label,
        "proposal_number": event.proposal_number,
        "note": event.note,
    }


def _proposal(row: Row, lines: list[Row]) -> Proposal:
    currency = row["currency"]
    discount = (
        Discount(DiscountKind(row["discount_kind"]), int(row["discount_value"]))
        if row["discount_kind"]
        else None
    )
    content = ProposalContent(
        lines=tuple(
            Line(
                description=line["description"],
                quantity=Quantity(int(line["quantity_thousandths"])),
                unit_price=Money(int(line["unit_price_cents"]), currency),
                vat_rate=int(line["vat_rate"]),
            )
            for line in lines
        ),
        discount=discount,
        valid_until=row["valid_until"],
        message=row["message"],
        currency=currency,
    )
    return Proposal(
        number=row["number"],
        content=content,
        created_at=row["created_at"],
        created_by=row["created_by"],
        sent_at=row["sent_at"],
        content_hash=row["content_hash"],
    )


def _event(row: Row) -> QuoteEvent:
    return QuoteEvent(
        seq=row["seq"],
        at=row["at"],
        action=Action(row["action"]),
        from_state=QuoteState(row["from_state"]) if row["from_state"] else None,
        to_state=QuoteState(row["to_state"]),
        actor=Actor(Side(row["side"]), row["actor_id"], row["actor_label"]),
        proposal_number=row["proposal_number"],
        note=row["note"],
    )


def _quote(row: Row, proposals: list[Proposal], events: list[QuoteEvent]) -> Quote:
    visitor = (
        VisitorContact(
            name=row["visitor_name"],
            email=row["visitor_email"],
            phone=row["visitor_phone"],
            contact_consent_at=row["visitor_consent_at"],
        )
        if row["visitor_email"] is not None
        else None
    )
    decision = (
        Decision(
            action=Action(row["decision_action"]),
            at=row["decided_at"],
            account_id=row["decided_by"],
            account_label=row["decided_by_label"],
            ip=row["decision_ip"],
            proposal_number=row["decision_number"],
            content_hash=row["decision_hash"],
            reason=row["decision_reason"] or "",
        )
        if row["decision_action"] is not None
        else None
    )
    attachment = (
        Attachment(
            key=row["attachment_key"],
            display_name=row["attachment_name"],
            content_type=row["attachment_type"],
            size=int(row["attachment_size"]),
            sha256=row["attachment_sha256"],
        )
        if row["attachment_key"] is not None
        else None
    )
    return Quote.restore(
        id=row["id"],
        client_id=row["client_id"],
        subject=row["subject"],
        details=row["details"],
        desired_date=row["desired_date"],
        language=row["language"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        state=QuoteState(row["state"]),
        visitor=visitor,
        proposals=proposals,
        events=events,
        decision=decision,
        attachment=attachment,
        version=row["version"],
    )


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

    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def add(self, quote: Quote) -> None:
        """Insert a new quote with its versions and history.

        Raises:
            AlreadyExists: the id is taken.
        """
        with unique_guard(self._db, quote.id):
            self._db.execute(sa.insert(quotes).values(**quote_row(quote), version=quote.version))
        self._insert_proposals(quote.id, quote.proposals)
        self._insert_events(quote.id, quote.events)

    def _insert_proposals(self, quote_id: str, proposals: Sequence[Proposal]) -> None:
        if not proposals:
            return
        self._db.execute(sa.insert(quote_proposals), [proposal_row(quote_id, p) for p in proposals])
        rows = [row for p in proposals for row in line_rows(quote_id, p)]
        if rows:
            self._db.execute(sa.insert(quote_lines), rows)

    def _insert_events(self, quote_id: str, events: Sequence[QuoteEvent]) -> None:
        if events:
            self._db.execute(sa.insert(quote_events), [event_row(quote_id, e) for e in events])

    def get(self, quote_id: str) -> Quote | None:
        """The whole quote in four queries, or None."""
        row = self._db.execute(sa.select(quotes).where(quotes.c.id == quote_id)).mappings().first()
        if row is None:
            return None
        proposal_rows = self._db.execute(
            sa.select(quote_proposals)
            .where(quote_proposals.c.quote_id == quote_id)
            .order_by(quote_proposals.c.number)
        ).mappings()
        lines: dict[int, list[Row]] = {}
        for line in self._db.execute(
            sa.select(quote_lines)
            .where(quote_lines.c.quote_id == quote_id)
            .order_by(quote_lines.c.number, quote_lines.c.position)
        ).mappings():
            lines.setdefault(line["number"], []).append(line)
        proposals = [_proposal(p, lines.get(p["number"], [])) for p in proposal_rows]
        events = [
            _event(e)
            for e in self._db.execute(
                sa.select(quote_events)
                .where(quote_events.c.quote_id == quote_id)
                .order_by(quote_events.c.seq)
            ).mappings()
        ]
        return _quote(row, proposals, events)

    def save(self, quote: Quote) -> None:
        """Write back a changed quote and bump its version.

        Raises:
            ConcurrentUpdate: the stored version is not the one that was read.
            ValueError: a sent version was changed (they are frozen).
        """
        values = quote_row(quote)
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
        found = []
        for row in self._db.execute(query).mappings():
            if row["email"] is not None:
                name = f"{row['first_name']} {row['last_name']}".strip()
                email = row["email"]
            else:
                name, email = row["visitor_name"] or "", row["visitor_email"] or ""
            total = row["sent_total_cents"]
            found.append(
                QuoteSummary(
                    id=row["id"],
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
            )
        return found

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
