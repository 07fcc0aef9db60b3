"""The client's documents: the list, the download, the dashboard's latest few.

Also what the staff pages share with it: the download response (streamed, attachment,
allow-listed Content-Type, sandboxed, with ranges), the labels and formats of the
templates, and the ``iclient documents sweep`` command.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Protocol
from urllib.parse import quote

import click
from flask import Blueprint, Flask, Response, current_app, g, render_template, request
from flask_babel import format_currency, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import Headers

from iclient_core.documents.download import download_my_document
from iclient_core.documents.model import Document
from iclient_core.documents.reading import latest_documents, my_documents
from iclient_core.documents.sweeper import sweep_documents
from iclient_core.shared.downloads import (
    ByteRange,
    FileCorrupted,
    RangeNotSatisfiable,
)
from iclient_core.shared.money import Money
from iclient_web.deps import client_ip, services
from iclient_web.errors import error_page

bp = Blueprint("documents", __name__, url_prefix="/<lang>/documents", cli_group="documents")

CATEGORY_LABELS = {
    "invoice": _l("Invoice"),
    "contract": _l("Contract"),
    "other": _l("Other"),
}

DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"
"""What a served file may do if a browser renders it anyway: nothing (no script, no origin)."""


# --------------------------------------------------------------------------- downloads


def content_disposition(name: str) -> str:
    """``attachment`` with the name as an ASCII ``filename`` and, if needed, RFC 6266's
    UTF-8 ``filename*`` (browsers that know it prefer it)."""
    ascii_name = (
        unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").strip()
    )
    ascii_name = "".join(ch for ch in ascii_name if 0x20 <= ord(ch) < 0x7F)
    ascii_name = ascii_name.replace("\\", "_").replace('"', "_") or "document"
    header = Headers()
    if ascii_name == name:
        header.set("Content-Disposition", "attachment", filename=ascii_name)
    else:
        header.set(
            "Content-Disposition",
            "attachment",
            filename=ascii_name,
            **{"filename*": f"UTF-8''{quote(name, safe='')}"},
        )
    return header["Content-Disposition"]


def requested_range() -> tuple[ByteRange | None, str | None]:
    """The single byte range asked for (``Range``) and the ETag it depends on (``If-Range``).

    Several ranges at once are answered with the whole file.
    """
    wanted = request.range
    if wanted is None or wanted.units != "bytes" or len(wanted.ranges) != 1:
        return None, None
    start, stop = wanted.ranges[0]
    etag: str | None = None
    if "If-Range" in request.headers:
        # A date instead of an ETag never matches: the whole file is sent again.
        etag = request.if_range.etag or "-"
    return (start, stop), etag


class ServedFile(Protocol):
    """What :func:`download_response` serves: an open, checked stream and what to say about it
    (a :class:`Download`, or a quote request's ``Download``)."""

    @property
    def start(self) -> int: ...

    @property
    def stop(self) -> int: ...

    @property
    def size(self) -> int: ...

    @property
    def length(self) -> int: ...

    @property
    def partial(self) -> bool: ...

    @property
    def filename(self) -> str: ...

    @property
    def content_type(self) -> str: ...

    @property
    def etag(self) -> str: ...

    def __iter__(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...


def download_response(download: ServedFile) -> Response:
    """The streamed response for an open download (the server closes it when done)."""
    response = current_app.response_class(
        download,
        status=206 if download.partial else 200,
        content_type=download.content_type,
        direct_passthrough=True,
    )
    headers = response.headers
    headers["Content-Length"] = str(download.length)
    headers["Content-Disposition"] = content_disposition(download.filename)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Content-Security-Policy"] = DOWNLOAD_CSP
    headers["Accept-Ranges"] = "bytes"
    headers["ETag"] = f'"{download.etag}"'
    headers["Referrer-Policy"] = "no-referrer"
    if download.partial:
        headers["Content-Range"] = f"bytes {download.start}-{download.stop - 1}/{download.size}"
    return response


@bp.app_errorhandler(FileCorrupted)
def corrupted(error: FileCorrupted) -> tuple[str, int]:
    """A damaged or missing file: refused, and already logged by the core."""
    return error_page(
        500,
        _("This document cannot be downloaded right now"),
        _(
            "The stored file did not pass its integrity check, so it was not sent. The problem "
            "was recorded; please contact us and we will send it again."
        ),
    )


@bp.app_errorhandler(RangeNotSatisfiable)
def outside_the_file(error: RangeNotSatisfiable) -> Response:
    """A byte range beyond the end of the file."""
    return Response(
        status=416,
        headers={"Content-Range": f"bytes */{error.size}", "Content-Length": "0"},
    )


# --------------------------------------------------------------------------- template helpers


@bp.app_template_filter("filesize")
def filesize(size: int | None) -> str:
    """``2,4 MB`` (in the page's language)."""
    if size is None:
        return "—"
    value = Decimal(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            pattern = "#,##0" if unit == "B" else "#,##0.#"
            return f"{format_decimal(value, format=pattern)}\u00a0{unit}"
        value /= 1000
    raise AssertionError("unreachable")


@bp.app_template_filter("money")
def money(amount: Money | None) -> str:
    """An amount in the page's language, from integer cents (no float on the way)."""
    if amount is None:
        return ""
    return str(format_currency(Decimal(amount.cents) / 100, amount.currency))


@bp.app_template_global("category_label")
def category_label(category: object) -> str:
    """The readable name of a document category."""
    value = str(getattr(category, "value", category))
    label = CATEGORY_LABELS.get(value)
    return str(label) if label is not None else value


STATUS_LABELS = {
    "pending": _l("Upload not finished"),
    "ready": _l("Visible to the client"),
    "archived": _l("Archived"),
}


@bp.app_template_global("document_status_label")
def document_status_label(status: object) -> str:
    """The readable name of a document's status."""
    value = str(getattr(status, "value", status))
    label = STATUS_LABELS.get(value)
    return str(label) if label is not None else value


@bp.app_template_global("latest_documents")
def latest_documents_of_visitor() -> Sequence[Document]:
    """The signed-in client's newest few documents (empty for staff), for the dashboard."""
    account = g.get("account")
    if account is None or account.role.is_staff:
        return []
    return latest_documents(services=services(), actor=account)


# --------------------------------------------------------------------------- views


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
    filtered = bool(found.query.category or found.query.year or found.query.search)
    return render_template(
        "documents/index.html",
        found=found,
        page=found.page,
        query=found.query,
        filtered=filtered,
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
    )
    return download_response(opened)


# --------------------------------------------------------------------------- command line


@bp.cli.command("sweep")
@click.option(
    "--grace-hours",
    default=24,
    show_default=True,
    type=click.IntRange(min=1),
    help="Leave uploads younger than this alone.",
)
def sweep_command(grace_hours: int) -> None:
    """Remove dead uploads, orphan stored files and unfinished writes (run daily)."""
    from datetime import timedelta

    report = sweep_documents(services=services(), grace=timedelta(hours=grace_hours))
    click.echo(
        f"removed {report.stale_documents} dead upload(s), {report.stale_files} dead "
        f"replacement(s), {report.orphan_objects} orphan file(s), "
        f"{report.incomplete_writes} unfinished write(s)"
    )


def init_app(app: Flask) -> None:
    """Register the client's documents pages and the staff's (one call in ``create_app``)."""
    from iclient_web import admin_documents

    app.register_blueprint(bp)
    app.register_blueprint(admin_documents.bp)
    app.register_blueprint(admin_documents.unopened_bp)
