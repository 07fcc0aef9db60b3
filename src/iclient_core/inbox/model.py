"""Public forms and what people send through them: the inbox staff work from."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs


class FieldKind(enum.StrEnum):
    """What a form field takes, and so how its value is checked."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    EMAIL = "email"
    PHONE = "phone"
    CHOICE = "choice"
    DATE = "date"
    CHECKBOX = "checkbox"


class Status(enum.StrEnum):
    """Where a submission is in staff's work."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"


LANGUAGES = ("pt", "en")
"""The languages every title, intro and label is written in."""


@attrs.frozen
class FormField:
    """One question of a form.

    Attributes:
        name: the field's name in the submitted data (``[a-z][a-z0-9_]*``).
        kind: what it takes.
        required: whether it must be filled in (a required checkbox must be ticked).
        label_pt: the label in Portuguese.
        label_en: the label in English.
        choices: the options of a ``choice`` field (the same words in both languages).
    """

    name: str
    kind: FieldKind
    required: bool
    label_pt: str
    label_en: str
    choices: tuple[str, ...] = ()

    def label(self, language: str) -> str:
        """The label in ``language`` (English for any language but Portuguese)."""
        return self.label_pt if language == "pt" else self.label_en


@attrs.define
class Form:
    """A public form at ``/<lang>/form/<slug>``, edited by admins.

    Attributes:
        slug: its address, unique (``contact``, ``demo``).
        fields: the questions, in order; name, e-mail, phone and the consent to be contacted
            are asked by every form besides these (see ``PERSON_FIELDS``).
        published: whether the public sees it.
        version: bumped at every save (optimistic locking).
    """

    id: str
    slug: str
    title_pt: str
    title_en: str
    intro_pt: str
    intro_en: str
    fields: tuple[FormField, ...]
    published: bool
    created_at: datetime
    updated_at: datetime
    version: int = 1

    def title(self, language: str) -> str:
        """The title in ``language``."""
        return self.title_pt if language == "pt" else self.title_en

    def intro(self, language: str) -> str:
        """The introduction in ``language``."""
        return self.intro_pt if language == "pt" else self.intro_en


@attrs.frozen
class Note:
    """An internal note a staff member wrote on a submission (never shown to the sender)."""

    at: datetime
    author_id: str
    author_label: str
    text: str


@attrs.define
class Submission:
    """What one person sent through a form, and staff's work on it.

    Attributes:
        form_slug: the form's slug when it was sent (kept if the form changes).
        values: the answers to the form's own fields, by field name, as text.
        language: the language the person wrote in (their acknowledgement's language).
        contact_consent_at: when they agreed to be contacted (every form asks).
        account_id: the client account that sent it while signed in, if any.
        assignee_id: the staff member who looks after it, if any.
        notes: internal notes, oldest first.
    """

    id: str
    form_id: str
    form_slug: str
    values: dict[str, str]
    name: str
    email: str
    phone: str
    language: str
    contact_consent_at: datetime
    account_id: str | None
    status: Status
    assignee_id: str | None
    notes: tuple[Note, ...]
    created_at: datetime
    updated_at: datetime
    version: int = 1

    @classmethod
    def receive(
        cls,
        *,
        id: str,
        form: Form,
        values: dict[str, str],
        name: str,
        email: str,
        phone: str,
        language: str,
        account_id: str | None,
        now: datetime,
    ) -> Submission:
        """A new submission of ``form``, waiting for staff."""
        return cls(
            id=id,
            form_id=form.id,
            form_slug=form.slug,
            values=dict(values),
            name=name,
            email=email,
            phone=phone,
            language=language,
            contact_consent_at=now,
            account_id=account_id,
            status=Status.NEW,
            assignee_id=None,
            notes=(),
            created_at=now,
            updated_at=now,
        )
