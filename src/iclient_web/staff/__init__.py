"""The staff area: the dashboard (``admin``), clients (``admin_clients``), staff members
(``admin_staff``), the audit log (``admin_audit``), the business settings
(``admin_settings``) and the business's logo, served to everybody (``branding``).

Other areas add their pages to it through :mod:`iclient_web.staff.hooks`.
"""

from __future__ import annotations

from flask import Flask

from iclient_web.staff import audit, clients, dashboard, logo, members, settings


def init_app(app: Flask) -> None:
    """Register the staff area's pages and the logo."""
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(clients.bp)
    app.register_blueprint(members.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(settings.bp)
    app.register_blueprint(logo.bp)
