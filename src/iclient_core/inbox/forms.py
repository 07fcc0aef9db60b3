"""Use cases on the public forms: the two ready forms, the form builder, the public view."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import Permission, require
from iclient_core.inbox.model import FieldKind, Form, FormField
from iclient_core.shared import audit
from iclient_core.shared.errors import (
    AlreadyExists,
    FieldError,
    InvalidInput,
    NotFound,
)
from iclient_core.shared.text import clean_line, clean_markdown

if TYPE_CHECKING:
    from iclient_core.services import Services

PERSON_FIELDS = frozenset({"name", "email", "phone", "contact_consent", "website", "csrf_token"})
"""Names every form asks or uses itself (the person, the consent, the honeypot, CSRF): a
form's own fields may not take them."""

MAX_FIELDS = 30
"""Most questions a form may have."""

MAX_CHOICES = 30
"""Most options a choice field may have."""

_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")


def _field(name: str, kind: FieldKind, required: bool, pt: str, en: str) -> FormField:
    return FormField(name=name, kind=kind, required=required, label_pt=pt, label_en=en)


DEFAULT_FORMS: tuple[tuple[str, str, str, str, str, tuple[FormField, ...]], ...] = (
    (
        "contact",
        "Pedido de contacto",
        "Contact request",
        "Deixe-nos os seus dados e a sua mensagem: entraremos em contacto consigo.",
        "Leave us your details and your message: we will get in touch with you.",
        (
            _field("subject", FieldKind.TEXT, True, "Assunto", "Subject"),
            _field("message", FieldKind.LONG_TEXT, True, "Mensagem", "Message"),
            _field(
                "preferred_time",
                FieldKind.TEXT,
                False,
                "Melhor altura para o contactarmos",
                "Best time to contact you",
            ),
        ),
    ),
    (
        "demo",
        "Pedido de demonstração",
        "Demo request",
        "Marque uma demonstração do portal: mostramos-lhe como funciona.",
        "Book a demonstration of the portal: we will show you how it works.",
        (
            _field("company", FieldKind.TEXT, False, "Empresa", "Company"),
            _field("preferred_date", FieldKind.DATE, False, "Data preferida", "Preferred date"),
            _field("message", FieldKind.LONG_TEXT, False, "Mensagem", "Message"),
        ),
    ),
)
"""The contact and demo request forms a new portal starts with (admins may edit them)."""


def ensure_default_forms(*, services: Services) -> int:
    """Create the ready forms that do not exist yet; returns how many it created."""
    created = 0
    with services.uow() as uow:
        now = services.clock.now()
        for slug, title_pt, title_en, intro_pt, intro_en, fields in DEFAULT_FORMS:
            if uow.inbox.form_by_slug(slug) is not None:
                continue
            uow.inbox.add_form(
                Form(
                    id=services.ids.new_id(),
                    slug=slug,
                    title_pt=title_pt,
                    title_en=title_en,
                    intro_pt=intro_pt,
                    intro_en=intro_en,
                    fields=fields,
                    published=True,
                    created_at=now,
                    updated_at=now,
                )
            )
            created += 1
        uow.commit()
    return created


def published_form(*, services: Services, slug: str) -> Form:
    """The published form at ``slug``, for the public page.

    Raises:
        NotFound: no such form, or not published.
    """
    with services.uow() as uow:
        form = uow.inbox.form_by_slug(slug)
    if form is None or not form.published:
        raise NotFound()
    return form


def list_forms(*, services: Services, actor: Account) -> Sequence[Form]:
    """Every form, for admins.

    Raises:
        PermissionDenied: the actor may not change settings.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.SETTINGS_MANAGE)
        return uow.inbox.forms()


def all_forms(*, services: Services, actor: Account) -> Sequence[Form]:
    """Every form, for staff who read the inbox (to name and filter by them).

    Raises:
        PermissionDenied: the actor is not staff who manage clients.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.CLIENTS_MANAGE)
        return uow.inbox.forms()


def get_form(*, services: Services, actor: Account, form_id: str) -> Form:
    """One form, for admins.

    Raises:
        PermissionDenied: the actor may not change settings.
        NotFound: no such form.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.SETTINGS_MANAGE)
        form = uow.inbox.get_form(form_id)
    if form is None:
        raise NotFound()
    return form


@attrs.frozen
class FieldInput:
    """A form field as an admin typed it (choices one per line)."""

    name: str | None
    kind: str | None
    required: bool
    label_pt: str | None
    label_en: str | None
    choices: str | None = ""


def _clean_fields(fields: Sequence[FieldInput], errors: list[FieldError]) -> tuple[FormField, ...]:
    cleaned: list[FormField] = []
    seen: set[str] = set()
    if len(fields) > MAX_FIELDS:
        errors.append(FieldError("fields", "too_many"))
        return ()
    for position, raw in enumerate(fields):
        where = f"fields-{position}"
        name = (raw.name or "").strip()
        if not _NAME.fullmatch(name) or name in PERSON_FIELDS:
            errors.append(FieldError(f"{where}-name", "field_name_invalid"))
        elif name in seen:
            errors.append(FieldError(f"{where}-name", "field_name_taken"))
        seen.add(name)
        try:
            kind = FieldKind(raw.kind or "")
        except ValueError:
            errors.append(FieldError(f"{where}-kind", "invalid_choice"))
            kind = FieldKind.TEXT
        label_pt = clean_line(raw.label_pt, f"{where}-label_pt", errors, max_length=200)
        label_en = clean_line(raw.label_en, f"{where}-label_en", errors, max_length=200)
        choices: tuple[str, ...] = ()
        if kind is FieldKind.CHOICE:
            lines = [line for line in (raw.choices or "").splitlines() if line.strip()]
            found: list[FieldError] = []
            choices = tuple(
                clean_line(line, f"{where}-choices", found, max_length=100) for line in lines
            )
            if found:
                errors.append(found[0])
            elif not choices:
                errors.append(FieldError(f"{where}-choices", "required"))
            elif len(choices) > MAX_CHOICES or len(set(choices)) != len(choices):
                errors.append(FieldError(f"{where}-choices", "choices_invalid"))
        cleaned.append(
            FormField(
                name=name,
                kind=kind,
                required=bool(raw.required),
                label_pt=label_pt,
                label_en=label_en,
                choices=choices,
            )
        )
    return tuple(cleaned)


def save_form(
    *,
    services: Services,
    actor: Account,
    form_id: str | None,
    slug: str | None,
    title_pt: str | None,
    title_en: str | None,
    intro_pt: str | None,
    intro_en: str | None,
    fields: Sequence[FieldInput],
    published: bool,
    ip: str,
) -> Form:
    """Create a form (``form_id`` None) or change one: its address, texts and fields.

    Raises:
        InvalidInput: a text is missing or too long, the slug is malformed or taken, or a
            field is bad (``fields-<n>-<what>``).
        PermissionDenied: the actor may not change settings.
        NotFound: no form ``form_id``.
        ConcurrentUpdate: someone saved it meanwhile.
    """
    errors: list[FieldError] = []
    clean_slug = (slug or "").strip().lower()
    if not _SLUG.fullmatch(clean_slug):
        errors.append(FieldError("slug", "slug_invalid"))
    texts = {
        "title_pt": clean_line(title_pt, "title_pt", errors, max_length=200),
        "title_en": clean_line(title_en, "title_en", errors, max_length=200),
        "intro_pt": clean_markdown(intro_pt, "intro_pt", errors, max_length=2000),
        "intro_en": clean_markdown(intro_en, "intro_en", errors, max_length=2000),
    }
    cleaned = _clean_fields(fields, errors)
    if errors:
        raise InvalidInput(errors)
    with services.uow() as uow:
        actor = require(uow, actor, Permission.SETTINGS_MANAGE)
        now = services.clock.now()
        taken = uow.inbox.form_by_slug(clean_slug)
        if taken is not None and taken.id != form_id:
            raise InvalidInput.single("slug", "slug_taken")
        if form_id is None:
            form = Form(
                id=services.ids.new_id(),
                slug=clean_slug,
                title_pt=texts["title_pt"],
                title_en=texts["title_en"],
                intro_pt=texts["intro_pt"],
                intro_en=texts["intro_en"],
                fields=cleaned,
                published=published,
                created_at=now,
                updated_at=now,
            )
            uow.inbox.add_form(form)
            action = "form.created"
        else:
            found = uow.inbox.get_form(form_id)
            if found is None:
                raise NotFound()
            form = attrs.evolve(
                found, slug=clean_slug, fields=cleaned, published=published, updated_at=now
            )
            for name, value in texts.items():
                setattr(form, name, value)
            uow.inbox.save_form(form)
            action = "form.updated"
        audit.record(
            services,
            uow,
            actor=actor,
            action=action,
            target_type="form",
            target_id=form.id,
            subject_id="",
            summary=f"{clean_slug}: {texts['title_en']}",
            details={"slug": clean_slug, "published": published, "fields": len(cleaned)},
            ip=ip,
        )
        try:
            uow.commit()
        except AlreadyExists:
            raise InvalidInput.single("slug", "slug_taken") from None
    return form


def set_published(
    *, services: Services, actor: Account, form_id: str, published: bool, ip: str
) -> Form:
    """Show a form to the public, or take it down (its submissions stay in the inbox).

    Raises:
        PermissionDenied: the actor may not change settings.
        NotFound: no such form.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.SETTINGS_MANAGE)
        form = uow.inbox.get_form(form_id)
        if form is None:
            raise NotFound()
        form.published = published
        form.updated_at = services.clock.now()
        uow.inbox.save_form(form)
        audit.record(
            services,
            uow,
            actor=actor,
            action="form.published" if published else "form.unpublished",
            target_type="form",
            target_id=form.id,
            subject_id="",
            summary=form.slug,
            details={"slug": form.slug},
            ip=ip,
        )
        uow.commit()
    return form


__all__ = [
    "DEFAULT_FORMS",
    "PERSON_FIELDS",
    "FieldInput",
    "all_forms",
    "ensure_default_forms",
    "get_form",
    "list_forms",
    "published_form",
    "save_form",
    "set_published",
]
