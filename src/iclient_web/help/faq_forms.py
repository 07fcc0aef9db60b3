"""The staff's FAQ form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField


class FaqForm(FlaskForm):
    """A question and its answer (the rules are the core's)."""

    question = StringField(_l("Question"))
    answer = TextAreaField(_l("Answer (Markdown)"), render_kw={"rows": 10})
    category = StringField(_l("Category (optional)"))
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("pt", "Português"), SelectChoice("en", "English")],
        validate_choice=False,
    )
    published = BooleanField(_l("Published: shown on the FAQ page"))
