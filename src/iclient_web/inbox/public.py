"""The public forms (``inbox.public``, ``/<lang>/form/<slug>``): contact, demo, and any an
admin built. Public, and open before the Terms are accepted: a person without an account,
or a client who has not yet accepted the new Terms, may still write to the business."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request
from werkzeug.wrappers import Response

from iclient_core.inbox.forms import published_form
from iclient_core.inbox.submissions import submit
from iclient_core.shared.errors import InvalidInput
from iclient_web.deps import client_ip, services
from iclient_web.i18n import current_language
from iclient_web.inbox import forms
from iclient_web.security import consent_exempt, public

bp = Blueprint("public", __name__, url_prefix="/<lang>/form")


@bp.route("/<slug>", methods=["GET", "POST"])
@public
@consent_exempt
def show(slug: str) -> tuple[str, int] | Response:
    """Fill in and send a public form."""
    language = current_language()
    definition = published_form(services=services(), slug=slug)
    account = g.account
    client = account if account is not None and not account.role.is_staff else None
    known = {}
    if client is not None and request.method == "GET":
        known = {
            "name": client.profile.full_name,
            "email": client.email.address,
            "phone": client.profile.phone,
        }
    form = forms.public_form(definition, language, **known)
    if request.method == "POST":
        if (form.website.data or "").strip():
            # A robot filled in the field people do not see: it gets the same thank-you
            # page, and nothing is stored or sent.
            return render_template("inbox/thanks.html", definition=definition), 200
        try:
            submit(
                services=services(),
                slug=slug,
                values=forms.answers(form, definition),
                name=form.name.data,
                email=form.email.data,
                phone=form.phone.data,
                contact_consent=form.contact_consent.data is True,
                language=language,
                account_id=client.id if client is not None else None,
                ip=client_ip(),
            )
        except InvalidInput as error:
            forms.apply_errors(form, error)
            return render_template("inbox/form.html", definition=definition, form=form), 400
        return render_template("inbox/thanks.html", definition=definition), 200
    return render_template("inbox/form.html", definition=definition, form=form), 200
