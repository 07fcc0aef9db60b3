"""The bookings pages' forms and the words for statuses and error codes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.widgets import HiddenInput

from iclient_core.bookings.booking import Slot
from iclient_core.bookings.model import Audience, BookingStatus
from iclient_core.shared.errors import InvalidInput
from iclient_web.messages import field_message

STATUS_LABELS = {
    BookingStatus.CONFIRMED: _l("Confirmed"),
    BookingStatus.CANCELLED: _l("Cancelled"),
    BookingStatus.NO_SHOW: _l("Did not come"),
}
"""How each status reads."""

AUDIENCE_LABELS = {
    Audience.EVERYONE: _l("Visitors and clients"),
    Audience.CLIENTS: _l("Signed-in clients only"),
}

MESSAGES = {
    "consent_required": _l("Tick this box so that we may contact you."),
    "time_invalid": _l("Choose one of the free times."),
    "client_unknown": _l("No active client has this e-mail address."),
    "out_of_range": _l("This number is out of the allowed range."),
    "number_invalid": _l("Enter a whole number."),
    "weekday_invalid": _l("Start each line with a weekday from 1 (Monday) to 7 (Sunday)."),
    "range_invalid": _l("A range must end after it starts."),
    "line_invalid": _l("Write each line as: off|extra start end [note]."),
}
"""Error codes of the bookings pages, beside the portal's common ones."""


def booking_message(code: str) -> str:
    """The sentence for one error code."""
    found = MESSAGES.get(code)
    return str(found) if found is not None else field_message(code)


def apply_errors(form: FlaskForm, error: InvalidInput) -> None:
    """Put the core's field errors on the form's fields (the rest on the form)."""
    for name, codes in error.by_field().items():
        messages = [booking_message(code) for code in codes]
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            form.form_errors.extend(messages)


def by_day(slots: Sequence[Slot], zone_of: object) -> dict[date, list[datetime]]:
    """The slots' local start times grouped by local day, in order."""
    grouped: dict[date, list[datetime]] = {}
    for slot in slots:
        local = slot.start.astimezone(zone_of)  # type: ignore[arg-type]
        grouped.setdefault(local.date(), []).append(local)
    return grouped


class BookForm(FlaskForm):
    """The booking form: the chosen time, and for a visitor who they are and the consent
    (``website`` is hidden from people: robots fill it in)."""

    start = StringField(_l("Time"))
    name = StringField(_l("Name"), render_kw={"autocomplete": "name", "maxlength": 100})
    email = EmailField(_l("E-mail"), render_kw={"autocomplete": "email", "maxlength": 254})
    phone = TelField(_l("Phone"), render_kw={"autocomplete": "tel", "maxlength": 40})
    contact_consent = BooleanField(
        _l("I agree to be contacted by e-mail or phone about this booking.")
    )
    website = StringField(
        _l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"}
    )


class ManageForm(FlaskForm):
    """Cancel or move a booking (``action`` says which; ``start`` is the new time)."""

    action = HiddenField()
    start = StringField(_l("New time"))


class StaffBookForm(FlaskForm):
    """Staff book on a client's behalf."""

    client_email = EmailField(_l("Client's e-mail"), render_kw={"maxlength": 254})
    service = SelectField(_l("Service"), choices=[], validate_choice=False)
    staff = SelectField(_l("Staff member"), choices=[], validate_choice=False)
    start = StringField(_l("Date and time"), render_kw={"type": "datetime-local", "step": 300})


class StaffChangeForm(FlaskForm):
    """Staff move a booking, cancel it or mark it as a no-show."""

    action = HiddenField()
    start = StringField(_l("New date and time"), render_kw={"type": "datetime-local"})


class ServiceForm(FlaskForm):
    """A bookable service."""

    name_pt = StringField(_l("Name in Portuguese"), render_kw={"maxlength": 120})
    name_en = StringField(_l("Name in English"), render_kw={"maxlength": 120})
    description = TextAreaField(_l("Description"), render_kw={"rows": 4, "maxlength": 2000})
    duration_minutes = StringField(_l("Duration (minutes)"), render_kw={"inputmode": "numeric"})
    price = StringField(_l("Price in euros (optional)"), render_kw={"inputmode": "decimal"})
    buffer_minutes = StringField(
        _l("Time kept free after each booking (minutes)"), render_kw={"inputmode": "numeric"}
    )
    audience = SelectField(
        _l("Who may book"),
        choices=[SelectChoice(a.value, label) for a, label in AUDIENCE_LABELS.items()],
    )
    staff_ids = SelectMultipleField(_l("Staff who perform it"), choices=[], validate_choice=False)
    active = BooleanField(_l("Open for booking"), default=True)


class AvailabilityForm(FlaskForm):
    """A staff member's weekly hours and exceptions, as lines of text."""

    weekly = TextAreaField(_l("Weekly hours"), render_kw={"rows": 8})
    exceptions = TextAreaField(_l("Time off and extra hours"), render_kw={"rows": 5})
    version = IntegerField(widget=HiddenInput())


class RulesForm(FlaskForm):
    """The booking rules."""

    time_zone = StringField(_l("Time zone"), render_kw={"maxlength": 64})
    min_notice_minutes = StringField(_l("Minimum notice (minutes)"))
    horizon_days = StringField(_l("How far ahead people may book (days)"))
    cancel_hours = StringField(_l("Cancel or move until (hours before)"))
    step_minutes = StringField(_l("Offer a start every (minutes)"))
