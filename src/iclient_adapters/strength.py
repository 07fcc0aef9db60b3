"""Guessability of passwords with ``zxcvbn`` (Dropbox's estimator)."""

from __future__ import annotations

from collections.abc import Sequence

# zxcvbn's work grows quickly with length; what makes a long password weak shows in its start.
_SCORED_PREFIX = 72  # zxcvbn refuses longer input


class ZxcvbnStrength:
    """The ``PasswordStrength`` port.

    Args:
        min_score: zxcvbn score (0–4) a password needs; 3 means "safely unguessable against
            an online attack, moderate protection offline".
    """

    def __init__(self, *, min_score: int = 3) -> None:
        self._min_score = min_score

    def is_weak(self, password: str, *, user_inputs: Sequence[str]) -> bool:
        """True when zxcvbn scores the password below ``min_score``."""
        from zxcvbn import zxcvbn  # its dictionaries load at the first check, not at start-up

        result = zxcvbn(password[:_SCORED_PREFIX], user_inputs=list(user_inputs))
        return int(result["score"]) < self._min_score
