"""The personal-data export: everything the portal holds about a person, in one JSON-ready
document (the right of access and the right to data portability, GDPR articles 15 and 20).

It reads every domain (accounts, consent, quotes, documents and the audit log), which is why
it sits with the staff area on top of them, although the person asks for it themselves.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from iclient_core.accounts.model import Account, Status
from iclient_core.documents.model import (
    Document,
    DocumentQuery,
    DocumentStatus,
    DownloadRecord,
)
from iclient_core.notifications.model import Channel
from iclient_core.notifications.preferences import Event, preferences_of
from iclient_core.quotes.common import today
from iclient_core.quotes.model import Proposal, Quote
from iclient_core.quotes.pricing import Totals
from iclient_core.shared.audit import AuditEntry
from iclient_core.shared.errors import NotFound
from iclient_core.shared.money import Money
from iclient_core.support.model import Side
from iclient_core.support.ports import ConversationFilter

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

SCHEMA_VERSION = 1
"""The shape of the export: a new key keeps the version; a key renamed, removed or changed in
meaning moves it on, so that a program reading exports knows what it reads."""

BATCH = 200
"""How many quotes, documents or log entries are read at a time."""


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value else None


def _scaled(value: int, decimals: int) -> str:
    """An integer count of ``10**-decimals`` as a plain decimal text: ``120500, 3 -> 120.5``."""
    text = f"{Decimal(value).scaleb(-decimals):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _money(amount: Money | None) -> dict[str, Any] | None:
    return {"cents": amount.cents, "currency": amount.currency} if amount else None


def _profile(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "email": account.email.address,
        "first_name": account.profile.first_name,
        "last_name": account.profile.last_name,
        "phone": account.profile.phone,
        "nif": account.profile.nif,
        "billing_address": account.profile.billing_address,
        "language": account.language,
        "role": account.role.value,
        "status": account.status.value,
        "created_at": _iso(account.created_at),
        "activated_at": _iso(account.activated_at),
        "last_sign_in_at": _iso(account.last_sign_in_at),
        "deletion_requested_at": _iso(account.deletion_requested_at),
    }


def _consents(uow: UnitOfWork, account: Account) -> list[dict[str, Any]]:
    titles = {v.id: v.title for v in uow.consent.versions()}
    return [
        {
            "kind": r.kind,
            "version": r.version_number,
            "title": titles.get(r.version_id, ""),
            "language": r.language,
            "content_hash": r.content_hash,
            "action": r.action.value,
            "at": _iso(r.at),
            "ip": r.ip,
            "user_agent": r.user_agent,
            "method": r.method.value,
        }
        for r in uow.consent.records_for_account(account.id)
    ]


def _sessions(uow: UnitOfWork, account: Account) -> list[dict[str, Any]]:
    return [
        {
            "created_at": _iso(s.created_at),
            "last_seen_at": _iso(s.last_seen_at),
            "ip": s.ip,
            "user_agent": s.user_agent,
        }
        for s in uow.sessions.list_for_account(account.id)
    ]


def _sign_in_security(uow: UnitOfWork, account: Account) -> dict[str, Any]:
    """The account's second steps, without anything that could sign in (no secret, no
    recovery code digest, no public key)."""
    authenticator = uow.two_step.get_authenticator(account.id)
    codes = uow.two_step.recovery_codes(account.id)
    return {
        "authenticator_app_since": _iso(authenticator.confirmed_at) if authenticator else None,
        "recovery_codes_unused": sum(1 for c in codes if c.used_at is None),
        "recovery_codes_used_at": sorted(_iso(c.used_at) for c in codes if c.used_at),
        "passkeys": [
            {
                "name": p.name,
                "created_at": _iso(p.created_at),
                "last_used_at": _iso(p.last_used_at),
            }
            for p in uow.two_step.passkeys(account.id)
        ],
    }


def _totals(totals: Totals) -> dict[str, Any]:
    return {
        "subtotal": _money(totals.subtotal),
        "discount": _money(totals.discount),
        "vat": _money(totals.vat),
        "total": _money(totals.total),
    }


def _version(proposal: Proposal) -> dict[str, Any]:
    content = proposal.content
    discount = content.discount
    return {
        "number": proposal.number,
        "created_at": _iso(proposal.created_at),
        "sent_at": _iso(proposal.sent_at),
        "content_hash": proposal.content_hash,
        "valid_until": _iso(content.valid_until),
        "message": content.message,
        "currency": content.currency,
        "lines": [
            {
                "description": line.description,
                "quantity": _scaled(line.quantity.thousandths, 3),
                "unit_price": _money(line.unit_price),
                "vat_rate": _scaled(line.vat_rate, 2),
            }
            for line in content.lines
        ],
        "discount": (
            {"kind": discount.kind.value, "value": _scaled(discount.value, 2)} if discount else None
        ),
        "totals": _totals(proposal.totals),
    }


def _quote(quote: Quote) -> dict[str, Any]:
    attachment = quote.attachment
    decision = quote.decision
    return {
        "id": quote.id,
        "reference": quote.reference,
        "subject": quote.subject,
        "details": quote.details,
        "desired_date": _iso(quote.desired_date),
        "language": quote.language,
        "state": quote.state.value,
        "created_at": _iso(quote.created_at),
        "updated_at": _iso(quote.updated_at),
        "attachment": (
            {
                "name": attachment.display_name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "sha256": attachment.sha256,
            }
            if attachment
            else None
        ),
        # Drafts are staff's work in progress; only what was sent to the person is theirs.
        "versions": [_version(p) for p in quote.proposals if p.sent_at is not None],
        "history": [
            {
                "at": _iso(event.at),
                "action": event.action.value,
                "state": event.to_state.value,
                "by": event.actor.side.value,
                "version": event.proposal_number,
                "note": event.note,
            }
            for event in quote.events
        ],
        "decision": (
            {
                "action": decision.action.value,
                "at": _iso(decision.at),
                "version": decision.proposal_number,
                "content_hash": decision.content_hash,
                "reason": decision.reason,
                "ip": decision.ip,
            }
            if decision
            else None
        ),
    }


def _quotes(services: Services, uow: UnitOfWork, account: Account) -> Iterator[dict[str, Any]]:
    day = today(services)
    offset = 0
    while True:
        found = uow.quotes.list(today=day, client_id=account.id, limit=BATCH, offset=offset)
        whole = uow.quotes.get_many([summary.id for summary in found])
        for summary in found:
            quote = whole.get(summary.id)
            if quote is not None and quote.client_id == account.id:
                yield _quote(quote)
        if len(found) < BATCH:
            return
        offset += BATCH


def _document(document: Document, downloads: Sequence[DownloadRecord]) -> dict[str, Any]:
    return {
        "id": document.id,
        "title": document.title,
        "category": document.category.value,
        "reference": document.reference,
        "issue_date": _iso(document.issue_date),
        "amount": _money(document.amount),
        "due_date": _iso(document.due_date),
        "status": document.status.value,
        "created_at": _iso(document.created_at),
        "first_opened_at": _iso(document.first_downloaded_at),
        "archived_at": _iso(document.archived_at),
        "files": [
            {
                "version": file.number,
                "name": file.display_name,
                "content_type": file.content_type,
                "size": file.size,
                "sha256": file.sha256,
                "uploaded_at": _iso(file.uploaded_at),
            }
            for file in document.versions
        ],
        # The person's own downloads (staff opening the file is the business's record).
        "downloads": [{"at": _iso(d.at), "version": d.version, "ip": d.ip} for d in downloads],
    }


def _documents(uow: UnitOfWork, account: Account) -> Iterator[dict[str, Any]]:
    downloads: dict[str, list[DownloadRecord]] = {}
    for download in uow.documents.downloads_by(account.id):
        downloads.setdefault(download.document_id, []).append(download)
    number = 1
    while True:
        page = uow.documents.list(
            DocumentQuery(
                client_id=account.id,
                statuses=frozenset(DocumentStatus),
                page=number,
                per_page=BATCH,
            )
        )
        for document in page.items:
            if document.client_id == account.id:
                yield _document(document, downloads.get(document.id, []))
        if number * BATCH >= page.total or not page.items:
            return
        number += 1


def _by(entry: AuditEntry, account: Account) -> str:
    if entry.actor_id == account.id:
        return "you"
    return "staff" if entry.actor_id else "portal"


def _activity(uow: UnitOfWork, account: Account) -> Iterator[dict[str, Any]]:
    offset = 0
    while True:
        batch = uow.audit.list(subject_id=account.id, limit=BATCH, offset=offset)
        for entry in batch:
            yield {
                "at": _iso(entry.at),
                "action": entry.action,
                "by": _by(entry, account),
                "ip": entry.ip if entry.actor_id == account.id else None,
                "details": dict(entry.details),
            }
        if len(batch) < BATCH:
            return
        offset += BATCH


def _messages(uow: UnitOfWork, account: Account) -> list[dict[str, Any]]:
    """What the person sent through the public forms while signed in (staff's internal
    notes and assignee are the business's working notes, not the person's data)."""
    return [
        {
            "id": sub.id,
            "form": sub.form_slug,
            "sent_at": _iso(sub.created_at),
            "name": sub.name,
            "email": sub.email,
            "phone": sub.phone,
            "language": sub.language,
            "contact_consent_at": _iso(sub.contact_consent_at),
            "values": dict(sub.values),
            "status": sub.status.value,
        }
        for sub in uow.inbox.submissions_of_account(account.id)
    ]


def _notifications(uow: UnitOfWork, account: Account) -> dict[str, Any]:
    prefs = preferences_of(uow, account.id)
    return {
        "choices": {
            event.value: {channel.value: prefs.allows(event, channel) for channel in Channel}
            for event in Event
        },
        "phone": account.profile.phone,
        "phone_confirmed": prefs.phone_confirmed(account.profile.phone),
        "phone_confirmed_at": (
            prefs.confirmed_at.isoformat()
            if prefs.confirmed_at and prefs.phone_confirmed(account.profile.phone)
            else None
        ),
    }


def _bookings(uow: UnitOfWork, account: Account) -> list[dict[str, Any]]:
    """The person's bookings: what, when (UTC), with whom, and what became of them."""
    services = {s.id: s for s in uow.bookings.services()}
    return [
        {
            "id": b.id,
            "service": services[b.service_id].name_en if b.service_id in services else "",
            "start": _iso(b.start),
            "end": _iso(b.end),
            "status": b.status.value,
            "name": b.name,
            "email": b.email,
            "phone": b.phone,
            "language": b.language,
            "contact_consent_at": _iso(b.contact_consent_at),
            "booked_at": _iso(b.created_at),
            "moves": b.moves,
            "cancelled_at": _iso(b.cancelled_at) if b.cancelled_at else None,
        }
        for b in uow.bookings.bookings_of_account(account.id)
    ]


def _support(uow: UnitOfWork, account: Account) -> list[dict[str, Any]]:
    """The person's support requests and the messages they see (staff's internal notes are
    the business's working notes, not the person's data)."""
    found = uow.support.conversations(
        ConversationFilter(client_id=account.id), limit=100_000, offset=0
    )
    messages = uow.support.messages_of([c.id for c in found], internal=False)
    return [
        {
            "id": conversation.id,
            "subject": conversation.subject,
            "category": conversation.category,
            "status": conversation.status.value,
            "opened_at": _iso(conversation.created_at),
            "messages": [
                {
                    "at": _iso(message.created_at),
                    "by": "you" if message.side is Side.CLIENT else "staff",
                    "author": message.author_label,
                    "text": message.text,
                    "files": [
                        {"name": a.display_name, "type": a.content_type, "size": a.size}
                        for a in message.attachments
                    ],
                }
                for message in messages.get(conversation.id, [])
            ],
        }
        for conversation in found
    ]


def export_data(*, services: Services, account_id: str) -> dict[str, Any]:
    """Everything the portal holds about the account, as JSON-ready data.

    Sections: ``schema_version`` (:data:`SCHEMA_VERSION`), ``exported_at``, ``business``,
    ``profile``, ``consents`` (the evidence of every acceptance and withdrawal),
    ``sessions``, ``sign_in_security`` (the second steps turned on, never their secrets),
    ``quotes`` (with every version sent, its lines and totals, the history,
    the decision and the attached file's description), ``documents`` (with their files and
    the person's own downloads), ``messages`` (what they sent through the public forms
    while signed in), ``notifications`` (each event's e-mail and SMS choice, and whether
    and when their phone was confirmed for SMS), ``bookings`` (their appointments),
    ``support`` (their support requests with every message but staff's internal notes),
    and ``activity`` (every audit-log entry about the person, oldest first). File contents
    are not included: they are downloaded from the portal.

    Raises:
        NotFound: no such account, or it was erased.
    """
    with services.uow() as uow:
        account = uow.accounts.get(account_id)
        if account is None or account.status is Status.DELETED:
            raise NotFound()
        return {
            "schema_version": SCHEMA_VERSION,
            "exported_at": services.clock.now().isoformat(),
            "business": services.settings.business_name,
            "profile": _profile(account),
            "consents": _consents(uow, account),
            "sessions": _sessions(uow, account),
            "sign_in_security": _sign_in_security(uow, account),
            "quotes": list(_quotes(services, uow, account)),
            "documents": list(_documents(uow, account)),
            "messages": _messages(uow, account),
            "notifications": _notifications(uow, account),
            "bookings": _bookings(uow, account),
            "support": _support(uow, account),
            "activity": list(_activity(uow, account)),
        }
