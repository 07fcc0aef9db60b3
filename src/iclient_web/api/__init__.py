"""The JSON API under ``/api/v1/`` (blueprint ``api``) and the admins' API keys page
(``/<lang>/admin/api-keys``, blueprint ``api_keys``).

Every operation is declared once in :mod:`.spec` (method, path, scope, query, body,
answers); this module registers their routes (:mod:`.routes`) at start-up and loads the
operations themselves, with pydantic and the API's models, at the first API request. Each
runs behind the same steps: the bearer key and its
rate limit (before anything is read), the key's scope, then the portal's own use case acting
as the key's owner (whose role the core checks with ``require``), ``Idempotency-Key`` for
POSTs, an ``ETag`` for reads, and problem answers (RFC 9457) for every error. The API is
exempt from CSRF (no cookie is read or set: a request carries its key in a header).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, current_app, render_template, request
from werkzeug.exceptions import HTTPException, default_exceptions
from werkzeug.wrappers import Response

from iclient_core.integrations import record_write, require_scope
from iclient_core.shared.errors import DomainError
from iclient_web.api import keys
from iclient_web.api.http import (
    authenticate_request,
    caller,
    close_spool,
    conditional,
    domain_problem,
    http_problem,
    idempotent,
    problem,
    rate_headers,
    unexpected_problem,
)
from iclient_web.api.routes import PREFIX, ROUTES, Route
from iclient_web.deps import client_ip, services
from iclient_web.security import csrf, public
from iclient_web.uploads import FORM_OVERHEAD, max_upload_bytes

if TYPE_CHECKING:
    from iclient_web.api.spec import Operation

bp = Blueprint("api", __name__, url_prefix=PREFIX)

UNGUARDED = frozenset({"api.openapi", "api.reference", "api.unknown"})
"""The API's endpoints that need no key: its description, its reference page, and the
answer to an unknown path."""

UPLOADS = frozenset(r.operation_id for r in ROUTES if r.upload)
"""The operations that take a file."""


def _endpoint(op: Operation, view: Callable[..., Response]) -> Callable[..., Response]:
    def run(**values: Any) -> Response:
        require_scope(caller(), op.scope)
        if op.method == "POST":
            return idempotent(op, lambda: view(**values))
        response = view(**values)
        if op.method != "GET" and 200 <= response.status_code < 300:
            record_write(
                services=services(),
                caller=caller(),
                method=op.method,
                path=request.path,
                status=response.status_code,
                ip=client_ip(),
            )
        return response

    run.__name__ = op.operation_id
    run.__doc__ = view.__doc__
    return run


@functools.cache
def _endpoints() -> dict[str, Callable[..., Response]]:
    """Every operation's endpoint, by operation id (the operations loaded at the first call)."""
    from iclient_web.api.operations import OPERATIONS, VIEWS

    return {op.operation_id: _endpoint(op, VIEWS[op.operation_id]) for op in OPERATIONS}


def _route(route: Route) -> Callable[..., Response]:
    def run(**values: Any) -> Response:
        return _endpoints()[route.operation_id](**values)

    run.__name__ = route.operation_id
    return public(run)


for _route_of in ROUTES:
    bp.add_url_rule(
        _route_of.flask_rule,
        _route_of.operation_id,
        _route(_route_of),
        methods=[_route_of.method],
    )


def describe(server_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 description (see :func:`.spec.describe`), the operations loaded."""
    from iclient_web.api.operations import describe as described

    return described(server_url)


@bp.before_request
def guard() -> None:
    """The key and its rate limit, before any of the body is read; uploads may then send
    files up to the upload limit."""
    if request.endpoint in UNGUARDED:
        return
    authenticate_request()
    op = getattr(current_app.view_functions.get(request.endpoint or ""), "__name__", "")
    if op in UPLOADS:
        request.max_content_length = max_upload_bytes() + FORM_OVERHEAD


@bp.after_request
def headers(response: Response) -> Response:
    """Rate limit headers on every answer, ETags on reads; never cached by the way."""
    if request.endpoint not in UNGUARDED:
        conditional(response)
    rate_headers(response)
    return response


@bp.get("/openapi.json")
@public
def openapi() -> Response:
    """The OpenAPI 3.1 description of the API."""
    import json

    server = request.host_url.rstrip("/")
    return Response(json.dumps(describe(server), indent=2), mimetype="application/json")


@bp.get("/")
@public
def reference() -> str:
    """The API's reference, a page made from its description."""
    spec = describe(request.host_url.rstrip("/"))
    return render_template("api/reference.html", spec=spec, schemas=spec["components"]["schemas"])


def _allowed(path: str) -> list[str]:
    found = []
    for op in ROUTES:
        pattern = "^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(PREFIX + op.path)) + "$"
        if re.match(pattern, path):
            found.append(op.method)
    return found


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], endpoint="unknown")
@public
def unknown(rest: str) -> Response:
    """Anything else under the API: 405 on a known path, else 404, as problems."""
    allowed = _allowed(request.path)
    if allowed:
        return problem(405, "method_not_allowed", headers={"Allow": ", ".join(allowed)})
    return problem(404, "not_found")


bp.teardown_request(close_spool)
bp.register_error_handler(DomainError, domain_problem)
bp.register_error_handler(HTTPException, http_problem)
for _code in default_exceptions:  # the portal's pages for 404, 413… are HTML: not here
    bp.register_error_handler(_code, http_problem)
bp.register_error_handler(Exception, unexpected_problem)


def init_app(app: Flask) -> None:
    """Register the API (exempt from CSRF) and the API keys page."""
    csrf.exempt(bp)
    app.register_blueprint(bp)
    keys.init_app(app)
