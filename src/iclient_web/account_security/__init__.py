"""Account security in the portal: two-step sign-in (authenticator app, recovery codes,
passkeys), the second step after the password, the list of one's sessions, device cookies,
and the staff rule that takes a member of staff without a second step to set one up."""

from __future__ import annotations

from flask import Flask

from iclient_web.account_security import pages, second_step


def init_app(app: Flask) -> None:
    """Register the security pages, the second step and the staff set-up rule."""
    app.register_blueprint(pages.bp)
    app.register_blueprint(second_step.bp)
    second_step.install_setup_rule(app)
