"""``/healthz``, ``/readyz`` and ``/metrics``: for load balancers, orchestrators and
Prometheus, answered before the portal proper.

They sit in front of Flask (a WSGI layer) on purpose: no session lookup, no CSRF, no rate
limit, no language prefix, no trusted-host check (a load balancer may call the backend by
its address), and no template; their request lines are logged at DEBUG only.

- ``/healthz``: the process answers. Touches nothing else: ``200 ok``.
- ``/readyz``: the database answers one statement, e-mail delivery is at most
  ``ICLIENT_READY_MAX_OUTBOX_LAG_SECONDS`` behind, and the file storage answers. ``200``
  when all pass, else ``503`` with ``Retry-After``; the body is a small JSON object naming
  each check's result.
- ``/metrics``: Prometheus metrics (:mod:`iclient_web.metrics`), only with
  ``ICLIENT_METRICS_TOKEN`` (``Authorization: Bearer …``) or from ``ICLIENT_METRICS_ALLOW``;
  when neither is set the path is the portal's (a 404 page).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from iclient_adapters.compose import Portal
from iclient_core.health import Readiness, check_readiness
from iclient_web import metrics
from iclient_web.tracing import record_of

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

logger = logging.getLogger("iclient.health")

PATHS = {"/healthz": "health.alive", "/readyz": "health.ready", "/metrics": "health.metrics"}
"""The paths answered here, and the endpoint names their requests are logged and counted by."""

RETRY_AFTER = 5
_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def readiness_body(ready: Readiness) -> dict[str, object]:
    """The JSON body of ``/readyz``: the status, each check's result, the outbox lag."""
    body: dict[str, object] = {
        "status": "ready" if ready.ok else "unavailable",
        "checks": {check.name: "ok" if check.ok else check.reason for check in ready.checks},
        "failed": [check.name for check in ready.failed],
    }
    if ready.outbox_lag is not None:
        body["outbox_lag_seconds"] = round(ready.outbox_lag.total_seconds(), 1)
    return body


class OpsEndpoints:
    """The WSGI layer that answers the three paths and passes everything else on."""

    def __init__(self, app: WSGIApplication, portal: Portal) -> None:
        self.app = app
        self.portal = portal
        self._was_ready: bool | None = None
        self._lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        endpoint = PATHS.get(environ.get("PATH_INFO", ""))
        config = self.portal.config
        if endpoint is None or (endpoint == "health.metrics" and not config.metrics_enabled):
            return self.app(environ, start_response)
        record = record_of(environ)
        if record is not None:
            record.endpoint = endpoint
            record.quiet = endpoint != "health.metrics"
        request = Request(environ)
        if request.method not in ("GET", "HEAD"):
            response = Response("method not allowed\n", 405, {"Allow": "GET, HEAD", **_HEADERS})
        elif endpoint == "health.alive":
            response = Response("ok\n", 200, _HEADERS, mimetype="text/plain")
        elif endpoint == "health.ready":
            response = self.ready()
        else:
            response = self.metrics(request)
        return response(environ, start_response)

    def ready(self) -> Response:
        """Run the checks; log when readiness changes (not at every poll)."""
        config = self.portal.config
        ready = check_readiness(
            services=self.portal.services,
            max_outbox_lag=timedelta(seconds=config.ready_max_outbox_lag_seconds),
        )
        with self._lock:
            before, self._was_ready = self._was_ready, ready.ok
        if not ready.ok and before is not False:
            logger.warning(
                "not ready: %s",
                "; ".join(f"{c.name}: {c.reason} ({c.detail})" for c in ready.failed),
            )
        elif ready.ok and before is False:
            logger.warning("ready again")
        headers = dict(_HEADERS) if ready.ok else {**_HEADERS, "Retry-After": str(RETRY_AFTER)}
        return Response(
            json.dumps(readiness_body(ready), separators=(",", ":")) + "\n",
            200 if ready.ok else 503,
            headers,
            mimetype="application/json",
        )

    def metrics(self, request: Request) -> Response:
        """The exposition, for an allowed scrape."""
        config = self.portal.config
        if not metrics.allowed(
            remote_addr=request.remote_addr,
            authorization=request.headers.get("Authorization", ""),
            token=config.metrics_token,
            networks=config.metrics_allow,
        ):
            return Response("forbidden\n", 403, _HEADERS, mimetype="text/plain")
        body, content_type = metrics.exposition(
            self.portal.services, request.headers.get("Accept", "")
        )
        return Response(body, 200, {**_HEADERS, "Content-Type": content_type})
