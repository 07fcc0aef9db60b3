"""Who may do what: roles map to permissions, and every staff use case checks them here.

The web layer only hides what an actor may not do; the refusal itself happens in the core,
whatever calls the use case, on the actor's account as stored now: a staff member disabled
or demoted a moment ago is refused even if the caller still holds the old ``Account``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.model import Account, Role, Status
from iclient_core.shared.errors import PermissionDenied

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork


class Permission(enum.StrEnum):
    """One thing a staff member may be allowed to do."""

    CLIENTS_VIEW = "clients.view"
    CLIENTS_MANAGE = "clients.manage"
    DOCUMENTS_MANAGE = "documents.manage"
    QUOTES_MANAGE = "quotes.manage"
    CONSENT_VIEW = "consent.view"
    CONSENT_PUBLISH = "consent.publish"
    STAFF_MANAGE = "staff.manage"
    SETTINGS_MANAGE = "settings.manage"
    AUDIT_VIEW = "audit.view"
    FAQ_MANAGE = "faq.manage"
    WEBHOOKS_MANAGE = "webhooks.manage"
    API_KEYS_MANAGE = "api_keys.manage"
    TWO_STEP_RESET = "two_step.reset"
    """Turn off someone else's two-step sign-in when they lost every way to finish it."""


_STAFF = frozenset(
    {
        Permission.CLIENTS_VIEW,
        Permission.CLIENTS_MANAGE,
        Permission.DOCUMENTS_MANAGE,
        Permission.QUOTES_MANAGE,
        Permission.CONSENT_VIEW,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CLIENT: frozenset(),
    Role.STAFF: _STAFF,
    Role.ADMIN: frozenset(Permission),
}
"""Collaborators (staff) run the client relationship; managers (admin) may do everything."""


def allowed(actor: Account | None, permission: Permission) -> bool:
    """True when ``actor`` is an active account whose role grants ``permission``."""
    return (
        actor is not None
        and actor.is_active
        and permission in ROLE_PERMISSIONS.get(actor.role, frozenset())
    )


def as_active_client(actor: Account | None, denied: str) -> Account:
    """``actor``, when it is an active client: the client's own pages (quotes, support) are
    for clients only. Checked on the account as the caller read it (a use case that only
    reads takes the account found with the session, read for this request).

    Raises:
        PermissionDenied: ``denied``; no account, or not an active client (staff do not ask
            or decide as clients).
    """
    if actor is None or not actor.is_active or actor.role is not Role.CLIENT:
        raise PermissionDenied(denied)
    return actor


def require(uow: UnitOfWork, actor: Account | None, permission: Permission) -> Account:
    """The actor's account as stored now, if it may ``permission``; else raise.

    The account is read again in the caller's transaction: what counts is the role and
    status stored at this moment, not those of the object the caller holds.

    Raises:
        PermissionDenied: the actor is missing, gone, inactive, or its role lacks the
            permission.
    """
    current = uow.accounts.get(actor.id) if actor is not None else None
    if current is None or not allowed(current, permission):
        raise PermissionDenied(permission.value)
    return current


@attrs.frozen
class Tally:
    """A number staff see at a glance (what waits for them on the dashboard): the permission
    it needs and how it is read in a unit of work that is already open (a statement or two).

    An area offers its tallies beside its use cases; a page that shows several reads them
    all in one unit of work, the actor's account read once (the staff dashboard: see
    ``iclient_core.staff.clients.attention``), and :func:`tally` reads one on its own.
    """

    permission: Permission
    read: Callable[[Services, UnitOfWork], int]


@attrs.frozen
class ClientReading:
    """What an area shows of one client on the staff's page of that client (the latest
    documents, quotes, bookings…): the permission it needs and how it is read in a unit of
    work that is already open, for the client's account.

    The client's page reads every area's in the unit of work of the rest of the page, the
    actor's account read once (``iclient_core.staff.clients.client_file``).
    """

    permission: Permission
    read: Callable[[Services, UnitOfWork, Account], object]


def tally(services: Services, actor: Account | None, counted: Tally) -> int:
    """One tally in a unit of work of its own, for the actor as stored now.

    Raises:
        PermissionDenied: the actor may not see it.
    """
    with services.uow() as uow:
        require(uow, actor, counted.permission)
        return counted.read(services, uow)


def active_staff(uow: UnitOfWork, *, limit: int = 500) -> list[Account]:
    """The active managers, then the active collaborators (up to ``limit`` of each): who a
    piece of work can be given to."""
    return [
        member
        for role in (Role.ADMIN, Role.STAFF)
        for member in uow.accounts.list(role=role, status=Status.ACTIVE, limit=limit, offset=0)
    ]
