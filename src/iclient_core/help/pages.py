"""Help on every page: the explanation each page of the portal shows behind its help
button, as shipped with the portal, and the texts an admin wrote in their place.

The shipped texts belong to the portal that shows the pages (the bundled one keeps them as
Markdown files beside its templates); the core keeps only what an admin wrote instead, one
text per page and language, through the :class:`PageHelpRepository` port. Every change moves
the portal's revision on, so that a process that keeps the texts in memory reads them again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from iclient_core.accounts.model import LANGUAGES, Account
from iclient_core.accounts.permissions import Permission, require
from iclient_core.help.page_ports import PageHelpText
from iclient_core.shared import audit
from iclient_core.shared.errors import FieldError, InvalidInput
from iclient_core.shared.text import clean_markdown

if TYPE_CHECKING:
    from iclient_core.services import Services


MAX_PAGE_HELP = 10_000
"""The longest help text an admin may write for one page, in characters."""

_PAGE_NAME = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")


def page_help_overrides(*, services: Services) -> Mapping[tuple[str, str], str]:
    """Every text admins wrote, by ``(page, language)`` (public: every page shows its help)."""
    with services.uow() as uow:
        return {(t.page, t.language): t.text for t in uow.page_help.list()}


def page_help_for_editing(
    *, services: Services, actor: Account, page: str, language: str
) -> PageHelpText | None:
    """What an admin wrote for ``page`` in ``language``, to fill the edit form.

    Raises:
        PermissionDenied: the actor may not manage settings.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.SETTINGS_MANAGE)
        return uow.page_help.get(page, language)


def written_page_help(
    *, services: Services, actor: Account
) -> Mapping[tuple[str, str], PageHelpText]:
    """Every text admins wrote, by ``(page, language)``, for the list of pages with help (two
    statements, however many pages there are).

    Raises:
        PermissionDenied: the actor may not manage settings.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.SETTINGS_MANAGE)
        return {(t.page, t.language): t for t in uow.page_help.list()}


def _check_page(page: str, language: str, errors: list[FieldError]) -> None:
    if not _PAGE_NAME.fullmatch(page) or len(page) > 100:
        errors.append(FieldError("page", "invalid_choice"))
    if language not in LANGUAGES:
        errors.append(FieldError("language", "invalid_choice"))


def save_page_help(
    *,
    services: Services,
    actor: Account,
    page: str,
    language: str,
    text: str | None,
    ip: str = "-",
) -> PageHelpText:
    """Store an admin's explanation of ``page`` in ``language``; the change is audited.

    Args:
        page: the page's name (lower-case words joined by dots and underscores).
        language: ``pt`` or ``en``.
        text: Markdown, up to :data:`MAX_PAGE_HELP` characters; required.

    Raises:
        PermissionDenied: the actor may not manage settings.
        InvalidInput: ``text`` is empty (``required``), too long (``too_long``) or has
            control characters (``invalid_characters``); ``page`` or ``language`` is not a
            valid name (``invalid_choice``).
    """
    with services.uow() as uow:
        require(uow, actor, Permission.SETTINGS_MANAGE)
    errors: list[FieldError] = []
    _check_page(page, language, errors)
    cleaned = clean_markdown(text, "text", errors, max_length=MAX_PAGE_HELP)
    if not cleaned and not any(e.field == "text" for e in errors):
        errors.append(FieldError("text", "required"))
    if errors:
        raise InvalidInput(errors)
    written = PageHelpText(
        page=page, language=language, text=cleaned, updated_at=services.clock.now()
    )
    with services.uow() as uow:
        actor = require(uow, actor, Permission.SETTINGS_MANAGE)
        uow.page_help.save(written)
        audit.record(
            services,
            uow,
            actor=actor,
            action="help.page_updated",
            target_type="page_help",
            target_id=f"{page}:{language}",
            summary=f"Wrote the help of page {page} ({language}), {len(cleaned)} characters",
            ip=ip,
            details={"page": page, "language": language},
        )
        uow.settings.bump_revision()  # every process reads the help texts again
        uow.commit()
    return written


def restore_page_help(
    *, services: Services, actor: Account, page: str, language: str, ip: str = "-"
) -> bool:
    """Forget what an admin wrote for ``page`` in ``language``: the shipped text shows again.

    Returns:
        True when there was a text to forget (only then is the change audited).

    Raises:
        PermissionDenied: the actor may not manage settings.
        InvalidInput: ``page`` or ``language`` is not a valid name (``invalid_choice``).
    """
    errors: list[FieldError] = []
    _check_page(page, language, errors)
    with services.uow() as uow:
        actor = require(uow, actor, Permission.SETTINGS_MANAGE)
        if errors:
            raise InvalidInput(errors)
        if uow.page_help.get(page, language) is None:
            return False
        uow.page_help.remove(page, language)
        audit.record(
            services,
            uow,
            actor=actor,
            action="help.page_restored",
            target_type="page_help",
            target_id=f"{page}:{language}",
            summary=f"Restored the shipped help of page {page} ({language})",
            ip=ip,
            details={"page": page, "language": language},
        )
        uow.settings.bump_revision()
        uow.commit()
    return True
