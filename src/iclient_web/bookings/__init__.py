"""Bookings in the portal: one blueprint, ``bookings``, holds three: the public booking pages
(``bookings.public``: the services, a service's free times, the page of a booking opened by
its link), the client's list (``bookings.client``) and the staff calendar with the services,
hours and rules (``bookings.admin``). Every view calls the core's use cases.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask

from iclient_core.bookings.catalogue import get_rules
from iclient_web import formats
from iclient_web.bookings import client, public, staff
from iclient_web.bookings.forms import STATUS_LABELS
from iclient_web.deps import services
from iclient_web.i18n import current_language

bp = Blueprint("bookings", __name__)


@bp.context_processor
def booking_helpers() -> dict[str, Any]:
    """Times in the page's language and the business's booking time zone."""
    lang = current_language()
    zone = ZoneInfo(get_rules(services=services()).time_zone)
    return {
        "moment": lambda value: formats.moment(value, lang, zone),
        "day_label": lambda value: formats.day(value, lang),
        "booking_zone": zone,
        "status_labels": STATUS_LABELS,
    }


bp.register_blueprint(public.bp)
bp.register_blueprint(client.bp)
bp.register_blueprint(staff.bp)


def init_app(app: Flask) -> None:
    """Register the bookings pages and their places in the staff area."""
    app.register_blueprint(bp)
    staff.plug_into_the_staff_area(app)
