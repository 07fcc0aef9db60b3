"""Help in the portal: the public FAQ (``faq``) and the staff's FAQ pages (``admin_faq``)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from iclient_core.accounts.permissions import Permission
from iclient_web.help import faq, faq_staff
from iclient_web.staff.hooks import provide_nav


def init_app(app: Flask) -> None:
    """Register the FAQ pages and the admin menu's link to them."""
    app.register_blueprint(faq.bp)
    app.register_blueprint(faq_staff.bp)
    provide_nav(app, _l("FAQ"), "admin_faq.index", Permission.FAQ_MANAGE)
