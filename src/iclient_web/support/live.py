"""A thread's live updates: a cheap poll answered ``304 Not Modified`` while nothing changed.

The browser's script (``static/support.js``) asks every few seconds with ``If-None-Match``
set to the thread's revision; the answer is either 304 with no body (one small query for the
conversation and one for its latest message) or the thread's HTML fragment with the new
``ETag``. Without JavaScript, reloading the page shows everything.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, make_response, request

POLL_SECONDS = 4
"""How often an open thread asks for news."""


def etag_of(revision: str) -> str:
    """The thread's revision as an entity tag (without quotes)."""
    return f"t{revision}"


def poll_response(revision: str, render: Callable[[], tuple[str, str]]) -> Response:
    """304 when the browser has ``revision`` already, else the fragment ``render()`` makes
    (with the revision it shows, which may be newer still)."""
    tag = etag_of(revision)
    if request.if_none_match.contains(tag):
        response = Response(status=304)
    else:
        body, shown = render()
        response = make_response(body)
        response.mimetype = "text/html"
        tag = etag_of(shown)
    response.set_etag(tag)
    response.headers["Vary"] = "Cookie"
    return response
