"""Use cases: asking for a quote (as a client or as a visitor), renewals, visitor invitations."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from iclient_core.accounts.contact import clean_email
from iclient_core.accounts.model import Account, Profile, Status
from iclient_core.accounts.permissions import Permission, require
from iclient_core.accounts.registration import send_activation
from iclient_core.notifications.model import Kind, Notification
from iclient_core.notifications.outbox import branding, queue
from iclient_core.quotes.attachments import (
    check_attachment,
    forget_attachment,
    store_attachment,
)
from iclient_core.quotes.common import (
    active_client,
    actor_of,
    base_context,
    clean_text,
    clients_quote,
    new_number,
    notify_client,
    notify_staff,
    parse_date,
    quote_details,
    quote_event,
    staff_quote,
    today,
)
from iclient_core.quotes.model import Action, Attachment, Quote, VisitorContact
from iclient_core.shared import audit
from iclient_core.shared.errors import FieldError, InvalidInput, NotFound
from iclient_core.shared.intake import Upload
from iclient_core.shared.limits import Limit, check_limit, count_attempt
from iclient_core.shared.security_log import security_event
from iclient_core.shared.text import clean_line
from iclient_core.webhooks.events import emit
from iclient_core.webhooks.model import EventType

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

MAX_SUBJECT = 200
"""Longest subject of a request."""

MAX_DESIRED_AHEAD = timedelta(days=5 * 366)
"""How far ahead a desired date may be."""


def _clean_request(
    subject: str | None, details: str | None, errors: list[FieldError]
) -> tuple[str, str]:
    return (
        clean_line(subject, "subject", errors, max_length=MAX_SUBJECT),
        clean_text(details, "details", errors),
    )


def _clean_desired_date(raw: str | None, now: date, errors: list[FieldError]) -> date | None:
    desired = parse_date(raw, "desired_date", errors)
    if desired is not None and desired < now:
        errors.append(FieldError("desired_date", "date_in_past"))
    elif desired is not None and desired > now + MAX_DESIRED_AHEAD:
        errors.append(FieldError("desired_date", "date_too_far"))
    return desired


def request_quote(
    *,
    services: Services,
    account_id: str,
    subject: str | None,
    details: str | None,
    desired_date: str | None,
    ip: str,
    attachment: Upload | None = None,
    max_size: int | None = None,
) -> Quote:
    """A signed-in client asks for a quote, optionally with one file; staff are told by e-mail,
    and the client gets a receipt with the quote's number and what happens next.

    The file is checked like a document (allow-list by leading bytes, the upload limit) and
    streamed to the storage under a key the server makes, before the quote is written; if
    the quote cannot be written, the stored bytes are removed again.

    Args:
        desired_date: an ISO date (``2026-12-31``) or empty.
        attachment: the file sent with the request, if any.
        max_size: refuse attachments larger than this many bytes (the business's upload
            limit applies in any case).

    Raises:
        InvalidInput: ``subject``, ``details`` or ``desired_date`` is missing or bad, or the
            ``attachment`` is empty, of a type not allowed, named as another type, or too
            large (``file_empty``, ``file_type_not_allowed``, ``file_type_mismatch``,
            ``file_too_large``).
        PermissionDenied: the account is not an active client.
    """
    errors: list[FieldError] = []
    clean_subject, clean_details = _clean_request(subject, details, errors)
    desired = _clean_desired_date(desired_date, today(services), errors)
    checked = None
    if attachment is not None:
        try:
            checked = check_attachment(attachment)
        except InvalidInput as refused:
            errors += refused.errors
    if errors:
        raise InvalidInput(errors)
    quote_id = services.ids.new_id()
    stored: Attachment | None = None
    if checked is not None:
        with services.uow() as uow:
            active_client(uow, account_id)  # nothing is stored for someone who may not ask
        stored = store_attachment(
            services=services,
            checked=checked,
            client_id=account_id,
            quote_id=quote_id,
            max_size=max_size,
        )
    try:
        with services.uow() as uow:
            client = active_client(uow, account_id)
            quote = Quote.request(
                id=quote_id,
                number=new_number(services, uow),
                client=actor_of(client),
                subject=clean_subject,
                details=clean_details,
                desired_date=desired,
                language=client.language,
                now=services.clock.now(),
                attachment=stored,
            )
            uow.quotes.add(quote)
            _tell_staff(services, uow, quote, requester=client.profile.full_name, renewal=False)
            notify_client(services, uow, quote, Kind.QUOTE_RECEIVED, _receipt_words)
            summary = clean_subject
            if stored is not None:
                summary += f" (attachment {stored.display_name}, {stored.size} bytes)"
            audit.record(
                services,
                uow,
                actor=client,
                action="quote.requested",
                target_type="quote",
                target_id=quote.id,
                subject_id=quote.client_id or "",
                details=quote_details(quote),
                summary=summary,
                ip=ip,
            )
            emit(
                services,
                uow,
                EventType.QUOTE_REQUESTED,
                {"quote": quote_event(quote), "requester": "client"},
            )
            uow.commit()
    except BaseException:
        if stored is not None:
            forget_attachment(services.storage, stored)
        raise
    return quote


def request_quote_as_visitor(
    *,
    services: Services,
    name: str | None,
    email: str | None,
    phone: str | None,
    subject: str | None,
    details: str | None,
    contact_consent: bool,
    language: str | None,
    ip: str,
) -> Quote:
    """Someone without an account asks for a quote through the public form; returns the new
    quote (whose number the thank-you page shows).

    Staff are told, and can invite the person to become a client. The address given gets a
    receipt in the form's language with the quote's number and what happens next. So that
    the form is no way to send mail to strangers, the receipt repeats nothing typed in the
    form (no name, subject or details), and an address gets at most
    ``QuoteSettings.receipts_per_address`` receipts per ``receipts_window`` (the requests
    beyond are still taken).

    Raises:
        InvalidInput: a field is missing or bad, or ``contact_consent`` was not given.
        RateLimited: too many requests from this IP.
    """
    errors: list[FieldError] = []
    clean_name = clean_line(name, "name", errors, max_length=100)
    address = clean_email(services, email, errors)
    clean_phone = clean_line(phone, "phone", errors, max_length=40)
    if clean_phone:
        try:
            clean_phone = services.contacts.normalise_phone(clean_phone)
        except ValueError:
            errors.append(FieldError("phone", "phone_invalid"))
    clean_subject, clean_details = _clean_request(subject, details, errors)
    if contact_consent is not True:
        errors.append(FieldError("contact_consent", "consent_required"))
    if errors or address is None:
        raise InvalidInput(errors)
    settings = services.settings.quotes
    check_limit(
        services.limiter,
        f"quote-request:ip:{ip}",
        Limit(settings.requests_per_ip, settings.requests_window),
        count=True,
    )
    now = services.clock.now()
    visitor = VisitorContact(
        name=clean_name, email=address.address, phone=clean_phone, contact_consent_at=now
    )
    with services.uow() as uow:
        quote = Quote.request_by_visitor(
            id=services.ids.new_id(),
            number=new_number(services, uow),
            visitor=visitor,
            subject=clean_subject,
            details=clean_details,
            language=services.settings.language(language),
            now=now,
        )
        uow.quotes.add(quote)
        _tell_staff(services, uow, quote, requester=f"{clean_name} <{visitor.email}>")
        if count_attempt(
            services.limiter,
            f"quote-receipt:email:{address.key}",
            Limit(settings.receipts_per_address, settings.receipts_window),
        ):
            _send_visitor_receipt(services, uow, quote, visitor.email)
        audit.record(
            services,
            uow,
            actor=None,
            action="quote.requested_by_visitor",
            target_type="quote",
            target_id=quote.id,
            subject_id=quote.client_id or "",
            details=quote_details(quote),
            summary=clean_subject,
            ip=ip,
        )
        emit(
            services,
            uow,
            EventType.QUOTE_REQUESTED,
            {"quote": quote_event(quote), "requester": "visitor"},
        )
        uow.commit()
    security_event("quote_requested_by_visitor", ip=ip, quote=quote.id)
    return quote


def request_renewal(*, services: Services, account_id: str, quote_id: str, ip: str) -> Quote:
    """The client asks again for a quote whose validity passed: it goes back to staff.

    Raises:
        NotFound: not this client's quote.
        InvalidTransition: the quote has not expired.
    """
    with services.uow() as uow:
        client = active_client(uow, account_id)
        quote = clients_quote(uow, client, quote_id)
        quote.renew(actor_of(client), services.clock.now(), today(services))
        uow.quotes.save(quote)
        _tell_staff(services, uow, quote, requester=client.profile.full_name, renewal=True)
        audit.record(
            services,
            uow,
            actor=client,
            action="quote.renewal_requested",
            target_type="quote",
            target_id=quote.id,
            subject_id=quote.client_id or "",
            details=quote_details(quote),
            ip=ip,
        )
        uow.commit()
    return quote


def invite_requester(*, services: Services, actor: Account, quote_id: str, ip: str) -> Account:
    """Turn a visitor's request into a client's: register the client and send the activation.

    An address that already has a client account gets the request linked to it (and a new
    activation link if it never activated). The request then shows in that client's list.

    Raises:
        PermissionDenied: the actor may not manage quotes and clients.
        NotFound: no such quote.
        InvalidTransition: the quote is past the point where it can change hands.
        InvalidInput: the address belongs to a staff member (``email_taken``).
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.QUOTES_MANAGE)
        actor = require(uow, actor, Permission.CLIENTS_MANAGE)
        quote = staff_quote(uow, quote_id)
        if quote.client_id is not None:
            linked = uow.accounts.get(quote.client_id)
            if linked is None:
                raise NotFound("client")
            return linked  # invited already: nothing to do
        if quote.visitor is None:
            raise NotFound("visitor")
        staff_actor = actor_of(actor)
        quote.check(Action.INVITE, staff_actor.side)
        errors: list[FieldError] = []
        address = clean_email(services, quote.visitor.email, errors)
        if address is None:
            raise InvalidInput(errors)
        client = uow.accounts.get_by_email_key(address.key)
        if client is not None and client.role.is_staff:
            raise InvalidInput.single("email", "email_taken")
        now = services.clock.now()
        if client is None:
            first, _, last = quote.visitor.name.partition(" ")
            client = Account.register_client(
                id=services.ids.new_id(),
                email=address,
                profile=Profile(first_name=first, last_name=last, phone=quote.visitor.phone),
                language=quote.language,
                now=now,
            )
            uow.accounts.add(client)
            send_activation(services, uow, client)
        elif client.status is Status.PENDING_ACTIVATION:
            send_activation(services, uow, client)
        quote.link_client(client.id, staff_actor, now)
        uow.quotes.save(quote)
        audit.record(
            services,
            uow,
            actor=actor,
            action="quote.requester_invited",
            target_type="quote",
            target_id=quote.id,
            subject_id=client.id,
            details=quote_details(quote),
            summary=client.email.address,
            ip=ip,
        )
        uow.commit()
    security_event("quote_requester_invited", account_id=client.id, ip=ip, quote=quote.id)
    return client


def _tell_staff(
    services: Services, uow: UnitOfWork, quote: Quote, *, requester: str, renewal: bool = False
) -> None:
    notify_staff(
        services,
        uow,
        quote,
        Kind.QUOTE_REQUESTED,
        lambda _lang: {
            "requester": requester,
            "event": "renewal" if renewal else "new",
            "visitor": "yes" if quote.client_id is None else "no",
        },
    )


def _receipt_words(_lang: str) -> dict[str, str]:
    return {"visitor": "no"}


def _send_visitor_receipt(services: Services, uow: UnitOfWork, quote: Quote, address: str) -> None:
    """The receipt to a visitor: the number and what happens next, nothing they typed."""
    queue(
        services,
        uow,
        Notification(
            kind=Kind.QUOTE_RECEIVED,
            to_address=address,
            to_name="",
            language=quote.language,
            context={
                **branding(services, uow),
                **base_context(quote),
                "quote_subject": "",
                "first_name": "",
                "visitor": "yes",
                "link": "",
            },
        ),
    )
