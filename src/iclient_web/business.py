"""The business every page names: its name, contact e-mail and logo, as an admin stored them
(else the configuration), read once per request."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g

from iclient_core.shared.errors import ServiceUnavailable
from iclient_core.staff.settings import current_settings
from iclient_web.deps import portal, services

logger = logging.getLogger("iclient.web")


def branding() -> tuple[str, str]:
    """The business name and contact e-mail every page shows: what an admin stored, else
    the configuration. Read once per request."""
    cached: tuple[str, str] | None = g.get("iclient_branding")
    if cached is None:
        configured = services().settings
        fallback_email = configured.contact_email or portal().config.contact_email
        try:
            found = current_settings(services=services())
            cached = (found.business_name, found.contact_email or fallback_email)
            g.iclient_logo_version = found.logo_sha256[:16]
        except ServiceUnavailable:
            # No page works without the database: the 503 page says so, naming the business
            # from the configuration (cached here, so that it does not ask again).
            configured_branding()
            raise
        except Exception:  # every page, the error pages first, must render without a database
            logger.exception("could not read the business settings")
            cached = (configured.business_name, fallback_email)
        g.iclient_branding = cached
    return cached


def configured_branding() -> None:
    """Name the business from the configuration for the rest of the request, without
    asking the database (for the page that says the database cannot be reached)."""
    configured = services().settings
    g.iclient_branding = (
        configured.business_name,
        configured.contact_email or portal().config.contact_email,
    )


def logo_version() -> str:
    """Part of the logo's SHA-256 (changes with the logo), or empty when there is no logo.
    Read with :func:`branding`, once per request."""
    branding()
    version: str = g.get("iclient_logo_version", "")
    return version


def business_context() -> dict[str, Any]:
    """``business_name``, ``contact_email`` and ``logo_version`` for every template."""
    business_name, contact_email = branding()
    return {
        "business_name": business_name,
        "contact_email": contact_email,
        "logo_version": logo_version(),
    }


def init_app(app: Flask) -> None:
    """Give every template the business's name, contact e-mail and logo."""
    app.context_processor(business_context)
