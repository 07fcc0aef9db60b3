"""The rate limiter contract over the in-process store and a real Redis server."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from iclient_adapters.ratelimit import LimitsRateLimiter
from iclient_adapters.testing.ratelimit import RateLimiterContract

REDIS_URL = os.environ.get("ICLIENT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


class TestMemoryLimiter(RateLimiterContract):
    """RateLimiterContract in one process's memory."""

    @pytest.fixture
    def limiter(self) -> LimitsRateLimiter:
        return LimitsRateLimiter("memory://")


class TestRedisLimiter(RateLimiterContract):
    """RateLimiterContract on a real Redis server, shared by every test (keys differ)."""

    @pytest.fixture
    def limiter(self) -> Iterator[LimitsRateLimiter]:
        redis = pytest.importorskip("redis")
        try:
            redis.Redis.from_url(REDIS_URL).ping()
        except redis.exceptions.ConnectionError as error:
            if os.environ.get("CI"):
                pytest.fail(f"Redis at {REDIS_URL} is unreachable under CI: {error}")
            pytest.skip(f"Redis unreachable: {error}")
        limiter = LimitsRateLimiter(REDIS_URL)
        yield limiter
