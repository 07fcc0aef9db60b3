"""Staff pages for one client's documents: upload (several files at once), the list with
whether and when the client opened each, a document's history and download log, replace,
edit, archive, delete (after a confirmation), and download of any version.

Uploads are the only requests allowed past the portal's small request limit (see
:mod:`iclient_web.uploads`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from iclient_core.accounts.model import Account
from iclient_core.documents.download import download_document
from iclient_core.documents.managing import (
    CLIENT_DOCUMENTS,
    archive_document,
    client_documents,
    delete_document,
    document_record,
    edit_details,
    unarchive_document,
)
from iclient_core.documents.model import Document
from iclient_core.documents.publishing import replace_file, upload_documents
from iclient_core.documents.reading import DOCUMENTS_UNOPENED
from iclient_core.documents.scrub import DOCUMENTS_DAMAGED
from iclient_core.shared import paging
from iclient_core.shared.errors import InvalidInput
from iclient_core.shared.intake import Upload
from iclient_core.shared.storage import StorageUnavailable
from iclient_web.deps import client_ip, services
from iclient_web.documents.forms import (
    DeleteForm,
    DetailsForm,
    ReplaceForm,
    UploadForm,
    apply_document_errors,
    message,
)
from iclient_web.documents.labels import CATEGORY_LABELS
from iclient_web.downloads import download_response, hand_offs, requested_range
from iclient_web.forms import ButtonForm
from iclient_web.security import require_staff
from iclient_web.staff.hooks import provide_attention, provide_client_section
from iclient_web.uploads import accept_uploads, max_upload_bytes, max_upload_mb, storage_code

bp = Blueprint(
    "admin_documents", __name__, url_prefix="/<lang>/admin/clients/<client_id>/documents"
)
bp.before_request(require_staff)
accept_uploads(bp, {"admin_documents.upload", "admin_documents.replace"}, staff_only=True)

Page = str | tuple[str, int] | Response


def _list_page(client_id: str, form: UploadForm | None = None, status: int = 200) -> Page:
    found = client_documents(
        services=services(),
        actor=g.account,
        client_id=client_id,
        category=request.args.get("category"),
        year=request.args.get("year"),
        search=request.args.get("q"),
        page=request.args.get("page"),
    )
    body = render_template(
        "admin/documents/index.html",
        found=found,
        client=found.client,
        page=found.page,
        form=form or UploadForm(formdata=None, category="invoice"),
        max_upload_mb=max_upload_mb(),
        categories=list(CATEGORY_LABELS),
        category=request.args.get("category", ""),
        year=request.args.get("year", ""),
        q=request.args.get("q", "")[:100],
    )
    return body, status


@bp.get("")
def index(client_id: str) -> Page:
    """A client's documents (every status) and the upload form."""
    return _list_page(client_id)


@bp.post("")
def upload(client_id: str) -> Page:
    """Upload one or more files into the client's area; the client gets one e-mail."""
    form = UploadForm()
    files = [f for f in (form.file.data or []) if f and f.filename]
    try:
        report = upload_documents(
            services=services(),
            actor=g.account,
            client_id=client_id,
            files=[Upload(filename=f.filename, stream=f.stream) for f in files],
            title=form.title.data,
            category=form.category.data,
            reference=form.reference.data,
            issue_date=form.issue_date.data,
            amount=form.amount.data,
            due_date=form.due_date.data,
            max_size=max_upload_bytes(),
            ip=client_ip(),
        )
    except InvalidInput as error:
        apply_document_errors(form, error)
        return _list_page(client_id, form, _refusal_status(error.by_field().get("file", [])))
    refused = [(file.name, message(file.code)) for file in report.refused]
    if not report.documents:
        form.file.errors = [f"{name}: {why}" if len(files) > 1 else why for name, why in refused]
        return _list_page(client_id, form, _refusal_status([f.code for f in report.refused]))
    flash(
        _(
            "Uploaded: %(titles)s. The client was told by e-mail.",
            titles=", ".join(d.title for d in report.documents),
        ),
        "success",
    )
    for name, why in refused:
        flash(_("Not uploaded: %(name)s. %(reason)s", name=name, reason=why), "error")
    return redirect(url_for("admin_documents.index", client_id=client_id), 303)


def _refusal_status(codes: list[str]) -> int:
    """The status of a page that stored no file: 503 when the storage is out, 413 when a
    file is over the limit (however little over it), else 400."""
    if any(code.startswith("storage_") for code in codes):
        return 503
    return 413 if "file_too_large" in codes else 400


def _show_page(
    client_id: str,
    document_id: str,
    *,
    details: DetailsForm | None = None,
    replace: ReplaceForm | None = None,
    status: int = 200,
) -> Page:
    record = document_record(
        services=services(), actor=g.account, document_id=document_id, client_id=client_id
    )
    document = record.document
    if details is None:
        details = DetailsForm(
            formdata=None,
            title=document.title,
            category=document.category.value,
            reference=document.reference or "",
            issue_date=document.issue_date.isoformat() if document.issue_date else "",
            amount=_amount_text(document),
            due_date=document.due_date.isoformat() if document.due_date else "",
        )
    body = render_template(
        "admin/documents/show.html",
        record=record,
        document=document,
        client=record.client,
        details=details,
        replace=replace or ReplaceForm(formdata=None),
        button=ButtonForm(formdata=None),
        max_upload_mb=max_upload_mb(),
    )
    return body, status


def _amount_text(document: Document) -> str:
    if document.amount is None:
        return ""
    whole, cents = divmod(abs(document.amount.cents), 100)
    return f"{'-' if document.amount.cents < 0 else ''}{whole},{cents:02d}"


@bp.get("/<document_id>")
def show(client_id: str, document_id: str) -> Page:
    """A document: details, versions, who downloaded it and when, and what to do with it."""
    return _show_page(client_id, document_id)


@bp.post("/<document_id>")
def edit(client_id: str, document_id: str) -> Page:
    """Correct a document's details."""
    form = DetailsForm()
    try:
        edit_details(
            services=services(),
            actor=g.account,
            document_id=document_id,
            client_id=client_id,
            title=form.title.data,
            category=form.category.data,
            reference=form.reference.data,
            issue_date=form.issue_date.data,
            amount=form.amount.data,
            due_date=form.due_date.data,
            ip=client_ip(),
        )
    except InvalidInput as error:
        apply_document_errors(form, error)
        return _show_page(client_id, document_id, details=form, status=400)
    flash(_("The details were saved."), "success")
    return redirect(
        url_for("admin_documents.show", client_id=client_id, document_id=document_id), 303
    )


@bp.post("/<document_id>/replace")
def replace(client_id: str, document_id: str) -> Page:
    """Store a new file for the document; the previous one stays in the history."""
    form = ReplaceForm()
    item = form.file.data
    try:
        if not item or not item.filename:
            raise InvalidInput.single("file", "required")
        replace_file(
            services=services(),
            actor=g.account,
            document_id=document_id,
            client_id=client_id,
            file=Upload(filename=item.filename, stream=item.stream),
            max_size=max_upload_bytes(),
            ip=client_ip(),
        )
    except InvalidInput as error:
        apply_document_errors(form, error)
        status = _refusal_status(error.by_field().get("file", []))
        return _show_page(client_id, document_id, replace=form, status=status)
    except StorageUnavailable as error:
        form.file.errors = [message(storage_code(error))]
        return _show_page(client_id, document_id, replace=form, status=503)
    flash(_("The new file was stored. The previous one is kept in the history."), "success")
    return redirect(
        url_for("admin_documents.show", client_id=client_id, document_id=document_id), 303
    )


def _status_change(client_id: str, document_id: str, *, archive: bool) -> Page:
    ButtonForm()  # CSRFProtect has checked the token already; nothing else is read
    change = archive_document if archive else unarchive_document
    try:
        change(
            services=services(),
            actor=g.account,
            document_id=document_id,
            client_id=client_id,
            ip=client_ip(),
        )
    except InvalidInput as error:
        flash(message(error.errors[0].code), "error")
    else:
        flash(
            _("The document was archived: the client no longer sees it.")
            if archive
            else _("The document is back in the client's area."),
            "success",
        )
    return redirect(
        url_for("admin_documents.show", client_id=client_id, document_id=document_id), 303
    )


@bp.post("/<document_id>/archive")
def archive(client_id: str, document_id: str) -> Page:
    """Take the document out of the client's area (kept, with its history)."""
    return _status_change(client_id, document_id, archive=True)


@bp.post("/<document_id>/unarchive")
def unarchive(client_id: str, document_id: str) -> Page:
    """Put an archived document back in the client's area."""
    return _status_change(client_id, document_id, archive=False)


@bp.route("/<document_id>/delete", methods=["GET", "POST"])
def delete(client_id: str, document_id: str) -> Page:
    """Ask for confirmation (GET), then delete the document and its files (POST)."""
    record = document_record(
        services=services(), actor=g.account, document_id=document_id, client_id=client_id
    )
    form = DeleteForm() if request.method == "POST" else DeleteForm(formdata=None)
    if request.method == "POST":
        try:
            delete_document(
                services=services(),
                actor=g.account,
                document_id=document_id,
                client_id=client_id,
                confirmed=bool(form.confirm.data),
                ip=client_ip(),
            )
        except InvalidInput as error:
            apply_document_errors(form, error)
        else:
            flash(_("The document %(title)s was deleted.", title=record.document.title), "success")
            return redirect(url_for("admin_documents.index", client_id=client_id), 303)
    body = render_template(
        "admin/documents/delete.html",
        record=record,
        document=record.document,
        client=record.client,
        form=form,
    )
    return body, 400 if form.errors or form.form_errors else 200


@bp.get("/<document_id>/download")
def download(client_id: str, document_id: str) -> Response:
    """Staff download any stored version (``?version=N``; the current one by default)."""
    raw = request.args.get("version", "")
    version = int(raw) if raw.isdigit() and len(raw) < 6 else None
    byte_range, range_etag = requested_range()
    opened = download_document(
        services=services(),
        actor=g.account,
        document_id=document_id,
        client_id=client_id,
        version=version,
        byte_range=byte_range,
        range_etag=range_etag,
        record=request.method != "HEAD",
        ip=client_ip(),
        hand_off=hand_offs(),
    )
    return download_response(opened)


# --------------------------------------------------------------------------- the staff area


def client_section(found: paging.Page[Document] | None, client: Account) -> Any:
    """The documents section of the staff's client page: the latest few, and the way in
    (None when the actor may not manage documents)."""
    return None if found is None else {"page": found}


def plug_into_the_staff_area(app: Flask) -> None:
    """The documents section of a client's page and the dashboard's unopened documents."""
    provide_client_section(
        app,
        "documents",
        template="admin/documents/_section.html",
        reading=CLIENT_DOCUMENTS,
        present=client_section,
    )
    provide_attention(
        app,
        "documents_unopened",
        count=DOCUMENTS_UNOPENED,
        endpoint="admin_unopened.index",
    )
    provide_attention(
        app,
        "documents_damaged",
        count=DOCUMENTS_DAMAGED,
        endpoint="admin_integrity.index",
    )
