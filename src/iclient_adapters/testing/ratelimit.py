"""The rate limiter contract: what every ``RateLimiter`` adapter must do.

Mix :class:`RateLimiterContract` into a test class that provides a ``limiter`` fixture::

    class TestMyLimiter(RateLimiterContract):
        @pytest.fixture
        def limiter(self):
            return MyLimiter()

Needs pytest.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from iclient_core.shared.ports import RateLimiter

WINDOW = timedelta(minutes=15)


class RateLimiterContract:
    """Needs ``limiter``: the ``RateLimiter`` under test (its store may be shared: each test
    uses keys of its own). Checks hits within and over the limit, that ``test`` counts
    nothing, that ``clear`` forgets, and that keys are independent."""

    @pytest.fixture
    def limiter_key(self) -> str:
        """A key no other test uses (shared stores such as Redis outlive a test)."""
        return f"contract:{uuid.uuid4().hex}"

    def test_limiter_hits_within_the_limit_are_allowed(
        self, limiter: RateLimiter, limiter_key: str
    ) -> None:
        assert all(limiter.hit(limiter_key, amount=3, per=WINDOW) for _ in range(3))

    def test_limiter_the_hit_over_the_limit_is_refused(
        self, limiter: RateLimiter, limiter_key: str
    ) -> None:
        for _ in range(3):
            limiter.hit(limiter_key, amount=3, per=WINDOW)
        assert limiter.hit(limiter_key, amount=3, per=WINDOW) is False
        assert limiter.test(limiter_key, amount=3, per=WINDOW) is False

    def test_limiter_test_counts_nothing(self, limiter: RateLimiter, limiter_key: str) -> None:
        for _ in range(10):
            assert limiter.test(limiter_key, amount=1, per=WINDOW)
        assert limiter.hit(limiter_key, amount=1, per=WINDOW)

    def test_limiter_clear_forgets_the_attempts(
        self, limiter: RateLimiter, limiter_key: str
    ) -> None:
        for _ in range(4):
            limiter.hit(limiter_key, amount=3, per=WINDOW)
        limiter.clear(limiter_key, amount=3, per=WINDOW)
        assert limiter.test(limiter_key, amount=3, per=WINDOW)

    def test_limiter_keys_are_independent(self, limiter: RateLimiter, limiter_key: str) -> None:
        for _ in range(3):
            limiter.hit(limiter_key, amount=3, per=WINDOW)
        assert limiter.test(limiter_key + ":other", amount=3, per=WINDOW)

    def test_limiter_window_tells_what_is_left_and_counts_nothing(
        self, limiter: RateLimiter, limiter_key: str
    ) -> None:
        assert limiter.window(limiter_key, amount=3, per=WINDOW)[0] == 3
        limiter.hit(limiter_key, amount=3, per=WINDOW)
        remaining, reset_after = limiter.window(limiter_key, amount=3, per=WINDOW)
        assert remaining == 2
        assert 0 < reset_after <= WINDOW.total_seconds()
        assert limiter.window(limiter_key, amount=3, per=WINDOW)[0] == 2
        for _ in range(3):
            limiter.hit(limiter_key, amount=3, per=WINDOW)
        assert limiter.window(limiter_key, amount=3, per=WINDOW)[0] == 0
