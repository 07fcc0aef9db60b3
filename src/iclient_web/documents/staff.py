"""Staff pages for one client's documents: upload (several files at once), the list with
whether and when the client opened each, a document's history and download log, replace,
edit, archive, delete (after a confirmation), and download of any version.

Uploads are the only requests allowed past the portal's small request limit: up to
``ICLIENT_MAX_UPLOAD_MB`` (Werkzeug spools the file parts to temporary files; the core reads
them in chunks into the storage).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from werkzeug.datastructures import FileStorage as UploadedFile
from werkzeug.wrappers import Response
from wtforms import BooleanField, SelectChoice, SelectField, StringField

from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import Permission, allowed
from iclient_core.documents.download import download_document
from iclient_core.documents.inputs import MAX_TITLE, clean_details
from iclient_core.documents.managing import (
    archive_document,
    client_documents,
    delete_document,
    document_record,
    edit_details,
    unarchive_document,
)
from iclient_core.documents.model import Document
from iclient_core.documents.publishing import notify_published, replace_file, upload_document
from iclient_core.documents.reading import count_unopened, unopened_documents
from iclient_core.shared.errors import InvalidInput
from iclient_core.shared.filetypes import title_from_filename
from iclient_core.shared.intake import Upload
from iclient_core.staff.settings import current_settings
from iclient_web.admin import provide_attention, provide_client_section
from iclient_web.admin_forms import ButtonForm
from iclient_web.deps import client_ip, portal, services
from iclient_web.documents import (
    CATEGORY_LABELS,
    download_response,
    requested_range,
)
from iclient_web.errors import error_page
from iclient_web.messages import field_message
from iclient_web.security import require_staff

bp = Blueprint(
    "admin_documents", __name__, url_prefix="/<lang>/admin/clients/<client_id>/documents"
)
bp.before_request(require_staff)

MIB = 1024 * 1024
FORM_OVERHEAD = MIB
"""Room for the other fields and the multipart framing around the files of one request."""

UPLOAD_ENDPOINTS = frozenset({"admin_documents.upload", "admin_documents.replace"})

Page = str | tuple[str, int] | Response

MESSAGES = {
    "file_empty": _l("The file is empty."),
    "file_type_not_allowed": _l(
        "This type of file is not accepted. Send a PDF, an image (PNG or JPEG), a Word, Excel "
        "or OpenDocument file, a text or a CSV file."
    ),
    "file_type_mismatch": _l(
        "The file's name does not match its content (for example, a page renamed .pdf)."
    ),
    "file_too_large": _l("The file is larger than this portal accepts."),
    "date_invalid": _l("Enter a date like 2026-03-31."),
    "amount_invalid": _l("Enter an amount like 1234,56."),
    "due_before_issue": _l("The due date cannot be before the issue date."),
    "confirmation_required": _l("Tick the box to confirm."),
    "not_ready": _l("Only a ready document can be archived."),
    "not_archived": _l("This document is not archived."),
}


def message(code: str) -> str:
    """The sentence for a field error code of this area (else the portal's shared one)."""
    found = MESSAGES.get(code)
    return str(found) if found is not None else field_message(code)


def apply_document_errors(form: FlaskForm, error: InvalidInput) -> None:
    """Put the core's field errors on the form (unknown fields on the form itself)."""
    for name, codes in error.by_field().items():
        messages = [message(code) for code in codes]
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            form.form_errors.extend(messages)


CATEGORY_CHOICES = [SelectChoice(value, label) for value, label in CATEGORY_LABELS.items()]


class DetailsForm(FlaskForm):
    """What staff say about a document."""

    title = StringField(_l("Title"), render_kw={"maxlength": MAX_TITLE})
    category = SelectField(_l("Category"), choices=CATEGORY_CHOICES)
    reference = StringField(_l("Number or reference (optional)"), render_kw={"maxlength": 100})
    issue_date = StringField(_l("Issue date (optional)"), render_kw={"type": "date"})
    amount = StringField(
        _l("Amount in euros (invoices, optional)"),
        render_kw={"inputmode": "decimal", "placeholder": "1234,56"},
    )
    due_date = StringField(_l("Due date (invoices, optional)"), render_kw={"type": "date"})


class UploadForm(DetailsForm):
    """New documents: the details and one or more files."""

    file = MultipleFileField(_l("Files"), render_kw={"multiple": True})


class ReplaceForm(FlaskForm):
    """A new file for a document (the old one stays in the history)."""

    file = FileField(_l("New file"))


class DeleteForm(FlaskForm):
    """The confirmation of a deletion."""

    confirm = BooleanField(_l("Yes, delete this document and every version of it"))


def max_upload_mb() -> int:
    """The largest file staff may upload, in MiB: the business's setting, capped by the
    server's ``ICLIENT_MAX_UPLOAD_MB``."""
    setting = current_settings(services=services()).upload_limit_mb
    return min(int(portal().config.max_upload_mb), setting)


def max_upload_bytes() -> int:
    """:func:`max_upload_mb` in bytes."""
    return max_upload_mb() * MIB


@bp.url_value_preprocessor
def allow_large_uploads(endpoint: str | None, values: dict[str, Any] | None) -> None:
    # Runs before every before_request hook, and so before CSRFProtect reads the form:
    # the limit must be raised before Werkzeug starts parsing the body.
    if endpoint in UPLOAD_ENDPOINTS and request.method == "POST":
        request.max_content_length = max_upload_bytes() + FORM_OVERHEAD


@bp.errorhandler(413)
def too_large(error: object) -> tuple[str, int]:
    """Over the upload limit: a page that says what the limit is."""
    return error_page(
        413,
        _("The file is too large"),
        _(
            "Files of up to %(size)d MB can be uploaded at once. Go back and choose a smaller "
            "file, or send fewer files at a time.",
            size=max_upload_mb(),
        ),
    )


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
        "admin_documents/index.html",
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


def _title_for(title: str, upload: UploadedFile, count: int) -> str:
    if count == 1:
        return title
    name = title_from_filename(upload.filename)
    return f"{title} — {name}"[:MAX_TITLE] if title.strip() else name


@bp.post("")
def upload(client_id: str) -> Page:
    """Upload one or more files into the client's area; the client gets one e-mail."""
    form = UploadForm()
    files: list[UploadedFile] = [f for f in (form.file.data or []) if f and f.filename]
    title = form.title.data or ""
    fields = {
        "category": form.category.data,
        "reference": form.reference.data,
        "issue_date": form.issue_date.data,
        "amount": form.amount.data,
        "due_date": form.due_date.data,
    }
    try:
        clean_details(title=title if len(files) <= 1 else "several", **fields)
        if not files:
            raise InvalidInput.single("file", "required")
    except InvalidInput as error:
        apply_document_errors(form, error)
        return _list_page(client_id, form, 400)
    stored: list[Document] = []
    refused: list[tuple[str, str]] = []
    for item in files:
        try:
            document = upload_document(
                services=services(),
                actor=g.account,
                client_id=client_id,
                file=Upload(filename=item.filename, stream=item.stream),
                title=_title_for(title, item, len(files)),
                max_size=max_upload_bytes(),
                notify=False,
                ip=client_ip(),
                **fields,
            )
        except InvalidInput as error:
            codes = [c for cs in error.by_field().values() for c in cs]
            refused.append((title_from_filename(item.filename), message(codes[0])))
            continue
        stored.append(document)
    if stored:
        notify_published(
            services=services(),
            actor=g.account,
            client_id=client_id,
            document_ids=[d.id for d in stored],
        )
    if not stored:
        form.file.errors = [f"{name}: {why}" if len(files) > 1 else why for name, why in refused]
        return _list_page(client_id, form, 400)
    flash(
        _(
            "Uploaded: %(titles)s. The client was told by e-mail.",
            titles=", ".join(d.title for d in stored),
        ),
        "success",
    )
    for name, why in refused:
        flash(_("Not uploaded: %(name)s. %(reason)s", name=name, reason=why), "error")
    return redirect(url_for("admin_documents.index", client_id=client_id), 303)


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
        "admin_documents/show.html",
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
        return _show_page(client_id, document_id, replace=form, status=400)
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
        "admin_documents/delete.html",
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
    )
    return download_response(opened)


# --------------------------------------------------------------------------- the client page


def client_section(actor: Account, client: Account) -> Any:
    """The documents section of the staff's client page: the latest few, and the way in."""
    if not allowed(actor, Permission.DOCUMENTS_MANAGE):
        return None
    return client_documents(services=services(), actor=actor, client_id=client.id, per_page=5)


@bp.record_once
def _plug_in(state: Any) -> None:
    provide_client_section(
        state.app, "documents", template="admin_documents/_section.html", context=client_section
    )
    provide_attention(
        state.app,
        "documents_unopened",
        count=lambda actor: count_unopened(services=services(), actor=actor),
        endpoint="admin_unopened.index",
    )


unopened_bp = Blueprint("admin_unopened", __name__, url_prefix="/<lang>/admin/documents")
unopened_bp.before_request(require_staff)


@unopened_bp.get("/unopened", endpoint="index")
def unopened() -> str:
    """Documents their clients have not opened a week after publication, oldest first."""
    page = request.args.get("page", "1")
    found = unopened_documents(
        services=services(), actor=g.account, page=int(page) if page.isdigit() else 1
    )
    return render_template("admin_documents/unopened.html", found=found)
