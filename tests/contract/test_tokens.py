"""The link token contract over the bundled itsdangerous tokens, with and without an old key
still accepted."""

from __future__ import annotations

import pytest

from iclient_adapters.testing import TEST_SECRET_KEY
from iclient_adapters.testing.tokens import TokenServiceContract
from iclient_adapters.tokens import ItsDangerousTokens


class TestItsDangerousTokens(TokenServiceContract):
    """TokenServiceContract on one signing key."""

    @pytest.fixture
    def tokens(self) -> ItsDangerousTokens:
        return ItsDangerousTokens(TEST_SECRET_KEY)


class TestItsDangerousTokensDuringKeyRotation(TokenServiceContract):
    """TokenServiceContract while a previous key is still accepted."""

    @pytest.fixture
    def tokens(self) -> ItsDangerousTokens:
        return ItsDangerousTokens(
            TEST_SECRET_KEY, fallback_keys=["o" * 16 + "-previous-key-987654"]
        )
