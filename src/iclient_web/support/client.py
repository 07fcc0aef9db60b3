"""The client's support pages (``support.client``, ``/<lang>/support``): their requests, a
new request (with files), one thread with the reply box and "this is solved", its live
updates and its files. Another client's request, a guessed id or a file of another request
is the same 404 as one that does not exist.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from iclient_core.shared.errors import InvalidInput
from iclient_core.support.conversations import (
    RequestClosed,
    close_as_client,
    download_my_attachment,
    mark_seen,
    my_requests,
    my_revision,
    my_thread,
    open_request,
    reopen_period,
    reply_as_client,
)
from iclient_web.deps import client_ip, services
from iclient_web.downloads import download_response
from iclient_web.support import forms
from iclient_web.support.live import POLL_SECONDS, etag_of, poll_response
from iclient_web.uploads import accept_uploads, max_upload_bytes, max_upload_mb, refused_status

bp = Blueprint("client", __name__, url_prefix="/<lang>/support")
# Only the two forms that take files may be as large as the upload limit.
accept_uploads(bp, {"support.client.new", "support.client.reply"})


@bp.get("")
def index() -> str | Response:
    """The client's requests, latest activity first."""
    if g.account.role.is_staff:
        return redirect(url_for("support.admin.index"), 303)
    page = my_requests(services=services(), actor=g.account, page=request.args.get("page"))
    return render_template(
        "support/list.html",
        page=page,
        status_labels=forms.CLIENT_STATUS_LABELS,
        category_labels=forms.CATEGORY_LABELS,
    )


@bp.route("/new", methods=["GET", "POST"])
def new() -> tuple[str, int] | Response:
    """Open a request."""
    if g.account.role.is_staff:
        return redirect(url_for("support.admin.index"), 303)
    form = forms.NewRequestForm()
    status = 200
    if request.method == "POST":
        try:
            conversation = open_request(
                services=services(),
                account_id=g.account.id,
                subject=form.subject.data,
                category=form.category.data,
                message=form.message.data,
                files=forms.uploads(form.file),
                max_size=max_upload_bytes(),
                ip=client_ip(),
            )
        except InvalidInput as error:
            forms.apply_errors(form, error)
            status = refused_status(error)
        else:
            flash(_("Your request was sent. We will answer here and by e-mail."), "success")
            return redirect(url_for("support.client.show", conversation_id=conversation.id), 303)
    return render_template("support/new.html", form=form, max_upload_mb=max_upload_mb()), status


def _thread_page(
    conversation_id: str,
    *,
    form: forms.ReplyForm | None = None,
    status: int = 200,
    notice: str | None = None,
) -> tuple[str, int]:
    thread = my_thread(services=services(), actor=g.account, conversation_id=conversation_id)
    mark_seen(services=services(), actor=g.account, conversation_id=conversation_id)
    return render_template(
        "support/show.html",
        thread=thread,
        form=form or forms.ReplyForm(),
        notice=notice,
        etag=etag_of(thread.revision),
        poll_seconds=POLL_SECONDS,
        reopen_days=reopen_period(services()).days,
        status_labels=forms.CLIENT_STATUS_LABELS,
        category_labels=forms.CATEGORY_LABELS,
        max_upload_mb=max_upload_mb(),
    ), status


@bp.get("/<conversation_id>")
def show(conversation_id: str) -> tuple[str, int] | Response:
    """One request as a conversation, with the reply box."""
    if g.account.role.is_staff:
        return redirect(url_for("support.admin.show", conversation_id=conversation_id), 303)
    return _thread_page(conversation_id)


@bp.post("/<conversation_id>/reply")
def reply(conversation_id: str) -> tuple[str, int] | Response:
    """The client writes in their request (reopening it if it was closed lately)."""
    form = forms.ReplyForm()
    try:
        reply_as_client(
            services=services(),
            account_id=g.account.id,
            conversation_id=conversation_id,
            message=form.message.data,
            files=forms.uploads(form.file),
            max_size=max_upload_bytes(),
            ip=client_ip(),
        )
    except InvalidInput as error:
        forms.apply_errors(form, error)
        return _thread_page(conversation_id, form=form, status=refused_status(error))
    except RequestClosed:
        return _thread_page(
            conversation_id, form=form, status=409, notice=forms.support_message("support_closed")
        )
    flash(_("Your message was sent."), "success")
    return redirect(url_for("support.client.show", conversation_id=conversation_id), 303)


@bp.post("/<conversation_id>/close")
def close(conversation_id: str) -> Response:
    """The client says the request is solved."""
    close_as_client(
        services=services(),
        account_id=g.account.id,
        conversation_id=conversation_id,
        ip=client_ip(),
    )
    flash(_("Glad it is solved. The request is closed; write in it to reopen it."), "success")
    return redirect(url_for("support.client.show", conversation_id=conversation_id), 303)


@bp.get("/<conversation_id>/poll")
def poll(conversation_id: str) -> Response:
    """The thread's news for the page's script: 304 while nothing changed."""
    revision = my_revision(services=services(), actor=g.account, conversation_id=conversation_id)

    def render() -> tuple[str, str]:
        thread = my_thread(services=services(), actor=g.account, conversation_id=conversation_id)
        mark_seen(services=services(), actor=g.account, conversation_id=conversation_id)
        body = render_template(
            "support/_thread.html",
            thread=thread,
            staff_view=False,
            status_labels=forms.CLIENT_STATUS_LABELS,
        )
        return body, thread.revision

    return poll_response(revision, render)


@bp.get("/<conversation_id>/files/<message_id>/<index>")
def file(conversation_id: str, message_id: str, index: str) -> Response:
    """A file of a message of the client's own request (anyone else: 404)."""
    opened = download_my_attachment(
        services=services(),
        account_id=g.account.id,
        conversation_id=conversation_id,
        message_id=message_id,
        index=int(index) if index.isdigit() and len(index) < 4 else -1,
    )
    return download_response(opened)
