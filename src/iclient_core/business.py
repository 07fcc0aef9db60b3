"""The business's own settings, edited by an admin and stored in the database.

Name, contact e-mail and phone, default language, VAT rates, the upload limit and the logo
(whose bytes go through the ``FileStorage`` port, see :mod:`iclient_core.logo`). Whatever
an admin has not set falls back to the configuration (``Services.settings``), so a fresh
installation shows the configured name until someone changes it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Protocol, runtime_checkable

import attrs

from iclient_core import audit
from iclient_core.accounts import LANGUAGES, Account
from iclient_core.errors import FieldError, InvalidInput, NotFound
from iclient_core.logo import (
    LogoUpload,
    StoredLogo,
    check_logo,
    forget_logo,
    store_logo,
)
from iclient_core.permissions import Permission, require
from iclient_core.ports import UnitOfWork
from iclient_core.registration import clean_email
from iclient_core.security_log import security_event
from iclient_core.services import Services
from iclient_core.storage import FileStorage, ObjectNotFound, ObjectReader
from iclient_core.text import clean_line

DEFAULT_VAT_RATES: tuple[Decimal, ...] = (Decimal(23), Decimal(13), Decimal(6), Decimal(0))
"""Portugal's standard, intermediate, reduced and exempt rates (mainland)."""

DEFAULT_UPLOAD_LIMIT_MB = 100
MAX_UPLOAD_LIMIT_MB = 5000
MAX_VAT_RATES = 10


@attrs.frozen
class BusinessSettings:
    """What an admin stored. Empty texts mean "use the configured value".

    Attributes:
        business_name: shown in the portal's pages and e-mails.
        contact_email: shown in the portal's footer and in e-mails.
        contact_phone: in E.164 form, or empty.
        default_language: a language the portal speaks, or empty.
        vat_rates: percentages offered on quotes, in the admin's order.
        upload_limit_mb: the largest document staff may upload, in megabytes.
        logo_key: the storage key of the logo's bytes, or empty (no logo).
        logo_content_type: ``image/png`` or ``image/jpeg`` (empty without a logo).
        logo_sha256: the SHA-256 of the logo's bytes, hex (empty without a logo).
    """

    business_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    default_language: str = ""
    vat_rates: tuple[Decimal, ...] = DEFAULT_VAT_RATES
    upload_limit_mb: int = DEFAULT_UPLOAD_LIMIT_MB
    logo_key: str = ""
    logo_content_type: str = ""
    logo_sha256: str = ""

    @property
    def has_logo(self) -> bool:
        """True when an admin uploaded a logo."""
        return bool(self.logo_key)


@attrs.frozen
class EffectiveSettings:
    """The settings in force: the stored ones, with the configuration filling the gaps."""

    business_name: str
    contact_email: str
    contact_phone: str
    default_language: str
    vat_rates: tuple[Decimal, ...]
    upload_limit_mb: int
    logo_sha256: str = ""
    """The SHA-256 of the logo's bytes, or empty when there is no logo."""

    @property
    def has_logo(self) -> bool:
        """True when an admin uploaded a logo."""
        return bool(self.logo_sha256)

    @property
    def upload_limit_bytes(self) -> int:
        """The upload limit in bytes."""
        return self.upload_limit_mb * 1024 * 1024


class SettingsRepository(Protocol):
    """Stores the one ``BusinessSettings`` value of the installation."""

    def get(self) -> BusinessSettings | None:
        """The stored settings, or None when an admin never saved any."""

    def save(self, settings: BusinessSettings) -> None:
        """Store ``settings``, replacing what was stored (in the caller's transaction)."""


def effective(services: Services, stored: BusinessSettings | None) -> EffectiveSettings:
    """Fill what ``stored`` leaves empty from the configuration."""
    stored = stored or BusinessSettings()
    configured = services.settings
    return EffectiveSettings(
        business_name=stored.business_name or configured.business_name,
        contact_email=stored.contact_email or configured.contact_email,
        contact_phone=stored.contact_phone,
        default_language=stored.default_language or configured.default_language,
        vat_rates=stored.vat_rates,
        upload_limit_mb=stored.upload_limit_mb,
        logo_sha256=stored.logo_sha256 if stored.logo_key else "",
    )


def effective_in(services: Services, uow: UnitOfWork) -> EffectiveSettings:
    """The settings in force, read in the caller's transaction."""
    return effective(services, uow.settings.get())


def current_settings(*, services: Services) -> EffectiveSettings:
    """The settings in force (public: every page shows the business's name)."""
    with services.uow() as uow:
        return effective_in(services, uow)


def settings_for_editing(*, services: Services, actor: Account) -> BusinessSettings:
    """What an admin stored, to fill the settings form.

    Raises:
        PermissionDenied: the actor may not manage settings.
    """
    require(actor, Permission.SETTINGS_MANAGE)
    with services.uow() as uow:
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
    storage: FileStorage | None = None,
    logo: LogoUpload | None = None,
    remove_logo: bool = False,
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
        storage: where logos are stored (needed when ``logo`` or ``remove_logo`` is given).
        logo: a new logo (PNG or JPEG, told by its leading bytes, at most 1 MB).
        remove_logo: remove the logo (wins over ``logo``).

    Raises:
        PermissionDenied: the actor may not manage settings.
        InvalidInput: a field is invalid (codes per field; the logo's on ``logo``:
            ``file_empty``, ``file_type_mismatch``, ``logo_type_not_allowed``,
            ``logo_too_large``).
    """
    require(actor, Permission.SETTINGS_MANAGE)
    if (logo is not None or remove_logo) and storage is None:
        raise ValueError("a storage is needed to change the logo")
    errors: list[FieldError] = []
    name = ""
    if (business_name or "").strip():
        name = clean_line(business_name, "business_name", errors)
    email = ""
    if (contact_email or "").strip():
        address = clean_email(services, contact_email, errors, field="contact_email")
        email = address.address if address else ""
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
    checked = check_logo(logo, errors) if logo is not None and not remove_logo else None
    if errors:
        raise InvalidInput(errors)
    new_logo: StoredLogo | None = None
    if checked is not None and storage is not None:
        new_logo = store_logo(storage, checked)
    try:
        with services.uow() as uow:
            before = uow.settings.get() or BusinessSettings()
            settings = BusinessSettings(
                business_name=name,
                contact_email=email,
                contact_phone=phone,
                default_language=language,
                vat_rates=rates,
                upload_limit_mb=limit,
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
            )
            uow.commit()
    except BaseException:
        if new_logo is not None and storage is not None:
            forget_logo(storage, new_logo.key)
        raise
    if before.logo_key and before.logo_key != settings.logo_key and storage is not None:
        forget_logo(storage, before.logo_key)
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


@attrs.frozen
class OpenedLogo:
    """The logo, open for streaming: close ``reader`` when done."""

    reader: ObjectReader
    content_type: str
    sha256: str


def open_logo(*, services: Services, storage: FileStorage) -> OpenedLogo:
    """The business's logo, to serve (public: it shows on the sign-in page and in e-mails).

    Raises:
        NotFound: no logo is set (or its bytes are missing).
    """
    with services.uow() as uow:
        stored = uow.settings.get()
    if stored is None or not stored.logo_key:
        raise NotFound()
    try:
        reader = storage.open(stored.logo_key)
    except ObjectNotFound:
        raise NotFound() from None
    return OpenedLogo(
        reader=reader, content_type=stored.logo_content_type, sha256=stored.logo_sha256
    )


@runtime_checkable
class LogoLinks(Protocol):
    """The absolute address of the logo, for e-mails.

    A ``Links`` adapter may implement it too (the bundled ``PortalLinks`` does); if it does
    not, e-mails show no logo.
    """

    def logo(self, version: str) -> str:
        """The public logo's address; ``version`` changes with the logo (cache busting)."""


def logo_url(services: Services, stored: BusinessSettings | None) -> str:
    """The logo's absolute address for e-mails, or empty when there is none."""
    links = services.links
    if stored is None or not stored.logo_key or not isinstance(links, LogoLinks):
        return ""
    return links.logo(stored.logo_sha256[:16])


_RATE = re.compile(r"^\d{1,3}(\.\d{1,2})?$")


def parse_vat_rates(text: str | None, errors: list[FieldError]) -> tuple[Decimal, ...]:
    """Read a list of VAT percentages (0 to 100, at most two decimals, no repeats).

    Semicolons separate when present (then ``5,5`` is five and a half); otherwise commas
    and spaces separate.
    """
    raw = (text or "").strip()
    tokens = re.split(r"[;\s]+" if ";" in raw else r"[,\s]+", raw)
    rates: list[Decimal] = []
    for token in (t.replace(",", ".") for t in tokens if t):
        if not _RATE.match(token):
            errors.append(FieldError("vat_rates", "vat_rates_invalid"))
            return DEFAULT_VAT_RATES
        try:
            rate = Decimal(token)
        except InvalidOperation:  # pragma: no cover - the pattern already refused it
            errors.append(FieldError("vat_rates", "vat_rates_invalid"))
            return DEFAULT_VAT_RATES
        if rate > 100:
            errors.append(FieldError("vat_rates", "vat_rates_invalid"))
            return DEFAULT_VAT_RATES
        if rate not in rates:
            rates.append(rate)
    if not rates:
        errors.append(FieldError("vat_rates", "required"))
        return DEFAULT_VAT_RATES
    if len(rates) > MAX_VAT_RATES:
        errors.append(FieldError("vat_rates", "vat_rates_invalid"))
        return DEFAULT_VAT_RATES
    return tuple(rates)


def _parse_upload_limit(text: str | None, errors: list[FieldError]) -> int:
    raw = (text or "").strip()
    if not raw:
        errors.append(FieldError("upload_limit_mb", "required"))
        return DEFAULT_UPLOAD_LIMIT_MB
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_UPLOAD_LIMIT_MB:
        errors.append(FieldError("upload_limit_mb", "upload_limit_invalid"))
        return DEFAULT_UPLOAD_LIMIT_MB
    return int(raw)


def format_rate(rate: Decimal) -> str:
    """A rate as people write it: ``23``, ``5.5``."""
    return format(rate.normalize(), "f")
