"""Use cases for the client's decision (accept, decline, withdraw) and for expiry.

Two decisions on one quote at the same time (the client clicking twice, two devices, or a
decision while staff revise) read the same ``version``; the repository saves the first and
refuses the second with ``ConcurrentUpdate``, so exactly one wins and nothing is half-written.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from iclient_core.accounts.model import Account
from iclient_core.notifications.model import Kind
from iclient_core.quotes.common import (
    MAX_REASON,
    Context,
    active_client,
    actor_of,
    clean_text,
    clients_quote,
    format_moment,
    notify_client,
    notify_staff,
    quote_details,
    quote_event,
    today,
)
from iclient_core.quotes.model import Action, ProposalChanged, Quote, QuoteExpired
from iclient_core.shared import audit
from iclient_core.shared.errors import ConcurrentUpdate, FieldError, InvalidInput
from iclient_core.shared.wording import format_date
from iclient_core.webhooks.events import emit
from iclient_core.webhooks.model import EventType

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork


def _version(raw: int | str | None) -> int:
    """The proposal version the client's form was showing."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    text = (raw or "").strip() if isinstance(raw, str) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 6):
        raise ProposalChanged()
    return int(text)


def check_acceptance(
    *,
    services: Services,
    account_id: str,
    quote_id: str,
    proposal_number: int | str | None,
) -> Quote:
    """What the client is about to accept, checked as :func:`accept_quote` checks it, for the
    confirmation step (nothing changes): the quote as the client sees it.

    Raises:
        NotFound, InvalidTransition, ProposalChanged, QuoteExpired: as :func:`accept_quote`.
    """
    number = _version(proposal_number)
    with services.uow() as uow:
        client = active_client(uow, account_id)
        quote = clients_quote(uow, client, quote_id)
    quote.check(Action.ACCEPT, actor_of(client).side)
    sent = quote.sent_proposal
    if sent is None or sent.number != number:
        raise ProposalChanged()
    if quote.is_overdue(today(services)):
        raise QuoteExpired()
    return quote.for_client()


def accept_quote(
    *,
    services: Services,
    account_id: str,
    quote_id: str,
    proposal_number: int | str | None,
    ip: str,
) -> Quote:
    """The client accepts the version on offer; who, when, IP and its hash are recorded.

    Args:
        proposal_number: the version the client was shown (a hidden field of the form).

    Raises:
        NotFound: not this client's quote.
        InvalidTransition: not on offer (decided already, being revised, withdrawn…).
        ProposalChanged: a newer version was sent since the page was shown.
        QuoteExpired: the validity date has passed (the client may ask for a renewal).
        ConcurrentUpdate: another decision or change was saved first.
    """
    number = _version(proposal_number)
    with services.uow() as uow:
        client = active_client(uow, account_id)
        quote = clients_quote(uow, client, quote_id)
        now = services.clock.now()
        decision = quote.decide(
            Action.ACCEPT,
            actor_of(client),
            proposal_number=number,
            ip=ip,
            now=now,
            today=today(services),
        )
        uow.quotes.save(quote)
        sent = quote.sent_proposal
        assert sent is not None
        total = sent.totals.total

        def receipt(lang: str) -> dict[str, str]:
            return {
                "version": str(decision.proposal_number),
                "total": total.format(lang),
                "accepted_at": format_moment(services, decision.at, lang),
                "content_hash": decision.content_hash,
            }

        notify_client(services, uow, quote, Kind.QUOTE_ACCEPTED, receipt)
        _tell_staff(services, quote, uow, "accepted", client.profile.full_name, "")
        _audit(
            services,
            uow,
            client,
            quote,
            "quote.accepted",
            decision.content_hash,
            ip,
            {
                "version": decision.proposal_number,
                "total_cents": total.cents,
                "currency": total.currency,
            },
        )
        emit(
            services,
            uow,
            EventType.QUOTE_ACCEPTED,
            {
                "quote": quote_event(quote),
                "proposal_version": decision.proposal_number,
                "total": {"cents": total.cents, "currency": total.currency},
                "content_hash": decision.content_hash,
            },
        )
        uow.commit()
    return quote


def decline_quote(
    *,
    services: Services,
    account_id: str,
    quote_id: str,
    proposal_number: int | str | None,
    reason: str | None,
    ip: str,
) -> Quote:
    """The client declines the version on offer, optionally saying why.

    Raises:
        InvalidInput: the reason is too long or has control characters.
        NotFound, InvalidTransition, ProposalChanged, ConcurrentUpdate: as
            :func:`accept_quote`.
    """
    errors: list[FieldError] = []
    note = clean_text(reason, "reason", errors, max_length=MAX_REASON, required=False)
    if errors:
        raise InvalidInput(errors)
    number = _version(proposal_number)
    with services.uow() as uow:
        client = active_client(uow, account_id)
        quote = clients_quote(uow, client, quote_id)
        decision = quote.decide(
            Action.DECLINE,
            actor_of(client),
            proposal_number=number,
            ip=ip,
            now=services.clock.now(),
            today=today(services),
            reason=note,
        )
        uow.quotes.save(quote)
        _tell_staff(services, quote, uow, "declined", client.profile.full_name, note)
        _audit(
            services,
            uow,
            client,
            quote,
            "quote.declined",
            decision.content_hash,
            ip,
            {"version": decision.proposal_number, "reason": decision.reason},
        )
        emit(
            services,
            uow,
            EventType.QUOTE_DECLINED,
            {
                "quote": quote_event(quote),
                "proposal_version": decision.proposal_number,
                "reason": decision.reason,
            },
        )
        uow.commit()
    return quote


def withdraw_quote(
    *, services: Services, account_id: str, quote_id: str, reason: str | None = None, ip: str
) -> Quote:
    """The client no longer wants the quote (before deciding on it).

    Raises:
        NotFound, ConcurrentUpdate: as :func:`accept_quote`.
        InvalidInput: the reason is too long or has control characters.
        InvalidTransition: the quote was already decided.
    """
    errors: list[FieldError] = []
    note = clean_text(reason, "reason", errors, max_length=MAX_REASON, required=False)
    if errors:
        raise InvalidInput(errors)
    with services.uow() as uow:
        client = active_client(uow, account_id)
        quote = clients_quote(uow, client, quote_id)
        quote.withdraw(actor_of(client), services.clock.now(), note=note)
        uow.quotes.save(quote)
        _tell_staff(services, quote, uow, "withdrawn", client.profile.full_name, note)
        _audit(services, uow, client, quote, "quote.withdrawn", note, ip, {"reason": note})
        uow.commit()
    return quote


def expire_overdue_quotes(*, services: Services, limit: int = 100) -> int:
    """Mark sent quotes past their validity date as expired and tell their clients.

    Each quote is expired in a transaction of its own; one decided meanwhile is skipped.
    Returns how many were expired. (Until this runs, lists and pages already count an
    overdue quote as expired, and it cannot be accepted.)
    """
    day = today(services)
    with services.uow() as uow:
        overdue = list(uow.quotes.list_overdue(today=day, limit=limit))
    expired = 0
    for quote_id in overdue:
        with services.uow() as uow:
            quote = uow.quotes.get(quote_id)
            if quote is None or not quote.is_overdue(day):
                continue
            quote.expire(services.clock.now())
            sent = quote.sent_proposal
            valid_until = sent.content.valid_until if sent is not None else None
            try:
                uow.quotes.save(quote)
                notify_client(
                    services,
                    uow,
                    quote,
                    Kind.QUOTE_UPDATE,
                    _expired_words(valid_until),
                )
                audit.record(
                    services,
                    uow,
                    actor=None,
                    action="quote.expired",
                    target_type="quote",
                    target_id=quote.id,
                    subject_id=quote.client_id or "",
                    details=quote_details(quote),
                )
                uow.commit()
            except ConcurrentUpdate:
                continue
        expired += 1
    return expired


def _expired_words(valid_until: date | None) -> Context:
    return lambda lang: {
        "event": "expired",
        "reason": "",
        "valid_until": format_date(valid_until, lang),
    }


def _tell_staff(
    services: Services, quote: Quote, uow: UnitOfWork, event: str, client_name: str, reason: str
) -> None:
    sent = quote.sent_proposal
    total = sent.totals.total if sent is not None else None
    notify_staff(
        services,
        uow,
        quote,
        Kind.QUOTE_ANSWERED,
        lambda lang: {
            "event": event,
            "client_name": client_name,
            "reason": reason,
            "total": total.format(lang) if total is not None else "",
        },
    )


def _audit(
    services: Services,
    uow: UnitOfWork,
    client: Account,
    quote: Quote,
    action: str,
    summary: str,
    ip: str,
    details: dict[str, object] | None = None,
) -> None:
    audit.record(
        services,
        uow,
        actor=client,
        action=action,
        target_type="quote",
        target_id=quote.id,
        summary=summary,
        ip=ip,
        subject_id=quote.client_id or "",
        details=quote_details(quote) | (details or {}),
    )
