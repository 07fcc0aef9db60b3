"""Help in the portal: the public FAQ (:mod:`.faq`) and the staff's FAQ pages
(:mod:`.faq_staff`); the help button on every page of the client and staff areas
(:mod:`.page_help`), the admins' pages to rewrite it, and the staff tutorials
(:mod:`.tutorials`, :mod:`.staff`)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from iclient_core.accounts.permissions import Permission
from iclient_web.help import faq, faq_staff, page_help, staff
from iclient_web.staff.hooks import provide_nav


def init_app(app: Flask) -> None:
    """Register the FAQ pages, the help button, the page help's and tutorials' pages, and
    the admin menu's link to the FAQ."""
    app.register_blueprint(faq.bp)
    app.register_blueprint(faq_staff.bp)
    provide_nav(app, _l("FAQ"), "admin_faq.index", Permission.FAQ_MANAGE)
    page_help.init_app(app)
    app.register_blueprint(staff.bp)
    app.register_blueprint(staff.guides_bp)
