"""The password strength contract: what every ``PasswordStrength`` adapter must do.

Mix :class:`PasswordStrengthContract` into a test class that provides a ``strength``
fixture::

    class TestMyStrength(PasswordStrengthContract):
        @pytest.fixture
        def strength(self):
            return MyStrength()

Needs pytest.
"""

from __future__ import annotations

import pytest

from iclient_core.accounts.passwords import MAXIMUM
from iclient_core.accounts.ports import PasswordStrength

COMMON = ["password1234", "qwertyuiop123", "aaaaaaaaaaaaaa", "iloveyou2026", "123456789012"]
"""Passwords on every list of the most used ones, or patterns any guesser tries first."""

REPEATED = ["1234567890" * 4, "password1" * 5, "abcdefgh" * 5, "Password123!" * 4]
"""Long, but only a common password over and over."""

STRONG = [
    "violet tugboat umbrella",
    "quiet lanterns drift over harbours and nobody minds",
    "8305 1927 6641 0283",
    "açãõ€🙂日本語Ωжדלעبñü",
]
"""Passphrases and random-looking strings that no guesser reaches in reasonable time."""


class PasswordStrengthContract:
    """Needs ``strength``: the ``PasswordStrength`` under test. Checks that common passwords
    and long repetitions of them are weak, that unusual passphrases of any script are not, that
    the person's own words make a password weak, and that passwords up to the policy's maximum
    length are judged."""

    @pytest.mark.parametrize("password", COMMON)
    def test_strength_common_passwords_are_weak(
        self, strength: PasswordStrength, password: str
    ) -> None:
        assert strength.is_weak(password, user_inputs=[]) is True

    @pytest.mark.parametrize("password", REPEATED)
    def test_strength_a_long_repetition_of_a_common_password_is_weak(
        self, strength: PasswordStrength, password: str
    ) -> None:
        assert strength.is_weak(password, user_inputs=[]) is True

    @pytest.mark.parametrize("password", STRONG)
    def test_strength_unusual_passphrases_are_not_weak(
        self, strength: PasswordStrength, password: str
    ) -> None:
        assert strength.is_weak(password, user_inputs=[]) is False

    def test_strength_the_persons_own_words_make_a_password_weak(
        self, strength: PasswordStrength
    ) -> None:
        """Invented words: only knowing them (they are the person's names) makes it guessable."""
        password = "brumovskiquetzalina"
        assert strength.is_weak(password, user_inputs=[]) is False
        assert strength.is_weak(password, user_inputs=["brumovski", "quetzalina"]) is True

    def test_strength_passwords_up_to_the_maximum_length_are_judged(
        self, strength: PasswordStrength
    ) -> None:
        assert strength.is_weak("x" * MAXIMUM, user_inputs=[]) is True
        long_passphrase = (" ".join(STRONG) * 10)[:MAXIMUM]
        assert strength.is_weak(long_passphrase, user_inputs=["ana", "sousa"]) is False
