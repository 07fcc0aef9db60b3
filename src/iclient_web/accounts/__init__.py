"""Accounts in the portal: registration, activation, sign-in and recovery (``auth``), and the
signed-in person's own data (``account``)."""

from __future__ import annotations

from flask import Flask

from iclient_web.accounts import account, auth


def init_app(app: Flask) -> None:
    """Register the accounts pages."""
    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp)
