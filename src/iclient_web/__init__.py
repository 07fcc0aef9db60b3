"""The bundled Flask portal: the client area, the staff area and the ``iclient`` command.

``create_app()`` reads the ``ICLIENT_*`` configuration, builds the core through the
composition root and registers one blueprint per area. The views call use cases only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iclient_adapters.extras import needs_extra

try:
    import flask  # noqa: F401
except ImportError as error:  # a plain install: say which extra brings the portal
    raise needs_extra("web", error) from error

from flask import Flask, redirect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from iclient_adapters.compose import Portal, from_config
from iclient_adapters.config import Config
from iclient_core.accounts.model import LANGUAGES


def create_app(
    test_config: Mapping[str, Any] | None = None,
    *,
    portal: Portal | None = None,
    config: Config | None = None,
) -> Flask:
    """Build the portal.

    Args:
        test_config: Flask settings that override the defaults (tests).
        portal: an already built core (tests hand in one on in-memory adapters).
        config: the configuration; read from the environment when omitted.
    """
    app = Flask(__name__, instance_relative_config=False)
    if portal is None:
        portal = from_config(config or Config.from_env())
    cfg = portal.config
    secure = cfg.base_url.startswith("https://")
    app.config.from_mapping(
        SECRET_KEY=cfg.secret_key,
        SECRET_KEY_FALLBACKS=list(cfg.secret_key_fallbacks),
        # Flask's defaults are not safe for a portal: every one is set on purpose.
        SESSION_COOKIE_NAME="__Host-iclient" if secure else "iclient",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_PATH="/",
        PERMANENT_SESSION_LIFETIME=int(portal.services.settings.session_absolute.total_seconds()),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=256 * 1024,
        MAX_FORM_PARTS=200,
        TRUSTED_HOSTS=list(cfg.trusted_hosts) if cfg.production else None,
        PREFERRED_URL_SCHEME="https" if secure else "http",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        WTF_CSRF_SSL_STRICT=secure,
        BABEL_DEFAULT_LOCALE="pt",
        BABEL_DEFAULT_TIMEZONE=cfg.timezone,
        BABEL_TRANSLATION_DIRECTORIES="translations",
        ICLIENT_SECURE=secure,
        DEBUG=False,
        PROPAGATE_EXCEPTIONS=False,
    )
    if test_config:
        app.config.from_mapping(test_config)
    if cfg.proxy_hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=cfg.proxy_hops, x_proto=cfg.proxy_hops, x_host=cfg.proxy_hops
        )
    app.extensions["iclient"] = portal

    from iclient_web import (
        account,
        admin,
        admin_consent,
        auth,
        cli,
        consent,
        documents,
        errors,
        i18n,
        portal_views,
        security,
    )

    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(admin.bp)
    from iclient_web import admin_audit, admin_clients, admin_settings, admin_staff

    for staff_area in (admin_clients, admin_staff, admin_audit, admin_settings):
        app.register_blueprint(staff_area.bp)
    app.register_blueprint(consent.bp)
    app.register_blueprint(admin_consent.bp)
    app.register_blueprint(portal_views.bp)
    documents.init_app(app)  # the client's documents and the staff's document pages
    from iclient_web import quotes  # the client's, the visitors' and the staff's quote pages

    app.register_blueprint(quotes.bp)
    from iclient_web import branding  # the business's logo, public

    app.register_blueprint(branding.bp)

    @app.get("/")
    @security.public
    def root() -> Response:
        """Send visitors to the portal in the business's default language (pt unless set)."""
        from iclient_core.staff.settings import current_settings
        from iclient_web.deps import services

        language = current_settings(services=services()).default_language
        return redirect(f"/{language if language in LANGUAGES else LANGUAGES[0]}/")

    return app
