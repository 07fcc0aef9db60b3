"""Webhooks in the portal (``admin_webhooks``, ``/<lang>/admin/webhooks``, admins): the
endpoints, a new one, one endpoint's settings and delivery log, and its actions (reveal or
rotate the secret, pause, resume, send a test event, send a delivery again, remove).

Every view calls the core's use cases; the signing secret is shown only in the answer to a
POST (never stored in the session cookie, never in a URL).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from iclient_core.accounts.permissions import Permission
from iclient_core.shared.errors import InvalidInput
from iclient_core.webhooks.endpoints import (
    create_endpoint,
    delete_endpoint,
    endpoint_page,
    list_endpoints,
    pause_endpoint,
    resume_endpoint,
    reveal_secret,
    rotate_secret,
    send_again,
    send_test,
    update_endpoint,
)
from iclient_core.webhooks.model import EVENT_TYPES, Endpoint, EventType
from iclient_web import formats
from iclient_web.deps import client_ip, services
from iclient_web.i18n import current_language
from iclient_web.messages import field_message
from iclient_web.security import require_staff
from iclient_web.staff.hooks import provide_nav

bp = Blueprint("admin_webhooks", __name__, url_prefix="/<lang>/admin/webhooks")
bp.before_request(require_staff)

EVENT_LABELS = {
    EventType.CLIENT_REGISTERED: _l("A client registered, or staff created one"),
    EventType.CLIENT_ACTIVATED: _l("A client activated their account"),
    EventType.DOCUMENT_PUBLISHED: _l("A document was published to a client"),
    EventType.DOCUMENT_DOWNLOADED: _l("A client downloaded a document"),
    EventType.QUOTE_REQUESTED: _l("A quote was requested"),
    EventType.QUOTE_ACCEPTED: _l("A client accepted a quote"),
    EventType.QUOTE_DECLINED: _l("A client declined a quote"),
    EventType.CONSENT_ACCEPTED: _l("A client accepted the Terms or the Privacy Policy"),
    EventType.PING: _l("Test event"),
}
"""What each event means, in words."""

MESSAGES = {
    "webhook_url_refused": _l(
        "Use an https address of a server on the internet (not a private or local address)."
    ),
    "webhook_paused": _l("The endpoint is paused: resume it first."),
    "too_many": _l("There are as many endpoints as a portal may have."),
}


def webhook_message(code: str) -> str:
    """The sentence for one error code of the webhooks' forms."""
    found = MESSAGES.get(code)
    return str(found) if found is not None else field_message(code)


@bp.context_processor
def webhook_helpers() -> dict[str, Any]:
    """Event labels and times in the page's language, for the templates."""
    lang = current_language()
    zone = services().settings.quotes.zone()
    return {
        "moment": lambda value: formats.moment(value, lang, zone),
        "event_labels": EVENT_LABELS,
        "event_types": EVENT_TYPES,
    }


def _posted() -> dict[str, Any]:
    return {
        "url": request.form.get("url", ""),
        "description": request.form.get("description", ""),
        "events": request.form.getlist("events"),
    }


def _errors(error: InvalidInput) -> dict[str, list[str]]:
    return {
        name: [webhook_message(code) for code in codes] for name, codes in error.by_field().items()
    }


def _show(
    endpoint_id: str,
    *,
    secret: str | None = None,
    values: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    try:
        number = max(int(request.args.get("page", "1")), 1)
    except ValueError:
        number = 1
    page = endpoint_page(services=services(), actor=g.account, endpoint_id=endpoint_id, page=number)
    return render_template(
        "admin/webhooks/show.html",
        page=page,
        endpoint=page.endpoint,
        secret=secret,
        values=values or _values_of(page.endpoint),
        errors=errors or {},
    ), status


def _values_of(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": [e.value for e in endpoint.events],
    }


@bp.get("")
def index() -> str:
    """Every endpoint, with its events and whether it is active."""
    found = list_endpoints(services=services(), actor=g.account)
    return render_template("admin/webhooks/index.html", endpoints=found)


@bp.route("/new", methods=["GET", "POST"])
def new() -> tuple[str, int] | Response:
    """Register an endpoint; its secret is shown on its page."""
    list_endpoints(services=services(), actor=g.account)  # admins only, before anything
    values: dict[str, Any] = {"url": "", "description": "", "events": []}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = _posted()
        try:
            created = create_endpoint(
                services=services(), actor=g.account, ip=client_ip(), **values
            )
        except InvalidInput as error:
            errors = _errors(error)
        else:
            flash(
                _("The endpoint was added. Copy its secret into the receiving program."), "success"
            )
            return _show(created.id, secret=created.secret)
    return render_template("admin/webhooks/new.html", values=values, errors=errors), (
        400 if errors else 200
    )


@bp.route("/<endpoint_id>", methods=["GET", "POST"])
def show(endpoint_id: str) -> tuple[str, int] | Response:
    """An endpoint's settings and its delivery log; a POST saves the settings."""
    if request.method == "POST":
        values = _posted()
        try:
            update_endpoint(
                services=services(),
                actor=g.account,
                endpoint_id=endpoint_id,
                ip=client_ip(),
                **values,
            )
        except InvalidInput as error:
            return _show(endpoint_id, values=values, errors=_errors(error), status=400)
        flash(_("The endpoint was saved."), "success")
        return redirect(url_for(".show", endpoint_id=endpoint_id), 303)
    return _show(endpoint_id)


@bp.post("/<endpoint_id>/secret")
def secret(endpoint_id: str) -> tuple[str, int]:
    """Show the endpoint's signing secret (the look is in the audit log)."""
    shown = reveal_secret(
        services=services(), actor=g.account, endpoint_id=endpoint_id, ip=client_ip()
    )
    return _show(endpoint_id, secret=shown)


@bp.post("/<endpoint_id>/rotate")
def rotate(endpoint_id: str) -> tuple[str, int]:
    """Give the endpoint a new secret and show it."""
    rotated = rotate_secret(
        services=services(), actor=g.account, endpoint_id=endpoint_id, ip=client_ip()
    )
    flash(_("The endpoint has a new secret: the old one no longer signs."), "success")
    return _show(endpoint_id, secret=rotated.secret)


@bp.post("/<endpoint_id>/pause")
def pause(endpoint_id: str) -> Response:
    """Stop sending the endpoint its events."""
    pause_endpoint(services=services(), actor=g.account, endpoint_id=endpoint_id, ip=client_ip())
    flash(_("The endpoint is paused."), "success")
    return redirect(url_for(".show", endpoint_id=endpoint_id), 303)


@bp.post("/<endpoint_id>/resume")
def resume(endpoint_id: str) -> Response:
    """Send the endpoint its events again."""
    resume_endpoint(services=services(), actor=g.account, endpoint_id=endpoint_id, ip=client_ip())
    flash(_("The endpoint is active again."), "success")
    return redirect(url_for(".show", endpoint_id=endpoint_id), 303)


@bp.post("/<endpoint_id>/test")
def test(endpoint_id: str) -> tuple[str, int] | Response:
    """Queue a test event for the endpoint."""
    try:
        send_test(services=services(), actor=g.account, endpoint_id=endpoint_id, ip=client_ip())
    except InvalidInput as error:
        flash(" ".join(webhook_message(e.code) for e in error.errors), "error")
    else:
        flash(_("A test event is on its way; its delivery appears in the log."), "success")
    return redirect(url_for(".show", endpoint_id=endpoint_id), 303)


@bp.post("/<endpoint_id>/deliveries/<delivery_id>/send-again")
def again(endpoint_id: str, delivery_id: str) -> Response:
    """Send a logged delivery again, with the same id and body."""
    send_again(
        services=services(),
        actor=g.account,
        endpoint_id=endpoint_id,
        delivery_id=delivery_id,
        ip=client_ip(),
    )
    flash(_("The event will be sent again in a moment."), "success")
    return redirect(url_for(".show", endpoint_id=endpoint_id), 303)


@bp.post("/<endpoint_id>/delete")
def delete(endpoint_id: str) -> Response:
    """Remove the endpoint and its delivery log."""
    delete_endpoint(services=services(), actor=g.account, endpoint_id=endpoint_id, ip=client_ip())
    flash(_("The endpoint was removed."), "success")
    return redirect(url_for(".index"), 303)


def init_app(app: Flask) -> None:
    """Register the webhooks pages and their link in the staff menu."""
    app.register_blueprint(bp)
    provide_nav(app, _l("Webhooks"), "admin_webhooks.index", Permission.WEBHOOKS_MANAGE)
