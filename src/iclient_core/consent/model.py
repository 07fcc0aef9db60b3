"""The consent model: what a client is asked to accept, and the proof that they did."""

from __future__ import annotations

import difflib
import enum
import hashlib
import re
from datetime import datetime

import attrs

TERMS = "terms"
PRIVACY = "privacy"
MARKETING = "marketing"

BUSINESS = "{business}"
"""Where an example text names the business: replaced by its name in force when shown."""


class Method(enum.StrEnum):
    """How a consent was given or withdrawn."""

    PORTAL_FORM = "portal_form"
    STAFF_ON_BEHALF = "staff_on_behalf"


class Action(enum.StrEnum):
    """What a record says happened."""

    ACCEPTED = "accepted"
    WITHDRAWN = "withdrawn"


@attrs.frozen
class ConsentKind:
    """A kind of text clients consent to (``terms``, ``privacy``, ``marketing``…).

    Attributes:
        key: a short stable identifier (lowercase letters, digits, ``-``/``_``).
        required: True when nobody passes the gate without accepting its current version.
    """

    key: str
    required: bool
    created_at: datetime


def content_hash(title: str, body: str, language: str) -> str:
    """SHA-256 of exactly what was shown, so a record proves which text was accepted."""
    material = "\x1f".join((language, title, body)).encode()
    return hashlib.sha256(material).hexdigest()


@attrs.frozen
class ConsentVersion:
    """One published text of a kind. Published versions never change: a new text is a new
    version (or a translation of the current version into another language).

    Attributes:
        number: the version of the kind (1, 2, …); translations share their number.
        example: True for the texts a first install publishes, to be replaced by the business.
    """

    id: str
    kind: str
    number: int
    language: str
    title: str
    body: str
    published_at: datetime
    published_by: str | None
    content_hash: str
    example: bool = False

    @classmethod
    def publish(
        cls,
        *,
        id: str,
        kind: str,
        number: int,
        language: str,
        title: str,
        body: str,
        now: datetime,
        published_by: str | None,
        example: bool = False,
    ) -> ConsentVersion:
        """A new published version, its content hash computed from the text."""
        return cls(
            id=id,
            kind=kind,
            number=number,
            language=language,
            title=title,
            body=body,
            published_at=now,
            published_by=published_by,
            content_hash=content_hash(title, body, language),
            example=example,
        )

    def shown_for(self, business: str, *, written_as: str = "") -> ConsentVersion:
        """The version as readers see it: an example text names the business in force, so
        it follows a rename. Other texts are shown as published.

        Example texts name the business as :data:`BUSINESS`; those an earlier install
        published have the name it was configured with written in instead (``written_as``),
        which is replaced as a whole word. The content hash is the one of the text shown, so
        that a record made from it proves what was read, business name included.
        """
        if not self.example:
            return self
        if BUSINESS in self.title + self.body:
            title = self.title.replace(BUSINESS, business)
            body = self.body.replace(BUSINESS, business)
        elif written_as and written_as != business:
            name = re.compile(rf"(?<!\w){re.escape(written_as)}(?!\w)")
            title = name.sub(lambda _match: business, self.title)
            body = name.sub(lambda _match: business, self.body)
        else:
            return self
        return attrs.evolve(
            self, title=title, body=body, content_hash=content_hash(title, body, self.language)
        )


@attrs.frozen
class ConsentRecord:
    """Evidence of one acceptance or withdrawal. Never updated, never deleted.

    Attributes:
        account_id: who; kept (pseudonymous) when the account's personal data is erased.
        staff_id: the staff member who recorded it on the client's behalf, if any.
    """

    id: str
    account_id: str
    kind: str
    version_number: int
    version_id: str
    language: str
    content_hash: str
    action: Action
    at: datetime
    ip: str
    user_agent: str
    method: Method
    staff_id: str | None = None


def text_for(versions: list[ConsentVersion], language: str, fallback: str) -> ConsentVersion:
    """The version to show among translations of one number: the language, else a fallback."""
    by_language = {v.language: v for v in versions}
    return by_language.get(language) or by_language.get(fallback) or versions[0]


def diff(old: str, new: str) -> list[tuple[str, str]]:
    """Line changes from ``old`` to ``new`` as (``"+"``, ``"-"`` or ``" "``, line)."""
    changes: list[tuple[str, str]] = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        tag, text = line[:1], line[2:]
        if tag in {"+", "-", " "}:
            changes.append((tag, text))
    return changes
