"""The audit log: an append-only record of who changed what, when and from where."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import attrs

from iclient_core.shared.ports import Clock, IdGenerator


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


class AuditLog(Protocol):
    """The append-only audit log. It has no way to change or remove an entry."""

    def append(self, entry: AuditEntry) -> None:
        """Add an entry (in the caller's transaction)."""

    def list(
        self,
        *,
        action: str | None = None,
        actor_id: str | None = None,
        target_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Sequence[AuditEntry]:
        """Entries matching every given filter, oldest first (``since`` ≤ at < ``until``)."""

    def count(
        self,
        *,
        action: str | None = None,
        actor_id: str | None = None,
        target_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        """How many entries match the filters."""


class Actor(Protocol):
    """Who acted, as the audit log names them (an ``Account`` is one)."""

    @property
    def id(self) -> str:
        """The account's id."""

    @property
    def audit_label(self) -> str:
        """How the log names the actor: a staff member's e-mail, or ``client``."""


class Recorder(Protocol):
    """What :func:`record` needs of the ``Services`` bundle: the time and new ids."""

    @property
    def ids(self) -> IdGenerator:
        """New identifiers."""

    @property
    def clock(self) -> Clock:
        """The time."""


class Audited(Protocol):
    """What :func:`record` needs of a unit of work: its audit log."""

    @property
    def audit(self) -> AuditLog:
        """The audit log of the transaction."""


def record(
    services: Recorder,
    uow: Audited,
    *,
    actor: Actor | None,
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
        actor_label=actor.audit_label if actor else "system",
        ip=ip[:64],
        action=action,
        target_type=target_type,
        target_id=target_id,
        summary=summary[:500],
    )
    uow.audit.append(entry)
    return entry
