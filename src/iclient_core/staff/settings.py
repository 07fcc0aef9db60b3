"""Use cases on the business's own settings: read the settings in force, and an admin edits
them (name, postal address, tax number, contact e-mail and phone, default language, VAT
rates, quote number prefix, upload limit, logo, accent colour, the landing page's
introduction).

The values and their rules are in :mod:`iclient_core.shared.business`; the logo's bytes go
through the ``FileStorage`` port (see :mod:`iclient_core.staff.logo`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.contact import clean_email
from iclient_core.accounts.model import LANGUAGES, Account
from iclient_core.accounts.permissions import Permission, require
from iclient_core.shared import audit
from iclient_core.shared.business import (
    DEFAULT_UPLOAD_LIMIT_MB,
    MAX_INTRO,
    MAX_UPLOAD_LIMIT_MB,
    BusinessSettings,
    EffectiveSettings,
    effective,
    parse_accent_color,
    parse_quote_prefix,
    parse_vat_rates,
)
from iclient_core.shared.errors import FieldError, InvalidInput
from iclient_core.shared.intake import Upload
from iclient_core.shared.security_log import security_event
from iclient_core.shared.taxid import clean_address, clean_nif
from iclient_core.shared.text import clean_line, clean_markdown
from iclient_core.staff.logo import StoredLogo, check_logo, forget_logo, store_logo

if TYPE_CHECKING:
    from iclient_core.services import Services


def current_settings(*, services: Services) -> EffectiveSettings:
    """The settings in force (public: every page shows the business's name)."""
    with services.uow() as uow:
        return effective(services.settings, uow.settings.get())


def portal_revision(*, services: Services) -> int:
    """The portal's revision: it changes whenever the settings or the consent texts change,
    so that what a process keeps of them in memory is right while it has not (public)."""
    with services.uow() as uow:
        return uow.settings.revision()


def settings_for_editing(*, services: Services, actor: Account) -> BusinessSettings:
    """What an admin stored, to fill the settings form.

    Raises:
        PermissionDenied: the actor may not manage settings.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.SETTINGS_MANAGE)
        return uow.settings.get() or BusinessSettings()


def save_settings(
    *,
    services: Services,
    actor: Account,
    business_name: str | None,
    contact_email: str | None,
    contact_phone: str | None,
    default_language: str | None,
    vat_rates: str | None,
    upload_limit_mb: str | None,
    logo: Upload | None = None,
    remove_logo: bool = False,
    accent_color: str | None = None,
    intro_pt: str | None = None,
    intro_en: str | None = None,
    address: str | None = None,
    nif: str | None = None,
    quote_prefix: str | None = None,
    staff_two_step: bool | None = None,
    ip: str = "-",
) -> BusinessSettings:
    """Validate and store the business settings; the change is audited.

    The logo's bytes are stored under a new key before the settings are committed; the
    previous logo's bytes are removed only after the commit (and the new ones if the
    commit fails), so the stored settings never point at missing bytes.

    Args:
        vat_rates: percentages separated by commas or spaces (``23, 13, 6, 0``), or by
            semicolons when decimals are written with a comma (``23; 5,5; 0``).
        upload_limit_mb: a whole number of megabytes.
        logo: a new logo (PNG or JPEG, told by its leading bytes, at most 1 MB).
        remove_logo: remove the logo (wins over ``logo``).
        accent_color: ``#rrggbb`` with a contrast of 4.5:1 against white and the page
            background, or empty for the portal's own; None keeps what is stored.
        intro_pt: the landing page's introduction in Portuguese (Markdown, up to 5000
            characters), or empty; None keeps what is stored.
        intro_en: the same in English.
        address: the business's postal address, a few lines (empty or None: none).
        nif: the business's Portuguese tax number; its check digit must be right
            (``nif_invalid``; empty or None: none).
        quote_prefix: what quote numbers start with, one to twelve ASCII letters or digits
            (``quote_prefix_invalid``; empty or None: the configured one, ``ORC``).
        staff_two_step: whether staff must sign in in two steps; None keeps what is stored.

    Raises:
        PermissionDenied: the actor may not manage settings.
        InvalidInput: a field is invalid (codes per field; the logo's on ``logo``:
            ``file_empty``, ``file_type_mismatch``, ``logo_type_not_allowed``,
            ``logo_too_large``; the accent colour's: ``accent_color_invalid``,
            ``accent_color_low_contrast``).
    """
    with services.uow() as uow:  # nothing is read or stored for someone who may not
        require(uow, actor, Permission.SETTINGS_MANAGE)
    errors: list[FieldError] = []
    name = ""
    if (business_name or "").strip():
        name = clean_line(business_name, "business_name", errors)
    email = ""
    if (contact_email or "").strip():
        contact = clean_email(services, contact_email, errors, field="contact_email")
        email = contact.address if contact else ""
    phone = ""
    if (contact_phone or "").strip():
        raw_phone = clean_line(contact_phone, "contact_phone", errors, max_length=40)
        if raw_phone:
            try:
                phone = services.contacts.normalise_phone(raw_phone)
            except ValueError:
                errors.append(FieldError("contact_phone", "phone_invalid"))
    language = (default_language or "").strip()
    if language and language not in LANGUAGES:
        errors.append(FieldError("default_language", "invalid_choice"))
    rates = parse_vat_rates(vat_rates, errors)
    limit = _parse_upload_limit(upload_limit_mb, errors)
    postal = clean_address(address, "address", errors)
    tax_number = clean_nif(nif, "nif", errors)
    prefix = parse_quote_prefix(quote_prefix, errors)
    checked = check_logo(logo, errors) if logo is not None and not remove_logo else None
    accent = None if accent_color is None else parse_accent_color(accent_color, errors)
    intros = {
        name: clean_markdown(text, name, errors, max_length=MAX_INTRO)
        for name, text in (("intro_pt", intro_pt), ("intro_en", intro_en))
        if text is not None
    }
    if errors:
        raise InvalidInput(errors)
    new_logo: StoredLogo | None = None
    if checked is not None:
        new_logo = store_logo(services.storage, checked)
    try:
        with services.uow() as uow:
            actor = require(uow, actor, Permission.SETTINGS_MANAGE)
            before = uow.settings.get() or BusinessSettings()
            settings = BusinessSettings(
                business_name=name,
                contact_email=email,
                contact_phone=phone,
                default_language=language,
                vat_rates=rates,
                upload_limit_mb=limit,
                accent_color=before.accent_color if accent is None else accent,
                intro_pt=intros.get("intro_pt", before.intro_pt),
                intro_en=intros.get("intro_en", before.intro_en),
                address=postal,
                nif=tax_number,
                quote_prefix=prefix,
                staff_two_step=before.staff_two_step if staff_two_step is None else staff_two_step,
                **_logo_fields(before, new_logo, remove=remove_logo),
            )
            uow.settings.save(settings)
            changed = _changed(before, settings)
            audit.record(
                services,
                uow,
                actor=actor,
                action="settings.updated",
                target_type="settings",
                summary="Changed "
                + (", ".join(changed) or "nothing")
                + (
                    f" (new logo: {new_logo.content_type}, {new_logo.size} bytes)"
                    if new_logo
                    else ""
                ),
                ip=ip,
                details={"fields": ",".join(changed + (["logo"] if new_logo else []))},
            )
            uow.settings.bump_revision()  # every process re-reads the settings
            uow.commit()
    except BaseException:
        if new_logo is not None:
            forget_logo(services.storage, new_logo.key)
        raise
    if before.logo_key and before.logo_key != settings.logo_key:
        forget_logo(services.storage, before.logo_key)
    security_event("settings_updated", account_id=actor.id, ip=ip, changed=",".join(changed))
    return settings


_LOGO_FIELDS = ("logo_key", "logo_content_type", "logo_sha256")


def _logo_fields(
    before: BusinessSettings, new_logo: StoredLogo | None, *, remove: bool
) -> dict[str, str]:
    if remove:
        return dict.fromkeys(_LOGO_FIELDS, "")
    if new_logo is not None:
        return {
            "logo_key": new_logo.key,
            "logo_content_type": new_logo.content_type,
            "logo_sha256": new_logo.sha256,
        }
    return {name: getattr(before, name) for name in _LOGO_FIELDS}


def _changed(before: BusinessSettings, after: BusinessSettings) -> list[str]:
    """The names of the settings that changed (the logo's three fields as one: ``logo``)."""
    changed = [
        f.name
        for f in attrs.fields(BusinessSettings)
        if f.name not in _LOGO_FIELDS and getattr(before, f.name) != getattr(after, f.name)
    ]
    if before.logo_key != after.logo_key:
        changed.append("logo" if after.logo_key else "logo removed")
    return changed


def _parse_upload_limit(text: str | None, errors: list[FieldError]) -> int:
    raw = (text or "").strip()
    if not raw:
        errors.append(FieldError("upload_limit_mb", "required"))
        return DEFAULT_UPLOAD_LIMIT_MB
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_UPLOAD_LIMIT_MB:
        errors.append(FieldError("upload_limit_mb", "upload_limit_invalid"))
        return DEFAULT_UPLOAD_LIMIT_MB
    return int(raw)
