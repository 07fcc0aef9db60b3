"""Where everybody lands: ``/`` sends visitors to the portal in the business's language, and
``/<lang>/`` is the landing page for visitors (the business, its introduction, the ways in)
and the signed-in person's home page (a client's newest documents on it)."""

from __future__ import annotations

from flask import Blueprint, Flask, g, redirect, render_template, url_for
from werkzeug.wrappers import Response

from iclient_core.accounts.model import LANGUAGES
from iclient_core.documents.reading import latest_documents
from iclient_web.business import settings_in_force
from iclient_web.deps import services
from iclient_web.i18n import current_language
from iclient_web.markdown import render_markdown
from iclient_web.security import consent_redirect, public

bp = Blueprint("home", __name__, url_prefix="/<lang>")


@bp.get("/")
@public  # visitors get the landing page; signed-in people meet the usual consent gate here
def dashboard() -> str | Response:
    """The landing page for visitors; the client's home page (staff go to the staff area)."""
    account = g.account
    if account is None:
        return landing()
    if account.role.is_staff:
        return redirect(url_for("admin.dashboard"), 303)
    gate = consent_redirect()
    if gate is not None:
        return gate
    latest = latest_documents(services=services(), actor=account)
    return render_template("home/dashboard.html", account=account, latest=latest)


def landing() -> str:
    """The business introduces itself to visitors, with the ways into the portal."""
    found = settings_in_force()
    intro = found.intro(current_language())
    return render_template(
        "home/landing.html",
        intro=render_markdown(intro) if intro else None,
        contact_phone=found.contact_phone,
    )


@public
def root() -> Response:
    """Send visitors to the portal in the business's default language (pt unless set)."""
    language = settings_in_force().default_language
    return redirect(f"/{language if language in LANGUAGES else LANGUAGES[0]}/")


def init_app(app: Flask) -> None:
    """Register the home page and ``/``."""
    app.register_blueprint(bp)
    app.add_url_rule("/", "root", root, methods=["GET"])
