"""Registration, activation, sign-in, sign-out and password recovery pages."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from iclient_core.accounts.authentication import issue_device
from iclient_core.accounts.authentication import sign_in as sign_in_use_case
from iclient_core.accounts.authentication import sign_out as sign_out_use_case
from iclient_core.accounts.model import Account
from iclient_core.accounts.recovery import (
    check_password_reset,
    request_password_reset,
    reset_password,
)
from iclient_core.accounts.registration import (
    activate_account,
    check_activation,
    register_client,
    resend_activation,
)
from iclient_core.shared.errors import (
    InvalidCredentials,
    InvalidInput,
    TokenExpired,
    TokenInvalid,
)
from iclient_web.account_security import pending
from iclient_web.accounts.forms import (
    EmailOnlyForm,
    ResendByTokenForm,
    SetPasswordForm,
    SignInForm,
    SignUpForm,
)
from iclient_web.deps import client_ip, services, user_agent
from iclient_web.forms import apply_errors
from iclient_web.i18n import current_language
from iclient_web.security import SESSION_SECRET, end_session, public, safe_next

bp = Blueprint("auth", __name__, url_prefix="/<lang>/auth")

Page = str | tuple[str, int] | Response

SIGN_IN_EMAIL = "sign_in_email"
"""The browser session's key for the address to show on the next sign-in form."""


def landing_page(account: Account) -> str:
    """Where a person lands after signing in: staff on their dashboard, clients at home."""
    return url_for("admin.dashboard" if account.role.is_staff else "home.dashboard")


def _token_page(body: str, status: int = 200) -> tuple[str, int, dict[str, str]]:
    """Pages whose URL holds a token: never leak it through the Referer header."""
    return body, status, {"Referrer-Policy": "no-referrer"}


def _invalid_link() -> tuple[str, int, dict[str, str]]:
    return _token_page(render_template("auth/link_invalid.html"), 400)


@bp.route("/sign-up", methods=["GET", "POST"])
@public
def sign_up() -> Page:
    """Register as a new client."""
    form = SignUpForm()
    if request.method == "POST":
        try:
            register_client(
                services=services(),
                first_name=form.first_name.data,
                last_name=form.last_name.data,
                phone=form.phone.data,
                email=form.email.data,
                language=current_language(),
                ip=client_ip(),
            )
        except InvalidInput as error:
            apply_errors(form, error)
            return render_template("auth/sign_up.html", form=form), 400
        return render_template("auth/check_email.html", reason="activation")
    return render_template("auth/sign_up.html", form=form)


@bp.route("/activate/<token>", methods=["GET", "POST"])
@public
def activate(token: str) -> Page | tuple[str, int, dict[str, str]]:
    """Set the first password from the activation link (the GET only shows the form)."""
    form = SetPasswordForm()
    try:
        if request.method == "POST":
            activated = activate_account(
                services=services(),
                token=token,
                password=form.password.data,
                password_confirm=form.password_confirm.data,
                ip=client_ip(),
            )
            # The next step is signing in: the address is ready on the form, once.
            session[SIGN_IN_EMAIL] = activated.email.address
            flash(_("Your account is active. You can sign in now."), "success")
            return redirect(url_for("auth.sign_in"), 303)
        account = check_activation(services=services(), token=token)
    except TokenExpired:
        resend = ResendByTokenForm(token=token)
        return _token_page(render_template("auth/link_expired.html", form=resend), 410)
    except TokenInvalid:
        return _invalid_link()
    except InvalidInput as error:
        apply_errors(form, error)
        return _token_page(
            render_template("auth/set_password.html", form=form, purpose="activation"), 400
        )
    return _token_page(
        render_template(
            "auth/set_password.html",
            form=form,
            purpose="activation",
            first_name=account.profile.first_name,
        )
    )


@bp.route("/resend-activation", methods=["GET", "POST"])
@public
def resend() -> Page | tuple[str, int, dict[str, str]]:
    """Ask for a new activation link, by address or from an expired link."""
    form = EmailOnlyForm()
    if request.method == "POST":
        token = request.form.get("token")
        try:
            if token:
                resend_activation(services=services(), ip=client_ip(), expired_token=token)
            else:
                resend_activation(services=services(), ip=client_ip(), email=form.email.data)
        except InvalidInput as error:
            apply_errors(form, error)
            return render_template("auth/resend.html", form=form), 400
        return _token_page(render_template("auth/check_email.html", reason="activation"))
    return render_template("auth/resend.html", form=form)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in() -> Page:
    """Sign in; ``?next=`` is followed only when it is a local path."""
    form = SignInForm()
    next_url = safe_next(request.args.get("next"))
    if request.method == "POST":
        try:
            signed = sign_in_use_case(
                services=services(),
                email=form.email.data,
                password=form.password.data,
                ip=client_ip(),
                user_agent=user_agent(),
                device=pending.device_token(),
            )
        except InvalidCredentials:
            form.form_errors.append(
                _("The e-mail or password is not correct, or the account is not active yet.")
            )
            return render_template("auth/sign_in.html", form=form, next=next_url), 400
        if signed.second_step:
            pending.begin(signed.account.id, next_url)
            return redirect(url_for("two_factor.show"), 303)
        return pending.finish(signed, next_url or landing_page(signed.account))
    if g.account is not None:
        return redirect(next_url or landing_page(g.account), 303)
    ready = session.pop(SIGN_IN_EMAIL, None)
    if isinstance(ready, str) and not form.email.data:
        form.email.data = ready
    return render_template("auth/sign_in.html", form=form, next=next_url)


@bp.post("/sign-out")
@public
def sign_out() -> Response:
    """End the session, here and on the server."""
    sign_out_use_case(
        services=services(), session_secret=session.get(SESSION_SECRET), ip=client_ip()
    )
    end_session()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.sign_in"), 303)


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
def forgot_password() -> Page:
    """Ask for a password reset link (the answer is the same for every address)."""
    form = EmailOnlyForm()
    if request.method == "POST":
        try:
            request_password_reset(services=services(), email=form.email.data, ip=client_ip())
        except InvalidInput as error:
            apply_errors(form, error)
            return render_template("auth/forgot_password.html", form=form), 400
        return render_template("auth/check_email.html", reason="reset")
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset(token: str) -> Page | tuple[str, int, dict[str, str]]:
    """Choose a new password from the reset link (the GET only shows the form)."""
    form = SetPasswordForm()
    try:
        if request.method == "POST":
            account = reset_password(
                services=services(),
                token=token,
                password=form.password.data,
                password_confirm=form.password_confirm.data,
                ip=client_ip(),
            )
            end_session()
            flash(_("Your password was changed. Sign in with the new password."), "success")
            # The browser that followed the e-mailed link is the owner's: it becomes a known
            # device, which the sign-in limits of other browsers do not hold up.
            return pending.remember_device(
                redirect(url_for("auth.sign_in"), 303), issue_device(services(), account)
            )
        check_password_reset(services=services(), token=token)
    except TokenExpired:
        return _token_page(render_template("auth/reset_expired.html"), 410)
    except TokenInvalid:
        return _invalid_link()
    except InvalidInput as error:
        apply_errors(form, error)
        return _token_page(
            render_template("auth/set_password.html", form=form, purpose="reset"), 400
        )
    return _token_page(render_template("auth/set_password.html", form=form, purpose="reset"))
