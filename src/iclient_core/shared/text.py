"""Cleaning of free text typed into forms: one place for the rules on names and similar."""

from __future__ import annotations

import unicodedata

from iclient_core.shared.errors import FieldError

_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
"""Characters that count as letters or symbols but draw nothing (Hangul fillers, the blank
Braille pattern)."""


def _visible(ch: str) -> bool:
    """Whether ``ch`` draws something by itself (not a space, a mark or a blank filler)."""
    category = unicodedata.category(ch)
    return category[0] in "LNPS" and ch not in _BLANK_LETTERS


def _script(ch: str) -> str:
    """The writing system of a letter, from its Unicode name (``LATIN``, ``CYRILLIC``, …)."""
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "UNKNOWN"
    first = name.replace("-", " ").split(" ", 1)[0]  # KATAKANA-HIRAGANA PROLONGED SOUND MARK
    return "HAN" if first == "CJK" else first


# Scripts that are written together (UTS #39's "highly restrictive" combinations).
_SCRIPT_FAMILIES = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
)


def mixes_scripts(text: str) -> bool:
    """Whether the letters of ``text`` come from writing systems not used together, as a
    Cyrillic ``а`` among Latin letters in ``аna``: such text only looks like another.

    Digits, punctuation and marks belong to no script; Japanese (Han with kana), Korean
    and Chinese with Latin letters are one writing each.
    """
    scripts = {
        _script(ch)
        for ch in unicodedata.normalize("NFKC", text)
        if unicodedata.category(ch).startswith("L")
    }
    if len(scripts) < 2:
        return False
    return not any(scripts <= family for family in _SCRIPT_FAMILIES)


def clean_line(
    value: str | None, field: str, errors: list[FieldError], *, max_length: int = 100
) -> str:
    """Normalise a one-line text field; append a ``FieldError`` and return ``""`` if it is bad.

    NFC-normalises, trims and collapses whitespace; refuses control and format characters
    (which hide text or forge headers), empty values, values made only of invisible or
    combining characters (``invisible_only``) and values over ``max_length``.
    """
    text = unicodedata.normalize("NFC", value or "")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in text):
        errors.append(FieldError(field, "invalid_characters"))
        return ""
    text = " ".join(text.split())
    if not text:
        errors.append(FieldError(field, "required"))
        return ""
    if not any(_visible(ch) for ch in text):
        errors.append(FieldError(field, "invisible_only"))
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
