"""The client's bookings (``bookings.client``, ``/<lang>/bookings``): newest first, each
with the page where it is cancelled or moved."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, url_for
from werkzeug.wrappers import Response

from iclient_core.bookings.booking import bookings_of_client, link_of
from iclient_web.deps import services

bp = Blueprint("client", __name__, url_prefix="/<lang>/bookings")


@bp.get("")
def index() -> str | Response:
    """The client's bookings."""
    if g.account.role.is_staff:
        return redirect(url_for("bookings.admin.calendar"), 303)
    rules, found, by_id = bookings_of_client(services=services(), actor=g.account)
    links = {b.id: link_of(services=services(), booking=b) for b in found}
    return render_template("bookings/mine.html", found=found, by_id=by_id, links=links, rules=rules)
