"""The staff's quote pages (``quotes.admin``, ``/<lang>/admin/quotes``): the queue, a quote
with the proposal form or its sent versions, and what staff do with it (save, send, revise,
cancel, invite the requester); and the quotes' places in the staff area.

Refusals become the page again with the form's errors (400), or with a notice (409).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import Permission
from iclient_core.quotes.attachments import download_quote_attachment
from iclient_core.quotes.model import InvalidTransition, QuoteState
from iclient_core.quotes.ports import QuoteSummary
from iclient_core.quotes.proposals import (
    cancel_quote,
    default_valid_until,
    revise_proposal,
    save_draft,
    send_proposal,
)
from iclient_core.quotes.queries import (
    CLIENT_QUOTES,
    QUOTES_EXPIRING,
    QUOTES_WAITING_FOR_STAFF,
    QuoteView,
    get_staff_quote,
    list_quote_queue,
    vat_rates_for_proposals,
)
from iclient_core.quotes.requests import invite_requester
from iclient_core.shared.errors import ConcurrentUpdate, DomainError, InvalidInput
from iclient_core.shared.money import Money, scaled_to_input
from iclient_core.shared.paging import Page
from iclient_web.deps import client_ip, services
from iclient_web.downloads import download_response
from iclient_web.i18n import current_language
from iclient_web.quotes import forms
from iclient_web.quotes.pages import chosen_version, list_filters, pdf_response, quote_helpers
from iclient_web.security import require_staff
from iclient_web.staff.hooks import provide_attention, provide_client_section, provide_nav

bp = Blueprint("admin", __name__, url_prefix="/<lang>/admin/quotes")
bp.before_request(require_staff)


@bp.get("")
def queue() -> str:
    """Every quote, filtered by state or by whose move it is."""
    filters = list_filters("state", "waiting", "expiring")
    page = list_quote_queue(
        services=services(),
        actor=g.account,
        page=request.args.get("page"),
        state=filters.get("state"),
        waiting=filters.get("waiting"),
        expiring=filters.get("expiring") == "1",
    )
    return render_template("admin/quotes/list.html", page=page, filters=filters)


def _proposal_form(view: QuoteView, lang: str) -> forms.ProposalForm:
    quote = view.quote
    current = quote.current_proposal
    form = forms.ProposalForm(formdata=None, version=str(quote.version))
    if current is not None:
        content = current.content
        for line in content.lines:
            form.lines.append_entry(
                {
                    "description": line.description,
                    "quantity": line.quantity.to_input(lang),
                    "unit_price": line.unit_price.to_input(lang),
                    "vat_rate": str(line.vat_rate),
                }
            )
        if content.discount is not None:
            form.discount_kind.data = content.discount.kind.value
            form.discount_value.data = (
                Money(content.discount.value, content.currency).to_input(lang)
                if content.discount.kind.value == "amount"
                else scaled_to_input(content.discount.value, 2, lang, trim=True)
            )
        form.valid_until.data = content.valid_until.isoformat() if content.valid_until else ""
        form.message.data = content.message
    if not form.valid_until.data:
        form.valid_until.data = default_valid_until(services()).isoformat()
    return form


def _admin_page(
    quote_id: str,
    *,
    status: int = 200,
    form: forms.ProposalForm | None = None,
    notice: str | None = None,
    cancel_form: forms.ReasonForm | None = None,
) -> tuple[str, int]:
    lang = current_language()
    view = get_staff_quote(services=services(), actor=g.account, quote_id=quote_id)
    quote = view.quote
    editable = quote.state in (QuoteState.REQUESTED, QuoteState.DRAFT)
    if form is None and editable:
        form = _proposal_form(view, lang)
    if form is not None:
        form.version.data = str(quote.version)
        count = len([e for e in form.lines.entries if e.form.description.data])
        form.pad(max(forms.MIN_ROWS, count + forms.BLANK_ROWS))
        form.offer_rates(vat_rates_for_proposals(services=services(), actor=g.account), lang)
    shown = chosen_version(quote, quote.current_proposal)
    version = str(quote.version)
    body = render_template(
        "admin/quotes/show.html",
        view=view,
        quote=quote,
        shown=shown,
        form=form if editable else None,
        notice=notice,
        cancel_form=cancel_form or forms.ReasonForm(formdata=None, version=version),
        button_form=forms.ButtonForm(formdata=None, version=version),
    )
    return body, status


@bp.get("/<quote_id>", endpoint="show")
def staff_show(quote_id: str) -> tuple[str, int]:
    """One quote for staff: the request, the proposal form or the sent versions, history."""
    return _admin_page(quote_id)


@bp.get("/<quote_id>/attachment", endpoint="attachment")
def staff_attachment(quote_id: str) -> Response:
    """Staff download the file the client attached to the request."""
    opened = download_quote_attachment(services=services(), actor=g.account, quote_id=quote_id)
    return download_response(opened)


@bp.get("/<quote_id>/pdf", endpoint="pdf")
def staff_pdf(quote_id: str) -> Response:
    """The PDF of any version (``?version=N``; the newest, even a draft, by default)."""
    view = get_staff_quote(services=services(), actor=g.account, quote_id=quote_id)
    return pdf_response(view, chosen_version(view.quote, view.quote.current_proposal))


def _staff_refusal(error: DomainError) -> str:
    if isinstance(error, ConcurrentUpdate):
        return _(
            "Someone else changed this quote while you were working on it. Here it is as it "
            "stands now; check it and save again."
        )
    if isinstance(error, InvalidTransition):
        return _("This cannot be done at this stage: the quote is now “%(state)s”.") % {
            "state": forms.state_label(error.state)
        }
    return _("This cannot be done at this stage of the quote.")


def _save(quote_id: str, *, send: bool) -> tuple[str, int] | Response:
    form = forms.ProposalForm()
    lang = current_language()
    use_case = send_proposal if send else save_draft
    try:
        use_case(
            services=services(),
            actor=g.account,
            quote_id=quote_id,
            proposal=form.typed(lang),
            expected_version=forms.version_of(form),
            ip=client_ip(),
        )
    except InvalidInput as error:
        if send and [e.code for e in error.errors] == ["quote_needs_client"]:
            return _kept_for_a_visitor(quote_id, form, lang)
        forms.apply_quote_errors(form, error)
        return _admin_page(quote_id, status=400, form=form)
    except (ConcurrentUpdate, InvalidTransition) as error:
        return _admin_page(quote_id, status=409, form=form, notice=_staff_refusal(error))
    if send:
        flash(_("The proposal was sent to the client."), "success")
    else:
        flash(_("The draft was saved."), "success")
    return redirect(url_for("quotes.admin.show", quote_id=quote_id), 303)


def _kept_for_a_visitor(
    quote_id: str, form: forms.ProposalForm, lang: str
) -> tuple[str, int] | Response:
    """A proposal for a visitor cannot be sent yet: keep it as a draft and show the quote
    page with the next step (invite them as a client)."""
    try:
        save_draft(
            services=services(),
            actor=g.account,
            quote_id=quote_id,
            proposal=form.typed(lang),
            expected_version=forms.version_of(form),
            ip=client_ip(),
        )
    except InvalidInput as error:
        forms.apply_quote_errors(form, error)
        return _admin_page(quote_id, status=400, form=form)
    except (ConcurrentUpdate, InvalidTransition) as error:
        return _admin_page(quote_id, status=409, form=form, notice=_staff_refusal(error))
    flash(_("The proposal was saved as a draft."), "info")
    flash(forms.quote_field_message("quote_needs_client"), "error")
    return redirect(url_for("quotes.admin.show", quote_id=quote_id), 303)


@bp.post("/<quote_id>")
def save(quote_id: str) -> tuple[str, int] | Response:
    """Save the proposal as a draft."""
    return _save(quote_id, send=False)


@bp.post("/<quote_id>/send")
def send(quote_id: str) -> tuple[str, int] | Response:
    """Save the proposal and send it to the client (the version is frozen)."""
    return _save(quote_id, send=True)


@bp.post("/<quote_id>/revise")
def revise(quote_id: str) -> tuple[str, int] | Response:
    """Start a new version from the sent one."""
    form = forms.ButtonForm()
    try:
        revise_proposal(
            services=services(),
            actor=g.account,
            quote_id=quote_id,
            expected_version=forms.version_of(form),
            ip=client_ip(),
        )
    except (ConcurrentUpdate, InvalidTransition) as error:
        return _admin_page(quote_id, status=409, notice=_staff_refusal(error))
    flash(_("A new version was opened. The client can no longer accept the previous one."), "info")
    return redirect(url_for("quotes.admin.show", quote_id=quote_id), 303)


@bp.post("/<quote_id>/cancel")
def cancel(quote_id: str) -> tuple[str, int] | Response:
    """Cancel the quote before the client decides."""
    form = forms.ReasonForm()
    try:
        cancel_quote(
            services=services(),
            actor=g.account,
            quote_id=quote_id,
            reason=form.reason.data,
            expected_version=forms.version_of(form),
            ip=client_ip(),
        )
    except InvalidInput as error:
        forms.apply_quote_errors(form, error)
        return _admin_page(quote_id, status=400, cancel_form=form)
    except (ConcurrentUpdate, InvalidTransition) as error:
        return _admin_page(quote_id, status=409, notice=_staff_refusal(error))
    flash(_("The quote was cancelled and the client told."), "info")
    return redirect(url_for("quotes.admin.show", quote_id=quote_id), 303)


@bp.post("/<quote_id>/invite")
def invite(quote_id: str) -> tuple[str, int] | Response:
    """Invite a visitor to become a client; the request moves to their account."""
    forms.ButtonForm()
    try:
        invited = invite_requester(
            services=services(), actor=g.account, quote_id=quote_id, ip=client_ip()
        )
    except InvalidInput:
        notice = _("This address belongs to a staff member: it cannot become a client.")
        return _admin_page(quote_id, status=400, notice=notice)
    except (ConcurrentUpdate, InvalidTransition) as error:
        return _admin_page(quote_id, status=409, notice=_staff_refusal(error))
    flash(
        _("%(email)s is now a client; the activation e-mail is on its way.")
        % {"email": invited.email.address},
        "success",
    )
    return redirect(url_for("quotes.admin.show", quote_id=quote_id), 303)


# --------------------------------------------------------------------------- the staff area


def client_section(page: Page[QuoteSummary] | None, client_account: Account) -> dict[str, Any]:
    """The quotes section of the staff's client page: the latest few, and the helpers to show
    them (the page belongs to another blueprint, which does not have this one's)."""
    if page is None:
        return {"page": None}
    return {"page": page, "client_id": client_account.id, **quote_helpers()}


def plug_into_the_staff_area(app: Flask) -> None:
    """The admin menu's link, the dashboard's counts and the section of a client's page."""
    provide_nav(app, _l("Quotes"), "quotes.admin.queue", Permission.QUOTES_MANAGE)
    provide_attention(
        app,
        "quote_requests_waiting",
        count=QUOTES_WAITING_FOR_STAFF,
        endpoint="quotes.admin.queue",
        waiting="staff",
    )
    provide_attention(
        app,
        "quotes_expiring",
        count=QUOTES_EXPIRING,
        endpoint="quotes.admin.queue",
        expiring="1",
    )
    provide_client_section(
        app,
        "quotes",
        template="admin/quotes/_client_section.html",
        reading=CLIENT_QUOTES,
        present=client_section,
    )
