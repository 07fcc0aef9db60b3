"""The audit log: an append-only record of who changed what, when and from where."""

from __future__ import annotations

from datetime import datetime

import attrs

from iclient_core.accounts import Account
from iclient_core.ports import UnitOfWork
from iclient_core.services import Services


@attrs.frozen
class AuditEntry:
    """One recorded action. Entries are never changed or removed by the application.

    Attributes:
        actor_id: the account that acted (None for the system or an anonymous visitor).
        actor_label: a staff member's e-mail at the time, or ``client``/``system``.
        action: a stable dotted name, e.g. ``client.created``, ``consent.published``.
        target_type: what was acted on (``account``, ``document``, ``quote``…).
        target_id: its id ("" when not applicable).
        summary: a short human-readable description (no passwords, no tokens).
    """

    id: str
    at: datetime
    actor_id: str | None
    actor_label: str
    ip: str
    action: str
    target_type: str
    target_id: str
    summary: str


def record(
    services: Services,
    uow: UnitOfWork,
    *,
    actor: Account | None,
    action: str,
    target_type: str,
    target_id: str = "",
    summary: str = "",
    ip: str = "-",
) -> AuditEntry:
    """Append an entry in the caller's transaction (it commits or rolls back with the change)."""
    entry = AuditEntry(
        id=services.ids.new_id(),
        at=services.clock.now(),
        actor_id=actor.id if actor else None,
        # Staff are named; clients only by id, so erasing a client leaves no address here.
        actor_label=(actor.email.address if actor.role.is_staff else "client")
        if actor
        else "system",
        ip=ip[:64],
        action=action,
        target_type=target_type,
        target_id=target_id,
        summary=summary[:500],
    )
    uow.audit.append(entry)
    return entry
