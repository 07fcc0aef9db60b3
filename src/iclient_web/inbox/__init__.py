"""Public forms and the staff inbox in the portal: one blueprint, ``inbox``, holds three: the
public forms (``inbox.public``, public), the inbox (``inbox.admin``, staff) and the form
builder (``inbox.builder``, admins). Every view calls the core's use cases.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask

from iclient_web import formats
from iclient_web.deps import services
from iclient_web.i18n import current_language
from iclient_web.inbox import builder, public, staff

bp = Blueprint("inbox", __name__)


@bp.context_processor
def inbox_helpers() -> dict[str, Any]:
    """Times in the page's language and the business's zone, for the inbox templates."""
    lang = current_language()
    zone = services().settings.quotes.zone()
    return {"moment": lambda value: formats.moment(value, lang, zone)}


bp.register_blueprint(public.bp)
bp.register_blueprint(staff.bp)
bp.register_blueprint(builder.bp)


def init_app(app: Flask) -> None:
    """Register the inbox pages and the inbox's places in the staff area."""
    app.register_blueprint(bp)
    staff.plug_into_the_staff_area(app)
