"""The password strength contract over the bundled zxcvbn estimator."""

from __future__ import annotations

import pytest

from iclient_adapters.strength import ZxcvbnStrength
from iclient_adapters.testing.strength import PasswordStrengthContract


class TestZxcvbnStrength(PasswordStrengthContract):
    """PasswordStrengthContract on zxcvbn with the default minimum score."""

    @pytest.fixture
    def strength(self) -> ZxcvbnStrength:
        return ZxcvbnStrength()
