"""The API's routes as the portal registers them at start-up: method, path and operation id
of every operation, without loading the operations themselves.

The operations (their views, pydantic models and OpenAPI description, see :mod:`.spec`) are
loaded at the first API request, so that starting the portal loads no pydantic. This table
repeats what the operations declare; ``tests/web/test_api.py`` checks that it says
exactly that, in the same order.
"""

from __future__ import annotations

import re
from typing import NamedTuple

PREFIX = "/api/v1"


class Route(NamedTuple):
    """One operation's route (see :class:`.spec.Operation` for the rest of it)."""

    method: str
    path: str
    operation_id: str
    upload: bool = False

    @property
    def flask_rule(self) -> str:
        """The path as a Flask rule (``{id}`` → ``<id>``)."""
        return re.sub(r"\{(\w+)\}", r"<\1>", self.path)


ROUTES = (
    Route("GET", "/bookings", "list_bookings"),
    Route("GET", "/bookings/{booking_id}", "read_booking"),
    Route("GET", "/clients", "list_clients"),
    Route("POST", "/clients", "create"),
    Route("GET", "/clients/{client_id}", "read_client"),
    Route("PATCH", "/clients/{client_id}", "update"),
    Route("POST", "/clients/{client_id}/disable", "disable"),
    Route("GET", "/clients/{client_id}/documents", "list_documents"),
    Route("POST", "/clients/{client_id}/documents", "upload", upload=True),
    Route("GET", "/documents/{document_id}", "read_document"),
    Route("POST", "/documents/{document_id}/archive", "archive"),
    Route("GET", "/quotes", "list_quotes"),
    Route("GET", "/quotes/{quote_id}", "read_quote"),
    Route("POST", "/quotes/{quote_id}/proposal", "draft_proposal"),
    Route("POST", "/quotes/{quote_id}/lines", "add_lines"),
    Route("POST", "/quotes/{quote_id}/send", "send"),
    Route("GET", "/support/requests", "list_support_requests"),
    Route("GET", "/support/requests/{request_id}", "read_support_request"),
)
"""Every operation's route, in the order the operations are declared."""
