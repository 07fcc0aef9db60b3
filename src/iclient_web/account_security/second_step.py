"""The second step of a sign-in (``/<lang>/auth/two-factor``), signing in with a passkey
(as the second step or instead of the password), and the rule that takes a member of staff
without a second step to set one up when the business requires it."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from iclient_core.accounts.two_step import (
    passkey_sign_in_options,
    second_step,
    setup_due,
    sign_in_with_passkey,
)
from iclient_core.shared.errors import InvalidCredentials, InvalidInput
from iclient_web.account_security import pending, webauthn
from iclient_web.account_security.forms import CodeForm, PasskeySignInForm
from iclient_web.business import settings_in_force
from iclient_web.deps import client_ip, services, user_agent
from iclient_web.forms import apply_errors
from iclient_web.security import is_public, public

bp = Blueprint("two_factor", __name__, url_prefix="/<lang>/auth")


def _landing(account_is_staff: bool, target: str) -> str:
    return target or url_for("admin.dashboard" if account_is_staff else "home.dashboard")


def _page(form: CodeForm, status: int = 200) -> tuple[str, int]:
    body = render_template("auth/two_factor.html", form=form, passkey_form=PasskeySignInForm())
    return body, status


@bp.route("/two-factor", methods=["GET", "POST"])
@public
def show() -> Response | tuple[str, int]:
    """The second step: a code from the authenticator app, a recovery code, or a passkey."""
    waiting = pending.pending()
    if waiting is None:
        flash(_("Sign in with your e-mail and password first."), "info")
        return redirect(url_for("auth.sign_in"), 303)
    account_id, target = waiting
    form = CodeForm()
    if request.method == "POST":
        try:
            signed = second_step(
                services=services(),
                account_id=account_id,
                code=form.code.data,
                ip=client_ip(),
                user_agent=user_agent(),
                device=pending.device_token(),
            )
        except InvalidCredentials:
            session.clear()
            return redirect(url_for("auth.sign_in"), 303)
        except InvalidInput as error:
            apply_errors(form, error)
            return _page(form, 400)
        return pending.finish(signed, _landing(signed.account.role.is_staff, target))
    return _page(form)


@bp.post("/passkey/options")
@public
def passkey_options() -> Response:
    """The options for ``navigator.credentials.get``: the pending account's passkeys after a
    password, or any passkey of this site instead of the password."""
    waiting = pending.pending()
    rp_id, _origin = webauthn.relying_party()
    ceremony = passkey_sign_in_options(
        services=services(), rp_id=rp_id, account_id=waiting[0] if waiting else None
    )
    webauthn.keep(ceremony.challenge, "sign_in")
    response = Response(ceremony.options, mimetype="application/json")
    return response


@bp.post("/passkey")
@public
def passkey() -> Response | tuple[str, int]:
    """Sign in with the passkey's signed answer (the second step, or on its own)."""
    form = PasskeySignInForm()
    waiting = pending.pending()
    rp_id, origin = webauthn.relying_party()
    try:
        signed = sign_in_with_passkey(
            services=services(),
            response=form.response.data,
            challenge=webauthn.take("sign_in"),
            rp_id=rp_id,
            origin=origin,
            ip=client_ip(),
            user_agent=user_agent(),
            account_id=waiting[0] if waiting else None,
            device=pending.device_token(),
        )
    except InvalidCredentials:
        flash(_("That passkey could not be checked. Try again, or use another way."), "error")
        return redirect(url_for("two_factor.show" if waiting else "auth.sign_in"), 303)
    target = waiting[1] if waiting else ""
    return pending.finish(signed, _landing(signed.account.role.is_staff, target))


SETUP_DONE = "two_step_ready"
SETUP_ENDPOINTS = frozenset(
    {"auth.sign_out", "static", "i18n.set_language", "consent.show", "consent.accept"}
)


def install_setup_rule(app: Flask) -> None:
    """Take a member of staff without a second step to the security page while the
    business requires two-step sign-in for staff."""

    @app.before_request
    def two_step_setup() -> Response | None:
        account = g.get("account")
        endpoint = request.endpoint or ""
        if account is None or not account.role.is_staff:
            return None
        if (
            endpoint.startswith("account_security.")
            or endpoint in SETUP_ENDPOINTS
            or is_public(request.endpoint, app)  # the logo, the theme, the sign-in pages…
        ):
            return None
        if session.get(SETUP_DONE) == account.id or not settings_in_force().staff_two_step:
            return None
        if setup_due(services=services(), account_id=account.id):
            flash(
                _("The business asks staff to sign in in two steps: set up a second step first."),
                "info",
            )
            return redirect(url_for("account_security.show"), 303)
        session[SETUP_DONE] = account.id
        return None
