"""Use cases: admins read the audit log, filter it and export it."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from iclient_core.accounts.authentication import lookup_key
from iclient_core.accounts.model import Account, Status
from iclient_core.accounts.permissions import Permission, require
from iclient_core.shared import audit
from iclient_core.shared.audit import AuditEntry, AuditPerson
from iclient_core.shared.paging import Page, page_number

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

PAGE_SIZE = 50
EXPORT_BATCH = 500

NOBODY = "\x00nobody"
"""An actor id no account has: filtering by an unknown person finds nothing."""


@attrs.frozen
class AuditPage(Page[AuditEntry]):
    """A page of audit entries with the people they name (who acted, who it is about).

    Attributes:
        people: by account id; an id missing here belongs to no account any more.
    """

    people: Mapping[str, AuditPerson] = attrs.field(factory=dict)


def people_in(uow: UnitOfWork, entries: Iterable[AuditEntry]) -> dict[str, AuditPerson]:
    """The people ``entries`` name, read in one query."""
    ids = {i for e in entries for i in (e.actor_id, e.subject_id) if i}
    return {
        account.id: AuditPerson(
            id=account.id,
            name=""
            if account.status is Status.DELETED
            else account.profile.full_name or account.email.address,
            staff=account.role.is_staff,
        )
        for account in (uow.accounts.get_many(ids) if ids else {}).values()
    }


def log_page(uow: UnitOfWork, *, page: int | str | None, size: int, **filters: Any) -> AuditPage:
    """Page ``page`` of the entries matching ``filters``, newest first, with their people
    (three queries: count, page, people)."""
    total = uow.audit.count(**filters)
    number = page_number(page, total, size)
    # The port reads oldest first: page 1 is the tail of the list, read backwards.
    end = total - (number - 1) * size
    start = max(0, end - size)
    entries = uow.audit.list(**filters, limit=end - start, offset=start) if end > 0 else []
    return AuditPage(
        items=tuple(reversed(entries)),
        total=total,
        number=number,
        size=size,
        people=people_in(uow, entries),
    )


@attrs.frozen
class AuditQuery:
    """Filters of the audit log page.

    Attributes:
        action: the exact action (``client.disabled``), or None for all.
        actor: the acting person's e-mail address or account id, or None.
        since: the first day included (UTC), or None.
        until: the last day included (UTC), or None.
    """

    action: str | None = None
    actor: str | None = None
    since: date | None = None
    until: date | None = None


@attrs.frozen
class _Resolved:
    action: str | None
    actor_id: str | None
    since: datetime | None
    until: datetime | None


def _printable(text: str | None) -> str:
    """``text`` without control characters (they match nothing; PostgreSQL refuses NUL)."""
    return "".join(ch for ch in text or "" if not unicodedata.category(ch).startswith("C"))


def _resolve(services: Services, uow: UnitOfWork, query: AuditQuery) -> _Resolved:
    actor_id: str | None = None
    wanted = _printable(query.actor).strip()
    if wanted:
        found = (
            uow.accounts.get_by_email_key(lookup_key(services, wanted)) if "@" in wanted else None
        )
        if found is None and len(wanted) <= 36:
            found = uow.accounts.get(wanted)
        actor_id = found.id if found is not None else NOBODY
    return _Resolved(
        action=_printable(query.action).strip()[:64] or None,
        actor_id=actor_id,
        since=datetime.combine(query.since, time(), UTC) if query.since else None,
        until=(
            datetime.combine(query.until + timedelta(days=1), time(), UTC) if query.until else None
        ),
    )


def audit_page(
    *,
    services: Services,
    actor: Account,
    query: AuditQuery = AuditQuery(),
    page: int | str | None = None,
    size: int = PAGE_SIZE,
) -> AuditPage:
    """One page of the entries matching ``query``, newest first, with the people they name
    (three queries).

    Raises:
        PermissionDenied: the actor is not an admin.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.AUDIT_VIEW)
        found = _resolve(services, uow, query)
        return log_page(
            uow,
            page=page,
            size=size,
            action=found.action,
            actor_id=found.actor_id,
            since=found.since,
            until=found.until,
        )


def export_audit(
    *, services: Services, actor: Account, query: AuditQuery = AuditQuery(), ip: str = "-"
) -> Iterator[AuditEntry]:
    """Every entry matching ``query``, oldest first, read in batches as the caller iterates.

    The permission is checked and the export itself recorded before anything is returned;
    entries written after the call are not included.

    Raises:
        PermissionDenied: the actor is not an admin.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.AUDIT_VIEW)
        found = _resolve(services, uow, query)
        cutoff = services.clock.now() + timedelta(microseconds=1)
        until = min(found.until, cutoff) if found.until else cutoff
        audit.record(
            services,
            uow,
            actor=actor,
            action="audit.exported",
            target_type="audit",
            summary="Audit log exported as CSV",
            ip=ip,
        )
        uow.commit()
    return _stream(services, attrs.evolve(found, until=until))


def _stream(services: Services, found: _Resolved) -> Iterator[AuditEntry]:
    with services.uow() as uow:
        offset = 0
        while True:
            batch = uow.audit.list(
                action=found.action,
                actor_id=found.actor_id,
                since=found.since,
                until=found.until,
                limit=EXPORT_BATCH,
                offset=offset,
            )
            yield from batch
            if len(batch) < EXPORT_BATCH:
                return
            offset += EXPORT_BATCH


CSV_COLUMNS = (
    "at",
    "actor_label",
    "actor_id",
    "ip",
    "action",
    "target_type",
    "target_id",
    "summary",
)
"""The columns of the CSV export, in order."""

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A cell that spreadsheets will not run as a formula (OWASP CSV injection advice).

    Cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a leading
    ``'``; everything else is written as it is.
    """
    text = "" if value is None else value.isoformat() if isinstance(value, datetime) else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def csv_row(entry: AuditEntry) -> list[str]:
    """The CSV cells of one entry, in the order of ``CSV_COLUMNS``."""
    return [csv_safe(getattr(entry, name)) for name in CSV_COLUMNS]
