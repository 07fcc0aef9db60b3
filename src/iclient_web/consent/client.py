"""The consent gate page: read and accept the current Terms and Privacy Policy."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from iclient_core.consent.use_cases import accept, consent_status
from iclient_core.shared.errors import InvalidInput
from iclient_web.accounts.forms import DeletionRequestForm
from iclient_web.consent.forms import ConsentForm
from iclient_web.deps import client_ip, services, user_agent
from iclient_web.forms import apply_errors
from iclient_web.i18n import current_language
from iclient_web.security import consent_exempt, safe_next

bp = Blueprint("consent", __name__, url_prefix="/<lang>/consent")


def _page(form: ConsentForm, status_code: int = 200) -> tuple[str, int]:
    status = consent_status(services=services(), account=g.account, language=current_language())
    body = render_template(
        "consent/show.html",
        form=form,
        status=status,
        deletion_form=DeletionRequestForm(formdata=None),
        next=safe_next(request.args.get("next")),
    )
    return body, status_code


@bp.get("")
@consent_exempt
def show() -> Response | tuple[str, int]:
    """The texts still to accept (with what changed since the version accepted before)."""
    status = consent_status(services=services(), account=g.account)
    if not status.gated and not g.account.role.is_staff:
        return redirect(safe_next(request.args.get("next")) or url_for("home.dashboard"), 303)
    return _page(ConsentForm(formdata=None))


@bp.post("")
@consent_exempt
def submit() -> Response | tuple[str, int]:
    """Record the acceptance and go on to the page first asked for (local paths only)."""
    form = ConsentForm()
    status = consent_status(services=services(), account=g.account, language=current_language())
    chosen = {
        state.kind.key
        for state in status.kinds
        if request.form.get(f"accept_{state.kind.key}") in {"y", "on", "1", "true"}
    }
    try:
        accept(
            services=services(),
            account_id=g.account.id,
            accepted=chosen,
            ip=client_ip(),
            user_agent=user_agent(),
            language=current_language(),
        )
    except InvalidInput as error:
        apply_errors(form, error)
        return _page(form, 400)
    return redirect(safe_next(request.args.get("next")) or url_for("home.dashboard"), 303)
