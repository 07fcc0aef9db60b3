"""A safe request whose database connection broke is run again, once, from the top.

When PostgreSQL restarts or fails over, every pooled connection is dead, and (with
``pool_pre_ping`` off) each shows it only at its first statement. SQLAlchemy then throws
the whole pool's older connections away, so a second try gets fresh ones and works.

Why the whole request, and not the failing unit of work:

- a unit of work is a ``with`` block inside a use case; Python cannot re-run a block, and a
  use case may run several units of work and other effects (storage, rate limits, the
  security log) around them: re-running one transaction in the middle could act on what
  an earlier one read before the outage. Running the request again from the top gives a
  fresh, consistent view, and needs nothing from the core or its embedders;
- HTTP already says which requests may be repeated: GET and HEAD are safe (RFC 9110, 9.2),
  and the portal changes nothing on GET (only bookkeeping: a session's last use, a
  download's log entry). Any other method is never re-run: a POST whose commit may have
  happened answers 503, and the person decides.

Only a *lost* connection is retried (``ServiceUnavailable.connection_lost``): when no
connection can be had at all (the server is down, or every connection is busy), a second
try would fail the same way, or wait as long again. Only a request with no body, before any
of its response was sent, is retried.

The pieces: :class:`RetrySafeRequests` (WSGI) runs the first attempt with the environ key
:data:`ENVIRON_KEY` set to ``"available"``; the portal's ``ServiceUnavailable`` handler
sets it to ``"wanted"`` (see :func:`want_retry`) instead of rendering the 503 page; the
first attempt's response is then dropped and the request runs again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from iclient_web.tracing import record_of

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

logger = logging.getLogger("iclient.web")

ENVIRON_KEY = "iclient.retry"
AVAILABLE, WANTED, SPENT = "available", "wanted", "spent"
SAFE_METHODS = frozenset({"GET", "HEAD"})


def want_retry(environ: WSGIEnvironment) -> bool:
    """Ask for the request to be run again; False when it cannot be (not safe, no body
    allowed, or already the second try)."""
    if environ.get(ENVIRON_KEY) != AVAILABLE:
        return False
    environ[ENVIRON_KEY] = WANTED
    return True


def _has_body(environ: WSGIEnvironment) -> bool:
    length = str(environ.get("CONTENT_LENGTH") or "0").strip()
    chunked = "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower()
    return chunked or length not in {"", "0"}


class _HeldStart:
    """A ``start_response`` that holds the status and headers until told where they go."""

    def __init__(self) -> None:
        self.called: tuple[str, list[tuple[str, str]], Any] | None = None
        self.target: StartResponse | None = None

    def __call__(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        if self.target is not None:
            return self.target(status, headers, exc_info)
        self.called = (status, headers, exc_info)
        return self._write

    def _write(self, data: bytes) -> None:
        raise RuntimeError("the portal does not use the WSGI write() callable")

    def release(self, start_response: StartResponse) -> None:
        self.target = start_response
        if self.called is not None:
            start_response(*self.called)


def _close(body: Iterable[bytes]) -> None:
    close = getattr(body, "close", None)
    if close is not None:
        close()


class RetrySafeRequests:
    """The WSGI layer that runs a GET or HEAD again once when its first try asked for it."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") not in SAFE_METHODS or _has_body(environ):
            return self.app(environ, start_response)
        first = dict(environ)  # each try gets its own environ (Flask keeps things in it)
        first[ENVIRON_KEY] = AVAILABLE
        held = _HeldStart()
        body = self.app(first, held)
        if first.get(ENVIRON_KEY) != WANTED:
            held.release(start_response)
            return body
        _close(body)
        record = record_of(environ)
        if record is not None:
            record.retried = True
        logger.warning(
            "database connection lost; running %s %s again",
            environ.get("REQUEST_METHOD"),
            (record.endpoint if record else None) or "-",
        )
        second = dict(environ)
        second[ENVIRON_KEY] = SPENT
        return self.app(second, start_response)
