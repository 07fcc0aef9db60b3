"""Readiness: can this installation serve its users now?

Three checks, cheap enough for a load balancer to poll every few seconds:

- ``database``: one statement answers (the outbox query below, on an index);
- ``outbox``: e-mail delivery is not behind by more than a threshold (a deliverer runs);
- ``storage``: the file storage answers (``exists`` of a probe key; nothing is written).

Each check stands alone: one that fails says why, and the others still run.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from iclient_core.notifications.delivery import outbox_lag
from iclient_core.shared.errors import ServiceUnavailable

if TYPE_CHECKING:
    from iclient_core.services import Services

PROBE_KEY = "health/readiness-probe"
"""The storage key whose existence the storage check asks about (it need not exist)."""


@attrs.frozen
class Check:
    """The result of one readiness check.

    Attributes:
        name: ``database``, ``outbox`` or ``storage``.
        ok: whether it passed.
        reason: why not, in a few words safe to show to anyone (``unavailable``…).
        detail: the error behind it, for the operators' log (may name hosts; never shown).
    """

    name: str
    ok: bool
    reason: str = ""
    detail: str = ""


@attrs.frozen
class Readiness:
    """The checks of one readiness probe, and the outbox lag when the database answered."""

    checks: tuple[Check, ...]
    outbox_lag: timedelta | None = None

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return all(check.ok for check in self.checks)

    @property
    def failed(self) -> tuple[Check, ...]:
        """The checks that did not pass."""
        return tuple(check for check in self.checks if not check.ok)


def _described(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}".splitlines()[0][:300]


def _database(services: Services) -> tuple[Check, timedelta | None]:
    """Run the outbox query; one retry when a pooled connection turned out to be dead."""
    for attempt in (1, 2):
        try:
            lag = outbox_lag(services=services)
        except ServiceUnavailable as error:
            if error.connection_lost and attempt == 1:
                continue  # the adapter dropped the dead connection: a new one will answer
            return Check("database", False, "unavailable", _described(error)), None
        except Exception as error:  # a readiness probe reports; it never raises
            return Check("database", False, "error", _described(error)), None
        return Check("database", True), lag
    raise AssertionError("unreachable")


def _storage(services: Services) -> Check:
    try:
        services.storage.exists(PROBE_KEY)
    except Exception as error:  # a readiness probe reports; it never raises
        return Check("storage", False, "unavailable", _described(error))
    return Check("storage", True)


def check_readiness(*, services: Services, max_outbox_lag: timedelta) -> Readiness:
    """Check the database, the outbox and the file storage.

    Args:
        services: the installation's services.
        max_outbox_lag: how far behind e-mail delivery may be before the installation is
            not ready (see :func:`~iclient_core.notifications.outbox_lag`).

    Returns:
        Every check's result; ``ready.ok`` is True when all passed. The outbox check is
        left out when the database did not answer (its lag is unknown then).
    """
    database, lag = _database(services)
    checks = [database]
    if lag is not None:
        if lag <= max_outbox_lag:
            checks.append(Check("outbox", True))
        else:
            seconds = int(lag.total_seconds())
            limit = int(max_outbox_lag.total_seconds())
            checks.append(Check("outbox", False, f"behind by {seconds}s (limit {limit}s)"))
    checks.append(_storage(services))
    return Readiness(checks=tuple(checks), outbox_lag=lag)
