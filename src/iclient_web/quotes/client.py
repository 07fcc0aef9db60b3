"""Quotes in the portal: the client's pages, the public request form, and the staff's pages.

One blueprint, ``quotes``, holds three: ``quotes.client`` (``/<lang>/quotes``),
``quotes.public`` (``/<lang>/quote-request``, the only public one) and ``quotes.admin``
(``/<lang>/admin/quotes``, staff only). Every view calls the core's use cases; refusals
become the form again with its errors (400), or the quote page with a polite notice (409).
"""

from __future__ import annotations

from typing import Any

import click
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import Permission, allowed
from iclient_core.quotes.attachments import download_my_attachment, download_quote_attachment
from iclient_core.quotes.decisions import (
    accept_quote,
    decline_quote,
    expire_overdue_quotes,
    withdraw_quote,
)
from iclient_core.quotes.model import (
    InvalidTransition,
    Proposal,
    ProposalChanged,
    Quote,
    QuoteExpired,
    QuoteState,
)
from iclient_core.quotes.proposals import (
    cancel_quote,
    default_valid_until,
    revise_proposal,
    save_draft,
    send_proposal,
)
from iclient_core.quotes.queries import (
    QuoteView,
    count_quotes,
    get_client_quote,
    get_staff_quote,
    list_client_quotes,
    list_quote_queue,
    vat_rates_for_proposals,
)
from iclient_core.quotes.requests import (
    invite_requester,
    request_quote,
    request_quote_as_visitor,
    request_renewal,
)
from iclient_core.shared.errors import ConcurrentUpdate, DomainError, InvalidInput
from iclient_core.shared.intake import Upload
from iclient_core.shared.money import Money, scaled_to_input
from iclient_core.staff.settings import current_settings
from iclient_web import quote_forms as forms
from iclient_web.admin_documents import FORM_OVERHEAD, max_upload_bytes, max_upload_mb, too_large
from iclient_web.deps import client_ip, portal, services
from iclient_web.documents import DOWNLOAD_CSP, download_response
from iclient_web.i18n import current_language
from iclient_web.quote_pdf import Letterhead, pdf_filename, render_quote_pdf
from iclient_web.security import public, require_staff

bp = Blueprint("quotes", __name__, cli_group="quotes")
client = Blueprint("client", __name__, url_prefix="/<lang>/quotes")
visitors = Blueprint("public", __name__, url_prefix="/<lang>/quote-request")
admin = Blueprint("admin", __name__, url_prefix="/<lang>/admin/quotes")
admin.before_request(require_staff)


@bp.context_processor
def quote_helpers() -> dict[str, Any]:
    """Formatting in the page's language, for the quote templates."""
    lang = current_language()
    zone = services().settings.quotes.zone()
    return {
        "money": lambda amount: forms.money(amount, lang),
        "quantity": lambda amount: forms.quantity(amount, lang),
        "rate": lambda basis_points: forms.rate(basis_points, lang),
        "day": lambda value: forms.day(value, lang),
        "moment": lambda value: forms.moment(value, lang, zone),
        "state_label": lambda state: str(forms.STATE_LABELS[QuoteState(state)]),
        "action_label": lambda action: str(forms.ACTION_LABELS.get(str(action), str(action))),
        "waiting_label": forms.waiting_label,
        "states": list(QuoteState),
    }


def _chosen_version(quote: Quote, default: Proposal | None) -> Proposal | None:
    """The version ``?version=N`` asks for (404 when the quote has none such), else ``default``."""
    wanted = request.args.get("version", "")
    if wanted.isdigit() and len(wanted) < 6:
        found = quote.proposal(int(wanted))
        if found is None:
            abort(404)
        return found
    return default


def _pdf_response(view: QuoteView, shown: Proposal | None) -> Response:
    """The PDF of version ``shown`` as a download (404 when there is no version to draw)."""
    if shown is None:
        abort(404)
    settings = current_settings(services=services())
    letterhead = Letterhead(
        name=settings.business_name,
        email=settings.contact_email or portal().config.contact_email,
        phone=settings.contact_phone,
    )
    body = render_quote_pdf(view, shown, lang=current_language(), letterhead=letterhead)
    response = current_app.response_class(body, content_type="application/pdf")
    headers = response.headers
    # The name is ASCII letters, digits and dashes only: no RFC 6266 ``filename*`` needed.
    headers["Content-Disposition"] = f'attachment; filename="{pdf_filename(view, shown)}"'
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Content-Security-Policy"] = DOWNLOAD_CSP
    headers["Referrer-Policy"] = "no-referrer"
    return response


def _filters(*keys: str) -> dict[str, str]:
    return {
        key: request.args.get(key, "")[:20]
        for key in keys or ("state", "waiting")
        if request.args.get(key)
    }


# --------------------------------------------------------------------------- client pages


@client.get("")
def index() -> str | Response:
    """The client's quotes, filtered by state or by whose move it is."""
    filters = _filters()
    state, waiting = filters.get("state"), filters.get("waiting")
    if g.account.role.is_staff:
        return redirect(url_for("quotes.admin.queue", state=state, waiting=waiting), 303)
    page = list_client_quotes(
        services=services(),
        account_id=g.account.id,
        page=request.args.get("page"),
        state=state,
        waiting=waiting,
    )
    return render_template("quotes/list.html", page=page, filters=filters)


@client.route("/new", methods=["GET", "POST"])
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
            too_big = "file_too_large" in error.by_field().get("attachment", [])
            return _new_page(form), 413 if too_big else 400
        flash(_("Your request was sent. We will answer as soon as we can."), "success")
        return redirect(url_for("quotes.client.show", quote_id=quote.id), 303)
    return _new_page(form), 200


def _new_page(form: forms.QuoteRequestForm) -> str:
    return render_template("quotes/new.html", form=form, max_upload_mb=max_upload_mb())


@client.url_value_preprocessor
def allow_an_attachment(endpoint: str | None, values: dict[str, Any] | None) -> None:
    # As for the documents' upload pages: only the request form may be as large as the upload
    # limit (plus the other fields), and the limit is raised before the body is parsed.
    if endpoint == "quotes.client.new" and request.method == "POST":
        request.max_content_length = max_upload_bytes() + FORM_OVERHEAD


client.register_error_handler(413, too_large)


@client.get("/<quote_id>/attachment")
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
    view = get_client_quote(services=services(), account_id=g.account.id, quote_id=quote_id)
    quote = view.quote
    shown = _chosen_version(quote, quote.sent_proposal)
    offered = quote.sent_proposal
    number = str(offered.number) if offered else ""
    accept_form = forms.AcceptForm(formdata=None, proposal=number)
    decline_form = decline or forms.DeclineForm(formdata=None, proposal=number)
    reason_form = forms.ReasonForm(formdata=None)
    # Several forms share a page: their fields keep their names but get ids of their own.
    accept_form.proposal.id = "accept-proposal"
    decline_form.proposal.id = "decline-proposal"
    decline_form.reason.id = "decline-reason"
    reason_form.reason.id = "withdraw-reason"
    reason_form.version.id = "withdraw-version"
    body = render_template(
        "quotes/show.html",
        view=view,
        quote=quote,
        shown=shown,
        offered=offered,
        notice=notice,
        accept_form=accept_form,
        decline_form=decline_form,
        reason_form=reason_form,
    )
    return body, status


@client.get("/<quote_id>")
def show(quote_id: str) -> tuple[str, int] | Response:
    """One quote: the request, the proposal on offer (or an older version), the history."""
    if g.account.role.is_staff:
        return redirect(url_for("quotes.admin.show", quote_id=quote_id), 303)
    return _client_page(quote_id)


@client.get("/<quote_id>/pdf")
def pdf(quote_id: str) -> Response:
    """The PDF of the version on offer (or ``?version=N``, a sent one); anyone else: 404."""
    if g.account.role.is_staff:
        target = url_for(
            "quotes.admin.pdf", quote_id=quote_id, version=_filters("version").get("version")
        )
        return redirect(target, 303)
    view = get_client_quote(services=services(), account_id=g.account.id, quote_id=quote_id)
    return _pdf_response(view, _chosen_version(view.quote, view.quote.sent_proposal))


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
                "state": forms.STATE_LABELS[error.state]
            }
        return _("This cannot be done at this stage of the quote.")
    return _("This cannot be done at this stage of the quote.")


_DECISION_ERRORS = (InvalidTransition, ConcurrentUpdate, ProposalChanged, QuoteExpired)


@client.post("/<quote_id>/accept")
def accept(quote_id: str) -> tuple[str, int] | Response:
    """Accept the version on offer."""
    form = forms.AcceptForm()
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


@client.post("/<quote_id>/decline")
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


@client.post("/<quote_id>/withdraw")
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


@client.post("/<quote_id>/renew")
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


# --------------------------------------------------------------------------- public form


@visitors.route("", methods=["GET", "POST"])
@public
def ask() -> tuple[str, int] | Response:
    """Ask for a quote without an account."""
    if g.account is not None and not g.account.role.is_staff:
        return redirect(url_for("quotes.client.new"), 303)
    form = forms.VisitorRequestForm()
    if request.method == "POST":
        try:
            request_quote_as_visitor(
                services=services(),
                name=form.name.data,
                email=form.email.data,
                phone=form.phone.data,
                subject=form.subject.data,
                details=form.details.data,
                contact_consent=form.contact_consent.data is True,
                language=current_language(),
                ip=client_ip(),
            )
        except InvalidInput as error:
            forms.apply_quote_errors(form, error)
            return render_template("quotes/request.html", form=form), 400
        return render_template("quotes/request_done.html"), 200
    return render_template("quotes/request.html", form=form), 200


# --------------------------------------------------------------------------- staff pages


@admin.get("")
def queue() -> str:
    """Every quote, filtered by state or by whose move it is."""
    filters = _filters("state", "waiting", "expiring")
    page = list_quote_queue(
        services=services(),
        actor=g.account,
        page=request.args.get("page"),
        state=filters.get("state"),
        waiting=filters.get("waiting"),
        expiring=filters.get("expiring") == "1",
    )
    return render_template("quotes/admin_list.html", page=page, filters=filters)


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
    shown = _chosen_version(quote, quote.current_proposal)
    version = str(quote.version)
    body = render_template(
        "quotes/admin_show.html",
        view=view,
        quote=quote,
        shown=shown,
        form=form if editable else None,
        notice=notice,
        cancel_form=cancel_form or forms.ReasonForm(formdata=None, version=version),
        button_form=forms.ButtonForm(formdata=None, version=version),
    )
    return body, status


@admin.get("/<quote_id>", endpoint="show")
def staff_show(quote_id: str) -> tuple[str, int]:
    """One quote for staff: the request, the proposal form or the sent versions, history."""
    return _admin_page(quote_id)


@admin.get("/<quote_id>/attachment", endpoint="attachment")
def staff_attachment(quote_id: str) -> Response:
    """Staff download the file the client attached to the request."""
    opened = download_quote_attachment(services=services(), actor=g.account, quote_id=quote_id)
    return download_response(opened)


@admin.get("/<quote_id>/pdf", endpoint="pdf")
def staff_pdf(quote_id: str) -> Response:
    """The PDF of any version (``?version=N``; the newest, even a draft, by default)."""
    view = get_staff_quote(services=services(), actor=g.account, quote_id=quote_id)
    return _pdf_response(view, _chosen_version(view.quote, view.quote.current_proposal))


def _staff_refusal(error: DomainError) -> str:
    if isinstance(error, ConcurrentUpdate):
        return _(
            "Someone else changed this quote while you were working on it. Here it is as it "
            "stands now; check it and save again."
        )
    if isinstance(error, InvalidTransition):
        return _("This cannot be done at this stage: the quote is now “%(state)s”.") % {
            "state": forms.STATE_LABELS[error.state]
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
        forms.apply_quote_errors(form, error)
        return _admin_page(quote_id, status=400, form=form)
    except (ConcurrentUpdate, InvalidTransition) as error:
        return _admin_page(quote_id, status=409, form=form, notice=_staff_refusal(error))
    if send:
        flash(_("The proposal was sent to the client."), "success")
    else:
        flash(_("The draft was saved."), "success")
    return redirect(url_for("quotes.admin.show", quote_id=quote_id), 303)


@admin.post("/<quote_id>")
def save(quote_id: str) -> tuple[str, int] | Response:
    """Save the proposal as a draft."""
    return _save(quote_id, send=False)


@admin.post("/<quote_id>/send")
def send(quote_id: str) -> tuple[str, int] | Response:
    """Save the proposal and send it to the client (the version is frozen)."""
    return _save(quote_id, send=True)


@admin.post("/<quote_id>/revise")
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


@admin.post("/<quote_id>/cancel")
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


@admin.post("/<quote_id>/invite")
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


# --------------------------------------------------------------------------- the staff area's hooks


def client_section(actor: Account, client_account: Account) -> dict[str, Any]:
    """The quotes section of the staff's client page: the latest few, and the helpers to show
    them (the page belongs to another blueprint, which does not have this one's)."""
    if not allowed(actor, Permission.QUOTES_MANAGE):
        return {"page": None}
    page = list_quote_queue(
        services=services(), actor=actor, client_id=client_account.id, per_page=5
    )
    return {"page": page, "client_id": client_account.id, **quote_helpers()}


@bp.record_once
def _plug_into_the_staff_area(state: Any) -> None:
    from iclient_web.admin import provide_attention, provide_client_section, provide_nav

    provide_nav(state.app, _l("Quotes"), "quotes.admin.queue", Permission.QUOTES_MANAGE)
    provide_attention(
        state.app,
        "quote_requests_waiting",
        count=lambda actor: count_quotes(services=services(), actor=actor, waiting="staff"),
        endpoint="quotes.admin.queue",
        waiting="staff",
    )
    provide_attention(
        state.app,
        "quotes_expiring",
        count=lambda actor: count_quotes(services=services(), actor=actor, expiring=True),
        endpoint="quotes.admin.queue",
        expiring="1",
    )
    provide_client_section(
        state.app, "quotes", template="quotes/_client_section.html", context=client_section
    )


# --------------------------------------------------------------------------- command line


@bp.cli.command("expire")
def expire_command() -> None:
    """Mark sent quotes past their validity date as expired and tell their clients."""
    count = expire_overdue_quotes(services=services())
    click.echo(f"{count} quote(s) expired.")


bp.register_blueprint(client)
bp.register_blueprint(visitors)
bp.register_blueprint(admin)
