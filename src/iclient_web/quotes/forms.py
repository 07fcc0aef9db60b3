"""The quote pages' forms, the words for their errors and states, and money in the page's locale.

Amounts, dates and times are written by :mod:`iclient_web.formats`, as on every other page:
``1.234,56 €`` on Portuguese pages and ``€1,234.56`` on English ones. (CLDR's ``pt_PT`` would
group with a space, ``1 234,56 €``; the business asked for the dot.)
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.widgets import DateInput

from iclient_core.quotes.model import QuoteState, Side
from iclient_core.quotes.proposals import LineInput, ProposalInput
from iclient_core.shared.errors import InvalidInput
from iclient_web import formats
from iclient_web.i18n import N_, translate
from iclient_web.uploads import file_message

# --------------------------------------------------------------------------- formatting
# The portal's one style (iclient_web.formats), under the names the quote pages use.

money = formats.money
quantity = formats.quantity
rate = formats.rate
day = formats.day
moment = formats.moment


STATE_LABELS = {
    QuoteState.REQUESTED: N_("New request"),
    QuoteState.DRAFT: N_("Being prepared"),
    QuoteState.SENT: N_("Proposal sent"),
    QuoteState.ACCEPTED: N_("Accepted"),
    QuoteState.DECLINED: N_("Declined"),
    QuoteState.EXPIRED: N_("Expired"),
    QuoteState.WITHDRAWN: N_("Withdrawn"),
    QuoteState.CANCELLED: N_("Cancelled"),
}
"""How each state reads in lists and pages."""

ACTION_LABELS = {
    "request": N_("Quote requested"),
    "draft": N_("Proposal started"),
    "edit": N_("Proposal edited"),
    "send": N_("Proposal sent"),
    "revise": N_("Proposal being revised"),
    "accept": N_("Accepted"),
    "decline": N_("Declined"),
    "expire": N_("Expired"),
    "withdraw": N_("Withdrawn by the client"),
    "cancel": N_("Cancelled by the business"),
    "renew": N_("Renewal requested"),
    "invite": N_("Requester invited as a client"),
}
"""How each history entry reads."""


def waiting_label(side: Side | str | None, *, staff: bool) -> str:
    """Whose move it is, said from the reader's side."""
    if side == Side.STAFF:
        return translate(N_("Waiting for us"))
    if side == Side.CLIENT:
        return translate(N_("Waiting for the client") if staff else N_("Waiting for you"))
    return translate(N_("Closed"))


def state_label(state: QuoteState | str) -> str:
    """A quote state in the page's language (a list shows one on every row)."""
    return translate(STATE_LABELS[QuoteState(state)])


def action_label(action: str) -> str:
    """A history entry's action in the page's language (unknown ones as they are)."""
    label = ACTION_LABELS.get(str(action))
    return translate(label) if label is not None else str(action)


# --------------------------------------------------------------------------- errors

QUOTE_FIELD_MESSAGES = {
    "number_invalid": _l("Enter a number such as 1234,56 or 1234.56: digits and one decimal mark."),
    "number_negative": _l("This cannot be negative."),
    "amount_too_many_decimals": _l("Use at most two decimal places (cents)."),
    "quantity_too_many_decimals": _l("Use at most three decimal places."),
    "percent_too_many_decimals": _l("Use at most two decimal places."),
    "amount_too_large": _l("This amount is too large."),
    "quantity_too_large": _l("This quantity is too large."),
    "quantity_must_be_positive": _l("The quantity must be more than zero."),
    "amount_must_be_positive": _l("The amount must be more than zero."),
    "percent_out_of_range": _l("A percentage must be more than 0 and at most 100."),
    "line_too_large": _l("The amount of this line is too large."),
    "total_too_large": _l("The total of this quote is too large."),
    "vat_rate_invalid": _l("Choose one of the VAT rates offered."),
    "discount_too_large": _l("The discount cannot be more than the subtotal."),
    "lines_required": _l("Add at least one line with a description, a quantity and a price."),
    "too_many_lines": _l("A quote can have at most 50 lines."),
    "date_invalid": _l("Enter a date such as 2026-12-31."),
    "date_in_past": _l("This date has already passed."),
    "date_too_far": _l("This date is too far ahead."),
    "consent_required": _l("We can only answer if you agree to be contacted."),
    "quote_needs_client": _l(
        "This request came from a visitor without an account: invite them as a client before "
        "sending a proposal, so that they can accept it."
    ),
}
"""The sentences for the quote forms' error codes (the rest come from ``messages``)."""


def quote_field_message(code: str) -> str:
    """The sentence for one error code of a quote form."""
    found = QUOTE_FIELD_MESSAGES.get(code)
    if found is not None:
        return str(found)
    return file_message(code)  # a refused file is worded once, for every upload


def apply_quote_errors(form: FlaskForm, error: InvalidInput) -> None:
    """Put the core's field errors on the form, line fields (``lines-0-quantity``) included."""
    for name, codes in error.by_field().items():
        messages = [quote_field_message(code) for code in codes]
        field = _find_field(form, name)
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            form.form_errors.extend(messages)


def _find_field(form: FlaskForm, name: str) -> Any:
    if name in form._fields:
        return form._fields[name]
    prefix, _, rest = name.partition("-")
    lines = form._fields.get(prefix)
    if not isinstance(lines, FieldList):
        return None
    index, _, sub = rest.partition("-")
    if not (index.isdigit() and int(index) < len(lines.entries)):
        return None
    return lines.entries[int(index)].form._fields.get(sub)


# --------------------------------------------------------------------------- forms


class DateField(StringField):
    """A date typed as ``2026-12-31`` (what ``<input type=date>`` sends); the core reads it."""

    widget = DateInput()


class QuoteRequestForm(FlaskForm):
    """A signed-in client's request."""

    subject = StringField(_l("Subject"), render_kw={"maxlength": 200})
    details = TextAreaField(_l("What do you need?"), render_kw={"rows": 6, "maxlength": 5000})
    desired_date = DateField(_l("For when (optional)"))
    attachment = FileField(_l("Attach a file (optional)"))


class VisitorRequestForm(FlaskForm):
    """A request from someone without an account."""

    name = StringField(_l("Name"), render_kw={"autocomplete": "name", "maxlength": 100})
    email = EmailField(_l("E-mail"), render_kw={"autocomplete": "email"})
    phone = TelField(_l("Phone"), render_kw={"autocomplete": "tel"})
    subject = StringField(_l("Subject"), render_kw={"maxlength": 200})
    details = TextAreaField(_l("What do you need?"), render_kw={"rows": 6, "maxlength": 5000})
    contact_consent = BooleanField(
        _l("I agree to be contacted by e-mail or phone about this request.")
    )


class AcceptForm(FlaskForm):
    """Accept the version on offer (which version is part of the form), from the
    confirmation page: only its form says ``confirmed=yes``."""

    proposal = HiddenField()
    confirmed = HiddenField()


class DeclineForm(FlaskForm):
    """Decline the version on offer, optionally saying why."""

    proposal = HiddenField()
    reason = TextAreaField(_l("Reason (optional)"), render_kw={"rows": 3, "maxlength": 1000})


class ReasonForm(FlaskForm):
    """Withdraw (client) or cancel (staff), optionally saying why."""

    version = HiddenField()
    reason = TextAreaField(_l("Reason (optional)"), render_kw={"rows": 3, "maxlength": 1000})


class ButtonForm(FlaskForm):
    """A button that does one thing (renew, revise, invite)."""

    version = HiddenField()


class LineForm(Form):
    """One row of a proposal (a subform: the outer form carries the CSRF token)."""

    description = StringField(_l("Description"), render_kw={"maxlength": 300})
    quantity = StringField(_l("Quantity"), render_kw={"inputmode": "decimal", "size": 8})
    unit_price = StringField(_l("Unit price"), render_kw={"inputmode": "decimal", "size": 10})
    vat_rate = SelectField(_l("VAT"), choices=[])


BLANK_ROWS = 5
"""Empty rows offered below the existing lines (there is no JavaScript to add rows)."""

MIN_ROWS = 8
"""At least this many rows are shown."""


class ProposalForm(FlaskForm):
    """The staff's proposal: lines, discount, validity and a message."""

    version = HiddenField()
    lines = FieldList(FormField(LineForm), min_entries=0, max_entries=60)
    discount_kind = SelectField(
        _l("Discount"),
        choices=[
            SelectChoice("", _l("No discount")),
            SelectChoice("percent", _l("Percentage of the subtotal")),
            SelectChoice("amount", _l("Amount off the subtotal")),
        ],
    )
    discount_value = StringField(_l("Discount value"), render_kw={"inputmode": "decimal"})
    valid_until = DateField(_l("Valid until"))
    message = TextAreaField(_l("Message to the client"), render_kw={"rows": 4, "maxlength": 5000})

    def offer_rates(self, rates: tuple[int, ...], lang: str) -> None:
        """Give every line's VAT select the configured rates."""
        offered = [SelectChoice(str(r), rate(r, lang)) for r in rates]
        for entry in self.lines.entries:
            field = entry.form.vat_rate
            if not field.data:
                field.data = offered[0].value if offered else ""
            choices = list(offered)
            current = str(field.data)
            if current not in {c.value for c in offered}:
                # A rate no longer offered (or a bad one) stays visible, to be changed; a
                # select without it would silently show another rate instead.
                label = rate(int(current), lang) if current.isdigit() and len(current) < 6 else "?"
                choices.append(SelectChoice(current, label))
            field.choices = choices

    def pad(self, rows: int) -> None:
        """Add blank rows until there are at least ``rows`` (never above ``max_entries``)."""
        while len(self.lines.entries) < min(rows, self.lines.max_entries or rows):
            self.lines.append_entry()

    def typed(self, lang: str) -> ProposalInput:
        """What was typed, for the core to read."""
        return ProposalInput(
            lines=tuple(
                LineInput(
                    description=entry.form.description.data,
                    quantity=entry.form.quantity.data,
                    unit_price=entry.form.unit_price.data,
                    vat_rate=entry.form.vat_rate.data,
                )
                for entry in self.lines.entries
            ),
            discount_kind=self.discount_kind.data,
            discount_value=self.discount_value.data,
            valid_until=self.valid_until.data,
            message=self.message.data,
            language=lang,
        )


def version_of(form: FlaskForm) -> int | None:
    """The quote version a staff form was showing (None if missing or odd)."""
    raw = str(form.version.data or "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None
