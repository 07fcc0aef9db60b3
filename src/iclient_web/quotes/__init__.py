"""Quotes in the portal: one blueprint, ``quotes``, holds three: the client's pages
(``quotes.client``), the public request form (``quotes.public``, the only public one) and
the staff's pages (``quotes.admin``, staff only). Every view calls the core's use cases.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from iclient_web.quotes import client, staff, visitors
from iclient_web.quotes.pages import quote_helpers

bp = Blueprint("quotes", __name__)
bp.context_processor(quote_helpers)
bp.register_blueprint(client.bp)
bp.register_blueprint(visitors.bp)
bp.register_blueprint(staff.bp)


def init_app(app: Flask) -> None:
    """Register the quote pages and the quotes' places in the staff area."""
    app.register_blueprint(bp)
    staff.plug_into_the_staff_area(app)
