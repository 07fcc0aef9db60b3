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


def clean_markdown(
    value: str | None, field: str, errors: list[FieldError], *, max_length: int
) -> str:
    """Normalise a multi-line text written in Markdown; empty is allowed.

    NFC-normalises, makes line ends ``\\n``, trims trailing spaces and the text's ends (the
    indentation that Markdown reads is kept); refuses control and format characters other
    than newlines and tabs, and texts over ``max_length``. Appends a ``FieldError`` and
    returns ``""`` when the text is bad.
    """
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    bad = {"Cc", "Cf", "Cs", "Co", "Cn"}
    if any(unicodedata.category(ch) in bad and ch not in "\n\t" for ch in text):
        errors.append(FieldError(field, "invalid_characters"))
        return ""
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n").rstrip()
    if len(text) > max_length:
        errors.append(FieldError(field, "too_long"))
        return ""
    return text
