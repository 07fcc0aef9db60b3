"""The business's logo, served to everybody: the portal's header (also on the sign-in page)
and the HTML e-mails show it.

``/logo`` and ``/<lang>/logo`` stream the stored bytes with their stored content type, an
ETag (the SHA-256 of the bytes) and a short public cache lifetime (the one exception to the
portal's ``no-store``, set in :mod:`iclient_web.security`).
"""

from __future__ import annotations

from flask import Blueprint, current_app, request
from werkzeug.wrappers import Response

from iclient_core.staff.logo import open_logo
from iclient_web.deps import services
from iclient_web.security import public

bp = Blueprint("branding", __name__)

LOGO_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
"""For the image opened on its own: nothing in it may run or load anything else."""


@bp.get("/logo", endpoint="logo")
@bp.get("/<lang>/logo", endpoint="logo_in")
@public
def logo() -> Response:
    """The logo's bytes (404 when an admin has not uploaded one)."""
    opened = open_logo(services=services())
    etag = opened.sha256
    if etag and request.if_none_match.contains(etag):
        opened.reader.close()
        response = current_app.response_class(status=304)
    else:
        response = current_app.response_class(
            opened.reader,
            content_type=opened.content_type,
            direct_passthrough=True,
        )
        response.headers["Content-Length"] = str(opened.reader.length)
    headers = response.headers
    headers["ETag"] = f'"{etag}"'
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Content-Security-Policy"] = LOGO_CSP
    headers["Cross-Origin-Resource-Policy"] = "cross-origin"  # e-mail clients load it
    return response
