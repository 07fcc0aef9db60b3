"""The admins' API keys page (``api_keys``, ``/<lang>/admin/api-keys``): the keys with their
scopes, expiry and last use; a new key's secret shown once; revoking one."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, DateInput, ListWidget

from iclient_core.accounts.permissions import Permission
from iclient_core.integrations import NewKey, Scope, create_key, list_keys, revoke_key
from iclient_core.shared.errors import InvalidInput
from iclient_web.deps import client_ip, services
from iclient_web.forms import ButtonForm, apply_errors
from iclient_web.security import require_staff
from iclient_web.staff.hooks import provide_nav

bp = Blueprint("api_keys", __name__, url_prefix="/<lang>/admin/api-keys")
bp.before_request(require_staff)

SCOPE_LABELS = {
    Scope.CLIENTS_READ: _l("Read clients"),
    Scope.CLIENTS_WRITE: _l("Create, change and disable clients"),
    Scope.DOCUMENTS_READ: _l("Read documents"),
    Scope.DOCUMENTS_WRITE: _l("Upload and archive documents"),
    Scope.QUOTES_READ: _l("Read quotes"),
    Scope.QUOTES_WRITE: _l("Write and send quotes"),
    Scope.BOOKINGS_READ: _l("Read bookings"),
    Scope.SUPPORT_READ: _l("Read support conversations"),
}
"""What each scope allows, as the page says it."""

DATE_MESSAGES = {
    "date_invalid": _l("Enter a date such as 2026-12-31."),
    "date_in_past": _l("This date has already passed."),
}


class KeyForm(FlaskForm):
    """A new API key: its name, scopes and optional expiry."""

    name = StringField(_l("Name"), render_kw={"maxlength": 100})
    scopes = SelectMultipleField(
        _l("What the key may do"),
        choices=[SelectChoice(s.value, label) for s, label in SCOPE_LABELS.items()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,
    )
    expires_on = StringField(_l("Expires on (optional)"), widget=DateInput())


def _page(form: KeyForm | None = None, new: NewKey | None = None, status: int = 200) -> Response:
    body = render_template(
        "admin/api_keys/index.html",
        keys=list_keys(services=services(), actor=g.account),
        form=form or KeyForm(formdata=None),
        button=ButtonForm(formdata=None),
        new=new,
        scope_labels=SCOPE_LABELS,
        now=services().clock.now(),
    )
    return Response(body, status=status, mimetype="text/html")


@bp.get("")
def index() -> Response:
    """The API keys and the form for a new one."""
    return _page()


@bp.post("")
def create() -> Response:
    """Create a key; its secret is on this answer only (never stored, never shown again)."""
    form = KeyForm()
    try:
        new = create_key(
            services=services(),
            actor=g.account,
            name=form.name.data,
            scopes=form.scopes.data or [],
            expires_on=form.expires_on.data,
            ip=client_ip(),
        )
    except InvalidInput as error:
        apply_errors(form, error)
        dated = [e.code for e in error.errors if e.field == "expires_on"]
        if dated:
            form.expires_on.errors = [str(DATE_MESSAGES[c]) for c in dated if c in DATE_MESSAGES]
        return _page(form, status=400)
    return _page(new=new, status=201)


@bp.post("/<key_id>/revoke")
def revoke(key_id: str) -> Response:
    """Revoke a key: the next request made with it is refused."""
    ButtonForm()
    key = revoke_key(services=services(), actor=g.account, key_id=key_id, ip=client_ip())
    flash(_("The key “%(name)s” was revoked.", name=key.name), "success")
    return redirect(url_for("api_keys.index"), 303)


def init_app(app: Flask) -> None:
    """Register the page and its place in the admin menu."""
    app.register_blueprint(bp)
    provide_nav(app, _l("API keys"), "api_keys.index", Permission.API_KEYS_MANAGE)
