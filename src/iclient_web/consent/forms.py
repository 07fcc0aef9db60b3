"""The forms of the consent gate and of the staff's consent pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField


class ConsentForm(FlaskForm):
    """Acceptance of the current texts (other kinds arrive as ``accept_<kind>``)."""

    accept_terms = BooleanField(_l("I have read and accept the Terms and Conditions"))
    accept_privacy = BooleanField(_l("I have read and accept the Privacy Policy"))


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
