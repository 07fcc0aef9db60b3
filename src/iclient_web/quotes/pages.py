"""What the client's and the staff's quote pages share: the template helpers, the version a
page asks for, the PDF download and the list filters."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, request
from werkzeug.wrappers import Response

from iclient_core.quotes.model import Proposal, Quote, QuoteState
from iclient_core.quotes.queries import QuoteView
from iclient_web import formats
from iclient_web.business import settings_in_force
from iclient_web.deps import portal, services
from iclient_web.downloads import DOWNLOAD_CSP
from iclient_web.i18n import current_language
from iclient_web.quotes import forms


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
        "state_label": forms.state_label,
        "action_label": forms.action_label,
        "waiting_label": forms.waiting_label,
        "states": list(QuoteState),
        "business_data": settings_in_force,
    }


def chosen_version(quote: Quote, default: Proposal | None) -> Proposal | None:
    """The version ``?version=N`` asks for (404 when the quote has none such), else ``default``."""
    wanted = request.args.get("version", "")
    if wanted.isdigit() and len(wanted) < 6:
        found = quote.proposal(int(wanted))
        if found is None:
            abort(404)
        return found
    return default


def pdf_response(view: QuoteView, shown: Proposal | None) -> Response:
    """The PDF of version ``shown`` as a download (404 when there is no version to draw)."""
    if shown is None:
        abort(404)
    # fpdf2 and its fonts are loaded by the first PDF, not by every process at start-up.
    from iclient_web.quotes.pdf import Letterhead, pdf_filename, render_quote_pdf

    settings = settings_in_force()
    letterhead = Letterhead(
        name=settings.business_name,
        email=settings.contact_email or portal().config.contact_email,
        phone=formats.phone(settings.contact_phone),
        address=settings.address_lines,
        nif=settings.nif,
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


def list_filters(*keys: str) -> dict[str, str]:
    """The filters of a list page as given (``state`` and ``waiting`` unless ``keys`` say)."""
    return {
        key: request.args.get(key, "")[:20]
        for key in keys or ("state", "waiting")
        if request.args.get(key)
    }
