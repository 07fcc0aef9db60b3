"""Help in the portal: the help button on every page of the client and staff areas
(:mod:`.page_help`), the admins' pages to rewrite it, and the staff tutorials
(:mod:`.tutorials`, :mod:`.staff`)."""

from __future__ import annotations

from flask import Flask

from iclient_web.help import page_help, staff


def init_app(app: Flask) -> None:
    """Register the help's pages and the help button."""
    page_help.init_app(app)
    app.register_blueprint(staff.bp)
    app.register_blueprint(staff.guides_bp)
