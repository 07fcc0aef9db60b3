"""The portal's forms. Each declares exactly the fields it accepts (extra fields are ignored)
and carries a CSRF token; the rules themselves live in the core."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)

from iclient_core.shared.errors import InvalidInput
from iclient_web.messages import field_message


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


class SignOutForm(FlaskForm):
    """Sign out (POST only)."""


class ProfileForm(FlaskForm):
    """The client's contact data."""

    first_name = StringField(_l("First name"), render_kw={"autocomplete": "given-name"})
    last_name = StringField(_l("Last name"), render_kw={"autocomplete": "family-name"})
    phone = TelField(_l("Phone"), render_kw={"autocomplete": "tel"})
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


class ConsentForm(FlaskForm):
    """Acceptance of the current texts (other kinds arrive as ``accept_<kind>``)."""

    accept_terms = BooleanField(_l("I have read and accept the Terms and Conditions"))
    accept_privacy = BooleanField(_l("I have read and accept the Privacy Policy"))


class DeletionRequestForm(FlaskForm):
    """Ask for the account to be deleted."""

    current_password = PasswordField(
        _l("Current password"), render_kw={"autocomplete": "current-password"}
    )


class PublishConsentForm(FlaskForm):
    """A new version of a consent text (or a translation of the current one)."""

    kind = SelectField(_l("Kind"), choices=[], validate_choice=False)
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("pt", "Português"), SelectChoice("en", "English")],
        validate_choice=False,
    )
    title = StringField(_l("Title"))
    body = TextAreaField(_l("Text (Markdown)"), render_kw={"rows": 16})
    translation = BooleanField(_l("This is a translation of the current version"))


class ConsentKindForm(FlaskForm):
    """A new kind of consent."""

    key = StringField(_l("Key (e.g. newsletter)"))
    required = BooleanField(_l("Required to use the portal"))


class OnBehalfForm(FlaskForm):
    """Staff record a client's acceptance given outside the portal."""

    kind = SelectField(_l("Text"), choices=[], validate_choice=False)


def apply_errors(form: FlaskForm, error: InvalidInput) -> None:
    """Put the core's field errors on the form's fields (unknown fields on the form itself)."""
    for field_name, codes in error.by_field().items():
        messages = [field_message(code) for code in codes]
        field = form._fields.get(field_name)
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            form.form_errors.extend(messages)
