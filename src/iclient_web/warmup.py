"""A web worker's warm-up: what its first pages would pay, paid before it serves anyone.

``create_app()`` loads what every page needs and leaves the rest to its first use: the
database (SQLAlchemy, the driver, the pool's first connection) and each page's templates,
compiled once per language. In a server, the first visitors of each worker would pay for
them, about a second on a small machine, after every start, restart and worker recycling.
``iclient serve`` therefore warms each web worker up after building its app and before it
accepts a connection: it runs the readiness checks (the database answers a statement, the
file storage answers) and compiles, in every language, the layouts and the pages people
open first.

A failure is logged, never fatal: the worker starts anyway, and a request that needs what
failed tries again (and gets the friendly 503 page while the database is away).
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from flask import Flask

from iclient_adapters.compose import Portal
from iclient_core.accounts.model import LANGUAGES
from iclient_core.health import check_readiness
from iclient_web.templating import PageEnvironment

logger = logging.getLogger("iclient.server")

FIRST_PAGES = (
    "base.html",
    "_form.html",
    "_icons.html",
    "errors/error.html",
    "auth/sign_in.html",
    "home/landing.html",
    "home/dashboard.html",
    "documents/index.html",
    "quotes/list.html",
    "admin/layout.html",
    "admin/dashboard.html",
)
"""The templates compiled ahead: the layouts every page extends and the pages opened first
(a client's home, documents and quotes, the staff's dashboard). The others compile at their
first use, each in some tens of milliseconds."""


def warm_up(app: Flask) -> float:
    """Open the database and compile the first pages' templates; returns the seconds taken."""
    started = time.perf_counter()
    portal: Portal = app.extensions["iclient"]
    ready = check_readiness(services=portal.services, max_outbox_lag=timedelta.max)
    for check in ready.failed:  # the checks report; they never raise
        logger.warning("warm-up: %s not ready: %s (%s)", check.name, check.reason, check.detail)
    environment = app.jinja_env
    assert isinstance(environment, PageEnvironment)
    for language in LANGUAGES:
        pages = environment.in_language(language)
        for name in FIRST_PAGES:
            try:
                pages.get_template(name)
            except Exception:
                logger.exception("warm-up: template %s (%s) did not compile", name, language)
    return time.perf_counter() - started
