"""The forms of registration, sign-in, recovery and the account page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)


class SignUpForm(FlaskForm):
    """New registration."""

    first_name = StringField(_l("First name"), render_kw={"autocomplete": "given-name"})
    last_name = StringField(_l("Last name"), render_kw={"autocomplete": "family-name"})
    phone = TelField(_l("Phone"), render_kw={"autocomplete": "tel"})
    email = EmailField(_l("E-mail"), render_kw={"autocomplete": "email"})


class SetPasswordForm(FlaskForm):
    """First password (activation) or a new one (reset)."""

    password = PasswordField(_l("New password"), render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField(
        _l("Repeat the new password"), render_kw={"autocomplete": "new-password"}
    )


class SignInForm(FlaskForm):
    """Sign in."""

    email = EmailField(_l("E-mail"), render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), render_kw={"autocomplete": "current-password"})


class EmailOnlyForm(FlaskForm):
    """Forgotten password, or a new activation link."""

    email = EmailField(_l("E-mail"), render_kw={"autocomplete": "email"})


class ResendByTokenForm(FlaskForm):
    """A new activation link from an expired one."""

    token = HiddenField()


class ConfirmForm(FlaskForm):
    """A button that spends a link (e-mail change): the GET only shows it."""


class ProfileForm(FlaskForm):
    """The client's contact data."""

    first_name = StringField(_l("First name"), render_kw={"autocomplete": "given-name"})
    last_name = StringField(_l("Last name"), render_kw={"autocomplete": "family-name"})
    phone = TelField(_l("Phone"), render_kw={"autocomplete": "tel"})
    nif = StringField(_l("NIF (tax number)"), render_kw={"inputmode": "numeric"})
    billing_address = TextAreaField(
        _l("Billing address"), render_kw={"rows": 3, "autocomplete": "street-address"}
    )
    language = SelectField(
        _l("Language for e-mails"),
        choices=[SelectChoice("pt", "Português"), SelectChoice("en", "English")],
    )


class ChangePasswordForm(FlaskForm):
    """A new password, given the current one."""

    current_password = PasswordField(
        _l("Current password"), render_kw={"autocomplete": "current-password"}
    )
    password = PasswordField(_l("New password"), render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField(
        _l("Repeat the new password"), render_kw={"autocomplete": "new-password"}
    )


class ChangeEmailForm(FlaskForm):
    """A new e-mail address, confirmed by a link sent to it."""

    current_password = PasswordField(
        _l("Current password"), render_kw={"autocomplete": "current-password"}
    )
    email = EmailField(_l("New e-mail"), render_kw={"autocomplete": "email"})


class DeletionRequestForm(FlaskForm):
    """Ask for the account to be deleted."""

    current_password = PasswordField(
        _l("Current password"), render_kw={"autocomplete": "current-password"}
    )
