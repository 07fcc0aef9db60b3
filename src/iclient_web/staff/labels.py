"""How the staff pages name account statuses, roles and audit actions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "pending_activation": _l("Pending activation"),
    "active": _l("Active"),
    "disabled": _l("Disabled"),
    "deletion_requested": _l("Deletion requested"),
    "deleted": _l("Deleted"),
}

ROLE_LABELS = {"client": _l("Client"), "staff": _l("Collaborator"), "admin": _l("Manager")}

ACTION_LABELS = {
    "auth.sign_in": _l("Signed in"),
    "auth.sign_in_failed": _l("Failed sign-in"),
    "auth.password_reset": _l("Password reset"),
    "client.created": _l("Client created"),
    "client.imported": _l("Clients imported"),
    "client.updated": _l("Client details changed"),
    "client.disabled": _l("Account disabled"),
    "client.enabled": _l("Account enabled"),
    "client.invitation_resent": _l("Invitation sent again"),
    "client.activation_resent": _l("Activation link sent again"),
    "client.sessions_ended": _l("Sessions ended"),
    "staff.invited": _l("Staff member invited"),
    "staff.invitation_resent": _l("Invitation sent again"),
    "staff.role_changed": _l("Role changed"),
    "staff.disabled": _l("Account disabled"),
    "staff.enabled": _l("Account enabled"),
    "staff.sessions_ended": _l("Sessions ended"),
    "settings.updated": _l("Settings changed"),
    "audit.exported": _l("Audit log exported"),
}
"""Readable names of the audit actions; other areas' actions show their code."""


def status_label(status: object) -> str:
    """The readable name of an account status (or client filter)."""
    value = getattr(status, "value", status)
    return str(STATUS_LABELS.get(str(value), value))


def role_label(role: object) -> str:
    """The readable name of a role."""
    value = getattr(role, "value", role)
    return str(ROLE_LABELS.get(str(value), value))


def action_label(action: str) -> str:
    """The readable name of an audit action (its code when unknown)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
