"""The legal pages: the current Terms and Privacy Policy for everyone, and the versions a
client accepted, for them to read again."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from iclient_core.consent.legal import accepted_text, published_text
from iclient_core.consent.model import PRIVACY, TERMS
from iclient_core.shared.errors import NotFound
from iclient_web.deps import services
from iclient_web.i18n import current_language
from iclient_web.security import public

bp = Blueprint("legal", __name__, url_prefix="/<lang>/legal")


def _current(kind: str) -> str:
    version = published_text(services=services(), kind=kind, language=current_language())
    if version is None:
        raise NotFound(kind)
    return render_template("legal/text.html", version=version, accepted=False)


@bp.get("/terms")
@public
def terms() -> str:
    """The current Terms and Conditions, in the page's language."""
    return _current(TERMS)


@bp.get("/privacy")
@public
def privacy() -> str:
    """The current Privacy Policy, in the page's language."""
    return _current(PRIVACY)


@bp.get("/accepted/<version_id>")
def accepted(version_id: str) -> str:
    """A version of a text I accepted, exactly as published."""
    version = accepted_text(services=services(), account_id=g.account.id, version_id=version_id)
    return render_template("legal/text.html", version=version, accepted=True)
