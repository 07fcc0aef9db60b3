"""The API's documents: upload into a client's area (multipart or the file as the body; the
client is e-mailed as for a staff upload), list a client's, read one's details, archive."""

from __future__ import annotations

from flask import request, url_for
from werkzeug.http import parse_options_header
from werkzeug.wrappers import Response

from iclient_core.documents.managing import archive_document, client_documents, document_record
from iclient_core.documents.publishing import upload_document
from iclient_core.integrations import Scope
from iclient_core.shared.errors import InvalidInput
from iclient_core.shared.intake import Upload
from iclient_web.api.http import caller, json_answer, read_query
from iclient_web.api.schemas import Document, DocumentDetails, DocumentList, DocumentQuery
from iclient_web.api.spec import operation
from iclient_web.deps import client_ip, services
from iclient_web.uploads import max_upload_bytes

TAG = "documents"


@operation(
    "GET",
    "/clients/{client_id}/documents",
    summary="List a client's documents",
    scope=Scope.DOCUMENTS_READ,
    tag=TAG,
    query=DocumentQuery,
    responses={200: DocumentList},
)
def list_documents(client_id: str) -> Response:
    """A client's documents, every status, newest first, 20 a page."""
    query = read_query(DocumentQuery)
    assert isinstance(query, DocumentQuery)
    found = client_documents(
        services=services(),
        actor=caller().account,
        client_id=client_id,
        category=query.category,
        page=str(query.page),
    )
    page = found.page
    return json_answer(
        DocumentList(
            items=[Document.of(d) for d in page.items],
            page=page.number,
            pages=page.pages,
            total=page.total,
        )
    )


def _upload() -> tuple[Upload, DocumentDetails]:
    """The file and details of an upload: a multipart form (``file`` and the details as
    fields), or the file itself as the body with the details in the query string."""
    if request.mimetype == "multipart/form-data":
        fields = {k: v for k, v in request.form.items() if k and v != ""}  # nameless: none
        part = request.files.get("file")
        if part is None or not part.filename:
            raise InvalidInput.single("file", "required")
        upload = Upload(filename=part.filename, stream=part.stream)
    else:
        fields = {k: v for k, v in request.args.items() if v != ""}
        disposition = parse_options_header(request.headers.get("Content-Disposition", ""))[1]
        name = fields.get("filename") or disposition.get("filename")
        upload = Upload(filename=name, stream=request.stream)
    try:
        details = DocumentDetails.model_validate(fields)
    except ValueError:
        raise InvalidInput.single("details", "invalid") from None
    return upload, details


def _stem(filename: str | None) -> str | None:
    """A title from a file's name when none is given (``fatura-14.pdf`` → ``fatura-14``)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name[1:] else (name or None)


@operation(
    "POST",
    "/clients/{client_id}/documents",
    summary="Upload a document for a client",
    scope=Scope.DOCUMENTS_WRITE,
    tag=TAG,
    query=DocumentDetails,
    upload=True,
    responses={201: Document},
)
def upload(client_id: str) -> Response:
    """Put a file in the client's private area; the client is e-mailed as for a staff
    upload. Send a multipart form (``file`` and the details as fields), or the file as the
    body with the details in the query string (``?title=…&filename=invoice.pdf``). The
    file's type comes from its first bytes (PDF, images, office files, text, CSV)."""
    file, details = _upload()
    document = upload_document(
        services=services(),
        actor=caller().account,
        client_id=client_id,
        file=file,
        title=details.title or _stem(file.filename),
        category=details.category,
        reference=details.reference,
        issue_date=details.issue_date.isoformat() if details.issue_date else None,
        amount=details.amount,
        due_date=details.due_date.isoformat() if details.due_date else None,
        max_size=max_upload_bytes(),
        ip=client_ip(),
    )
    return json_answer(
        Document.of(document), 201, url_for("api.read_document", document_id=document.id)
    )


@operation(
    "GET",
    "/documents/{document_id}",
    summary="Read a document's details",
    scope=Scope.DOCUMENTS_READ,
    tag=TAG,
    responses={200: Document},
)
def read_document(document_id: str) -> Response:
    """A document's details and its current file's name, type, size and SHA-256."""
    record = document_record(
        services=services(), actor=caller().account, document_id=document_id, downloads=1
    )
    return json_answer(Document.of(record.document))


@operation(
    "POST",
    "/documents/{document_id}/archive",
    summary="Archive a document",
    scope=Scope.DOCUMENTS_WRITE,
    tag=TAG,
    responses={200: Document},
)
def archive(document_id: str) -> Response:
    """Take a ready document out of the client's area; staff keep it and its history."""
    document = archive_document(
        services=services(), actor=caller().account, document_id=document_id, ip=client_ip()
    )
    return json_answer(Document.of(document))
