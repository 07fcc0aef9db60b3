"""FAQ use cases: staff write, order and publish questions; everyone reads the published ones."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.model import LANGUAGES, Account
from iclient_core.accounts.permissions import Permission, require
from iclient_core.help.faq import (
    ANSWER_MAX,
    CATEGORY_MAX,
    QUESTION_MAX,
    FaqEntry,
    FaqGroup,
    unique_anchor,
)
from iclient_core.shared import audit
from iclient_core.shared.errors import FieldError, InvalidInput, NotFound
from iclient_core.shared.text import clean_line

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

DEFAULTS_PUBLISHED = "faq.defaults_published"


@attrs.frozen
class FaqInput:
    """What staff typed: every field as received (None when missing)."""

    question: str | None
    answer: str | None
    category: str | None
    language: str | None
    published: bool


def _clean_answer(answer: str | None, errors: list[FieldError]) -> str:
    text = (answer or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        errors.append(FieldError("answer", "required"))
    elif len(text) > ANSWER_MAX:
        errors.append(FieldError("answer", "too_long"))
    elif any(
        ch not in "\n\t" and unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"}
        for ch in text
    ):
        errors.append(FieldError("answer", "invalid_characters"))
    return text


def validate(given: FaqInput) -> tuple[str, str, str, str]:
    """Check an entry; returns (question, answer, category, language).

    Raises:
        InvalidInput: a missing or too long question or answer, a too long category, bad
            characters, or a language the portal does not speak.
    """
    errors: list[FieldError] = []
    question = clean_line(given.question, "question", errors, max_length=QUESTION_MAX)
    answer = _clean_answer(given.answer, errors)
    category = ""
    if (given.category or "").strip():
        category = clean_line(given.category, "category", errors, max_length=CATEGORY_MAX)
    if given.language not in LANGUAGES:
        errors.append(FieldError("language", "invalid_choice"))
    if errors:
        raise InvalidInput(errors)
    assert given.language is not None
    return question, answer, category, given.language


def faq_entries(*, services: Services, actor: Account) -> list[FaqEntry]:
    """Every entry, published or not, by language then order, for staff.

    Raises:
        PermissionDenied: the actor may not manage the FAQ.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.FAQ_MANAGE)
        return list(uow.faq.list())


def faq_entry(*, services: Services, actor: Account, entry_id: str) -> FaqEntry:
    """One entry, for staff to edit.

    Raises:
        PermissionDenied: the actor may not manage the FAQ.
        NotFound: no entry has this id.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.FAQ_MANAGE)
        entry = uow.faq.get(entry_id)
    if entry is None:
        raise NotFound(entry_id)
    return entry


def _record(
    services: Services, uow: UnitOfWork, actor: Account, action: str, entry: FaqEntry, ip: str
) -> None:
    audit.record(
        services,
        uow,
        actor=actor,
        action=action,
        target_type="faq",
        target_id=entry.id,
        summary=f"{entry.language}: {entry.question}",
        ip=ip,
        details={"question": entry.question, "language": entry.language},
    )


def add_faq_entry(
    *, services: Services, actor: Account, given: FaqInput, ip: str = "-"
) -> FaqEntry:
    """Write a new entry, last in its language; its anchor is the slug of the question.

    Raises:
        PermissionDenied: the actor may not manage the FAQ.
        InvalidInput: see :func:`validate`.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.FAQ_MANAGE)
        question, answer, category, language = validate(given)
        same = uow.faq.list(language=language)
        entry = FaqEntry.write(
            id=services.ids.new_id(),
            language=language,
            anchor=unique_anchor(question, (e.anchor for e in same)),
            question=question,
            answer=answer,
            category=category,
            published=given.published,
            position=max((e.position for e in same), default=0) + 1,
            now=services.clock.now(),
        )
        uow.faq.add(entry)
        _record(services, uow, actor, "faq.created", entry, ip)
        uow.commit()
    return entry


def edit_faq_entry(
    *, services: Services, actor: Account, entry_id: str, given: FaqInput, ip: str = "-"
) -> FaqEntry:
    """Change an entry's texts, category and publication; its anchor stays, so links to it
    keep working. Moving it to another language gives it an anchor (and place) there.

    Raises:
        PermissionDenied: the actor may not manage the FAQ.
        NotFound: no entry has this id.
        InvalidInput: see :func:`validate`.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.FAQ_MANAGE)
        entry = uow.faq.get(entry_id)
        if entry is None:
            raise NotFound(entry_id)
        question, answer, category, language = validate(given)
        changed = attrs.evolve(
            entry,
            question=question,
            answer=answer,
            category=category,
            published=given.published,
            updated_at=services.clock.now(),
        )
        if language != entry.language:
            there = uow.faq.list(language=language)
            changed = attrs.evolve(
                changed,
                language=language,
                anchor=unique_anchor(entry.anchor, (e.anchor for e in there)),
                position=max((e.position for e in there), default=0) + 1,
            )
        uow.faq.update(changed)
        action = "faq.edited"
        if entry.published != changed.published:
            action = "faq.published" if changed.published else "faq.unpublished"
        _record(services, uow, actor, action, changed, ip)
        uow.commit()
    return changed


def delete_faq_entry(*, services: Services, actor: Account, entry_id: str, ip: str = "-") -> None:
    """Remove an entry for good.

    Raises:
        PermissionDenied: the actor may not manage the FAQ.
        NotFound: no entry has this id.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.FAQ_MANAGE)
        entry = uow.faq.get(entry_id)
        if entry is None:
            raise NotFound(entry_id)
        uow.faq.delete(entry_id)
        _record(services, uow, actor, "faq.deleted", entry, ip)
        uow.commit()


def move_faq_entry(
    *, services: Services, actor: Account, entry_id: str, up: bool, ip: str = "-"
) -> None:
    """Swap an entry with the one before (``up``) or after it in its language.

    Nothing changes when it is already first (or last).

    Raises:
        PermissionDenied: the actor may not manage the FAQ.
        NotFound: no entry has this id.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.FAQ_MANAGE)
        entry = uow.faq.get(entry_id)
        if entry is None:
            raise NotFound(entry_id)
        order = list(uow.faq.list(language=entry.language))
        index = next(i for i, e in enumerate(order) if e.id == entry_id)
        other_index = index - 1 if up else index + 1
        if not 0 <= other_index < len(order):
            return
        other = order[other_index]
        # renumber the whole language, so that equal positions cannot stall a move
        order[index], order[other_index] = other, entry
        for position, item in enumerate(order, start=1):
            if item.position != position:
                uow.faq.update(attrs.evolve(item, position=position))
        _record(services, uow, actor, "faq.reordered", entry, ip)
        uow.commit()


def published_faq(*, services: Services, language: str, query: str = "") -> list[FaqGroup]:
    """The published entries of ``language`` matching ``query`` (every word, ignoring case
    and accents), grouped by category in the order of each category's first entry."""
    with services.uow() as uow:
        entries = uow.faq.list(language=language, published=True)
    groups: dict[str, list[FaqEntry]] = {}
    for entry in entries:
        if entry.matches(query[:200]):
            groups.setdefault(entry.category, []).append(entry)
    return [FaqGroup(category=name, entries=found) for name, found in groups.items()]


def ensure_default_faq(*, services: Services) -> bool:
    """On a first install, write the starting FAQ in every language, published.

    Staff edit or delete those entries like any other; they are written once, never again
    (not even when staff have deleted them all).

    Returns True when it wrote them, False when the FAQ was set up before.
    """
    from iclient_core.help.faq_defaults import DEFAULT_FAQ

    with services.uow() as uow:
        if uow.audit.count(action=DEFAULTS_PUBLISHED) or uow.faq.list():
            return False
        now = services.clock.now()
        for language, entries in DEFAULT_FAQ.items():
            taken: list[str] = []
            for position, (category, question, answer) in enumerate(entries, start=1):
                entry = FaqEntry.write(
                    id=services.ids.new_id(),
                    language=language,
                    anchor=unique_anchor(question, taken),
                    question=question,
                    answer=answer,
                    category=category,
                    published=True,
                    position=position,
                    now=now,
                )
                taken.append(entry.anchor)
                uow.faq.add(entry)
        audit.record(
            services,
            uow,
            actor=None,
            action=DEFAULTS_PUBLISHED,
            target_type="faq",
            summary="starting FAQ written",
            details={"count": sum(len(e) for e in DEFAULT_FAQ.values())},
        )
        uow.commit()
    return True
