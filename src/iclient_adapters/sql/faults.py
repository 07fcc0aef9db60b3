"""What a database that went away looks like to the core: ``ServiceUnavailable``.

SQLAlchemy tells the cases apart for us:

- a connection that had worked and broke (the server restarted, failed over, or an
  administrator ended it) raises a ``DBAPIError`` with ``connection_invalidated``: the pool
  has already thrown that connection away, and every other connection opened before the
  failure is replaced at its next checkout, so trying again at once will likely work
  (``connection_lost=True``). This is also how a dead pooled connection shows itself when
  ``pool_pre_ping`` is off: at its first statement;
- no connection could be opened (refused, the server is starting or shutting down, too many
  clients): a ``DBAPIError`` from ``engine.connect()``;
- every pooled connection stayed busy for ``pool_timeout``: ``sqlalchemy.exc.TimeoutError``.

Anything else (a constraint, a syntax error, a statement timeout) is not an outage and is
left alone.
"""

from __future__ import annotations

import sqlalchemy as sa

from iclient_core.shared.errors import ServiceUnavailable

RETRY_AFTER = 5
"""Seconds after which a person (or a client) may try again: a restart or failover of
PostgreSQL usually takes about this long."""


def _summary(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return f"{type(original).__name__}: {lines[0] if lines else ''}"[:300]


def connection_lost(error: BaseException) -> ServiceUnavailable | None:
    """The ``ServiceUnavailable`` ``error`` stands for, when it raised from a statement or a
    commit because the connection broke; None for any other error."""
    if isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated:
        return ServiceUnavailable(
            f"database connection lost ({_summary(error)})",
            retry_after=RETRY_AFTER,
            connection_lost=True,
        )
    if isinstance(error, sa.exc.TimeoutError):
        return no_connection(error)
    return None


def no_connection(error: BaseException) -> ServiceUnavailable:
    """The ``ServiceUnavailable`` for an error raised while taking a connection."""
    if isinstance(error, sa.exc.TimeoutError):
        reason = "every database connection is busy"
    else:
        reason = f"cannot connect to the database ({_summary(error)})"
    return ServiceUnavailable(reason, retry_after=RETRY_AFTER, connection_lost=False)


def is_connection_error(error: BaseException) -> bool:
    """True for the errors ``engine.connect()`` raises when no connection can be had."""
    return isinstance(error, sa.exc.DBAPIError | sa.exc.TimeoutError)
