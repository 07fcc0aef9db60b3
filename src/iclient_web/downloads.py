"""Streamed downloads, the same for documents and quote attachments: an attachment with a safe
name, the allow-listed Content-Type, a sandbox, and byte ranges; and the answers for a damaged
file or a range beyond its end.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Protocol
from urllib.parse import quote

from flask import Flask, Response, current_app, request
from flask_babel import gettext as _
from werkzeug.datastructures import Headers

from iclient_core.shared.downloads import ByteRange, FileCorrupted, RangeNotSatisfiable
from iclient_web.errors import error_page

DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"
"""What a served file may do if a browser renders it anyway: nothing (no script, no origin)."""


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
    (a document's ``Download``, or a quote attachment's)."""

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


def outside_the_file(error: RangeNotSatisfiable) -> Response:
    """A byte range beyond the end of the file."""
    return Response(
        status=416,
        headers={"Content-Range": f"bytes */{error.size}", "Content-Length": "0"},
    )


def init_app(app: Flask) -> None:
    """Answer a damaged file and a range beyond the end the same way on every download."""
    app.register_error_handler(FileCorrupted, corrupted)
    app.register_error_handler(RangeNotSatisfiable, outside_the_file)
