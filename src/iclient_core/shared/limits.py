"""Rate limits: how many attempts a key may make in a window, checked through the
``RateLimiter`` port."""

from __future__ import annotations

from datetime import timedelta

import attrs

from iclient_core.shared.errors import RateLimited
from iclient_core.shared.ports import RateLimiter


@attrs.frozen
class Limit:
    """At most ``amount`` attempts per ``per``."""

    amount: int
    per: timedelta


def check_limit(limiter: RateLimiter, key: str, limit: Limit, *, count: bool) -> None:
    """Raise ``RateLimited`` when ``key`` is over ``limit``; count this try if ``count``.

    Raises:
        RateLimited: with the window length as the retry delay.
    """
    allowed = (
        limiter.hit(key, amount=limit.amount, per=limit.per)
        if count
        else limiter.test(key, amount=limit.amount, per=limit.per)
    )
    if not allowed:
        raise RateLimited(int(limit.per.total_seconds()))


def count_attempt(limiter: RateLimiter, key: str, limit: Limit) -> bool:
    """Count one attempt against ``limit``; False when ``key`` is now over it."""
    return limiter.hit(key, amount=limit.amount, per=limit.per)


def clear_attempts(limiter: RateLimiter, key: str, limit: Limit) -> None:
    """Forget the attempts counted for ``key`` (after a success that lifts the limit)."""
    limiter.clear(key, amount=limit.amount, per=limit.per)
