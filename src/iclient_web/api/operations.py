"""Every operation of the API, declared: importing this module imports the modules whose
views :func:`.spec.operation` declares (and with them pydantic and the API's models).

The portal imports it at the first API request (see :mod:`iclient_web.api`); a test or a
script that needs :data:`OPERATIONS` filled imports it from here.
"""

from __future__ import annotations

from iclient_web.api import bookings, clients, documents, quotes, support
from iclient_web.api.spec import OPERATIONS, VIEWS, describe

AREAS = (bookings, clients, documents, quotes, support)
"""The modules whose views :func:`~.spec.operation` declares (imported for that)."""

__all__ = ["AREAS", "OPERATIONS", "VIEWS", "describe"]
