"""The support pages' forms and the words for statuses, categories and error codes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import SelectChoice, SelectField, StringField, TextAreaField

from iclient_core.shared.errors import InvalidInput
from iclient_core.shared.intake import Upload
from iclient_core.support.model import CATEGORIES, Status
from iclient_web.messages import field_message
from iclient_web.uploads import file_message

STATUS_LABELS = {
    Status.OPEN: _l("Open"),
    Status.WAITING_ON_STAFF: _l("Waiting on staff"),
    Status.WAITING_ON_CLIENT: _l("Waiting on client"),
    Status.CLOSED: _l("Closed"),
}
"""How each status reads to staff."""

CLIENT_STATUS_LABELS = {
    Status.OPEN: _l("Sent"),
    Status.WAITING_ON_STAFF: _l("Waiting for our answer"),
    Status.WAITING_ON_CLIENT: _l("Answered"),
    Status.CLOSED: _l("Closed"),
}
"""How each status reads to the client."""

CATEGORY_LABELS = {
    "question": _l("A question"),
    "technical": _l("A technical problem"),
    "billing": _l("Billing and payments"),
    "documents": _l("Documents"),
    "other": _l("Something else"),
}
"""How each category reads."""
assert set(CATEGORY_LABELS) == set(CATEGORIES)

MESSAGES = {
    "too_many_files": _l("Send at most 5 files with one message."),
    "support_closed": _l(
        "This request was closed too long ago to be reopened. Open a new request instead."
    ),
}


def support_message(code: str) -> str:
    """The sentence for one error code."""
    found = MESSAGES.get(code)
    if found is not None:
        return str(found)
    return file_message(code) if code.startswith(("file_", "storage_")) else field_message(code)


def apply_errors(form: FlaskForm, error: InvalidInput) -> None:
    """Put the core's field errors on the form's fields (the rest on the form)."""
    for name, codes in error.by_field().items():
        messages = [support_message(code) for code in codes]
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            form.form_errors.extend(messages)


def uploads(field: MultipleFileField) -> list[Upload]:
    """The files actually chosen in a file field (a browser sends an empty part for none)."""
    return [
        Upload(filename=item.filename, stream=item.stream)
        for item in (field.data or [])
        if item is not None and bool(getattr(item, "filename", None))
    ]


def _categories() -> list[SelectChoice]:
    return [SelectChoice(key, str(label)) for key, label in CATEGORY_LABELS.items()]


class NewRequestForm(FlaskForm):
    """A client opens a request."""

    subject = StringField(_l("Subject"), render_kw={"maxlength": 200})
    category = SelectField(_l("What is it about?"), choices=_categories, validate_choice=False)
    message = TextAreaField(_l("Your message"), render_kw={"rows": 6})
    file = MultipleFileField(_l("Attach files (optional)"))


class ReplyForm(FlaskForm):
    """A message in a thread (the client's, or staff's reply)."""

    message = TextAreaField(_l("Your message"), render_kw={"rows": 4})
    file = MultipleFileField(_l("Attach files (optional)"))


class NoteForm(FlaskForm):
    """Staff's internal note."""

    note = TextAreaField(_l("Internal note (only staff see it)"), render_kw={"rows": 3})


class UpdateForm(FlaskForm):
    """Staff's status and assignee of a request."""

    status = SelectField(
        _l("Status"),
        choices=lambda: [SelectChoice(s.value, str(label)) for s, label in STATUS_LABELS.items()],
        validate_choice=False,
    )
    assignee = SelectField(_l("Assigned to"), choices=[], validate_choice=False)


class CannedForm(FlaskForm):
    """A reply staff save to reuse."""

    title = StringField(_l("Title"), render_kw={"maxlength": 120})
    text = TextAreaField(_l("Text"), render_kw={"rows": 5})
