"""The business's logo and accent colour, served to everybody: the portal's header (also on
the sign-in page) and the HTML e-mails show the logo; every page's stylesheet reads the accent
colour from ``/theme.css`` (the portal's CSP allows no inline style).

``/logo`` and ``/<lang>/logo`` stream the stored bytes with their stored content type, an
ETag (the SHA-256 of the bytes) and a short public cache lifetime (the one exception to the
portal's ``no-store``, set in :mod:`iclient_web.security`).
"""

from __future__ import annotations

import re

from flask import Blueprint, current_app, request
from werkzeug.wrappers import Response

from iclient_core.staff.logo import open_logo
from iclient_web.business import settings_in_force
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


_COLOR = re.compile(r"#[0-9a-f]{6}")


def _mix(color: str, other: str, share: float) -> str:
    """``color`` with ``share`` (0 to 1) of ``other`` mixed in, as ``#rrggbb``."""
    channels = [
        round(int(color[i : i + 2], 16) * (1 - share) + int(other[i : i + 2], 16) * share)
        for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{channel:02x}" for channel in channels)


@bp.get("/theme.css", endpoint="theme")
@public
def theme() -> Response:
    """The accent colour an admin chose, as CSS custom properties over the stylesheet's
    (empty when none was chosen). The settings only accept colours that white text reads on
    and that read as text on the page, so the rest of the stylesheet holds."""
    color = settings_in_force().accent_color
    body = ""
    if _COLOR.fullmatch(color):  # written into CSS: only ever a colour (the core checks it too)
        body = (
            f":root {{ --accent: {color}; --accent-strong: {_mix(color, '#000000', 0.2)}; "
            f"--accent-soft: {_mix(color, '#ffffff', 0.9)}; }}\n"
        )
    response = current_app.response_class(body, content_type="text/css; charset=utf-8")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
