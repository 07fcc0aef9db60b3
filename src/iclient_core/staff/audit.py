"""Use cases: admins read the audit log, filter it and export it."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.authentication import lookup_key
from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import Permission, require
from iclient_core.shared import audit
from iclient_core.shared.audit import AuditEntry
from iclient_core.shared.paging import Page, page_number

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

PAGE_SIZE = 50
EXPORT_BATCH = 500

NOBODY = "\x00nobody"
"""An actor id no account has: filtering by an unknown person finds nothing."""


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
) -> Page[AuditEntry]:
    """One page of the entries matching ``query``, newest first (two queries).

    Raises:
        PermissionDenied: the actor is not an admin.
    """
    require(actor, Permission.AUDIT_VIEW)
    with services.uow() as uow:
        found = _resolve(services, uow, query)
        total = uow.audit.count(
            action=found.action, actor_id=found.actor_id, since=found.since, until=found.until
        )
        number = page_number(page, total, size)
        # The port reads oldest first: page 1 is the tail of the list, read backwards.
        end = total - (number - 1) * size
        start = max(0, end - size)
        entries = (
            uow.audit.list(
                action=found.action,
                actor_id=found.actor_id,
                since=found.since,
                until=found.until,
                limit=end - start,
                offset=start,
            )
            if end > 0
            else []
        )
    return Page(items=tuple(reversed(entries)), total=total, number=number, size=size)


def export_audit(
    *, services: Services, actor: Account, query: AuditQuery = AuditQuery(), ip: str = "-"
) -> Iterator[AuditEntry]:
    """Every entry matching ``query``, oldest first, read in batches as the caller iterates.

    The permission is checked and the export itself recorded before anything is returned;
    entries written after the call are not included.

    Raises:
        PermissionDenied: the actor is not an admin.
    """
    require(actor, Permission.AUDIT_VIEW)
    with services.uow() as uow:
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
