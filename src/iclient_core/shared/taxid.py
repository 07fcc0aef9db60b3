"""Portuguese tax numbers (NIF) and postal addresses, as businesses and clients type them.

A NIF has nine digits, the last a check digit: the first eight weighted 9 down to 2, summed,
and eleven minus the remainder by eleven (0 when that is 10 or 11). Businesses and clients
write it with spaces, dots or a ``PT`` prefix; it is kept as the nine digits.
"""

from __future__ import annotations

import re
import unicodedata

from iclient_core.shared.errors import FieldError

MAX_ADDRESS = 500
"""Longest postal address, all lines together."""

MAX_ADDRESS_LINES = 6
"""Most lines a postal address may have."""

_SEPARATORS = re.compile(r"[\s.\-]+")


def nif_check_digit(first_eight: str) -> int:
    """The check digit of a NIF's first eight digits."""
    weights = range(9, 1, -1)
    total = sum(int(digit) * weight for digit, weight in zip(first_eight, weights, strict=True))
    digit = 11 - total % 11
    return 0 if digit >= 10 else digit


def is_valid_nif(nif: str) -> bool:
    """True for nine ASCII digits whose last is the check digit of the first eight."""
    return (
        len(nif) == 9
        and nif.isascii()
        and nif.isdigit()
        and int(nif[8]) == nif_check_digit(nif[:8])
    )


def clean_nif(value: str | None, field: str, errors: list[FieldError]) -> str:
    """A NIF as typed (``PT 123 456 789``, ``123.456.789``) as its nine digits, or ``""``
    when empty (a NIF is optional).

    Appends ``nif_invalid`` to ``errors`` (and returns ``""``) when it is not nine digits
    with the right check digit.
    """
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))
    if text[:2].upper() == "PT":
        text = text[2:]
    if not text:
        return ""
    if not is_valid_nif(text):
        errors.append(FieldError(field, "nif_invalid"))
        return ""
    return text


def clean_address(value: str | None, field: str, errors: list[FieldError]) -> str:
    """A postal address of a few lines, or ``""`` when empty (it is optional).

    Each line is trimmed and its spaces collapsed; blank lines go. Appends
    ``invalid_characters`` (control or format characters), ``too_long`` or
    ``too_many_lines`` to ``errors`` and returns ``""`` when it is bad.
    """
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in text if ch != "\n"):
        errors.append(FieldError(field, "invalid_characters"))
        return ""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [line for line in lines if line]
    address = "\n".join(lines)
    if len(address) > MAX_ADDRESS:
        errors.append(FieldError(field, "too_long"))
        return ""
    if len(lines) > MAX_ADDRESS_LINES:
        errors.append(FieldError(field, "too_many_lines"))
        return ""
    return address
