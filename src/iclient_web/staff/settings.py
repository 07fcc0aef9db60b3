"""Admin page for the business settings: name, contacts, language, VAT rates, upload limit,
the look (accent colour, the landing page's introduction) and the logo (the form is
multipart; the logo's own limit is 1 MB, far below the portal's request limit, so a larger
logo gets a form error, and a much larger request the 413 page)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from iclient_core.shared.business import BusinessSettings, format_rate
from iclient_core.shared.errors import InvalidInput
from iclient_core.shared.intake import Upload
from iclient_core.staff.settings import save_settings, settings_for_editing
from iclient_web import formats
from iclient_web.deps import client_ip, portal, services
from iclient_web.errors import error_page
from iclient_web.messages import field_message
from iclient_web.security import require_staff
from iclient_web.staff.forms import SettingsForm

bp = Blueprint("admin_settings", __name__, url_prefix="/<lang>/admin/settings")
bp.before_request(require_staff)

LOGO_MESSAGES = {
    "file_empty": _l("The file is empty."),
    "file_type_mismatch": _l(
        "The file's name does not match its content (for example, a page renamed .pdf)."
    ),
    "logo_type_not_allowed": _l("The logo must be a PNG or JPEG image."),
    "logo_too_large": _l("The logo must be 1 MB or smaller."),
}


def _apply_errors(form: SettingsForm, error: InvalidInput) -> None:
    """The core's field errors on the form, with this page's sentences for the logo's."""
    for name, codes in error.by_field().items():
        messages = [str(LOGO_MESSAGES.get(code) or field_message(code)) for code in codes]
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            form.form_errors.extend(messages)


@bp.errorhandler(413)
def too_large(error: object) -> tuple[str, int]:
    """A request over the portal's limit (a logo far above 1 MB)."""
    return error_page(413, _("The file is too large"), str(LOGO_MESSAGES["logo_too_large"]))


def _page(form: SettingsForm, status: int = 200) -> tuple[str, int]:
    configured = services().settings
    stored: BusinessSettings = settings_for_editing(services=services(), actor=g.account)
    body = render_template(
        "admin/settings/edit.html",
        form=form,
        stored=stored,
        configured_name=configured.business_name,
        configured_email=configured.contact_email or portal().config.contact_email,
        configured_prefix=configured.quotes.number_prefix,
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
        contact_phone=formats.phone(stored.contact_phone),
        default_language=stored.default_language,
        vat_rates=", ".join(format_rate(rate) for rate in stored.vat_rates),
        upload_limit_mb=str(stored.upload_limit_mb),
        accent_color=stored.accent_color,
        intro_pt=stored.intro_pt,
        intro_en=stored.intro_en,
        address=stored.address,
        nif=stored.nif,
        quote_prefix=stored.quote_prefix,
        staff_two_step=stored.staff_two_step,
    )
    return _page(form)


@bp.post("/")
def save() -> Response | tuple[str, int]:
    """Store the settings (every page shows the new name from the next request on)."""
    form = SettingsForm()
    upload = form.logo.data
    logo = (
        Upload(filename=upload.filename, stream=upload.stream)
        if upload is not None and getattr(upload, "filename", None)
        else None
    )
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
            logo=logo,
            remove_logo=bool(form.remove_logo.data),
            accent_color=form.accent_color.data or "",
            intro_pt=form.intro_pt.data or "",
            intro_en=form.intro_en.data or "",
            address=form.address.data,
            nif=form.nif.data,
            quote_prefix=form.quote_prefix.data,
            staff_two_step=bool(form.staff_two_step.data),
            ip=client_ip(),
        )
    except InvalidInput as error:
        _apply_errors(form, error)
        return _page(form, 400)
    flash(_("The settings were saved."), "success")
    return redirect(url_for("admin_settings.edit"), 303)
