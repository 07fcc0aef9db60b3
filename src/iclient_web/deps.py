"""Where views find the core: the ``Portal`` the app factory stored, and request facts."""

from __future__ import annotations

from flask import current_app, request

from iclient_adapters.compose import Portal
from iclient_core.services import Services


def portal() -> Portal:
    """The built core of the running app."""
    found: Portal = current_app.extensions["iclient"]
    return found


def services() -> Services:
    """The core's services, to pass to use cases."""
    return portal().services


def client_ip() -> str:
    """The client's address (after ``ProxyFix`` when behind a proxy)."""
    return request.remote_addr or "-"


def user_agent() -> str:
    """The browser's User-Agent header, for the session list."""
    return request.headers.get("User-Agent", "")[:300]
