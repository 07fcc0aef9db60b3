"""The bundled Flask portal: the client area, the staff area and the ``iclient`` command.

``create_app()`` reads the ``ICLIENT_*`` configuration, builds the core through the
composition root, and lets every part register itself the same way, ``init_app(app)``:
first what every page uses (languages, security, error pages, downloads, the business's name
and logo, the home page), then one package per domain, each with its client's
and its staff's blueprints. The views call use cases only.

Around Flask sit a few WSGI layers: the reverse proxy's headers, a request id and one log
line per request (:mod:`.tracing`), ``/healthz``, ``/readyz`` and ``/metrics``
(:mod:`.health`), and one more run of a GET whose database connection broke (:mod:`.retry`).
The log lines are configured here too (:mod:`.logs`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iclient_adapters.extras import needs_extra

try:
    import flask  # noqa: F401
except ImportError as error:  # a plain install: say which extra brings the portal
    raise needs_extra("web", error) from error

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from iclient_adapters.compose import Portal, from_config
from iclient_adapters.config import Config
from iclient_web import (
    account_security,
    accounts,
    api,
    bookings,
    business,
    consent,
    documents,
    downloads,
    errors,
    help,
    home,
    i18n,
    inbox,
    logs,
    metrics,
    notifications,
    quotes,
    security,
    staff,
    support,
    templating,
    tracing,
    webhooks,
)
from iclient_web.health import OpsEndpoints
from iclient_web.retry import RetrySafeRequests
from iclient_web.routing import LazyBuilderRule
from iclient_web.tracing import RequestTracing

AREAS = (
    accounts,
    account_security,
    notifications,
    consent,
    documents,
    quotes,
    staff,
    bookings,
    support,
    inbox,
    help,
    webhooks,
    api,
)
"""The domains' packages: each registers its blueprints with ``init_app(app)``; the staff
menu lists the areas' pages in this order (the client's work first, the integrations last)."""


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
    app.url_rule_class = LazyBuilderRule  # URL builders compiled at their first use
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
    app.extensions["iclient"] = portal
    logs.configure(cfg.log_format, cfg.log_level)
    if cfg.metrics_enabled:
        metrics.enable()
    for part in (templating, i18n, security, errors, downloads, business, home, tracing, *AREAS):
        part.init_app(app)
    # The WSGI layers, innermost first: a GET whose database connection broke runs again;
    # /healthz, /readyz and /metrics answer before the portal; every request gets an id, a
    # log line and a measurement; the reverse proxy's headers are read first of all.
    app.wsgi_app = RetrySafeRequests(app.wsgi_app)  # type: ignore[method-assign]
    app.wsgi_app = OpsEndpoints(app.wsgi_app, portal)  # type: ignore[method-assign]
    app.wsgi_app = RequestTracing(  # type: ignore[method-assign]
        app.wsgi_app, trust_request_id=cfg.proxy_hops > 0
    )
    if cfg.proxy_hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=cfg.proxy_hops, x_proto=cfg.proxy_hops, x_host=cfg.proxy_hops
        )
    return app
