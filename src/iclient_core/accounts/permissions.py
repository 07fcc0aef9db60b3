"""Who may do what: roles map to permissions, and every staff use case checks them here.

The web layer only hides what an actor may not do; the refusal itself happens in the core,
whatever calls the use case.
"""

from __future__ import annotations

import enum

from iclient_core.accounts.model import Account, Role
from iclient_core.shared.errors import PermissionDenied


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


def require(actor: Account | None, permission: Permission) -> Account:
    """Return ``actor`` if allowed, else raise.

    Raises:
        PermissionDenied: the actor is missing, inactive, or its role lacks the permission.
    """
    if actor is None or not allowed(actor, permission):
        raise PermissionDenied(permission.value)
    return actor
