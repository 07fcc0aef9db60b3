"""The signed-in home page."""

from __future__ import annotations

from flask import Blueprint, g, render_template

bp = Blueprint("portal", __name__, url_prefix="/<lang>")


@bp.get("/")
def dashboard() -> str:
    """The client's (or staff member's) home page."""
    return render_template("portal/dashboard.html", account=g.account)
