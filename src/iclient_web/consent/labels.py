"""How the consent pages name kinds of consent and languages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "terms": _l("Terms and Conditions"),
    "privacy": _l("Privacy Policy"),
    "marketing": _l("Marketing"),
}
"""Readable names of the kinds a first install defines; kinds an admin adds show their key."""

IN_LANGUAGE = {"pt": _l("in Portuguese"), "en": _l("in English")}
"""A language, as the end of "not available …" (lowercase in Portuguese mid-sentence)."""

LANGUAGE_NAMES = {"pt": "Português", "en": "English"}
"""Each language in its own name, as language pickers show them."""


def kind_label(key: str) -> str:
    """The readable name of a kind of consent (its key when an admin made it up)."""
    label = KIND_LABELS.get(key)
    return str(label) if label is not None else key


def in_language(code: str) -> str:
    """``in English``, ``in Portuguese``… (the code itself for a language the portal lacks)."""
    label = IN_LANGUAGE.get(code)
    return str(label) if label is not None else code


def language_name(code: str) -> str:
    """A language's own name (``Português``, ``English``)."""
    return LANGUAGE_NAMES.get(code, code)
