"""Support requests in the portal: one blueprint, ``support``, holds two: the client's pages
(``support.client``) and staff's (``support.admin``). Every view calls the core's use cases.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask

from iclient_web import formats
from iclient_web.deps import services
from iclient_web.i18n import current_language
from iclient_web.support import client, staff

bp = Blueprint("support", __name__)


@bp.app_context_processor
def support_helpers() -> dict[str, Any]:
    """Times in the page's language and the business's zone, for the support templates."""
    lang = current_language()
    zone = services().settings.quotes.zone()
    return {"support_moment": lambda value: formats.moment(value, lang, zone)}


bp.register_blueprint(client.bp)
bp.register_blueprint(staff.bp)


def init_app(app: Flask) -> None:
    """Register the support pages and their places in the staff area."""
    app.register_blueprint(bp)
    staff.plug_into_the_staff_area(app)
