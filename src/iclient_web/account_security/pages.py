"""The signed-in person's security page (``/<lang>/account/security``) and session list
(``/<lang>/account/sessions``)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from iclient_core.accounts.session_list import end_my_session, end_other_sessions, my_sessions
from iclient_core.accounts.two_step import (
    NewAuthenticator,
    add_passkey,
    confirm_authenticator,
    passkey_registration,
    pending_authenticator,
    regenerate_recovery_codes,
    remove_passkey,
    start_authenticator,
    turn_off,
    two_step_status,
)
from iclient_core.shared.errors import InvalidInput
from iclient_web.account_security import devices, webauthn
from iclient_web.account_security.forms import CodeForm, PasskeyForm, PasswordForm, TurnOffForm
from iclient_web.deps import client_ip, services
from iclient_web.forms import ButtonForm, apply_errors, own_id
from iclient_web.security import end_session

bp = Blueprint("account_security", __name__, url_prefix="/<lang>/account")


def qr_code(uri: str) -> str:
    """The QR code of ``uri`` as an SVG data URI (an ``<img>`` the page's CSP allows)."""
    import segno  # loaded by the first QR code drawn, not at start-up

    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def _page(
    status: int = 200,
    *,
    confirm: CodeForm | None = None,
    codes: PasswordForm | None = None,
    off: TurnOffForm | None = None,
    passkey: PasskeyForm | None = None,
) -> tuple[str, int]:
    account = g.account
    state = two_step_status(services=services(), account_id=account.id)
    waiting: NewAuthenticator | None = None
    if not state.authenticator:
        waiting = pending_authenticator(services=services(), account_id=account.id)
    off = off or TurnOffForm(formdata=None)
    codes = codes or PasswordForm(formdata=None)
    own_id(off.current_password, "off-current_password")
    own_id(off.code, "off-code")
    own_id(codes.current_password, "codes-current_password")
    body = render_template(
        "account_security/security.html",
        state=state,
        waiting=waiting,
        qr=qr_code(waiting.uri) if waiting else "",
        confirm_form=confirm or CodeForm(formdata=None),
        codes_form=codes,
        off_form=off,
        passkey_form=passkey or PasskeyForm(formdata=None),
        button=ButtonForm(),
    )
    return body, status


def _codes_page(codes: list[str]) -> tuple[str, int]:
    return render_template("account_security/recovery_codes.html", codes=codes), 200


@bp.get("/security")
def show() -> tuple[str, int]:
    """Two-step sign-in: the authenticator app, recovery codes and passkeys."""
    return _page()


@bp.post("/security/authenticator")
def start() -> Response | tuple[str, int]:
    """Make a new authenticator secret and show its QR code."""
    try:
        start_authenticator(services=services(), account_id=g.account.id)
    except InvalidInput:
        flash(_("An authenticator app is already on."), "info")
    return redirect(url_for("account_security.show", _anchor="authenticator"), 303)


@bp.post("/security/authenticator/confirm")
def confirm() -> tuple[str, int]:
    """Turn the authenticator app on with its first code; show the recovery codes once."""
    form = CodeForm()
    try:
        codes = confirm_authenticator(
            services=services(), account_id=g.account.id, code=form.code.data, ip=client_ip()
        )
    except InvalidInput as error:
        apply_errors(form, error)
        return _page(400, confirm=form)
    flash(_("Two-step sign-in is on: the next sign-in asks for a code from the app."), "success")
    if codes:
        return _codes_page(codes)
    return _page()


@bp.post("/security/recovery-codes")
def new_codes() -> tuple[str, int]:
    """Replace the recovery codes (after the password); show the new ones once."""
    form = PasswordForm()
    own_id(form.current_password, "codes-current_password")
    try:
        codes = regenerate_recovery_codes(
            services=services(),
            account_id=g.account.id,
            password=form.current_password.data,
            ip=client_ip(),
        )
    except InvalidInput as error:
        apply_errors(form, error)
        return _page(400, codes=form)
    return _codes_page(codes)


@bp.post("/security/off")
def off() -> Response | tuple[str, int]:
    """Turn two-step sign-in off (password and a code); other sessions end."""
    form = TurnOffForm()
    own_id(form.current_password, "off-current_password")
    own_id(form.code, "off-code")
    try:
        turn_off(
            services=services(),
            account_id=g.account.id,
            session_id=g.session.id,
            password=form.current_password.data,
            code=form.code.data,
            ip=client_ip(),
        )
    except InvalidInput as error:
        apply_errors(form, error)
        return _page(400, off=form)
    flash(_("Two-step sign-in is off. Other devices were signed out."), "info")
    return redirect(url_for("account_security.show"), 303)


@bp.post("/security/passkeys/options")
def passkey_options() -> Response:
    """The options for ``navigator.credentials.create`` (JSON)."""
    rp_id, _origin = webauthn.relying_party()
    ceremony = passkey_registration(
        services=services(), account_id=g.account.id, rp_id=rp_id, rp_name=webauthn.rp_name()
    )
    webauthn.keep(ceremony.challenge, "register")
    return Response(ceremony.options, mimetype="application/json")


@bp.post("/security/passkeys")
def passkey_add() -> Response | tuple[str, int]:
    """Store the passkey the browser made."""
    form = PasskeyForm()
    rp_id, origin = webauthn.relying_party()
    try:
        codes = add_passkey(
            services=services(),
            account_id=g.account.id,
            name=form.name.data,
            response=form.response.data,
            challenge=webauthn.take("register"),
            rp_id=rp_id,
            origin=origin,
            ip=client_ip(),
        )
    except InvalidInput as error:
        apply_errors(form, error)
        return _page(400, passkey=form)
    flash(_("The passkey was added."), "success")
    if codes:
        return _codes_page(codes)
    return redirect(url_for("account_security.show", _anchor="passkeys"), 303)


@bp.post("/security/passkeys/<passkey_id>/remove")
def passkey_remove(passkey_id: str) -> Response | tuple[str, int]:
    """Remove one passkey."""
    try:
        remove_passkey(
            services=services(), account_id=g.account.id, passkey_id=passkey_id, ip=client_ip()
        )
    except InvalidInput:
        flash(_("The business requires a second step for staff: keep at least one."), "error")
        return redirect(url_for("account_security.show", _anchor="passkeys"), 303)
    flash(_("The passkey was removed."), "info")
    return redirect(url_for("account_security.show", _anchor="passkeys"), 303)


@bp.get("/sessions")
def sessions() -> tuple[str, int]:
    """The account's sessions: device, browser, address, started, last seen."""
    rows = my_sessions(services=services(), account_id=g.account.id, current_id=g.session.id)
    body = render_template(
        "account_security/sessions.html",
        rows=rows,
        describe=devices.describe,
        button=ButtonForm(),
    )
    return body, 200


@bp.post("/sessions/<session_id>/end")
def end(session_id: str) -> Response:
    """Sign one session out (this one too: then the browser is signed out)."""
    end_my_session(
        services=services(), account_id=g.account.id, session_id=session_id, ip=client_ip()
    )
    if session_id == g.session.id:
        end_session()
        flash(_("You have signed out."), "info")
        return redirect(url_for("auth.sign_in"), 303)
    flash(_("That session was signed out."), "info")
    return redirect(url_for("account_security.sessions"), 303)


@bp.post("/sessions/others/end")
def end_others() -> Response:
    """Sign out every session but this one."""
    ended = end_other_sessions(
        services=services(), account_id=g.account.id, keep=g.session.id, ip=client_ip()
    )
    flash(
        _("%(count)d other sessions were signed out.", count=ended)
        if ended != 1
        else _("One other session was signed out."),
        "info",
    )
    return redirect(url_for("account_security.sessions"), 303)
