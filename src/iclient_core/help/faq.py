"""The FAQ model: questions and answers staff write for clients and visitors."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime

import attrs

QUESTION_MAX = 300
ANSWER_MAX = 20_000
CATEGORY_MAX = 80
ANCHOR_MAX = 80


def fold(text: str) -> str:
    """``text`` lowercased and without accents, to compare or search (``Ação`` → ``acao``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def slug(text: str) -> str:
    """A readable anchor from ``text``: folded, words joined by ``-`` (``question`` if empty)."""
    words = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return words[:ANCHOR_MAX].strip("-") or "question"


def unique_anchor(question: str, taken: Iterable[str]) -> str:
    """The slug of ``question``, with ``-2``, ``-3``… when another entry already has it."""
    used = set(taken)
    base = slug(question)
    anchor, number = base, 1
    while anchor in used:
        number += 1
        anchor = f"{base[: ANCHOR_MAX - len(str(number)) - 1]}-{number}"
    return anchor


@attrs.define
class FaqEntry:
    """One question and its answer, in one language.

    Attributes:
        anchor: the stable fragment of the public page (``/faq#anchor``): the slug of the
            first question, kept when the question is edited, unique within the language.
        answer: Markdown, rendered by the portal's safe renderer.
        category: the group the public page shows it under ("" for the general group).
        position: the order within the language (smaller first).
        published: False while staff keep it out of the public page.
    """

    id: str
    language: str
    anchor: str
    question: str
    answer: str
    category: str
    published: bool
    position: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def write(
        cls,
        *,
        id: str,
        language: str,
        anchor: str,
        question: str,
        answer: str,
        category: str,
        published: bool,
        position: int,
        now: datetime,
    ) -> FaqEntry:
        """A new entry, written ``now``."""
        return cls(
            id=id,
            language=language,
            anchor=anchor,
            question=question,
            answer=answer,
            category=category,
            published=published,
            position=position,
            created_at=now,
            updated_at=now,
        )

    def matches(self, query: str) -> bool:
        """True when every word of ``query`` is in the question, answer or category,
        ignoring case and accents."""
        haystack = fold(f"{self.question}\n{self.answer}\n{self.category}")
        return all(word in haystack for word in fold(query).split())


@attrs.frozen
class FaqGroup:
    """The published entries of one category, in order, as the public page shows them."""

    category: str
    entries: list[FaqEntry]
