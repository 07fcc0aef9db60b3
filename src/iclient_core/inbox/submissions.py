"""Use cases on submissions: a person sends a form; staff sort, assign and annotate them."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from iclient_core.accounts.contact import clean_email
from iclient_core.accounts.model import Account, Role
from iclient_core.accounts.permissions import (
    Permission,
    Tally,
    active_staff,
    require,
    tally,
)
from iclient_core.inbox.model import FieldKind, FormField, Note, Status, Submission
from iclient_core.inbox.ports import SubmissionFilter
from iclient_core.notifications.model import Kind, Notification
from iclient_core.notifications.outbox import branding, queue
from iclient_core.shared import audit
from iclient_core.shared.errors import FieldError, InvalidInput, NotFound
from iclient_core.shared.limits import Limit, check_limit, count_attempt
from iclient_core.shared.paging import Page, page_number
from iclient_core.shared.security_log import security_event
from iclient_core.shared.text import clean_line, clean_markdown

if TYPE_CHECKING:
    from iclient_core.services import Services

PER_ADDRESS = Limit(5, timedelta(hours=1))
"""Submissions one e-mail address may send, over all forms."""

PER_NETWORK = Limit(20, timedelta(hours=1))
"""Submissions one network (an IPv4 /24, an IPv6 /48) may send, over all forms."""

RECEIPTS_PER_ADDRESS = Limit(3, timedelta(days=1))
"""Acknowledgements one address gets; the submissions beyond are still taken."""

MAX_TEXT = 200
MAX_LONG_TEXT = 5000
MAX_NOTE = 5000
PAGE_SIZE = 25
"""Submissions per page of the inbox."""

CHECKED = frozenset({"y", "yes", "on", "true", "1"})
"""What a ticked checkbox may send."""


def network_of(ip: str) -> str:
    """The network an address belongs to for rate limits (a home or office shares one)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _value(services: Services, field: FormField, raw: str | None, errors: list[FieldError]) -> str:
    """The checked text of one answer ("" when empty and allowed)."""
    text = raw if isinstance(raw, str) else ""
    if field.kind is FieldKind.CHECKBOX:
        ticked = text.strip().lower() in CHECKED
        if field.required and not ticked:
            errors.append(FieldError(field.name, "required"))
        return "yes" if ticked else ""
    if not text.strip():
        if field.required:
            errors.append(FieldError(field.name, "required"))
        return ""
    if field.kind is FieldKind.TEXT:
        return clean_line(text, field.name, errors, max_length=MAX_TEXT)
    if field.kind is FieldKind.LONG_TEXT:
        return clean_markdown(text, field.name, errors, max_length=MAX_LONG_TEXT)
    if field.kind is FieldKind.EMAIL:
        address = clean_email(services, text, errors, field.name)
        return address.address if address is not None else ""
    if field.kind is FieldKind.PHONE:
        return _phone(services, text, field.name, errors)
    if field.kind is FieldKind.CHOICE:
        chosen = " ".join(text.split())
        if chosen not in field.choices:
            errors.append(FieldError(field.name, "invalid_choice"))
            return ""
        return chosen
    try:  # FieldKind.DATE
        return date.fromisoformat(text.strip()[:10]).isoformat()
    except ValueError:
        errors.append(FieldError(field.name, "date_invalid"))
        return ""


def _phone(services: Services, raw: str | None, name: str, errors: list[FieldError]) -> str:
    if not (raw or "").strip():
        return ""
    text = clean_line(raw, name, errors, max_length=40)
    if text:
        try:
            return services.contacts.normalise_phone(text)
        except ValueError:
            errors.append(FieldError(name, "phone_invalid"))
    return ""


def submit(
    *,
    services: Services,
    slug: str,
    values: Mapping[str, str | None],
    name: str | None,
    email: str | None,
    phone: str | None,
    contact_consent: bool,
    language: str | None,
    account_id: str | None,
    ip: str,
) -> Submission:
    """Someone sends the published form at ``slug``: it lands in the staff inbox.

    Staff are told at the business's contact address. The person gets an acknowledgement in
    their language that repeats nothing they typed but their name (so the form cannot be
    used to send mail to strangers), at most ``RECEIPTS_PER_ADDRESS`` per address. Nothing
    here looks an address up among the accounts: the answer is the same for anyone.

    Args:
        values: the answers to the form's own fields, by name (others are ignored).
        account_id: the signed-in client's account, if any.

    Raises:
        NotFound: no published form at ``slug``.
        InvalidInput: a field is missing or bad, or ``contact_consent`` was not given.
        RateLimited: too many submissions from this address or network.
    """
    with services.uow() as uow:
        form = uow.inbox.form_by_slug(slug)
    if form is None or not form.published:
        raise NotFound()
    errors: list[FieldError] = []
    clean_name = clean_line(name, "name", errors, max_length=100)
    address = clean_email(services, email, errors)
    clean_phone = _phone(services, phone, "phone", errors)
    answers = {
        field.name: _value(services, field, values.get(field.name), errors) for field in form.fields
    }
    if contact_consent is not True:
        errors.append(FieldError("contact_consent", "consent_required"))
    if errors or address is None:
        raise InvalidInput(errors)
    check_limit(services.limiter, f"form:email:{address.key}", PER_ADDRESS, count=True)
    check_limit(services.limiter, f"form:net:{network_of(ip)}", PER_NETWORK, count=True)
    lang = services.settings.language(language)
    with services.uow() as uow:
        signed_in = uow.accounts.get(account_id) if account_id else None
        owner = signed_in.id if signed_in is not None and signed_in.role is Role.CLIENT else None
        submission = Submission.receive(
            id=services.ids.new_id(),
            form=form,
            values=answers,
            name=clean_name,
            email=address.address,
            phone=clean_phone,
            language=lang,
            account_id=owner,
            now=services.clock.now(),
        )
        uow.inbox.add_submission(submission)
        brand = branding(services, uow)
        staff_address = brand.get("contact_email", "")
        if staff_address:
            queue(
                services,
                uow,
                Notification(
                    kind=Kind.FORM_RECEIVED,
                    to_address=staff_address,
                    to_name=brand.get("business_name", ""),
                    language=services.settings.language(None),
                    context={
                        **brand,
                        "form_title": form.title(services.settings.language(None)),
                        "first_name": "",
                        "sender_name": clean_name,
                        "sender_email": address.address,
                    },
                ),
            )
        if count_attempt(
            services.limiter, f"form-receipt:email:{address.key}", RECEIPTS_PER_ADDRESS
        ):
            queue(
                services,
                uow,
                Notification(
                    kind=Kind.FORM_ACKNOWLEDGED,
                    to_address=address.address,
                    to_name=clean_name,
                    language=lang,
                    context={**brand, "first_name": clean_name, "form_title": form.title(lang)},
                ),
            )
        audit.record(
            services,
            uow,
            actor=signed_in if owner else None,
            action="inbox.received",
            target_type="submission",
            target_id=submission.id,
            subject_id=owner or "",
            summary=form.slug,
            details={"form": form.slug},
            ip=ip,
        )
        uow.commit()
    security_event("form_submitted", ip=ip, form=form.slug, submission=submission.id)
    return submission


def _filter(status: str | None, form_id: str | None, assignee_id: str | None) -> SubmissionFilter:
    try:
        chosen = Status(status) if status else None
    except ValueError:
        chosen = None
    return SubmissionFilter(status=chosen, form_id=form_id or None, assignee_id=assignee_id or None)


def list_submissions(
    *,
    services: Services,
    actor: Account,
    status: str | None = None,
    form_id: str | None = None,
    assignee_id: str | None = None,
    page: int | str | None = 1,
    size: int = PAGE_SIZE,
) -> Page[Submission]:
    """One page of the inbox, newest first, filtered (unknown filters mean "any").

    Raises:
        PermissionDenied: the actor is not staff who manage clients.
    """
    where = _filter(status, form_id, assignee_id)
    with services.uow() as uow:
        require(uow, actor, Permission.CLIENTS_MANAGE)
        total = uow.inbox.count_submissions(where)
        number = page_number(page, total, size)
        items = uow.inbox.submissions(where, limit=size, offset=(number - 1) * size)
    return Page(items=tuple(items), total=total, number=number, size=size)


def export_submissions(
    *,
    services: Services,
    actor: Account,
    status: str | None = None,
    form_id: str | None = None,
    assignee_id: str | None = None,
    ip: str,
) -> Sequence[Submission]:
    """Every submission of the filtered list, for a CSV file; the export is audited.

    Raises:
        PermissionDenied: the actor is not staff who manage clients.
    """
    where = _filter(status, form_id, assignee_id)
    found: list[Submission] = []
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CLIENTS_MANAGE)
        while True:
            batch = uow.inbox.submissions(where, limit=500, offset=len(found))
            found += batch
            if len(batch) < 500:
                break
        audit.record(
            services,
            uow,
            actor=actor,
            action="inbox.exported",
            target_type="submission",
            subject_id="",
            summary=f"{len(found)} submissions",
            details={"count": len(found), "status": status or "", "form": form_id or ""},
            ip=ip,
        )
        uow.commit()
    return found


SUBMISSIONS_NEW = Tally(
    Permission.CLIENTS_MANAGE,
    lambda services, uow: uow.inbox.count_submissions(SubmissionFilter(status=Status.NEW)),
)
"""The staff dashboard's submissions nobody has started on (one statement)."""


def count_new(*, services: Services, actor: Account) -> int:
    """How many submissions nobody has started on, for the staff dashboard.

    Raises:
        PermissionDenied: the actor is not staff who manage clients.
    """
    return tally(services, actor, SUBMISSIONS_NEW)


def get_submission(*, services: Services, actor: Account, submission_id: str) -> Submission:
    """One submission, for staff.

    Raises:
        PermissionDenied: the actor is not staff who manage clients.
        NotFound: no such submission.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.CLIENTS_MANAGE)
        found = uow.inbox.get_submission(submission_id)
    if found is None:
        raise NotFound()
    return found


def assignable_staff(*, services: Services, actor: Account) -> Sequence[Account]:
    """The active staff members a submission may be given to.

    Raises:
        PermissionDenied: the actor is not staff who manage clients.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.CLIENTS_MANAGE)
        return active_staff(uow)


def update_submission(
    *,
    services: Services,
    actor: Account,
    submission_id: str,
    status: str | None = None,
    assignee_id: str | None = None,
    note: str | None = None,
    ip: str,
) -> Submission:
    """Change a submission's status, its assignee (``""`` for nobody), or add a note; each
    change is audited. ``None`` leaves that part as it is.

    Raises:
        PermissionDenied: the actor is not staff who manage clients.
        NotFound: no such submission.
        InvalidInput: unknown status, an assignee who is not active staff, a bad note.
        ConcurrentUpdate: someone changed it meanwhile.
    """
    errors: list[FieldError] = []
    new_status: Status | None = None
    if status is not None:
        try:
            new_status = Status(status)
        except ValueError:
            errors.append(FieldError("status", "invalid_choice"))
    text = ""
    if note is not None:
        text = clean_markdown(note, "note", errors, max_length=MAX_NOTE)
        if not text and not errors:
            errors.append(FieldError("note", "required"))
    if errors:
        raise InvalidInput(errors)
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CLIENTS_MANAGE)
        sub = uow.inbox.get_submission(submission_id)
        if sub is None:
            raise NotFound()
        now = services.clock.now()
        changes: list[tuple[str, str, dict[str, object]]] = []
        if new_status is not None and new_status is not sub.status:
            changes.append(
                ("inbox.status_changed", new_status.value, {"from": sub.status, "to": new_status})
            )
            sub.status = new_status
        if assignee_id is not None and (assignee_id or None) != sub.assignee_id:
            if assignee_id:
                member = uow.accounts.get(assignee_id)
                if member is None or not member.role.is_staff or not member.is_active:
                    raise InvalidInput.single("assignee", "invalid_choice")
                label = member.audit_label
            else:
                label = "-"
            changes.append(("inbox.assigned", label, {"assignee": assignee_id or ""}))
            sub.assignee_id = assignee_id or None
        if text:
            sub.notes = (
                *sub.notes,
                Note(at=now, author_id=actor.id, author_label=actor.audit_label, text=text),
            )
            changes.append(("inbox.note_added", str(len(text)), {"length": len(text)}))
        if not changes:
            return sub
        sub.updated_at = now
        uow.inbox.save_submission(sub)
        for action, summary, details in changes:
            audit.record(
                services,
                uow,
                actor=actor,
                action=action,
                target_type="submission",
                target_id=sub.id,
                subject_id=sub.account_id or "",
                summary=summary,
                details={"form": sub.form_slug, **details},
                ip=ip,
            )
        uow.commit()
    return sub


__all__ = [
    "PAGE_SIZE",
    "PER_ADDRESS",
    "PER_NETWORK",
    "RECEIPTS_PER_ADDRESS",
    "assignable_staff",
    "count_new",
    "export_submissions",
    "get_submission",
    "list_submissions",
    "network_of",
    "submit",
    "update_submission",
]
