"""The signed-in person's own data: profile, password, e-mail address."""

from __future__ import annotations

import json

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from iclient_core.accounts.privacy import cancel_deletion, request_deletion
from iclient_core.accounts.profile import (
    change_password,
    check_email_change,
    confirm_email_change,
    request_email_change,
    update_profile,
)
from iclient_core.consent.use_cases import account_consents, give, withdraw
from iclient_core.shared.errors import InvalidInput, TokenExpired, TokenInvalid
from iclient_core.staff.personal_data import export_data
from iclient_web import formats
from iclient_web.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmForm,
    DeletionRequestForm,
    ProfileForm,
)
from iclient_web.deps import client_ip, services, user_agent
from iclient_web.forms import apply_errors, own_id
from iclient_web.i18n import current_language
from iclient_web.security import consent_exempt, public

bp = Blueprint("account", __name__, url_prefix="/<lang>/account")


def _page(
    status: int = 200,
    *,
    profile: ProfileForm | None = None,
    password: ChangePasswordForm | None = None,
    email: ChangeEmailForm | None = None,
    deletion: DeletionRequestForm | None = None,
) -> tuple[str, int]:
    account = g.account
    if profile is None:
        profile = ProfileForm(
            formdata=None,
            first_name=account.profile.first_name,
            last_name=account.profile.last_name,
            phone=formats.phone(account.profile.phone),
            nif=account.profile.nif,
            billing_address=account.profile.billing_address,
            language=account.language,
        )
    password = password or ChangePasswordForm(formdata=None)
    email = email or ChangeEmailForm(formdata=None)
    deletion = deletion or DeletionRequestForm(formdata=None)
    # Three forms ask for the current password: one id each, so that each label finds its box.
    own_id(password.current_password, "password-current_password")
    own_id(email.current_password, "email-current_password")
    own_id(deletion.current_password, "delete-current_password")
    consent, history = account_consents(
        services=services(), account=account, language=current_language()
    )
    body = render_template(
        "account/account.html",
        account=account,
        profile_form=profile,
        password_form=password,
        email_form=email,
        deletion_form=deletion,
        consent=consent,
        history=history,
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
            # Staff have no billing data: their form has neither field, and nothing changes.
            nif=None if g.account.role.is_staff else form.nif.data or "",
            billing_address=None if g.account.role.is_staff else form.billing_address.data or "",
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


@bp.post("/consent/<kind>")
def change_consent(kind: str) -> Response | tuple[str, int]:
    """Give or withdraw an optional consent (``action`` is ``give`` or ``withdraw``)."""
    action = request.form.get("action")
    try:
        if action == "withdraw":
            withdraw(
                services=services(),
                account_id=g.account.id,
                kind=kind,
                ip=client_ip(),
                user_agent=user_agent(),
            )
            flash(_("Your consent was withdrawn."), "info")
        elif action == "give":
            give(
                services=services(),
                account_id=g.account.id,
                kind=kind,
                ip=client_ip(),
                user_agent=user_agent(),
                language=current_language(),
            )
            flash(_("Thank you. Your consent was recorded."), "success")
        else:
            return _refused(
                _("This request could not be handled"),
                _("Use the buttons in the Consents section of your account page."),
            )
    except InvalidInput as error:
        codes = {e.code for e in error.errors}
        if "consent_staff" in codes:
            return _refused(
                _("Staff accounts do not give consents"),
                _(
                    "Consents are the business's clients' choices. As a member of the staff "
                    "you do not need to give or withdraw any."
                ),
            )
        return _refused(
            _("This consent cannot be withdrawn here"),
            _(
                "You need the Terms and Conditions and the Privacy Policy to use your "
                "private area. If you no longer agree with them, you can ask for your "
                "account to be deleted."
            ),
            deletion=True,
        )
    return redirect(url_for("account.show"), 303)


def _refused(title: str, message: str, *, deletion: bool = False) -> tuple[str, int]:
    """A consent change that cannot be made: why, and where to go from here."""
    body = render_template(
        "account/consent_refused.html", title=title, message=message, deletion=deletion
    )
    return body, 400


@bp.get("/data-export")
@consent_exempt
def data_export() -> Response:
    """Download everything the portal holds about me, as a JSON file."""
    data = export_data(services=services(), account_id=g.account.id)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    stamp = services().clock.now().strftime("%Y%m%d")
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="iclient-data-{stamp}.json"'},
    )


@bp.post("/delete", endpoint="request_deletion")
@consent_exempt
def request_deletion_view() -> Response | tuple[str, int]:
    """Ask for the account to be deleted (the password confirms it is really me)."""
    form = DeletionRequestForm()
    try:
        request_deletion(
            services=services(),
            account_id=g.account.id,
            current_password=form.current_password.data,
            ip=client_ip(),
        )
    except InvalidInput as error:
        apply_errors(form, error)
        flash(_("The current password is not correct."), "error")
        return redirect(url_for("account.show"), 303)
    flash(
        _(
            "We received your request. Your account will be deleted after review, at the "
            "latest in 30 days. You can cancel it on this page until then."
        ),
        "info",
    )
    return redirect(url_for("account.show"), 303)


@bp.post("/delete/cancel", endpoint="cancel_deletion")
@consent_exempt
def cancel_deletion_view() -> Response:
    """Withdraw a deletion request."""
    cancel_deletion(services=services(), account_id=g.account.id, ip=client_ip())
    flash(_("Your deletion request was cancelled."), "success")
    return redirect(url_for("account.show"), 303)
