"""The contract every ``RateLimiter`` adapter must meet."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from iclient_core.shared.ports import RateLimiter

WINDOW = timedelta(minutes=15)


class RateLimiterContract:
    """Mix into a test class that provides a ``limiter`` fixture."""

    @pytest.fixture
    def key(self) -> str:
        """A key no other test uses (shared stores such as Redis outlive a test)."""
        return f"contract:{uuid.uuid4().hex}"

    def test_hits_within_the_limit_are_allowed(self, limiter: RateLimiter, key: str) -> None:
        assert all(limiter.hit(key, amount=3, per=WINDOW) for _ in range(3))

    def test_the_hit_over_the_limit_is_refused(self, limiter: RateLimiter, key: str) -> None:
        for _ in range(3):
            limiter.hit(key, amount=3, per=WINDOW)
        assert limiter.hit(key, amount=3, per=WINDOW) is False
        assert limiter.test(key, amount=3, per=WINDOW) is False

    def test_test_counts_nothing(self, limiter: RateLimiter, key: str) -> None:
        for _ in range(10):
            assert limiter.test(key, amount=1, per=WINDOW)
        assert limiter.hit(key, amount=1, per=WINDOW)

    def test_clear_forgets_the_attempts(self, limiter: RateLimiter, key: str) -> None:
        for _ in range(4):
            limiter.hit(key, amount=3, per=WINDOW)
        limiter.clear(key, amount=3, per=WINDOW)
        assert limiter.test(key, amount=3, per=WINDOW)

    def test_keys_are_independent(self, limiter: RateLimiter, key: str) -> None:
        for _ in range(3):
            limiter.hit(key, amount=3, per=WINDOW)
        assert limiter.test(key + ":other", amount=3, per=WINDOW)
