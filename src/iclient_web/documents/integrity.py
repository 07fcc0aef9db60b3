"""The staff's list of stored files that failed their last integrity check (the scrub's)."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from iclient_core.documents.scrub import damaged_files
from iclient_web.deps import services
from iclient_web.security import require_staff

bp = Blueprint("admin_integrity", __name__, url_prefix="/<lang>/admin/documents")
bp.before_request(require_staff)


@bp.get("/integrity", endpoint="index")
def integrity() -> str:
    """Stored files that are missing or damaged, most recently found first."""
    return render_template(
        "admin/documents/integrity.html",
        damaged=damaged_files(services=services(), actor=g.account),
    )
