"""Rate limiting on the ``limits`` library: in memory for one process, Redis for several."""

from __future__ import annotations

from datetime import timedelta

from limits import RateLimitItemPerSecond, storage, strategies

from iclient_adapters.extras import needs_extra


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
        self._storage = storage.storage_from_string(storage_uri)
        self._strategy = strategies.MovingWindowRateLimiter(self._storage)

    @staticmethod
    def _item(amount: int, per: timedelta) -> RateLimitItemPerSecond:
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

    def reset(self) -> None:
        """Forget everything (tests)."""
        self._storage.reset()
