"""Cleaning of free text typed into forms: one place for the rules on names and similar."""

from __future__ import annotations

import unicodedata

from iclient_core.shared.errors import FieldError


def clean_line(
    value: str | None, field: str, errors: list[FieldError], *, max_length: int = 100
) -> str:
    """Normalise a one-line text field; append a ``FieldError`` and return ``""`` if it is bad.

    NFC-normalises, trims and collapses whitespace; refuses control and format characters
    (which hide text or forge headers), empty values and values over ``max_length``.
    """
    text = unicodedata.normalize("NFC", value or "")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in text):
        errors.append(FieldError(field, "invalid_characters"))
        return ""
    text = " ".join(text.split())
    if not text:
        errors.append(FieldError(field, "required"))
        return ""
    if len(text) > max_length:
        errors.append(FieldError(field, "too_long"))
        return ""
    return text


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``1 session``, ``2 sessions``: a count and its noun in English log and audit lines.

    Args:
        count: how many.
        singular: the noun for one.
        plural: the noun for any other count (``singular`` + ``s`` by default).
    """
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
