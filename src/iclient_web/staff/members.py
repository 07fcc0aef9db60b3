"""Admin pages for the staff accounts: invite, change role, disable and enable, resend the
invitation, end sessions, turn off two-step sign-in. Only admins get past the core's
permission check (others: 404)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from iclient_core.shared.errors import InvalidInput, RateLimited
from iclient_core.staff.members import (
    change_role,
    disable_staff,
    enable_staff,
    end_staff_sessions,
    invite_staff,
    list_staff,
    resend_staff_invitation,
    reset_staff_two_step,
)
from iclient_web.deps import client_ip, services
from iclient_web.forms import apply_errors
from iclient_web.messages import field_message
from iclient_web.security import require_staff
from iclient_web.staff.forms import InviteStaffForm, RoleForm
from iclient_web.staff.labels import two_step_reset_done

bp = Blueprint("admin_staff", __name__, url_prefix="/<lang>/admin/staff")
bp.before_request(require_staff)


def _index(form: InviteStaffForm | None = None, status: int = 200) -> tuple[str, int]:
    found = list_staff(services=services(), actor=g.account, cursor=request.args.get("cursor"))
    body = render_template(
        "admin/staff/list.html",
        window=found.window,
        two_step=found.resettable,
        role_choices=RoleForm(formdata=None).role.choices,
        form=form or InviteStaffForm(formdata=None, language=g.lang),
    )
    return body, status


@bp.get("/")
def index() -> tuple[str, int]:
    """The staff members and the invitation form."""
    return _index()


@bp.post("/invite")
def invite() -> Response | tuple[str, int]:
    """Invite a collaborator or a manager by e-mail."""
    form = InviteStaffForm()
    try:
        account = invite_staff(
            services=services(),
            actor=g.account,
            email=form.email.data,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            role=form.role.data,
            language=form.language.data,
            ip=client_ip(),
        )
    except InvalidInput as error:
        apply_errors(form, error)
        return _index(form, 400)
    flash(_("An invitation was sent to %(email)s.", email=account.email.address), "success")
    return redirect(url_for("admin_staff.index"), 303)


def _refused(error: InvalidInput) -> Response:
    for codes in error.by_field().values():
        for code in codes:
            flash(field_message(code), "error")
    return redirect(url_for("admin_staff.index"), 303)


@bp.post("/<account_id>/role")
def role(account_id: str) -> Response:
    """Change a staff member's role (effective at their next request)."""
    try:
        change_role(
            services=services(),
            actor=g.account,
            account_id=account_id,
            role=request.form.get("role"),
            ip=client_ip(),
        )
    except InvalidInput as error:
        return _refused(error)
    flash(_("The role was changed."), "success")
    return redirect(url_for("admin_staff.index"), 303)


@bp.post("/<account_id>/disable")
def disable(account_id: str) -> Response:
    """Disable a staff account; its sessions end at once."""
    try:
        ended = disable_staff(
            services=services(), actor=g.account, account_id=account_id, ip=client_ip()
        )
    except InvalidInput as error:
        return _refused(error)
    flash(
        ngettext(
            "The account was disabled and %(num)d session ended.",
            "The account was disabled and %(num)d sessions ended.",
            ended,
        ),
        "success",
    )
    return redirect(url_for("admin_staff.index"), 303)


@bp.post("/<account_id>/enable")
def enable(account_id: str) -> Response:
    """Reopen a disabled staff account."""
    enable_staff(services=services(), actor=g.account, account_id=account_id, ip=client_ip())
    flash(_("The account was enabled again."), "success")
    return redirect(url_for("admin_staff.index"), 303)


@bp.post("/<account_id>/resend")
def resend(account_id: str) -> Response:
    """Send a staff member who has not chosen a password a new invitation."""
    try:
        resend_staff_invitation(
            services=services(), actor=g.account, account_id=account_id, ip=client_ip()
        )
    except InvalidInput as error:
        return _refused(error)
    except RateLimited:
        flash(
            _("Several links were sent in the last hour. Please wait before sending another."),
            "error",
        )
        return redirect(url_for("admin_staff.index"), 303)
    flash(_("A new invitation was sent."), "success")
    return redirect(url_for("admin_staff.index"), 303)


@bp.post("/<account_id>/two-step-reset")
def two_step_reset(account_id: str) -> Response:
    """Turn off the two-step sign-in of a staff member who lost their phone and their recovery
    codes; their sessions end and they are told by e-mail."""
    try:
        ended = reset_staff_two_step(
            services=services(), actor=g.account, account_id=account_id, ip=client_ip()
        )
    except InvalidInput as error:
        return _refused(error)
    flash(two_step_reset_done(ended), "success")
    return redirect(url_for("admin_staff.index"), 303)


@bp.post("/<account_id>/end-sessions")
def end_sessions(account_id: str) -> Response:
    """Sign a staff member out on every device."""
    ended = end_staff_sessions(
        services=services(), actor=g.account, account_id=account_id, ip=client_ip()
    )
    flash(ngettext("%(num)d session ended.", "%(num)d sessions ended.", ended), "success")
    return redirect(url_for("admin_staff.index"), 303)
