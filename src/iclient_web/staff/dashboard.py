"""The staff area's home: what needs attention, and what every admin template is given (what
the signed-in person may do, the admin menu, labels, page links)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, render_template, request, url_for

from iclient_core.accounts.permissions import Permission, allowed
from iclient_core.staff.clients import ClientFilter, attention
from iclient_web.deps import services
from iclient_web.security import require_staff
from iclient_web.staff.audit_sentences import sentence
from iclient_web.staff.hooks import attention_counts, attention_tallies, hooks
from iclient_web.staff.labels import action_label, role_label, status_label

bp = Blueprint("admin", __name__, url_prefix="/<lang>/admin")
bp.before_request(require_staff)


def has_endpoint(endpoint: str) -> bool:
    """Whether the app has a view called ``endpoint`` (to link to other areas' pages)."""
    return endpoint in current_app.view_functions


@bp.app_context_processor
def admin_context() -> dict[str, Any]:
    """Helpers for the admin templates: what the signed-in person may do, and the menu."""

    def admin_can(permission: str) -> bool:
        return allowed(g.get("account"), Permission(permission))

    def page_url(number: int) -> str:
        args = {**request.args.to_dict(), **(request.view_args or {}), "page": number}
        return url_for(str(request.endpoint), **args)

    def cursor_url(cursor: str | None) -> str:
        """This page's URL with another cursor (None: the first page), other filters kept."""
        args = {
            name: value
            for name, value in request.args.to_dict().items()
            if name not in {"cursor", "page"}
        }
        if cursor is not None:
            args["cursor"] = cursor
        return url_for(str(request.endpoint), **{**args, **(request.view_args or {})})

    return {
        "admin_can": admin_can,
        "admin_nav": [
            (label, endpoint)
            for label, endpoint, permission in hooks().nav
            if allowed(g.get("account"), permission) and has_endpoint(endpoint)
        ],
        "has_endpoint": has_endpoint,
        "page_url": page_url,
        "cursor_url": cursor_url,
        "status_label": status_label,
        "action_label": action_label,
        "role_label": role_label,
        "audit_sentence": lambda entry, people: sentence(
            entry, people, link_staff=admin_can(Permission.STAFF_MANAGE.value)
        ),
    }


@bp.get("/")
def dashboard() -> str:
    """The staff home page: what needs attention, each count linking to its list."""
    counts = attention(services=services(), actor=g.account, tallies=attention_tallies())
    return render_template(
        "admin/dashboard.html",
        account=g.account,
        counts=counts,
        slots=attention_counts(counts.tallies),
        pending=ClientFilter.PENDING_ACTIVATION.value,
        deletion=ClientFilter.DELETION_REQUESTED.value,
    )
