"""Use cases for staff: compose a proposal, save it as a draft, send it, revise it, cancel.

Staff type numbers as text; :func:`clean_proposal` reads them with the strict rules of
:mod:`iclient_core.shared.money` and reports every bad field at once, named as the portal's
form names them (``lines-0-quantity``, ``discount_value``…).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import Permission, require
from iclient_core.notifications.model import Kind
from iclient_core.notifications.preferences import Event
from iclient_core.quotes.common import (
    MAX_REASON,
    actor_of,
    clean_text,
    notify_client,
    offered_vat_rates,
    parse_date,
    quote_details,
    staff_quote,
    today,
)
from iclient_core.quotes.model import ProposalContent, Quote
from iclient_core.quotes.pricing import Discount, DiscountKind, Line, compute_totals
from iclient_core.shared import audit
from iclient_core.shared.errors import ConcurrentUpdate, FieldError, InvalidInput
from iclient_core.shared.money import (
    MAX_AMOUNT_CENTS,
    NumberRefused,
    parse_amount,
    parse_percent,
    parse_quantity,
)
from iclient_core.shared.text import clean_line
from iclient_core.shared.wording import format_date

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

MAX_DESCRIPTION = 300
"""Longest description of a line."""

MAX_VALIDITY = timedelta(days=366)
"""How far ahead a proposal's validity date may be."""


@attrs.frozen
class LineInput:
    """One line as typed: every value is the raw text of its field (None when missing)."""

    description: str | None = None
    quantity: str | None = None
    unit_price: str | None = None
    vat_rate: str | None = None

    @property
    def is_blank(self) -> bool:
        """True for an unused row (the VAT select always sends a value, so it is not counted)."""
        typed = (self.description, self.quantity, self.unit_price)
        return not any((value or "").strip() for value in typed)


@attrs.frozen
class ProposalInput:
    """A proposal as typed in the staff form.

    Attributes:
        lines: the rows of the form, blank rows included (they are skipped).
        discount_kind: ``""`` (none), ``"percent"`` or ``"amount"``.
        discount_value: the percentage or the amount, as typed.
        valid_until: an ISO date.
        message: a note to the client.
        language: the form's language, which decides how ``1.234`` is read.
    """

    lines: Sequence[LineInput] = ()
    discount_kind: str | None = None
    discount_value: str | None = None
    valid_until: str | None = None
    message: str | None = None
    language: str = "pt"


def _number_code(kind: str, error: NumberRefused) -> str:
    if error.code in ("too_many_decimals", "too_large", "must_be_positive", "out_of_range"):
        return f"{kind}_{error.code}"
    return error.code


def _clean_line(
    services: Services,
    index: int,
    row: LineInput,
    language: str,
    rates: tuple[int, ...],
    errors: list[FieldError],
) -> Line | None:
    prefix = f"lines-{index}-"
    before = len(errors)
    description = clean_line(
        row.description, f"{prefix}description", errors, max_length=MAX_DESCRIPTION
    )
    quantity = unit_price = None
    try:
        quantity = parse_quantity(row.quantity, language=language)
    except NumberRefused as error:
        errors.append(FieldError(f"{prefix}quantity", _number_code("quantity", error)))
    try:
        unit_price = parse_amount(
            row.unit_price, language=language, currency=services.settings.quotes.currency
        )
    except NumberRefused as error:
        errors.append(FieldError(f"{prefix}unit_price", _number_code("amount", error)))
    rate = _vat_rate(rates, row.vat_rate)
    if rate is None:
        errors.append(FieldError(f"{prefix}vat_rate", "vat_rate_invalid"))
    if len(errors) > before or quantity is None or unit_price is None or rate is None:
        return None
    line = Line(description, quantity, unit_price, rate)
    if line.amount.cents > MAX_AMOUNT_CENTS:
        errors.append(FieldError(f"{prefix}unit_price", "line_too_large"))
        return None
    return line


def _vat_rate(rates: tuple[int, ...], raw: str | None) -> int | None:
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 5):
        return None
    rate = int(text)
    return rate if rate in rates else None


def clean_proposal(
    services: Services,
    data: ProposalInput,
    *,
    for_sending: bool,
    today: date,
    vat_rates: tuple[int, ...] | None = None,
) -> ProposalContent:
    """Read and check a typed proposal.

    A draft may be incomplete (no lines, no validity date); a proposal to send needs at least
    one line and a validity date. Whatever is given must be right either way.

    Args:
        vat_rates: the rates a line may have, in basis points (the configured ones if None).

    Raises:
        InvalidInput: every bad field, with codes such as ``number_invalid``,
            ``number_negative``, ``amount_too_many_decimals``, ``quantity_must_be_positive``,
            ``vat_rate_invalid``, ``discount_too_large``, ``lines_required``, ``date_in_past``.
    """
    errors: list[FieldError] = []
    settings = services.settings.quotes
    language = data.language
    rows = [(i, row) for i, row in enumerate(data.lines) if not row.is_blank]
    rates = vat_rates if vat_rates is not None else settings.vat_rates
    lines = [_clean_line(services, i, row, language, rates, errors) for i, row in rows]
    if len(rows) > settings.max_lines:
        errors.append(FieldError("lines", "too_many_lines"))
    if for_sending and not rows:
        errors.append(FieldError("lines", "lines_required"))
    valid_until = parse_date(data.valid_until, "valid_until", errors, required=for_sending)
    if valid_until is not None and valid_until < today:
        errors.append(FieldError("valid_until", "date_in_past"))
    elif valid_until is not None and valid_until > today + MAX_VALIDITY:
        errors.append(FieldError("valid_until", "date_too_far"))
    message = clean_text(data.message, "message", errors, required=False)
    good_lines = tuple(line for line in lines if line is not None)
    discount = _clean_discount(services, data, good_lines, errors)
    if errors:
        raise InvalidInput(errors)
    content = ProposalContent(
        lines=good_lines,
        discount=discount,
        valid_until=valid_until,
        message=message,
        currency=settings.currency,
    )
    if content.totals.total.cents > MAX_AMOUNT_CENTS:
        raise InvalidInput.single("lines", "total_too_large")
    return content


def _clean_discount(
    services: Services, data: ProposalInput, lines: tuple[Line, ...], errors: list[FieldError]
) -> Discount | None:
    kind = (data.discount_kind or "").strip()
    value = (data.discount_value or "").strip()
    if not kind:
        if value:
            errors.append(FieldError("discount_kind", "required"))
        return None
    if kind not in {k.value for k in DiscountKind}:
        errors.append(FieldError("discount_kind", "invalid_choice"))
        return None
    try:
        if kind == DiscountKind.PERCENT:
            return Discount(DiscountKind.PERCENT, parse_percent(value, language=data.language))
        amount = parse_amount(
            value,
            language=data.language,
            currency=services.settings.quotes.currency,
            allow_zero=False,
        )
    except NumberRefused as error:
        name = "percent" if kind == DiscountKind.PERCENT else "amount"
        errors.append(FieldError("discount_value", _number_code(name, error)))
        return None
    subtotal = compute_totals(lines, None, amount.currency).subtotal
    if amount.cents > subtotal.cents:
        errors.append(FieldError("discount_value", "discount_too_large"))
        return None
    return Discount(DiscountKind.AMOUNT, amount.cents)


def _load(uow: UnitOfWork, quote_id: str, expected_version: int | None) -> Quote:
    quote = staff_quote(uow, quote_id)
    if expected_version is not None and quote.version != expected_version:
        raise ConcurrentUpdate(quote_id)
    return quote


def save_draft(
    *,
    services: Services,
    actor: Account,
    quote_id: str,
    proposal: ProposalInput,
    expected_version: int | None = None,
    ip: str = "-",
) -> Quote:
    """Save the proposal as a draft (the first one turns a request into a draft).

    Args:
        expected_version: the quote's ``version`` when the form was shown; a different one
            means someone else changed the quote meanwhile.

    Raises:
        PermissionDenied: the actor may not manage quotes.
        NotFound: no such quote.
        InvalidInput: a bad field.
        InvalidTransition: the quote is no longer requested or a draft.
        ConcurrentUpdate: the quote changed since the form was shown.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.QUOTES_MANAGE)
        quote = _load(uow, quote_id, expected_version)
        content = clean_proposal(
            services,
            proposal,
            for_sending=False,
            today=today(services),
            vat_rates=offered_vat_rates(services, uow),
        )
        draft = quote.save_draft(content, actor_of(actor), services.clock.now())
        uow.quotes.save(quote)
        _audit(
            services,
            uow,
            actor,
            quote,
            "quote.draft_saved",
            f"version {draft.number}",
            ip,
            {"version": draft.number},
        )
        uow.commit()
    return quote


def send_proposal(
    *,
    services: Services,
    actor: Account,
    quote_id: str,
    proposal: ProposalInput,
    expected_version: int | None = None,
    ip: str = "-",
) -> Quote:
    """Save the proposal and send it: the version is frozen and the client e-mailed.

    Raises:
        PermissionDenied, NotFound, InvalidTransition, ConcurrentUpdate: as :func:`save_draft`.
        InvalidInput: a bad field, no line, no validity date, or no client account yet
            (``quote_needs_client``: invite the visitor first).
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.QUOTES_MANAGE)
        quote = _load(uow, quote_id, expected_version)
        content = clean_proposal(
            services,
            proposal,
            for_sending=True,
            today=today(services),
            vat_rates=offered_vat_rates(services, uow),
        )
        if quote.client_id is None:
            raise InvalidInput.single("client", "quote_needs_client")
        now = services.clock.now()
        who = actor_of(actor)
        quote.save_draft(content, who, now)
        sent = quote.send(who, now)
        uow.quotes.save(quote)
        totals = sent.totals

        def words(lang: str) -> dict[str, str]:
            return {
                "version": str(sent.number),
                "revised": "yes" if sent.number > 1 else "no",
                "total": totals.total.format(lang),
                "valid_until": format_date(sent.content.valid_until, lang),
            }

        notify_client(services, uow, quote, Kind.QUOTE_SENT, words, event=Event.QUOTE_SENT)
        summary = f"version {sent.number}, total {totals.total.cents} cents, {sent.content_hash}"
        _audit(
            services,
            uow,
            actor,
            quote,
            "quote.sent",
            summary,
            ip,
            {
                "version": sent.number,
                "total_cents": totals.total.cents,
                "currency": totals.total.currency,
                "valid_until": sent.content.valid_until.isoformat()
                if sent.content.valid_until
                else "",
            },
        )
        uow.commit()
    return quote


def revise_proposal(
    *,
    services: Services,
    actor: Account,
    quote_id: str,
    expected_version: int | None = None,
    ip: str = "-",
) -> Quote:
    """Open a new version from the sent one; the client can no longer accept the old one.

    Raises:
        PermissionDenied, NotFound, ConcurrentUpdate: as :func:`save_draft`.
        InvalidTransition: the quote is neither sent nor expired (decided already…).
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.QUOTES_MANAGE)
        quote = _load(uow, quote_id, expected_version)
        draft = quote.revise(actor_of(actor), services.clock.now())
        uow.quotes.save(quote)
        notify_client(
            services,
            uow,
            quote,
            Kind.QUOTE_UPDATE,
            lambda _: {"event": "revising", "reason": "", "valid_until": ""},
        )
        _audit(
            services,
            uow,
            actor,
            quote,
            "quote.revised",
            f"version {draft.number}",
            ip,
            {"version": draft.number},
        )
        uow.commit()
    return quote


def cancel_quote(
    *,
    services: Services,
    actor: Account,
    quote_id: str,
    reason: str | None = None,
    expected_version: int | None = None,
    ip: str = "-",
) -> Quote:
    """Staff close a quote before the client decided; the client is told.

    Raises:
        PermissionDenied, NotFound, ConcurrentUpdate: as :func:`save_draft`.
        InvalidInput: the reason is too long or has control characters.
        InvalidTransition: the quote was already decided.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.QUOTES_MANAGE)
        errors: list[FieldError] = []
        note = clean_text(reason, "reason", errors, max_length=MAX_REASON, required=False)
        if errors:
            raise InvalidInput(errors)
        quote = _load(uow, quote_id, expected_version)
        quote.cancel(actor_of(actor), services.clock.now(), note=note)
        uow.quotes.save(quote)
        notify_client(
            services,
            uow,
            quote,
            Kind.QUOTE_UPDATE,
            lambda _: {"event": "cancelled", "reason": note, "valid_until": ""},
        )
        _audit(services, uow, actor, quote, "quote.cancelled", note, ip, {"reason": note})
        uow.commit()
    return quote


def _audit(
    services: Services,
    uow: UnitOfWork,
    actor: Account,
    quote: Quote,
    action: str,
    summary: str,
    ip: str,
    details: dict[str, object] | None = None,
) -> None:
    audit.record(
        services,
        uow,
        actor=actor,
        action=action,
        target_type="quote",
        target_id=quote.id,
        summary=summary,
        ip=ip,
        subject_id=quote.client_id or "",
        details=quote_details(quote) | (details or {}),
    )


def default_valid_until(services: Services) -> date:
    """The validity date a new proposal is offered with: today plus the settings' days."""
    return today(services) + timedelta(days=services.settings.quotes.validity_days)
