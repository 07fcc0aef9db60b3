"""The forms of the security and sessions pages and of the second step."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField


class CodeForm(FlaskForm):
    """A code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code"),
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "maxlength": "32"},
    )


class PasswordForm(FlaskForm):
    """The current password (before making new recovery codes)."""

    current_password = PasswordField(
        _l("Current password"), render_kw={"autocomplete": "current-password"}
    )


class TurnOffForm(FlaskForm):
    """The current password and a code, to turn two-step sign-in off."""

    current_password = PasswordField(
        _l("Current password"), render_kw={"autocomplete": "current-password"}
    )
    code = StringField(
        _l("Code from the app, or a recovery code"),
        render_kw={"autocomplete": "one-time-code", "maxlength": "32"},
    )


class PasskeyForm(FlaskForm):
    """A passkey made by the browser (``response``, filled in by passkeys.js) and its name."""

    name = StringField(_l("Name of the passkey"), render_kw={"maxlength": "60"})
    response = HiddenField()


class PasskeySignInForm(FlaskForm):
    """A passkey's signed answer (filled in by passkeys.js)."""

    response = HiddenField()
