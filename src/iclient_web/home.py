"""Where everybody lands: ``/`` sends visitors to the portal in the business's language, and
``/<lang>/`` is the signed-in person's home page (a client's newest documents on it)."""

from __future__ import annotations

from flask import Blueprint, Flask, g, redirect, render_template, url_for
from werkzeug.wrappers import Response

from iclient_core.accounts.model import LANGUAGES
from iclient_core.documents.reading import latest_documents
from iclient_web.business import settings_in_force
from iclient_web.deps import services
from iclient_web.security import public

bp = Blueprint("home", __name__, url_prefix="/<lang>")


@bp.get("/")
def dashboard() -> str | Response:
    """The client's home page (staff have theirs in the staff area)."""
    account = g.account
    if account.role.is_staff:
        return redirect(url_for("admin.dashboard"), 303)
    latest = latest_documents(services=services(), actor=account)
    return render_template("home/dashboard.html", account=account, latest=latest)


@public
def root() -> Response:
    """Send visitors to the portal in the business's default language (pt unless set)."""
    language = settings_in_force().default_language
    return redirect(f"/{language if language in LANGUAGES else LANGUAGES[0]}/")


def init_app(app: Flask) -> None:
    """Register the home page and ``/``."""
    app.register_blueprint(bp)
    app.add_url_rule("/", "root", root, methods=["GET"])
