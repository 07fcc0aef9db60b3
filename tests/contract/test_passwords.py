"""The password hasher contract over the bundled passlib (argon2id) hasher."""

from __future__ import annotations

import pytest

from iclient_adapters.passwords import PasslibHasher
from iclient_adapters.testing.passwords import PasswordHasherContract


class TestPasslibHasher(PasswordHasherContract):
    """PasswordHasherContract on argon2id with the default (OWASP) parameters."""

    @pytest.fixture
    def hasher(self) -> PasslibHasher:
        return PasslibHasher()
