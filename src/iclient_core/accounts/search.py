"""How staff searches for accounts: the text typed is cut into words that every adapter matches
the same way (the in-memory adapter uses :func:`matches`; SQL adapters translate it).

A word matches when it occurs, ignoring case, in the first name, the last name or the e-mail
key (all three in :func:`search_text`); a word that looks like part of a phone number
(``912``, ``+351``, ``912-345``) also matches when its digits occur in the stored E.164
phone. Every word must match: ``ana 912`` finds the Anas whose phone holds ``912``.
"""

from __future__ import annotations

import unicodedata

import attrs

from iclient_core.accounts.model import Account

MAX_WORDS = 6
"""Words beyond this many are ignored (a search box, not a query language)."""

MAX_WORD_LENGTH = 100

_PHONE_CHARACTERS = frozenset("0123456789+-(). /")
_DIGITS = frozenset("0123456789")


@attrs.frozen
class SearchWord:
    """One word of a search.

    Attributes:
        text: the word lower-cased, compared with the lower-cased names and the e-mail key.
        digits: for a phone-like word of 3 or more digits, those digits; else None.
    """

    text: str
    digits: str | None


def search_words(text: str | None) -> list[SearchWord]:
    """Cut a search text into words (NFKC-normalised, lower-cased, at most ``MAX_WORDS``).

    Control and format characters separate words: they match nothing, and PostgreSQL
    refuses a NUL in a query parameter.
    """
    normalised = "".join(
        ch if not unicodedata.category(ch).startswith("C") else " "  # no NUL for PostgreSQL
        for ch in unicodedata.normalize("NFKC", text or "")
    )
    words: list[SearchWord] = []
    for raw in normalised.split()[:MAX_WORDS]:
        word = raw[:MAX_WORD_LENGTH]
        digits = "".join(ch for ch in word if ch in _DIGITS)
        phone_like = len(digits) >= 3 and all(ch in _PHONE_CHARACTERS for ch in word)
        words.append(SearchWord(text=word.lower(), digits=digits if phone_like else None))
    return words


def search_text(account: Account) -> str:
    """The text a word is looked for in: the lower-cased first and last names and the e-mail
    key, joined by spaces.

    No word holds a space, so a word found in this text lies within one of the three: an
    adapter may keep it beside the account (and index it) instead of the three fields.
    """
    return " ".join(
        (account.profile.first_name.lower(), account.profile.last_name.lower(), account.email.key)
    )


def matches(account: Account, words: list[SearchWord]) -> bool:
    """Whether ``account`` matches every word (the reference behaviour for adapters)."""
    text = search_text(account)
    return all(
        word.text in text or (word.digits is not None and word.digits in account.profile.phone)
        for word in words
    )
