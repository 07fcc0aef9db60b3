"""The signed-in person's own data: profile, password, e-mail address."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from iclient_core.errors import InvalidInput, TokenExpired, TokenInvalid
from iclient_core.profile import (
    change_password,
    check_email_change,
    confirm_email_change,
    request_email_change,
    update_profile,
)
from iclient_web.deps import client_ip, services
from iclient_web.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmForm,
    ProfileForm,
    apply_errors,
)
from iclient_web.security import public

bp = Blueprint("account", __name__, url_prefix="/<lang>/account")


def _page(
    status: int = 200,
    *,
    profile: ProfileForm | None = None,
    password: ChangePasswordForm | None = None,
    email: ChangeEmailForm | None = None,
) -> tuple[str, int]:
    account = g.account
    if profile is None:
        profile = ProfileForm(
            formdata=None,
            first_name=account.profile.first_name,
            last_name=account.profile.last_name,
            phone=account.profile.phone,
            language=account.language,
        )
    body = render_template(
        "account/account.html",
        account=account,
        profile_form=profile,
        password_form=password or ChangePasswordForm(formdata=None),
        email_form=email or ChangeEmailForm(formdata=None),
    )
    return body, status


@bp.get("")
def show() -> tuple[str, int]:
    """The account page: profile, password and e-mail forms."""
    return _page()


@bp.post("")
def save_profile() -> Response | tuple[str, int]:
    """Update names, phone and the language of e-mails."""
    form = ProfileForm()
    try:
        update_profile(
            services=services(),
            account_id=g.account.id,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            phone=form.phone.data,
            language=request.form.get("language"),
        )
    except InvalidInput as error:
        apply_errors(form, error)
        return _page(400, profile=form)
    flash(_("Your details were saved."), "success")
    return redirect(url_for("account.show"), 303)


@bp.post("/password")
def save_password() -> Response | tuple[str, int]:
    """Change the password; other sessions are signed out."""
    form = ChangePasswordForm()
    try:
        change_password(
            services=services(),
            account_id=g.account.id,
            session_id=g.session.id,
            current_password=form.current_password.data,
            password=form.password.data,
            password_confirm=form.password_confirm.data,
            ip=client_ip(),
        )
    except InvalidInput as error:
        apply_errors(form, error)
        return _page(400, password=form)
    flash(_("Your password was changed. Other devices were signed out."), "success")
    return redirect(url_for("account.show"), 303)


@bp.post("/email")
def save_email() -> Response | tuple[str, int]:
    """Ask to move the account to a new address (confirmed by a link sent there)."""
    form = ChangeEmailForm()
    try:
        request_email_change(
            services=services(),
            account_id=g.account.id,
            current_password=form.current_password.data,
            email=form.email.data,
            ip=client_ip(),
        )
    except InvalidInput as error:
        apply_errors(form, error)
        return _page(400, email=form)
    flash(
        _(
            "We sent a confirmation link to the new address. The change takes effect once you "
            "follow it."
        ),
        "info",
    )
    return redirect(url_for("account.show"), 303)


@bp.route("/email/<token>", methods=["GET", "POST"])
@public
def confirm_email(token: str) -> Response | tuple[str, int, dict[str, str]]:
    """Confirm a new e-mail address (the GET only shows a button; the POST spends the link)."""
    headers = {"Referrer-Policy": "no-referrer"}
    try:
        if request.method == "POST":
            confirm_email_change(services=services(), token=token, ip=client_ip())
            flash(_("Your e-mail address was changed."), "success")
            return redirect(url_for("account.show" if g.account else "auth.sign_in"), 303)
        _account, new_email = check_email_change(services=services(), token=token)
    except (TokenInvalid, TokenExpired):
        return render_template("auth/link_invalid.html"), 400, headers
    except InvalidInput:
        return render_template("account/email_taken.html"), 409, headers
    body = render_template("account/confirm_email.html", form=ConfirmForm(), new_email=new_email)
    return body, 200, headers
