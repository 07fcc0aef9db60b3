"""The staff area: the dashboard, the admin layout's helpers, and the hooks other areas use.

Other areas plug into the staff pages without editing them:

- **Dashboard counts** — ``provide_attention(app, slot, count=..., endpoint=...)`` for one of
  :data:`ATTENTION_SLOTS`; ``count(actor)`` calls the area's core use case, and the
  dashboard links the number to ``endpoint``. A slot without a provider says so and shows no
  number (no invented data).
- **Sections of a client's page** — ``provide_client_section(app, area, template=...,
  context=...)`` for one of :data:`CLIENT_SECTIONS`: the page includes ``template`` (one of
  the area's own) with ``section`` set to ``context(actor, client)``, the area's core use
  case's answer. Until then the section shows a short "not available" line.

- **The admin menu** — ``provide_nav(app, _l("Documents"), "admin_documents.index",
  Permission.DOCUMENTS_MANAGE)``.

Call them from a blueprint with ``bp.record_once(lambda state: provide_...(state.app, ...))``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from flask import Blueprint, Flask, current_app, g, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import Permission, allowed
from iclient_core.staff.clients import ClientFilter, attention
from iclient_web.deps import services
from iclient_web.security import require_staff

bp = Blueprint("admin", __name__, url_prefix="/<lang>/admin")
bp.before_request(require_staff)

ATTENTION_SLOTS = ("quote_requests_waiting", "quotes_expiring", "documents_unopened")
"""Dashboard counts that other areas provide."""

CLIENT_SECTIONS = ("consent", "documents", "quotes")
"""Sections of the client page that other areas provide."""


@attrs.frozen
class AttentionSlot:
    """A dashboard count: ``count(actor)`` and the list it links to."""

    count: Callable[[Account], int]
    endpoint: str
    values: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class ClientSection:
    """A section of the client page: a template and what it shows."""

    template: str
    context: Callable[[Account, Account], Any]


@attrs.define
class AdminHooks:
    """What other areas registered for the staff pages."""

    attention: dict[str, AttentionSlot] = attrs.Factory(dict)
    client_sections: dict[str, ClientSection] = attrs.Factory(dict)
    nav: list[tuple[Any, str, Permission]] = attrs.Factory(list)


def hooks(app: Flask | None = None) -> AdminHooks:
    """The hooks of ``app`` (the current app by default)."""
    target = app or current_app
    found: AdminHooks = target.extensions.setdefault("iclient_admin", AdminHooks())
    return found


def provide_attention(
    app: Flask, slot: str, *, count: Callable[[Account], int], endpoint: str, **values: Any
) -> None:
    """Give a dashboard slot its count and the page it links to."""
    if slot not in ATTENTION_SLOTS:
        raise ValueError(f"unknown dashboard slot {slot!r}; one of {ATTENTION_SLOTS}")
    hooks(app).attention[slot] = AttentionSlot(count=count, endpoint=endpoint, values=values)


def provide_client_section(
    app: Flask, area: str, *, template: str, context: Callable[[Account, Account], Any]
) -> None:
    """Give a section of the client page its content: ``template`` shows ``section``, which
    is ``context(actor, client)``."""
    if area not in CLIENT_SECTIONS:
        raise ValueError(f"unknown client section {area!r}; one of {CLIENT_SECTIONS}")
    hooks(app).client_sections[area] = ClientSection(template=template, context=context)


def provide_nav(app: Flask, label: Any, endpoint: str, permission: Permission) -> None:
    """Add a link to the admin menu, shown to those with ``permission`` (label: ``_l(...)``)."""
    hooks(app).nav.append((label, endpoint, permission))


def client_section(area: str) -> ClientSection | None:
    """The provided section ``area`` of the client page, or None."""
    return hooks().client_sections.get(area)


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


def has_endpoint(endpoint: str) -> bool:
    """Whether the app has a view called ``endpoint`` (to link to other areas' pages)."""
    return endpoint in current_app.view_functions


@bp.app_context_processor
def admin_context() -> dict[str, Any]:
    """Helpers for the admin templates: what the signed-in person may do, and the hooks."""

    def admin_can(permission: str) -> bool:
        return allowed(g.get("account"), Permission(permission))

    def page_url(number: int) -> str:
        args = {**request.args.to_dict(), **(request.view_args or {}), "page": number}
        return url_for(str(request.endpoint), **args)

    return {
        "admin_can": admin_can,
        "admin_nav": [
            (label, endpoint)
            for label, endpoint, permission in hooks().nav
            if allowed(g.get("account"), permission) and has_endpoint(endpoint)
        ],
        "has_endpoint": has_endpoint,
        "client_section": client_section,
        "page_url": page_url,
        "status_label": status_label,
        "action_label": action_label,
        "role_label": role_label,
    }


@bp.get("/")
def dashboard() -> str:
    """The staff home page: what needs attention, each count linking to its list."""
    counts = attention(services=services(), actor=g.account)
    slots = []
    for slot in ATTENTION_SLOTS:
        provided = hooks().attention.get(slot)
        slots.append((slot, provided, provided.count(g.account) if provided is not None else None))
    return render_template(
        "admin/dashboard.html",
        account=g.account,
        counts=counts,
        slots=slots,
        pending=ClientFilter.PENDING_ACTIVATION.value,
        deletion=ClientFilter.DELETION_REQUESTED.value,
    )
