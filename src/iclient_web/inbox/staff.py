"""The staff inbox (``inbox.admin``, ``/<lang>/admin/inbox``): what people sent through the
public forms, filtered by status, form and assignee; one submission with its answers, its
status, assignee and internal notes; the filtered list as CSV; its place in the staff area."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from iclient_core.accounts.permissions import Permission
from iclient_core.inbox.forms import all_forms
from iclient_core.inbox.submissions import (
    SUBMISSIONS_NEW,
    assignable_staff,
    export_submissions,
    get_submission,
    list_submissions,
    update_submission,
)
from iclient_core.shared.errors import InvalidInput
from iclient_core.staff.audit import csv_safe
from iclient_web.deps import client_ip, services
from iclient_web.inbox import forms
from iclient_web.security import require_staff
from iclient_web.staff.hooks import provide_attention, provide_nav

bp = Blueprint("admin", __name__, url_prefix="/<lang>/admin/inbox")
bp.before_request(require_staff)

FILTERS = ("status", "form", "assignee")


def _filters() -> dict[str, str]:
    return {name: request.args.get(name, "")[:64] for name in FILTERS if request.args.get(name)}


@bp.get("")
def index() -> str:
    """The submissions, newest first, filtered and paged."""
    filters = _filters()
    page = list_submissions(
        services=services(),
        actor=g.account,
        status=filters.get("status"),
        form_id=filters.get("form"),
        assignee_id=filters.get("assignee"),
        page=request.args.get("page"),
    )
    known = all_forms(services=services(), actor=g.account)
    people = assignable_staff(services=services(), actor=g.account)
    return render_template(
        "admin/inbox/list.html",
        page=page,
        filters=filters,
        known_forms=known,
        form_titles={f.id: f for f in known},
        people={p.id: p for p in people},
        status_labels=forms.STATUS_LABELS,
    )


@bp.get("/export.csv")
def export() -> Response:
    """The filtered list as a CSV download."""
    filters = _filters()
    found = export_submissions(
        services=services(),
        actor=g.account,
        status=filters.get("status"),
        form_id=filters.get("form"),
        assignee_id=filters.get("assignee"),
        ip=client_ip(),
    )
    people = {p.id: p for p in assignable_staff(services=services(), actor=g.account)}
    columns = ["id", "created_at", "form", "status", "name", "email", "phone", "language"]

    def line(cells: list[str]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer).writerow([csv_safe(cell) for cell in cells])
        return buffer.getvalue()

    def rows() -> Iterator[str]:
        yield "\ufeff" + line([*columns, "assignee", "answers"])  # the BOM: Excel reads UTF-8
        for sub in found:
            assignee = people.get(sub.assignee_id or "")
            yield line(
                [
                    sub.id,
                    sub.created_at.isoformat(),
                    sub.form_slug,
                    sub.status.value,
                    sub.name,
                    sub.email,
                    sub.phone,
                    sub.language,
                    assignee.email.address if assignee is not None else "",
                    "; ".join(f"{k}: {v}" for k, v in sub.values.items() if v),
                ]
            )

    return Response(
        rows(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="inbox.csv"'},
    )


@bp.route("/<submission_id>", methods=["GET", "POST"])
def show(submission_id: str) -> tuple[str, int] | Response:
    """One submission: its answers, status, assignee and internal notes."""
    sub = get_submission(services=services(), actor=g.account, submission_id=submission_id)
    people = assignable_staff(services=services(), actor=g.account)
    form = forms.UpdateForm(status=sub.status.value, assignee=sub.assignee_id or "")
    form.assignee.choices = [
        SelectChoice("", _("Nobody")),
        *[SelectChoice(p.id, p.email.address) for p in people],
    ]
    status = 200
    if request.method == "POST":
        try:
            update_submission(
                services=services(),
                actor=g.account,
                submission_id=sub.id,
                status=form.status.data,
                assignee_id=form.assignee.data or "",
                note=form.note.data if (form.note.data or "").strip() else None,
                ip=client_ip(),
            )
        except InvalidInput as error:
            forms.apply_errors(form, error)
            status = 400
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("inbox.admin.show", submission_id=sub.id), 303)
    found = {f.id: f for f in all_forms(services=services(), actor=g.account)}
    return render_template(
        "admin/inbox/show.html",
        sub=sub,
        definition=found.get(sub.form_id),
        form=form,
        people={p.id: p for p in people},
        status_labels=forms.STATUS_LABELS,
    ), status


def plug_into_the_staff_area(app: Flask) -> None:
    """The admin menu's links and the dashboard's count of new submissions."""
    provide_nav(app, _l("Inbox"), "inbox.admin.index", Permission.CLIENTS_MANAGE)
    provide_nav(app, _l("Forms"), "inbox.builder.index", Permission.SETTINGS_MANAGE)
    provide_attention(
        app,
        "inbox_new",
        count=SUBMISSIONS_NEW,
        endpoint="inbox.admin.index",
        status="new",
    )
