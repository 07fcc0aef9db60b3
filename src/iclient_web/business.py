"""The business every page names: its name, contact e-mail, logo and accent colour, as an
admin stored them (else the configuration).

Each web process keeps the settings in memory with the portal's revision they were read at,
and reads them again only when the revision changed: an admin's change reaches every process
(on any host) at its next request, and a page costs no settings query otherwise.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import attrs
from flask import Flask, current_app, g

from iclient_core.shared.business import EffectiveSettings
from iclient_core.shared.errors import ServiceUnavailable
from iclient_core.staff.settings import current_settings, portal_revision
from iclient_web.deps import portal, services

logger = logging.getLogger("iclient.web")


@attrs.define
class SettingsCache:
    """The settings in force as last read, and the revision they were read at."""

    revision: int = -1
    settings: EffectiveSettings | None = None
    lock: threading.Lock = attrs.Factory(threading.Lock)

    def get(self, revision: int) -> EffectiveSettings:
        """The settings at ``revision``, read again only if it moved on."""
        with self.lock:
            if self.settings is not None and self.revision == revision:
                return self.settings
        found = current_settings(services=services())
        with self.lock:
            self.revision, self.settings = revision, found
        return found


def revision() -> int:
    """The portal's revision for this request: from the session look-up when signed in
    (:mod:`iclient_web.security` stores it), else read once."""
    found: int | None = g.get("iclient_revision")
    if found is None:
        found = g.iclient_revision = portal_revision(services=services())
    return found


def settings_in_force() -> EffectiveSettings:
    """The business settings in force, from this process's memory while the revision holds."""
    cache: SettingsCache = current_app.extensions["iclient_settings"]
    return cache.get(revision())


def branding() -> tuple[str, str]:
    """The business name and contact e-mail every page shows: what an admin stored, else
    the configuration. Read once per request."""
    cached: tuple[str, str] | None = g.get("iclient_branding")
    if cached is None:
        configured = services().settings
        fallback_email = configured.contact_email or portal().config.contact_email
        try:
            found = settings_in_force()
            cached = (found.business_name, found.contact_email or fallback_email)
            g.iclient_logo_version = found.logo_sha256[:16]
            g.iclient_accent = found.accent_color
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


def accent_color() -> str:
    """The accent colour an admin chose (``#rrggbb``), or empty for the portal's own. Read
    with :func:`branding`, once per request."""
    branding()
    color: str = g.get("iclient_accent", "")
    return color


def business_context() -> dict[str, Any]:
    """``business_name``, ``contact_email``, ``logo_version`` and ``accent_color`` for every
    template."""
    business_name, contact_email = branding()
    return {
        "business_name": business_name,
        "contact_email": contact_email,
        "logo_version": logo_version(),
        "accent_color": accent_color(),
    }


def init_app(app: Flask) -> None:
    """Give every template the business's name, contact e-mail, logo and accent colour."""
    app.extensions["iclient_settings"] = SettingsCache()
    app.context_processor(business_context)
