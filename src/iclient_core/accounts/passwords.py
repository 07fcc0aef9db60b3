"""The password policy: long passwords of any characters, no composition rules.

After NIST SP 800-63B §5.1.1.2 and OWASP ASVS 6.2: a minimum length (12 by default, never
below 8), a generous maximum, any Unicode (normalised with NFKC before hashing and never
truncated), and refusal of common passwords and of the user's own name, e-mail or the
business's name, with the reason given.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import attrs

from iclient_core.accounts.ports import PasswordStrength
from iclient_core.shared.errors import FieldError, InvalidInput

HARD_MINIMUM = 8
MAXIMUM = 256


def normalise_password(password: str) -> str:
    """NFKC-normalise a password so that the same keys typed anywhere give the same hash."""
    return unicodedata.normalize("NFKC", password)


@attrs.frozen
class PasswordPolicy:
    """Rules a new password must meet.

    Attributes:
        min_length: fewest characters (after normalisation); never below 8.
        max_length: most characters accepted; far above what people type, and a cap on work.
    """

    min_length: int = attrs.field(default=12)
    max_length: int = MAXIMUM

    @min_length.validator
    def _check_min(self, _attribute: object, value: int) -> None:
        if value < HARD_MINIMUM:
            raise ValueError(f"a minimum password length below {HARD_MINIMUM} is not allowed")

    def check(
        self,
        password: str,
        confirm: str | None,
        *,
        strength: PasswordStrength,
        personal: Iterable[str] = (),
        field: str = "password",
    ) -> str:
        """Validate a new password and return it normalised, ready to hash.

        Args:
            password: what the person typed.
            confirm: the repeated entry, or None where the form has none.
            strength: the checker for common and guessable passwords.
            personal: the person's names, e-mail and the business name, which may not be
                used as (or inside) the password.
            field: the form field to report errors against.

        Raises:
            InvalidInput: with codes ``password_mismatch``, ``password_too_short``,
                ``password_too_long``, ``password_personal`` or ``password_common``.
        """
        normalised = normalise_password(password)
        if confirm is not None and normalise_password(confirm) != normalised:
            raise InvalidInput([FieldError("password_confirm", "password_mismatch")])
        if len(normalised) < self.min_length:
            raise InvalidInput([FieldError(field, "password_too_short")])
        if len(normalised) > self.max_length:
            raise InvalidInput([FieldError(field, "password_too_long")])
        folded = normalised.casefold()
        words = _personal_words(personal)
        if any(word in folded for word in words):
            raise InvalidInput([FieldError(field, "password_personal")])
        if strength.is_weak(normalised, user_inputs=sorted(words)):
            raise InvalidInput([FieldError(field, "password_common")])
        return normalised


def _personal_words(values: Iterable[str]) -> set[str]:
    """Split names and e-mail addresses into the words worth refusing (4+ characters)."""
    words: set[str] = set()
    for value in values:
        folded = unicodedata.normalize("NFKC", value).casefold()
        if "@" in folded:  # an e-mail address: its domain (gmail, sapo…) is not personal
            folded = folded.rpartition("@")[0]
        for part in re.split(r"[\s@._+-]+", folded):
            if len(part) >= 4:
                words.add(part)
    return words
