"""Downloads, the same for documents and quote attachments: an attachment with a safe name, the
allow-listed Content-Type, a sandbox, and byte ranges; and the answers for a damaged file or a
range beyond its end.

How the bytes go is the operator's choice (``ICLIENT_DOWNLOAD_HANDOFF``,
``ICLIENT_S3_PRESIGNED``):

- streamed by the application (the default; no proxy needed): through the server's
  ``wsgi.file_wrapper`` (``sendfile``) when no check runs while they go out;
- handed to the web server in front: an empty answer with ``X-Accel-Redirect`` (nginx, an
  internal location onto the storage folder) or ``X-Sendfile`` (Apache, lighttpd…) and the
  same headers, which the web server sends with the file;
- a redirect to a short-lived presigned S3 URL, which answers as an attachment with the same
  safe name and type.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Flask, Response, current_app, request
from flask_babel import gettext as _
from werkzeug.datastructures import Headers
from werkzeug.wsgi import wrap_file

from iclient_core.shared.downloads import (
    ByteRange,
    Download,
    FileCorrupted,
    HandOff,
    RangeNotSatisfiable,
)
from iclient_core.shared.storage import READ_CHUNK_SIZE, StorageUnavailable
from iclient_web.deps import portal
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


def hand_offs() -> frozenset[HandOff]:
    """The hand-offs the operator configured, for the download use cases."""
    config = portal().config
    kinds = set()
    if config.download_handoff != "none":
        kinds.add(HandOff.LOCAL_FILE)
    if config.s3_presigned:
        kinds.add(HandOff.SIGNED_URL)
    return frozenset(kinds)


def _attachment_headers(headers: Headers, download: Download) -> None:
    headers["Content-Disposition"] = content_disposition(download.filename)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Content-Security-Policy"] = DOWNLOAD_CSP
    headers["Accept-Ranges"] = "bytes"
    headers["ETag"] = f'"{download.etag}"'
    headers["Referrer-Policy"] = "no-referrer"


def download_response(download: Download) -> Response:
    """The answer for an open download: handed off, redirected, or streamed (the server
    closes the stream when done, which is when the download counts as sent)."""
    if download.local_path is not None:
        return _handed_to_the_web_server(download, download.local_path)
    if download.url is not None:
        response = current_app.response_class(status=303)
        response.headers["Location"] = download.url
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
    body = (
        wrap_file(request.environ, download, buffer_size=READ_CHUNK_SIZE)  # type: ignore[arg-type]
        if download.sendable
        else download
    )
    response = current_app.response_class(
        body,
        status=206 if download.partial else 200,
        content_type=download.content_type,
        direct_passthrough=True,
    )
    headers = response.headers
    headers["Content-Length"] = str(download.length)
    _attachment_headers(headers, download)
    if download.partial:
        headers["Content-Range"] = f"bytes {download.start}-{download.stop - 1}/{download.size}"
    return response


def _handed_to_the_web_server(download: Download, path: str) -> Response:
    """An empty answer that tells the web server in front which file to send, with every
    header the browser must get; the web server adds the length and answers ranges."""
    config = portal().config
    response = current_app.response_class(status=200, content_type=download.content_type)
    headers = response.headers
    _attachment_headers(headers, download)
    if config.download_handoff == "x-accel":
        headers["X-Accel-Redirect"] = config.download_handoff_prefix + download.key
    else:
        headers["X-Sendfile"] = path
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


def storage_unavailable(error: StorageUnavailable) -> tuple[str, int, dict[str, str]]:
    """The file storage is full or cannot be reached: nothing was stored or sent."""
    if error.reason == "full":
        title = _("The file storage is full")
        message = _(
            "The file could not be stored because there is no space left for files. Nothing "
            "was kept. Please tell whoever runs this portal; try again once there is room."
        )
    else:
        title = _("The file storage cannot be reached")
        message = _(
            "Files cannot be stored or read right now because the file storage does not "
            "answer. Nothing was kept. Please try again in a few minutes, and tell whoever "
            "runs this portal if it goes on."
        )
    body, status = error_page(503, title, message)
    return body, status, {"Retry-After": "300"}


def init_app(app: Flask) -> None:
    """Answer a damaged file, a range beyond the end and an unavailable storage the same way
    everywhere."""
    app.register_error_handler(FileCorrupted, corrupted)
    app.register_error_handler(RangeNotSatisfiable, outside_the_file)
    app.register_error_handler(StorageUnavailable, storage_unavailable)
