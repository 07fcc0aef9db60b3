"""The staff area (clients, documents, quotes, consent and staff pages plug in here)."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from iclient_web.security import require_staff

bp = Blueprint("admin", __name__, url_prefix="/<lang>/admin")
bp.before_request(require_staff)


@bp.get("/")
def dashboard() -> str:
    """The staff home page."""
    return render_template("admin/dashboard.html", account=g.account)
