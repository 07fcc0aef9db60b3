"""The staff's document forms, and the words for their errors."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, SelectChoice, SelectField, StringField

from iclient_core.documents.inputs import MAX_TITLE
from iclient_core.shared.errors import InvalidInput
from iclient_web.documents.labels import CATEGORY_LABELS
from iclient_web.uploads import file_message

MESSAGES = {
    "date_invalid": _l("Enter a date like 2026-03-31."),
    "amount_invalid": _l("Enter an amount like 1234,56."),
    "due_before_issue": _l("The due date cannot be before the issue date."),
    "confirmation_required": _l("Tick the box to confirm."),
    "not_ready": _l("Only a ready document can be archived."),
    "not_archived": _l("This document is not archived."),
}
"""The sentences for the documents' own error codes (a refused file's come from ``uploads``)."""


def message(code: str) -> str:
    """The sentence for a field error code of this area (else a refused file's, else the
    portal's shared one)."""
    found = MESSAGES.get(code)
    return str(found) if found is not None else file_message(code)


def apply_document_errors(form: FlaskForm, error: InvalidInput) -> None:
    """Put the core's field errors on the form (unknown fields on the form itself)."""
    for name, codes in error.by_field().items():
        messages = [message(code) for code in codes]
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            form.form_errors.extend(messages)


CATEGORY_CHOICES = [SelectChoice(value, _l(label)) for value, label in CATEGORY_LABELS.items()]


class DetailsForm(FlaskForm):
    """What staff say about a document."""

    title = StringField(_l("Title"), render_kw={"maxlength": MAX_TITLE})
    category = SelectField(_l("Category"), choices=CATEGORY_CHOICES)
    reference = StringField(_l("Number or reference (optional)"), render_kw={"maxlength": 100})
    issue_date = StringField(_l("Issue date (optional)"), render_kw={"type": "date"})
    amount = StringField(
        _l("Amount in euros (invoices, optional)"),
        render_kw={"inputmode": "decimal", "placeholder": "1234,56"},
    )
    due_date = StringField(_l("Due date (invoices, optional)"), render_kw={"type": "date"})


class UploadForm(DetailsForm):
    """New documents: the details and one or more files."""

    file = MultipleFileField(_l("Files"), render_kw={"multiple": True})


class ReplaceForm(FlaskForm):
    """A new file for a document (the old one stays in the history)."""

    file = FileField(_l("New file"))


class DeleteForm(FlaskForm):
    """The confirmation of a deletion."""

    confirm = BooleanField(_l("Yes, delete this document and every version of it"))
