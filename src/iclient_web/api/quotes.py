"""The API's quotes: list, read, draft a proposal for a request, add lines to the draft,
send it (the client is e-mailed as when staff send it from the portal)."""

from __future__ import annotations

from datetime import date

from werkzeug.wrappers import Response

from iclient_core.integrations import Scope
from iclient_core.quotes.model import Quote as CoreQuote
from iclient_core.quotes.pricing import DiscountKind
from iclient_core.quotes.proposals import LineInput, ProposalInput, save_draft, send_proposal
from iclient_core.quotes.queries import get_staff_quote, list_quote_queue
from iclient_core.shared.money import Money, scaled_to_input
from iclient_web.api.http import caller, json_answer, read_body, read_query
from iclient_web.api.schemas import (
    NewLines,
    Proposal,
    ProposalDraft,
    Quote,
    QuoteLine,
    QuoteList,
    QuoteQuery,
    QuoteSummary,
    Sending,
)
from iclient_web.api.spec import operation
from iclient_web.deps import client_ip, services

TAG = "quotes"
LANGUAGE = "en"  # the API's numbers are written with a decimal point


def _quote(quote: CoreQuote, today: date) -> Quote:
    current = quote.current_proposal
    proposal = None
    if current is not None:
        totals = current.content.totals
        proposal = Proposal(
            number=current.number,
            sent=current.is_frozen,
            lines=[
                QuoteLine(
                    description=line.description,
                    quantity=line.quantity.to_input(LANGUAGE),
                    unit_price=line.unit_price.to_input(LANGUAGE),
                    vat_rate=line.vat_rate,
                )
                for line in current.content.lines
            ],
            valid_until=current.content.valid_until,
            message=current.content.message,
            subtotal_cents=totals.subtotal.cents,
            total_cents=totals.total.cents,
            currency=totals.currency,
        )
    return Quote(
        id=quote.id,
        reference=quote.reference,
        subject=quote.subject,
        details=quote.details,
        desired_date=quote.desired_date,
        state=quote.effective_state(today).value,
        client_id=quote.client_id,
        language=quote.language,
        created_at=quote.created_at,
        updated_at=quote.updated_at,
        proposal=proposal,
    )


def _read(quote_id: str) -> Quote:
    view = get_staff_quote(services=services(), actor=caller().account, quote_id=quote_id)
    return _quote(view.quote, view.today)


def _lines(lines: list[QuoteLine]) -> list[LineInput]:
    return [
        LineInput(
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_rate=str(line.vat_rate),
        )
        for line in lines
    ]


def _as_typed(quote: CoreQuote) -> ProposalInput:
    """The current draft as the staff form would send it back (to change part of it)."""
    current = quote.current_proposal
    if current is None or current.is_frozen:
        return ProposalInput(language=LANGUAGE)
    content = current.content
    discount_kind = discount_value = None
    if content.discount is not None:
        discount_kind = content.discount.kind.value
        discount_value = (
            scaled_to_input(content.discount.value, 2, LANGUAGE, trim=True)
            if content.discount.kind is DiscountKind.PERCENT
            else Money(content.discount.value, content.currency).to_input(LANGUAGE)
        )
    return ProposalInput(
        lines=[
            LineInput(
                description=line.description,
                quantity=line.quantity.to_input(LANGUAGE),
                unit_price=line.unit_price.to_input(LANGUAGE),
                vat_rate=str(line.vat_rate),
            )
            for line in content.lines
        ],
        discount_kind=discount_kind,
        discount_value=discount_value,
        valid_until=content.valid_until.isoformat() if content.valid_until else None,
        message=content.message,
        language=LANGUAGE,
    )


@operation(
    "GET",
    "/quotes",
    summary="List quotes",
    scope=Scope.QUOTES_READ,
    tag=TAG,
    query=QuoteQuery,
    responses={200: QuoteList},
)
def list_quotes() -> Response:
    """Every quote (or one client's), newest activity first, filtered by state or by whose
    move it is; 20 a page."""
    query = read_query(QuoteQuery)
    assert isinstance(query, QuoteQuery)
    page = list_quote_queue(
        services=services(),
        actor=caller().account,
        state=query.state,
        waiting=query.waiting,
        client_id=query.client_id,
        page=query.page,
    )
    return json_answer(
        QuoteList(
            items=[
                QuoteSummary(
                    id=q.id,
                    reference=q.reference,
                    subject=q.subject,
                    state=q.state.value,
                    client_id=q.client_id,
                    client_name=q.client_name,
                    client_email=q.client_email,
                    created_at=q.created_at,
                    updated_at=q.updated_at,
                    total_cents=q.total.cents if q.total else None,
                    currency=q.total.currency if q.total else None,
                    valid_until=q.valid_until,
                )
                for q in page.items
            ],
            page=page.number,
            pages=page.pages,
            total=page.total,
        )
    )


@operation(
    "GET",
    "/quotes/{quote_id}",
    summary="Read a quote",
    scope=Scope.QUOTES_READ,
    tag=TAG,
    responses={200: Quote},
)
def read_quote(quote_id: str) -> Response:
    """A quote: the request and its newest proposal (a draft, or the last one sent)."""
    return json_answer(_read(quote_id))


@operation(
    "POST",
    "/quotes/{quote_id}/proposal",
    summary="Draft the proposal for a request",
    scope=Scope.QUOTES_WRITE,
    tag=TAG,
    body=ProposalDraft,
    responses={200: Quote},
)
def draft_proposal(quote_id: str) -> Response:
    """Write the proposal for a requested quote, which becomes a draft (or write its draft
    anew). Nothing is sent to the client until ``send``."""
    data = read_body(ProposalDraft)
    assert isinstance(data, ProposalDraft)
    save_draft(
        services=services(),
        actor=caller().account,
        quote_id=quote_id,
        proposal=ProposalInput(
            lines=_lines(data.lines),
            valid_until=data.valid_until.isoformat() if data.valid_until else None,
            message=data.message,
            language=LANGUAGE,
        ),
        ip=client_ip(),
    )
    return json_answer(_read(quote_id))


@operation(
    "POST",
    "/quotes/{quote_id}/lines",
    summary="Add lines to the draft",
    scope=Scope.QUOTES_WRITE,
    tag=TAG,
    body=NewLines,
    responses={200: Quote},
)
def add_lines(quote_id: str) -> Response:
    """Add lines at the end of the draft (a requested quote gets its first draft)."""
    data = read_body(NewLines)
    assert isinstance(data, NewLines)
    view = get_staff_quote(services=services(), actor=caller().account, quote_id=quote_id)
    typed = _as_typed(view.quote)
    save_draft(
        services=services(),
        actor=caller().account,
        quote_id=quote_id,
        proposal=ProposalInput(
            lines=[*typed.lines, *_lines(data.lines)],
            discount_kind=typed.discount_kind,
            discount_value=typed.discount_value,
            valid_until=typed.valid_until,
            message=typed.message,
            language=LANGUAGE,
        ),
        expected_version=view.quote.version,
        ip=client_ip(),
    )
    return json_answer(_read(quote_id))


@operation(
    "POST",
    "/quotes/{quote_id}/send",
    summary="Send the draft to the client",
    scope=Scope.QUOTES_WRITE,
    tag=TAG,
    body=Sending,
    responses={200: Quote},
)
def send(quote_id: str) -> Response:
    """Send the draft: the version is frozen and the client e-mailed. It needs at least one
    line and a validity date (given here or in the draft)."""
    data = read_body(Sending)
    assert isinstance(data, Sending)
    view = get_staff_quote(services=services(), actor=caller().account, quote_id=quote_id)
    typed = _as_typed(view.quote)
    send_proposal(
        services=services(),
        actor=caller().account,
        quote_id=quote_id,
        proposal=ProposalInput(
            lines=typed.lines,
            discount_kind=typed.discount_kind,
            discount_value=typed.discount_value,
            valid_until=data.valid_until.isoformat() if data.valid_until else typed.valid_until,
            message=data.message if data.message is not None else typed.message,
            language=LANGUAGE,
        ),
        expected_version=view.quote.version,
        ip=client_ip(),
    )
    return json_answer(_read(quote_id))
