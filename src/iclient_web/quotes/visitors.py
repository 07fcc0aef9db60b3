"""The public quote request (``quotes.public``, ``/<lang>/quote-request``): a visitor asks
for a quote without an account."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from iclient_core.quotes.requests import request_quote_as_visitor
from iclient_core.shared.errors import InvalidInput
from iclient_web.deps import client_ip, services
from iclient_web.i18n import current_language
from iclient_web.quotes import forms
from iclient_web.security import public

bp = Blueprint("public", __name__, url_prefix="/<lang>/quote-request")


@bp.route("", methods=["GET", "POST"])
@public
def ask() -> tuple[str, int] | Response:
    """Ask for a quote without an account."""
    if g.account is not None and not g.account.role.is_staff:
        return redirect(url_for("quotes.client.new"), 303)
    form = forms.VisitorRequestForm()
    if request.method == "POST":
        try:
            quote = request_quote_as_visitor(
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
        return render_template("quotes/request_done.html", reference=quote.reference), 200
    return render_template("quotes/request.html", form=form), 200
