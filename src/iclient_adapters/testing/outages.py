"""A database that goes away, on demand: :class:`DatabaseOutage` wraps any unit-of-work
factory and makes its units of work fail the way the SQL adapter's do when PostgreSQL
restarts (``ServiceUnavailable(connection_lost=True)``) or is down
(``ServiceUnavailable(connection_lost=False)``).

Use it to test what a caller does about an outage without a database to break::

    outage = DatabaseOutage(services.uow)
    services = attrs.evolve(services, uow=outage)
    outage.lose_connections(1)  # the next unit of work fails, the one after works
    outage.go_down()            # every unit of work fails until outage.come_back()
"""

from __future__ import annotations

import threading
from types import TracebackType

from iclient_core.shared.errors import ServiceUnavailable
from iclient_core.unit_of_work import UnitOfWork, UnitOfWorkFactory


class _Unreachable:
    """A unit of work whose ``with`` fails at once, as taking a connection would."""

    def __init__(self, error: ServiceUnavailable) -> None:
        self._error = error

    def __enter__(self) -> UnitOfWork:
        raise self._error

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


class DatabaseOutage:
    """A ``UnitOfWorkFactory`` that fails on demand, else hands out ``factory``'s units.

    Attributes:
        begun: how many units of work were asked for (failed ones included).
        failed: how many of them failed.
    """

    def __init__(self, factory: UnitOfWorkFactory, *, retry_after: int = 5) -> None:
        self._factory = factory
        self._retry_after = retry_after
        self._lock = threading.Lock()
        self._lost = 0
        self._down = False
        self.begun = 0
        self.failed = 0

    def lose_connections(self, count: int = 1) -> None:
        """Make the next ``count`` units of work fail as a broken connection does."""
        with self._lock:
            self._lost += count

    def go_down(self) -> None:
        """Make every unit of work fail as an unreachable server does."""
        self._down = True

    def come_back(self) -> None:
        """End the outage (and forget connections still to be lost)."""
        with self._lock:
            self._down = False
            self._lost = 0

    def __call__(self) -> UnitOfWork:
        with self._lock:
            self.begun += 1
            if self._down:
                error = ServiceUnavailable(
                    "cannot connect to the database (outage)", retry_after=self._retry_after
                )
            elif self._lost:
                self._lost -= 1
                error = ServiceUnavailable(
                    "database connection lost (outage)",
                    retry_after=self._retry_after,
                    connection_lost=True,
                )
            else:
                return self._factory()
            self.failed += 1
        unreachable: UnitOfWork = _Unreachable(error)  # type: ignore[assignment]
        return unreachable
