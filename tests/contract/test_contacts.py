"""The contact data contract over the bundled validator (email-validator, phonenumbers), for
Portugal and for another default country."""

from __future__ import annotations

import pytest

from iclient_adapters.contacts import StandardContactValidator
from iclient_adapters.testing.contacts import ContactValidatorContract


class TestStandardContactValidator(ContactValidatorContract):
    """ContactValidatorContract with Portugal as the default country."""

    @pytest.fixture
    def contacts(self) -> StandardContactValidator:
        return StandardContactValidator()


class TestStandardContactValidatorInSpain(ContactValidatorContract):
    """ContactValidatorContract with another default country."""

    @pytest.fixture
    def contacts(self) -> StandardContactValidator:
        return StandardContactValidator(default_region="ES")
