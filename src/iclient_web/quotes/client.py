"""The client's quote pages (``quotes.client``, ``/<lang>/quotes``): the list, the request
form (with an attachment), a quote with its versions and PDF, and the decisions (accept,
decline, withdraw, ask for a renewal).

Refusals become the form again with its errors (400), or the quote page with a polite
notice (409).
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from iclient_core.quotes.attachments import download_my_attachment
from iclient_core.quotes.decisions import (
    accept_quote,
    check_acceptance,
    decline_quote,
    withdraw_quote,
)
from iclient_core.quotes.model import (
    InvalidTransition,
    ProposalChanged,
    QuoteExpired,
    QuoteState,
)
from iclient_core.quotes.queries import get_client_quote, list_client_quotes
from iclient_core.quotes.requests import request_quote, request_renewal
from iclient_core.shared.errors import ConcurrentUpdate, DomainError, InvalidInput
from iclient_core.shared.intake import Upload
from iclient_web.deps import client_ip, services
from iclient_web.downloads import download_response
from iclient_web.forms import own_id
from iclient_web.quotes import forms
from iclient_web.quotes.pages import chosen_version, list_filters, pdf_response
from iclient_web.uploads import accept_uploads, max_upload_bytes, max_upload_mb, refused_status

bp = Blueprint("client", __name__, url_prefix="/<lang>/quotes")
# As for the documents' upload pages: only the request form may be as large as the upload
# limit (plus the other fields).
accept_uploads(bp, {"quotes.client.new"})


@bp.get("")
def index() -> str | Response:
    """The client's quotes, filtered by state or by whose move it is."""
    filters = list_filters()
    state, waiting = filters.get("state"), filters.get("waiting")
    if g.account.role.is_staff:
        return redirect(url_for("quotes.admin.queue", state=state, waiting=waiting), 303)
    page = list_client_quotes(
        services=services(),
        actor=g.account,
        page=request.args.get("page"),
        state=state,
        waiting=waiting,
    )
    return render_template("quotes/list.html", page=page, filters=filters)


@bp.route("/new", methods=["GET", "POST"])
def new() -> tuple[str, int] | Response:
    """Ask for a quote."""
    if g.account.role.is_staff:
        return redirect(url_for("quotes.admin.queue"), 303)
    form = forms.QuoteRequestForm()
    if request.method == "POST":
        item = form.attachment.data
        attached = item is not None and bool(getattr(item, "filename", ""))
        try:
            quote = request_quote(
                services=services(),
                account_id=g.account.id,
                subject=form.subject.data,
                details=form.details.data,
                desired_date=form.desired_date.data,
                ip=client_ip(),
                attachment=Upload(filename=item.filename, stream=item.stream) if attached else None,
                max_size=max_upload_bytes(),
            )
        except InvalidInput as error:
            forms.apply_quote_errors(form, error)
            return _new_page(form), refused_status(error, "attachment")
        flash(_("Your request was sent. We will answer as soon as we can."), "success")
        return redirect(url_for("quotes.client.show", quote_id=quote.id), 303)
    return _new_page(form), 200


def _new_page(form: forms.QuoteRequestForm) -> str:
    return render_template("quotes/new.html", form=form, max_upload_mb=max_upload_mb())


@bp.get("/<quote_id>/attachment")
def attachment(quote_id: str) -> Response:
    """The client downloads the file they attached to their request (anyone else: 404)."""
    opened = download_my_attachment(services=services(), account_id=g.account.id, quote_id=quote_id)
    return download_response(opened)


def _client_page(
    quote_id: str,
    *,
    status: int = 200,
    notice: str | None = None,
    decline: forms.DeclineForm | None = None,
) -> tuple[str, int]:
    view = get_client_quote(services=services(), actor=g.account, quote_id=quote_id)
    quote = view.quote
    shown = chosen_version(quote, quote.sent_proposal)
    offered = quote.sent_proposal
    number = str(offered.number) if offered else ""
    decline_form = decline or forms.DeclineForm(formdata=None, proposal=number)
    reason_form = forms.ReasonForm(formdata=None)
    # Several forms share a page: their fields keep their names but get ids of their own.
    own_id(decline_form.proposal, "decline-proposal")
    own_id(decline_form.reason, "decline-reason")
    own_id(reason_form.reason, "withdraw-reason")
    own_id(reason_form.version, "withdraw-version")
    body = render_template(
        "quotes/show.html",
        view=view,
        quote=quote,
        shown=shown,
        offered=offered,
        notice=notice,
        decline_form=decline_form,
        reason_form=reason_form,
    )
    return body, status


@bp.get("/<quote_id>")
def show(quote_id: str) -> tuple[str, int] | Response:
    """One quote: the request, the proposal on offer (or an older version), the history."""
    if g.account.role.is_staff:
        return redirect(url_for("quotes.admin.show", quote_id=quote_id), 303)
    return _client_page(quote_id)


@bp.get("/<quote_id>/pdf")
def pdf(quote_id: str) -> Response:
    """The PDF of the version on offer (or ``?version=N``, a sent one); anyone else: 404."""
    if g.account.role.is_staff:
        target = url_for(
            "quotes.admin.pdf", quote_id=quote_id, version=list_filters("version").get("version")
        )
        return redirect(target, 303)
    view = get_client_quote(services=services(), actor=g.account, quote_id=quote_id)
    return pdf_response(view, chosen_version(view.quote, view.quote.sent_proposal))


def _refusal(error: DomainError) -> str:
    """A polite sentence for a decision that could not be made."""
    if isinstance(error, QuoteExpired):
        return _(
            "This quote is past its validity date and can no longer be accepted. "
            "You can ask us for a renewal below."
        )
    if isinstance(error, ProposalChanged):
        return _("The proposal changed since you opened it. Please review the version below.")
    if isinstance(error, ConcurrentUpdate):
        return _(
            "This quote was already decided or changed a moment ago, perhaps from another "
            "window. Here it is as it stands now."
        )
    if isinstance(error, InvalidTransition):
        if error.state is QuoteState.DRAFT:
            return _("We are revising this proposal: it cannot be decided until we send it.")
        if error.state.is_decided or error.state is QuoteState.EXPIRED:
            return _("This quote was already decided: it is now “%(state)s”.") % {
                "state": forms.state_label(error.state)
            }
        return _("This cannot be done at this stage of the quote.")
    return _("This cannot be done at this stage of the quote.")


_DECISION_ERRORS = (InvalidTransition, ConcurrentUpdate, ProposalChanged, QuoteExpired)


@bp.get("/<quote_id>/accept")
def confirm_accept(quote_id: str) -> tuple[str, int] | Response:
    """The confirmation step: the number, version and total of what ``?version=N`` accepts."""
    if g.account.role.is_staff:
        return redirect(url_for("quotes.admin.show", quote_id=quote_id), 303)
    try:
        quote = check_acceptance(
            services=services(),
            account_id=g.account.id,
            quote_id=quote_id,
            proposal_number=request.args.get("version"),
        )
    except _DECISION_ERRORS as error:
        return _client_page(quote_id, status=409, notice=_refusal(error))
    offered = quote.sent_proposal
    assert offered is not None  # checked: a version is on offer
    form = forms.AcceptForm(formdata=None, proposal=str(offered.number), confirmed="yes")
    return render_template("quotes/accept.html", quote=quote, offered=offered, form=form), 200


@bp.post("/<quote_id>/accept")
def accept(quote_id: str) -> tuple[str, int] | Response:
    """Accept the version on offer, once confirmed on the confirmation page (a form from
    anywhere else leads to that page)."""
    form = forms.AcceptForm()
    if form.confirmed.data != "yes":
        try:  # another client's quote is a 404 here too, a stale version a notice
            check_acceptance(
                services=services(),
                account_id=g.account.id,
                quote_id=quote_id,
                proposal_number=form.proposal.data,
            )
        except _DECISION_ERRORS as error:
            return _client_page(quote_id, status=409, notice=_refusal(error))
        return redirect(
            url_for("quotes.client.confirm_accept", quote_id=quote_id, version=form.proposal.data),
            303,
        )
    try:
        accept_quote(
            services=services(),
            account_id=g.account.id,
            quote_id=quote_id,
            proposal_number=form.proposal.data,
            ip=client_ip(),
        )
    except _DECISION_ERRORS as error:
        return _client_page(quote_id, status=409, notice=_refusal(error))
    flash(_("You accepted the quote. Thank you! We sent you a confirmation by e-mail."), "success")
    return redirect(url_for("quotes.client.show", quote_id=quote_id), 303)


@bp.post("/<quote_id>/decline")
def decline(quote_id: str) -> tuple[str, int] | Response:
    """Decline the version on offer, optionally saying why."""
    form = forms.DeclineForm()
    try:
        decline_quote(
            services=services(),
            account_id=g.account.id,
            quote_id=quote_id,
            proposal_number=form.proposal.data,
            reason=form.reason.data,
            ip=client_ip(),
        )
    except InvalidInput as error:
        forms.apply_quote_errors(form, error)
        return _client_page(quote_id, status=400, decline=form)
    except _DECISION_ERRORS as error:
        return _client_page(quote_id, status=409, notice=_refusal(error))
    flash(_("You declined the quote. Thank you for letting us know."), "info")
    return redirect(url_for("quotes.client.show", quote_id=quote_id), 303)


@bp.post("/<quote_id>/withdraw")
def withdraw(quote_id: str) -> tuple[str, int] | Response:
    """Withdraw the request (before deciding)."""
    form = forms.ReasonForm()
    try:
        withdraw_quote(
            services=services(),
            account_id=g.account.id,
            quote_id=quote_id,
            reason=form.reason.data,
            ip=client_ip(),
        )
    except InvalidInput:
        return _client_page(quote_id, status=400, notice=_("The reason is too long."))
    except _DECISION_ERRORS as error:
        return _client_page(quote_id, status=409, notice=_refusal(error))
    flash(_("You withdrew this request."), "info")
    return redirect(url_for("quotes.client.show", quote_id=quote_id), 303)


@bp.post("/<quote_id>/renew")
def renew(quote_id: str) -> tuple[str, int] | Response:
    """Ask again for a quote whose validity passed."""
    forms.ButtonForm()
    try:
        request_renewal(
            services=services(), account_id=g.account.id, quote_id=quote_id, ip=client_ip()
        )
    except _DECISION_ERRORS as error:
        return _client_page(quote_id, status=409, notice=_refusal(error))
    flash(_("We received your request for a renewal."), "success")
    return redirect(url_for("quotes.client.show", quote_id=quote_id), 303)
