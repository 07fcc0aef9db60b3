"""The client's documents: the list (by category and year, searchable) and the download."""

from __future__ import annotations

from flask import Blueprint, Response, g, render_template, request

from iclient_core.documents.download import download_my_document
from iclient_core.documents.reading import my_documents
from iclient_web.deps import client_ip, services
from iclient_web.documents.labels import CATEGORY_LABELS
from iclient_web.downloads import download_response, hand_offs, requested_range

bp = Blueprint("documents", __name__, url_prefix="/<lang>/documents")


@bp.get("")
def index() -> str:
    """The client's documents: newest first, by category and year, searchable, paginated."""
    found = my_documents(
        services=services(),
        actor=g.account,
        category=request.args.get("category"),
        year=request.args.get("year"),
        search=request.args.get("q"),
        page=request.args.get("page"),
    )
    return render_template(
        "documents/index.html",
        found=found,
        page=found.page,
        query=found.query,
        filtered=found.query.filtered,
        categories=list(CATEGORY_LABELS),
    )


@bp.get("/<document_id>/download")
def download(document_id: str) -> Response:
    """The client downloads their own document (anyone else: 404)."""
    byte_range, range_etag = requested_range()
    opened = download_my_document(
        services=services(),
        actor=g.account,
        document_id=document_id,
        byte_range=byte_range,
        range_etag=range_etag,
        record=request.method != "HEAD",
        ip=client_ip(),
        hand_off=hand_offs(),
    )
    return download_response(opened)
