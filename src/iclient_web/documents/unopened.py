"""The staff's list of documents their clients have not opened a week after publication."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request

from iclient_core.documents.reading import unopened_documents
from iclient_web.deps import services
from iclient_web.security import require_staff

bp = Blueprint("admin_unopened", __name__, url_prefix="/<lang>/admin/documents")
bp.before_request(require_staff)


@bp.get("/unopened", endpoint="index")
def unopened() -> str:
    """Documents their clients have not opened a week after publication, oldest first."""
    page = request.args.get("page", "1")
    found = unopened_documents(
        services=services(), actor=g.account, page=int(page) if page.isdigit() else 1
    )
    return render_template("admin/documents/unopened.html", found=found)
