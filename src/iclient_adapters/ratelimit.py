"""Rate limiting on the ``limits`` library: in memory for one process, Redis for several."""

from __future__ import annotations

import math
import threading
import time
from datetime import timedelta
from typing import TYPE_CHECKING

from iclient_adapters.extras import needs_extra

if TYPE_CHECKING:
    from limits import RateLimitItemPerSecond
    from limits.strategies import MovingWindowRateLimiter


class LimitsRateLimiter:
    """The ``RateLimiter`` port, with a moving window.

    Args:
        storage_uri: ``memory://`` (one process) or ``redis://host:6379/0`` (shared).
    """

    def __init__(self, storage_uri: str = "memory://") -> None:
        if storage_uri.startswith("redis"):  # redis://, rediss://, redis+sentinel://…
            try:
                import redis  # noqa: F401  (limits would only say "prerequisite not available")
            except ImportError as error:
                raise needs_extra("redis", error) from error
        self._uri = storage_uri
        self._built: MovingWindowRateLimiter | None = None
        self._lock = threading.Lock()

    @property
    def _strategy(self) -> MovingWindowRateLimiter:
        # Built at the first attempt counted: the library (and a Redis connection) load
        # then, not when a process starts.
        if self._built is None:
            with self._lock:
                if self._built is None:
                    from limits import storage, strategies

                    self._built = strategies.MovingWindowRateLimiter(
                        storage.storage_from_string(self._uri)
                    )
        return self._built

    @staticmethod
    def _item(amount: int, per: timedelta) -> RateLimitItemPerSecond:
        from limits import RateLimitItemPerSecond

        return RateLimitItemPerSecond(amount, max(int(per.total_seconds()), 1), namespace="iclient")

    def hit(self, key: str, *, amount: int, per: timedelta) -> bool:
        """Count one attempt; False once over the limit."""
        return bool(self._strategy.hit(self._item(amount, per), key))

    def test(self, key: str, *, amount: int, per: timedelta) -> bool:
        """True when one more attempt is allowed."""
        return bool(self._strategy.test(self._item(amount, per), key))

    def clear(self, key: str, *, amount: int, per: timedelta) -> None:
        """Forget the attempts for ``key``."""
        self._strategy.clear(self._item(amount, per), key)

    def window(self, key: str, *, amount: int, per: timedelta) -> tuple[int, int]:
        """Attempts left and seconds until the oldest counted one leaves the window."""
        reset_at, remaining = self._strategy.get_window_stats(self._item(amount, per), key)
        return max(int(remaining), 0), max(math.ceil(reset_at - time.time()), 0)

    def reset(self) -> None:
        """Forget everything (tests)."""
        self._strategy.storage.reset()
