"""The inbox pages' forms: a public form built from its questions, the staff's forms, and the
words for statuses, field kinds and error codes."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.widgets import DateInput

from iclient_core.inbox.model import FieldKind, Form, FormField, Status
from iclient_core.shared.errors import InvalidInput
from iclient_web.messages import field_message

STATUS_LABELS = {
    Status.NEW: _l("New"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.DONE: _l("Done"),
}
"""How each status reads."""

KIND_LABELS = {
    FieldKind.TEXT: _l("Short text"),
    FieldKind.LONG_TEXT: _l("Long text"),
    FieldKind.EMAIL: _l("E-mail address"),
    FieldKind.PHONE: _l("Phone number"),
    FieldKind.CHOICE: _l("Choice"),
    FieldKind.DATE: _l("Date"),
    FieldKind.CHECKBOX: _l("Checkbox"),
}
"""How each field kind reads in the form builder."""

MESSAGES = {
    "consent_required": _l("Tick this box so that we may contact you."),
    "date_invalid": _l("Enter a date, like 2026-12-24."),
    "slug_invalid": _l("Use lowercase letters, digits and hyphens (for example contact-us)."),
    "slug_taken": _l("Another form already has this address."),
    "field_name_invalid": _l(
        "Use lowercase letters, digits and _, starting with a letter; name, email, phone and "
        "website are taken by every form."
    ),
    "field_name_taken": _l("Two fields have this name."),
    "choices_invalid": _l("Give at most 30 different options, one per line."),
    "too_many": _l("A form has at most 30 fields."),
}
"""Error codes of the inbox, beside the portal's common ones."""


def inbox_message(code: str) -> str:
    """The sentence for one error code."""
    found = MESSAGES.get(code)
    return str(found) if found is not None else field_message(code)


def apply_errors(form: FlaskForm, error: InvalidInput) -> None:
    """Put the core's field errors on the form's fields (the rest on the form)."""
    for name, codes in error.by_field().items():
        messages = [inbox_message(code) for code in codes]
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            form.form_errors.extend(messages)


class PersonForm(FlaskForm):
    """What every public form asks: who you are, the consent, and a field people leave empty
    (``website``, hidden from people: robots fill it in)."""

    name = StringField(_l("Name"), render_kw={"autocomplete": "name", "maxlength": 100})
    email = EmailField(_l("E-mail"), render_kw={"autocomplete": "email", "maxlength": 254})
    phone = TelField(_l("Phone"), render_kw={"autocomplete": "tel", "maxlength": 40})
    contact_consent = BooleanField(
        _l("I agree to be contacted by e-mail or phone about this message.")
    )
    website = StringField(
        _l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"}
    )


def _question(field: FormField, language: str) -> Field:
    label = field.label(language)
    kind = field.kind
    if kind is FieldKind.LONG_TEXT:
        return TextAreaField(label, render_kw={"rows": 6, "maxlength": 5000})
    if kind is FieldKind.EMAIL:
        return EmailField(label, render_kw={"maxlength": 254})
    if kind is FieldKind.PHONE:
        return TelField(label, render_kw={"maxlength": 40})
    if kind is FieldKind.CHOICE:
        return SelectField(
            label,
            choices=[SelectChoice("", "—"), *[SelectChoice(c, c) for c in field.choices]],
            validate_choice=False,
        )
    if kind is FieldKind.DATE:
        return StringField(label, widget=DateInput())
    if kind is FieldKind.CHECKBOX:
        return BooleanField(label)
    return StringField(label, render_kw={"maxlength": 200})


def public_form(definition: Form, language: str, **data: Any) -> PersonForm:
    """A form class for ``definition``'s questions, in ``language``, made and filled in."""
    fields = {f.name: _question(f, language) for f in definition.fields}
    made = type("PublicForm", (PersonForm,), fields)
    form: PersonForm = made(**data)
    return form


def answers(form: PersonForm, definition: Form) -> dict[str, str | None]:
    """The answers to the form's own questions, as text (a ticked box is ``y``)."""
    found: dict[str, str | None] = {}
    for question in definition.fields:
        value = form._fields[question.name].data
        if question.kind is FieldKind.CHECKBOX:
            found[question.name] = "y" if value is True else ""
        else:
            found[question.name] = value if isinstance(value, str) else None
    return found


class UpdateForm(FlaskForm):
    """Staff's changes to a submission: status, assignee, a new note."""

    status = SelectField(
        _l("Status"), choices=[SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()]
    )
    assignee = SelectField(_l("Assigned to"), choices=[], validate_choice=False)
    note = TextAreaField(_l("New internal note"), render_kw={"rows": 3, "maxlength": 5000})


class PublishForm(FlaskForm):
    """Publish or unpublish a form."""

    published = HiddenField()
