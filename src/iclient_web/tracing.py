"""One log line and one measurement per request, under a request id.

:class:`RequestTracing` wraps the whole portal (WSGI). Each request gets an id: the
``X-Request-ID`` a trusted reverse proxy sent (when ``ICLIENT_PROXY_HOPS`` is set and the
value is sane: up to 128 letters, digits and ``._:-``), else a new random one. The id is
echoed in the response's ``X-Request-ID`` header and stamped on every log line written
while the request is served.

When the response is ready, one line goes to the ``iclient.request`` logger with the method,
the endpoint (the view's name, never the path: paths carry tokens), the status, the
duration and the request id; health probes log it at DEBUG, everything else at INFO. The
same facts go to the metrics (:func:`iclient_web.metrics.observe_request`). The duration
is the time to produce the response, not to transfer it (a slow client is not a slow
portal).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs
from flask import Flask, request

from iclient_web import metrics
from iclient_web.logs import FIELDS_ATTRIBUTE, current_request_id

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

logger = logging.getLogger("iclient.request")

HEADER = "X-Request-ID"
ENVIRON_KEY = "iclient.request"
UNMATCHED = "unmatched"
"""The endpoint of a request no view answered (an unknown URL)."""

_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_METHOD = re.compile(r"[A-Za-z]{1,16}")


@attrs.define
class RequestRecord:
    """What is known about the request being served, shared by the layers that serve it.

    Attributes:
        request_id: the request's id.
        method: the HTTP method.
        started: when it began (``time.perf_counter()``).
        endpoint: the view's endpoint name, once routed.
        status: the response's status code, once started.
        retried: whether the request was run a second time (after a lost connection).
        quiet: log it at DEBUG (health probes).
    """

    request_id: str
    method: str
    started: float
    endpoint: str | None = None
    status: int = 0
    retried: bool = False
    quiet: bool = False


def init_app(app: Flask) -> None:
    """Note each request's endpoint on its record, once Flask has routed it."""

    @app.teardown_request
    def note_endpoint(error: BaseException | None) -> None:
        record = record_of(request.environ)
        if record is not None:
            record.endpoint = request.endpoint


def record_of(environ: WSGIEnvironment) -> RequestRecord | None:
    """The record of the request ``environ`` belongs to (None outside :class:`RequestTracing`)."""
    found = environ.get(ENVIRON_KEY)
    return found if isinstance(found, RequestRecord) else None


def new_request_id() -> str:
    """A random request id (32 hex digits)."""
    return uuid.uuid4().hex


def sane_request_id(value: str | None) -> str | None:
    """``value`` when it is a usable request id, else None."""
    return value if value and _SANE_ID.fullmatch(value) else None


def _method(environ: WSGIEnvironment) -> str:
    method = str(environ.get("REQUEST_METHOD", ""))
    return method if _METHOD.fullmatch(method) else "-"


class RequestTracing:
    """The WSGI layer that gives each request an id, a log line and a measurement.

    Args:
        app: the WSGI application it wraps.
        trust_request_id: honour an incoming ``X-Request-ID`` (behind a trusted proxy).
    """

    def __init__(self, app: WSGIApplication, *, trust_request_id: bool) -> None:
        self.app = app
        self.trust_request_id = trust_request_id

    def _request_id(self, environ: WSGIEnvironment) -> str:
        if self.trust_request_id:
            found = sane_request_id(environ.get("HTTP_X_REQUEST_ID"))
            if found:
                return found
        return new_request_id()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        record = RequestRecord(
            request_id=self._request_id(environ),
            method=_method(environ),
            started=time.perf_counter(),
        )
        environ[ENVIRON_KEY] = record

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            record.status = int(status.split(" ", 1)[0])
            headers = [(k, v) for k, v in headers if k.lower() != HEADER.lower()]
            headers.append((HEADER, record.request_id))
            return start_response(status, headers, exc_info)

        token = current_request_id.set(record.request_id)
        try:
            body = self.app(environ, start)
        except BaseException:
            record.status = 500
            finish(record)
            raise
        finally:
            current_request_id.reset(token)
        finish(record)
        return body


def finish(record: RequestRecord) -> None:
    """Log and measure a request whose response is ready."""
    seconds = time.perf_counter() - record.started
    endpoint = record.endpoint or UNMATCHED
    fields = {
        "method": record.method,
        "endpoint": endpoint,
        "status": record.status,
        "duration_ms": round(seconds * 1000, 1),
        "request_id": record.request_id,
    }
    if record.retried:
        fields["retried"] = True
    logger.log(
        logging.DEBUG if record.quiet else logging.INFO,
        "%s %s %s %.1fms%s",
        record.method,
        endpoint,
        record.status,
        seconds * 1000,
        " (retried)" if record.retried else "",
        extra={FIELDS_ATTRIBUTE: fields, "request_id": record.request_id},
    )
    metrics.observe_request(
        method=record.method,
        endpoint=endpoint,
        status=record.status,
        seconds=seconds,
        retried=record.retried,
    )
