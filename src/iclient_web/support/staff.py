"""Staff's support pages (``support.admin``, ``/<lang>/admin/support``): the inbox of
requests filtered by status, category, assignee and how long the client has waited; one
thread with every message and internal note, the reply box (a canned answer may fill it),
the internal note, status and assignee; the canned answers; the thread's live updates and
files; the requests' places on the dashboard, the menu and the client's page."""

from __future__ import annotations

import contextlib
from typing import Any

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import Permission
from iclient_core.shared.errors import InvalidInput, NotFound
from iclient_core.support.conversations import (
    CLIENT_REQUESTS,
    PERMISSION,
    REQUESTS_WAITING,
    assignable_staff,
    canned_answer,
    canned_answers,
    delete_canned,
    download_staff_attachment,
    list_requests,
    save_canned,
    staff_reply,
    staff_revision,
    staff_thread,
    update_request,
)
from iclient_core.support.model import Conversation
from iclient_web.deps import client_ip, services
from iclient_web.downloads import download_response
from iclient_web.security import require_staff
from iclient_web.staff.hooks import provide_attention, provide_client_section, provide_nav
from iclient_web.support import forms
from iclient_web.support.live import POLL_SECONDS, etag_of, poll_response
from iclient_web.uploads import accept_uploads, max_upload_bytes, max_upload_mb, refused_status

bp = Blueprint("admin", __name__, url_prefix="/<lang>/admin/support")
bp.before_request(require_staff)
accept_uploads(bp, {"support.admin.reply"}, staff_only=True)

FILTERS = ("status", "category", "assignee", "unanswered")


def _filters() -> dict[str, str]:
    return {name: request.args.get(name, "")[:64] for name in FILTERS if request.args.get(name)}


@bp.get("")
def index() -> str:
    """The requests, latest activity first, filtered and paged."""
    filters = _filters()
    page = list_requests(
        services=services(),
        actor=g.account,
        status=filters.get("status"),
        category=filters.get("category"),
        assignee_id=filters.get("assignee"),
        unanswered_hours=filters.get("unanswered"),
        page=request.args.get("page"),
    )
    people = assignable_staff(services=services(), actor=g.account)
    return render_template(
        "admin/support/list.html",
        page=page,
        filters=filters,
        people={p.id: p for p in people},
        status_labels=forms.STATUS_LABELS,
        category_labels=forms.CATEGORY_LABELS,
    )


def _people_choices(people: list[Account]) -> list[SelectChoice]:
    return [SelectChoice("", _("Nobody")), *[SelectChoice(p.id, p.email.address) for p in people]]


def _thread_page(
    conversation_id: str,
    *,
    reply: forms.ReplyForm | None = None,
    note: forms.NoteForm | None = None,
    update: forms.UpdateForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    thread = staff_thread(services=services(), actor=g.account, conversation_id=conversation_id)
    people = assignable_staff(services=services(), actor=g.account)
    conversation = thread.conversation
    if update is None:
        update = forms.UpdateForm(
            status=conversation.status.value, assignee=conversation.assignee_id or ""
        )
    update.assignee.choices = _people_choices(people)
    if reply is None:
        reply = forms.ReplyForm()
        chosen = request.args.get("canned", "")[:64]
        if chosen:
            with contextlib.suppress(NotFound):
                reply.message.data = canned_answer(
                    services=services(), actor=g.account, answer_id=chosen
                ).text
    return render_template(
        "admin/support/show.html",
        thread=thread,
        reply=reply,
        note=note or forms.NoteForm(),
        update=update,
        canned=canned_answers(services=services(), actor=g.account),
        people={p.id: p for p in people},
        etag=etag_of(thread.revision),
        poll_seconds=POLL_SECONDS,
        status_labels=forms.STATUS_LABELS,
        category_labels=forms.CATEGORY_LABELS,
        max_upload_mb=max_upload_mb(),
    ), status


@bp.get("/<conversation_id>")
def show(conversation_id: str) -> tuple[str, int]:
    """One request: the thread with internal notes, and the staff's forms."""
    return _thread_page(conversation_id)


@bp.post("/<conversation_id>/reply")
def reply(conversation_id: str) -> tuple[str, int] | Response:
    """Answer the client (who is told by e-mail)."""
    form = forms.ReplyForm()
    try:
        staff_reply(
            services=services(),
            actor=g.account,
            conversation_id=conversation_id,
            message=form.message.data,
            files=forms.uploads(form.file),
            max_size=max_upload_bytes(),
            ip=client_ip(),
        )
    except InvalidInput as error:
        forms.apply_errors(form, error)
        return _thread_page(conversation_id, reply=form, status=refused_status(error))
    flash(_("Your answer was sent to the client."), "success")
    return redirect(url_for("support.admin.show", conversation_id=conversation_id), 303)


@bp.post("/<conversation_id>/note")
def note(conversation_id: str) -> tuple[str, int] | Response:
    """Add an internal note (only staff see it)."""
    form = forms.NoteForm()
    try:
        staff_reply(
            services=services(),
            actor=g.account,
            conversation_id=conversation_id,
            message=form.note.data,
            internal=True,
            ip=client_ip(),
        )
    except InvalidInput as error:
        forms.apply_errors(form, error)
        return _thread_page(conversation_id, note=form, status=400)
    flash(_("Note saved. Only staff see it."), "success")
    return redirect(url_for("support.admin.show", conversation_id=conversation_id), 303)


@bp.post("/<conversation_id>/update")
def update(conversation_id: str) -> tuple[str, int] | Response:
    """Change the status or the assignee."""
    form = forms.UpdateForm()
    try:
        update_request(
            services=services(),
            actor=g.account,
            conversation_id=conversation_id,
            status=form.status.data,
            assignee_id=form.assignee.data or "",
            ip=client_ip(),
        )
    except InvalidInput as error:
        forms.apply_errors(form, error)
        return _thread_page(conversation_id, update=form, status=400)
    flash(_("Saved."), "success")
    return redirect(url_for("support.admin.show", conversation_id=conversation_id), 303)


@bp.get("/<conversation_id>/poll")
def poll(conversation_id: str) -> Response:
    """The thread's news for the page's script: 304 while nothing changed."""
    revision = staff_revision(services=services(), actor=g.account, conversation_id=conversation_id)

    def render() -> tuple[str, str]:
        thread = staff_thread(services=services(), actor=g.account, conversation_id=conversation_id)
        body = render_template(
            "support/_thread.html",
            thread=thread,
            staff_view=True,
            status_labels=forms.STATUS_LABELS,
        )
        return body, thread.revision

    return poll_response(revision, render)


@bp.get("/<conversation_id>/files/<message_id>/<index>")
def file(conversation_id: str, message_id: str, index: str) -> Response:
    """A file of a request's message."""
    opened = download_staff_attachment(
        services=services(),
        actor=g.account,
        conversation_id=conversation_id,
        message_id=message_id,
        index=int(index) if index.isdigit() and len(index) < 4 else -1,
    )
    return download_response(opened)


@bp.route("/canned", methods=["GET", "POST"])
def canned() -> tuple[str, int] | Response:
    """The saved answers, and a form to save one more."""
    form = forms.CannedForm()
    status = 200
    if request.method == "POST":
        try:
            save_canned(
                services=services(),
                actor=g.account,
                title=form.title.data,
                text=form.text.data,
                ip=client_ip(),
            )
        except InvalidInput as error:
            forms.apply_errors(form, error)
            status = 400
        else:
            flash(_("Answer saved."), "success")
            return redirect(url_for("support.admin.canned"), 303)
    answers = canned_answers(services=services(), actor=g.account)
    return render_template("admin/support/canned.html", form=form, answers=answers), status


@bp.post("/canned/<answer_id>/delete")
def delete(answer_id: str) -> Response:
    """Remove a saved answer."""
    delete_canned(services=services(), actor=g.account, answer_id=answer_id, ip=client_ip())
    flash(_("Answer removed."), "success")
    return redirect(url_for("support.admin.canned"), 303)


def _client_section(found: list[Conversation] | None, client: Account) -> dict[str, Any]:
    return {"requests": found or [], "status_labels": forms.STATUS_LABELS}


def plug_into_the_staff_area(app: Flask) -> None:
    """The admin menu's link, the dashboard's count and the client page's section."""
    provide_nav(app, _l("Support"), "support.admin.index", Permission.CLIENTS_MANAGE)
    provide_attention(
        app,
        "support_waiting",
        count=REQUESTS_WAITING,
        endpoint="support.admin.index",
        status="waiting_on_staff",
    )
    provide_client_section(
        app,
        "support",
        template="admin/support/_client.html",
        reading=CLIENT_REQUESTS,
        present=_client_section,
    )


assert PERMISSION is Permission.CLIENTS_MANAGE
