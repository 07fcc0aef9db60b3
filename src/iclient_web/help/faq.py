"""The FAQ page: published questions of the page's language, by category, searchable."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from iclient_core.help.faq_use_cases import published_faq
from iclient_web.deps import services
from iclient_web.i18n import current_language
from iclient_web.security import public

bp = Blueprint("faq", __name__, url_prefix="/<lang>/faq")


@bp.get("")
@public
def index() -> str:
    """The published questions and answers (``?q=`` keeps those matching every word)."""
    query = " ".join(request.args.get("q", "").split())[:200]
    groups = published_faq(services=services(), language=current_language(), query=query)
    return render_template("help/faq.html", groups=groups, query=query)
