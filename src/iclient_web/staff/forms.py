"""The staff area's forms. Each declares exactly the fields it accepts and carries a CSRF
token (the search and filter forms are GETs and change nothing, so they have none)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import Optional

LANGUAGE_CHOICES = [SelectChoice("pt", "Português"), SelectChoice("en", "English")]


class ClientForm(FlaskForm):
    """A client's contact data, as staff create or correct it."""

    first_name = StringField(_l("First name"))
    last_name = StringField(_l("Last name"))
    email = EmailField(_l("E-mail"))
    phone = TelField(_l("Phone (optional)"))
    language = SelectField(_l("Language for e-mails"), choices=LANGUAGE_CHOICES)


class ImportForm(FlaskForm):
    """A CSV file of clients, checked first (dry run) unless told otherwise."""

    file = FileField(_l("CSV file"))
    dry_run = BooleanField(_l("Only check the file (nothing is created)"), default=True)
    send_invitations = BooleanField(_l("E-mail each new client an invitation"), default=True)


class InviteStaffForm(FlaskForm):
    """A new collaborator or manager."""

    first_name = StringField(_l("First name"))
    last_name = StringField(_l("Last name"))
    email = EmailField(_l("E-mail"))
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("staff", _l("Collaborator (clients, documents, quotes)")),
            SelectChoice("admin", _l("Manager (everything, including staff and settings)")),
        ],
    )
    language = SelectField(_l("Language for e-mails"), choices=LANGUAGE_CHOICES)


class RoleForm(FlaskForm):
    """A staff member's new role."""

    role = SelectField(
        _l("Role"),
        choices=[SelectChoice("staff", _l("Collaborator")), SelectChoice("admin", _l("Manager"))],
    )


class SettingsForm(FlaskForm):
    """The business settings."""

    business_name = StringField(_l("Business name"))
    contact_email = EmailField(_l("Contact e-mail"))
    contact_phone = TelField(_l("Contact phone"))
    default_language = SelectField(
        _l("Default language"),
        choices=[SelectChoice("", _l("As configured")), *LANGUAGE_CHOICES],
    )
    address = TextAreaField(_l("Address"), render_kw={"rows": 3, "maxlength": 500})
    nif = StringField(_l("NIF (tax number)"), render_kw={"inputmode": "numeric"})
    vat_rates = StringField(_l("VAT rates (%)"))
    quote_prefix = StringField(_l("Quote number prefix"))
    upload_limit_mb = StringField(_l("Largest document upload (MB)"))
    logo = FileField(_l("Logo (PNG or JPEG, up to 1 MB)"))
    remove_logo = BooleanField(_l("Remove the logo"))
    accent_color = StringField(_l("Accent colour"))
    intro_pt = TextAreaField(_l("Introduction on the home page, in Portuguese"))
    intro_en = TextAreaField(_l("Introduction on the home page, in English"))
    staff_two_step = BooleanField(_l("Staff must sign in in two steps"))


class AuditFilterForm(FlaskForm):
    """Filters of the audit log (a GET)."""

    class Meta:
        csrf = False

    action = StringField(_l("Action"))
    actor = StringField(_l("Who (e-mail)"))
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])
