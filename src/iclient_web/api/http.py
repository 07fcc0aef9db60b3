"""What every API request goes through: the key (``Authorization: Bearer``), its rate
limit, the problem answers (RFC 9457), ETags on reads and ``Idempotency-Key`` on POSTs.

The API never reads or sets the portal's session cookie: a request is its key, nothing else.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections.abc import Callable, Mapping
from datetime import timedelta
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from flask import current_app, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from iclient_core.integrations import (
    ApiCaller,
    IdempotencyKeyReused,
    KeyRefused,
    authenticate,
    recall,
    record_write,
    remember,
)
from iclient_core.integrations.idempotency import MAX_KEY_LENGTH
from iclient_core.quotes.model import InvalidTransition
from iclient_core.shared.errors import (
    AlreadyExists,
    ConcurrentUpdate,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServiceUnavailable,
)
from iclient_core.shared.limits import Limit
from iclient_core.shared.storage import StorageUnavailable
from iclient_web.deps import client_ip, portal, services

if TYPE_CHECKING:  # pydantic is loaded with the operations, at the first API request
    from pydantic import BaseModel

    from iclient_web.api.spec import Operation

logger = logging.getLogger("iclient.api")

PROBLEM = "application/problem+json"

_STATUS: list[tuple[type[DomainError], int]] = [
    (KeyRefused, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (InvalidInput, 422),
    (IdempotencyKeyReused, 422),
    (RateLimited, 429),
    (ConcurrentUpdate, 409),
    (AlreadyExists, 409),
    (InvalidTransition, 409),
    (ServiceUnavailable, 503),
    (StorageUnavailable, 503),
]


def problem(
    status: int,
    code: str,
    detail: str | None = None,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An RFC 9457 problem answer with the core's error ``code``."""
    body: dict[str, Any] = {
        "type": f"urn:iclient:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "code": code,
    }
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def domain_problem(error: DomainError) -> Response:
    """The answer to a domain error, by its class; its ``code`` goes along unchanged."""
    status = next((s for kind, s in _STATUS if isinstance(error, kind)), 400)
    headers: dict[str, str] = {}
    errors = None
    if isinstance(error, InvalidInput):
        errors = [{"field": e.field, "code": e.code} for e in error.errors]
    if isinstance(error, KeyRefused):
        headers["WWW-Authenticate"] = 'Bearer realm="iclient", error="invalid_token"'
    if isinstance(error, RateLimited | ServiceUnavailable):
        headers["Retry-After"] = str(error.retry_after)
    code = error.code
    if isinstance(error, StorageUnavailable):
        code = "storage_full" if error.reason == "full" else "storage_unreachable"
    detail = None if isinstance(error, KeyRefused | NotFound) else str(error)
    return problem(status, code, detail if detail != code else None, errors=errors, headers=headers)


def http_problem(error: HTTPException) -> Response:
    """An HTTP error raised by Flask or Werkzeug (405, 413…), as a problem."""
    status = error.code or 500
    code = HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    response = problem(status, code)
    if status == 405 and error.get_response().headers.get("Allow"):
        response.headers["Allow"] = error.get_response().headers["Allow"]
    return response


def unexpected_problem(error: Exception) -> Response:
    """Anything else: logged with its traceback, answered with a 500 problem."""
    logger.exception("API request %s %s failed", request.method, request.path, exc_info=error)
    return problem(500, "internal_error")


def rate_limit() -> Limit:
    """The per-key limit in force: ``ICLIENT_API_REQUESTS_PER_MINUTE`` (a test may set
    ``ICLIENT_API_RATE_LIMIT``, ``amount/seconds``, on the app)."""
    raw = current_app.config.get("ICLIENT_API_RATE_LIMIT")
    if not raw:
        per_minute = portal().config.api_requests_per_minute
        return Limit(max(per_minute, 1), timedelta(minutes=1))
    amount, _, seconds = str(raw).partition("/")
    return Limit(int(amount), timedelta(seconds=int(seconds or 60)))


def caller() -> ApiCaller:
    """The key the request came with (set by :func:`authenticate_request`)."""
    found: ApiCaller = g.api_caller
    return found


def authenticate_request() -> None:
    """Read the bearer key and count the request against the key's rate limit.

    Raises:
        KeyRefused: no key, or one that does not work.
        RateLimited: the key is over its limit.
    """
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise KeyRefused()
    g.api_caller = authenticate(services=services(), secret=secret.strip(), ip=client_ip())
    limit = rate_limit()
    key = f"api:{g.api_caller.key.id}"
    allowed = services().limiter.hit(key, amount=limit.amount, per=limit.per)
    remaining, reset = services().limiter.window(key, amount=limit.amount, per=limit.per)
    g.api_rate = (limit.amount, remaining, reset, int(limit.per.total_seconds()))
    if not allowed:
        raise RateLimited(max(reset, 1))


def rate_headers(response: Response) -> Response:
    """The ``RateLimit-*`` headers (IETF httpapi draft) of the key's window."""
    found = g.get("api_rate")
    if found is not None:
        amount, remaining, reset, window = found
        response.headers["RateLimit-Limit"] = str(amount)
        response.headers["RateLimit-Remaining"] = str(remaining)
        response.headers["RateLimit-Reset"] = str(reset)
        response.headers["RateLimit-Policy"] = f"{amount};w={window}"
    return response


def json_answer(model: BaseModel, status: int = 200, location: str | None = None) -> Response:
    """A model as the JSON answer."""
    response = Response(model.model_dump_json(), status=status, mimetype="application/json")
    if location:
        response.headers["Location"] = location
    return response


def read_query(model: type[BaseModel]) -> BaseModel:
    """The query string, validated by ``model`` (a 422 problem when it does not fit).

    Raises:
        InvalidInput: a parameter is missing, unknown or of the wrong kind.
    """
    values = {name: request.args.get(name) for name in request.args}
    return _validated(model, values)


def read_body(model: type[BaseModel]) -> BaseModel:
    """The JSON body, validated by ``model``.

    Raises:
        InvalidInput: the body is not JSON or does not fit the model.
    """
    if request.mimetype != "application/json":
        raise _UnsupportedType()
    try:
        values = json.loads(request.get_data(cache=True) or b"null")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput.single("body", "invalid_json") from None
    return _validated(model, values)


class _UnsupportedType(HTTPException):
    code = 415


def _validated(model: type[BaseModel], values: object) -> BaseModel:
    from pydantic import ValidationError

    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise InvalidInput.single(
            ".".join(str(p) for p in error.errors()[0]["loc"]) or "body",
            "invalid",
        ) from None


def _spool_body() -> bytes:
    """Read the body once into a spooled file, hashing it, and leave it for the view."""
    digest = hashlib.sha256()
    spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - kept by the request
    stream = request.stream
    while chunk := stream.read(64 * 1024):
        digest.update(chunk)
        spool.write(chunk)
    spool.seek(0)
    g.api_spool = spool  # closed when the request ends (see close_spool)
    request.environ["wsgi.input"] = spool
    request.environ["wsgi.input_terminated"] = True
    request.__dict__.pop("stream", None)
    request.__dict__.pop("_cached_data", None)
    return digest.digest()


def _form_digest() -> bytes:
    """A digest of a multipart form's fields and files: the same form sent again (by a
    client that picks a new boundary each time) has the same digest."""
    digest = hashlib.sha256()
    # A part may come without a name (None): every name is compared as text.
    fields = sorted(request.form.items(multi=True), key=lambda item: (str(item[0]), item[1]))
    for name, value in fields:
        digest.update(f"field\0{name}\0{value}\0".encode())
    for name, part in sorted(request.files.items(multi=True), key=lambda item: str(item[0])):
        digest.update(f"file\0{name}\0{part.filename}\0{part.mimetype}\0".encode())
        while chunk := part.stream.read(64 * 1024):
            digest.update(chunk)
        part.stream.seek(0)
    return digest.digest()


def close_spool(_error: BaseException | None = None) -> None:
    """Close the body spooled for an idempotent request, when the request ends."""
    spool = g.pop("api_spool", None)
    if spool is not None:
        spool.close()


def idempotent(op: Operation, view: Callable[[], Response]) -> Response:
    """Run a POST once per ``Idempotency-Key``; a repeat gets the first answer again.

    Changes through the API are written to the audit log, with the key that made them.
    """
    idem = request.headers.get("Idempotency-Key")
    if idem is None:
        response = view()
        _audit(response)
        return response
    if not 0 < len(idem) <= MAX_KEY_LENGTH or not idem.isprintable():
        raise InvalidInput.single("Idempotency-Key", "invalid")
    body_digest = _form_digest() if request.mimetype == "multipart/form-data" else _spool_body()
    digest = hashlib.sha256(
        b"\0".join(
            [
                request.method.encode(),
                request.full_path.encode(),
                (request.mimetype or "").encode(),
                body_digest,
            ]
        )
    ).hexdigest()
    kept = recall(
        services=services(), caller=caller(), idempotency_key=idem, request_fingerprint=digest
    )
    if kept is not None:
        return _replay(kept.status, kept.body, kept.location)
    try:
        response = view()
    except DomainError as error:
        response = domain_problem(error)
        if response.status_code in (401, 403, 409, 429) or response.status_code >= 500:
            return response
    if response.status_code >= 500:
        return response
    _audit(response)
    first = remember(
        services=services(),
        caller=caller(),
        idempotency_key=idem,
        request_fingerprint=digest,
        status=response.status_code,
        body=response.get_data(as_text=True),
        location=response.headers.get("Location", ""),
    )
    if first.body != response.get_data(as_text=True):
        return _replay(first.status, first.body, first.location)
    return response


def _replay(status: int, body: str, location: str) -> Response:
    mimetype = PROBLEM if status >= 400 else "application/json"
    response = Response(body, status=status, mimetype=mimetype)
    if location:
        response.headers["Location"] = location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _audit(response: Response) -> None:
    if 200 <= response.status_code < 300:
        record_write(
            services=services(),
            caller=caller(),
            method=request.method,
            path=request.path,
            status=response.status_code,
            ip=client_ip(),
        )


def conditional(response: Response) -> Response:
    """A read's ``ETag`` (a digest of the body), and 304 when ``If-None-Match`` has it."""
    if request.method == "GET" and response.status_code == 200:
        response.add_etag()
        response.make_conditional(request)
    return response
