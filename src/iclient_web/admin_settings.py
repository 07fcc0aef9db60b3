"""Admin page for the business settings: name, contacts, language, VAT rates, upload limit."""

from __future__ import annotations

import logging

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from iclient_core.business import (
    current_settings,
    format_rate,
    save_settings,
    settings_for_editing,
)
from iclient_core.errors import InvalidInput
from iclient_web.admin_forms import SettingsForm
from iclient_web.deps import client_ip, portal, services
from iclient_web.forms import apply_errors
from iclient_web.security import require_staff

bp = Blueprint("admin_settings", __name__, url_prefix="/<lang>/admin/settings")
bp.before_request(require_staff)

logger = logging.getLogger("iclient.web")


def branding() -> tuple[str, str]:
    """The business name and contact e-mail every page shows: what an admin stored, else
    the configuration. Read once per request."""
    cached: tuple[str, str] | None = g.get("iclient_branding")
    if cached is None:
        configured = services().settings
        fallback_email = configured.contact_email or portal().config.contact_email
        try:
            found = current_settings(services=services())
            cached = (found.business_name, found.contact_email or fallback_email)
        except Exception:  # every page, the error pages first, must render without a database
            logger.exception("could not read the business settings")
            cached = (configured.business_name, fallback_email)
        g.iclient_branding = cached
    return cached


def _page(form: SettingsForm, status: int = 200) -> tuple[str, int]:
    configured = services().settings
    body = render_template(
        "admin/settings.html",
        form=form,
        configured_name=configured.business_name,
        configured_email=configured.contact_email or portal().config.contact_email,
    )
    return body, status


@bp.get("/")
def edit() -> tuple[str, int]:
    """The settings form, filled with what is stored."""
    stored = settings_for_editing(services=services(), actor=g.account)
    form = SettingsForm(
        formdata=None,
        business_name=stored.business_name,
        contact_email=stored.contact_email,
        contact_phone=stored.contact_phone,
        default_language=stored.default_language,
        vat_rates=", ".join(format_rate(rate) for rate in stored.vat_rates),
        upload_limit_mb=str(stored.upload_limit_mb),
    )
    return _page(form)


@bp.post("/")
def save() -> Response | tuple[str, int]:
    """Store the settings (every page shows the new name from the next request on)."""
    form = SettingsForm()
    try:
        save_settings(
            services=services(),
            actor=g.account,
            business_name=form.business_name.data,
            contact_email=form.contact_email.data,
            contact_phone=form.contact_phone.data,
            default_language=form.default_language.data,
            vat_rates=form.vat_rates.data,
            upload_limit_mb=form.upload_limit_mb.data,
            ip=client_ip(),
        )
    except InvalidInput as error:
        apply_errors(form, error)
        return _page(form, 400)
    flash(_("The settings were saved."), "success")
    return redirect(url_for("admin_settings.edit"), 303)
