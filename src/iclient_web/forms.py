"""What every area's forms share: a button form, and the core's field errors on a form.

Each area declares its own forms beside its views (``accounts/forms.py``…); each form declares
exactly the fields it accepts (extra fields are ignored) and carries a CSRF token; the rules
themselves live in the core.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field

from iclient_core.shared.errors import InvalidInput
from iclient_web.messages import field_message


class ButtonForm(FlaskForm):
    """A button that does one thing (disable, resend, delete now…): only the CSRF token."""


def own_id(field: Field, field_id: str) -> None:
    """Give ``field`` the id ``field_id`` and point its label at it.

    When several forms share a page, fields of the same name (``current_password``,
    ``reason``…) keep their names but need ids of their own; WTForms fixes the label's ``for``
    when the field is made, so both change together.
    """
    field.id = field_id
    field.label.field_id = field_id


def apply_errors(form: FlaskForm, error: InvalidInput) -> None:
    """Put the core's field errors on the form's fields (unknown fields on the form itself)."""
    for field_name, codes in error.by_field().items():
        messages = [field_message(code) for code in codes]
        field = form._fields.get(field_name)
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            form.form_errors.extend(messages)
