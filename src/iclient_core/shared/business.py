"""The business's own settings: what an admin stored, and the settings in force.

Name, postal address, tax number (NIF), contact e-mail and phone, default language, VAT
rates, the quote number prefix, the upload limit and the logo.
Whatever an admin has not set falls back to the installation's configuration
(:class:`~iclient_core.settings.Settings`), so a fresh installation shows the configured name
until someone changes it. Every domain reads them; the staff area edits them
(:mod:`iclient_core.staff.settings`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Protocol

import attrs

from iclient_core.shared.errors import FieldError

if TYPE_CHECKING:
    from iclient_core.settings import Settings

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
        address: the business's postal address (lines joined by ``\\n``), on quotes.
        nif: the business's Portuguese tax number (nine digits), on quotes, or empty.
        quote_prefix: what quote numbers start with (``ORC`` in ``ORC 2026/0007``); empty
            means the configured one.
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
    address: str = ""
    nif: str = ""
    quote_prefix: str = ""
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
    address: str = ""
    """The business's postal address, lines joined by ``\\n`` (empty if not set)."""
    nif: str = ""
    """The business's tax number (empty if not set)."""
    quote_prefix: str = "ORC"
    """What new quote numbers start with."""

    @property
    def address_lines(self) -> tuple[str, ...]:
        """The postal address, line by line."""
        return tuple(line for line in self.address.split("\n") if line)

    @property
    def has_logo(self) -> bool:
        """True when an admin uploaded a logo."""
        return bool(self.logo_sha256)

    @property
    def upload_limit_bytes(self) -> int:
        """The upload limit in bytes."""
        return self.upload_limit_mb * 1024 * 1024


class SettingsRepository(Protocol):
    """Stores the one ``BusinessSettings`` value of the installation, and the portal's
    revision: a counter that changes whenever what every page shows changes (these settings,
    the consent texts), so that web processes may keep those in memory and check only it."""

    def get(self) -> BusinessSettings | None:
        """The stored settings, or None when an admin never saved any."""

    def save(self, settings: BusinessSettings) -> None:
        """Store ``settings``, replacing what was stored (in the caller's transaction)."""

    def revision(self) -> int:
        """The portal's current revision (0 on a new installation)."""

    def bump_revision(self) -> None:
        """Move the revision on, atomically, in the caller's transaction (two transactions
        bumping at once end two apart)."""


def effective(configured: Settings, stored: BusinessSettings | None) -> EffectiveSettings:
    """Fill what ``stored`` leaves empty from the configuration."""
    stored = stored or BusinessSettings()
    return EffectiveSettings(
        business_name=stored.business_name or configured.business_name,
        contact_email=stored.contact_email or configured.contact_email,
        contact_phone=stored.contact_phone,
        default_language=stored.default_language or configured.default_language,
        vat_rates=stored.vat_rates,
        upload_limit_mb=stored.upload_limit_mb,
        logo_sha256=stored.logo_sha256 if stored.logo_key else "",
        address=stored.address,
        nif=stored.nif,
        quote_prefix=stored.quote_prefix or configured.quotes.number_prefix,
    )


QUOTE_PREFIX = re.compile(r"[A-Za-z0-9]{1,12}")
"""What a quote number prefix may be: ASCII letters and digits (it goes into file names)."""


def parse_quote_prefix(text: str | None, errors: list[FieldError]) -> str:
    """A quote number prefix (``ORC``), or ``""`` for the configured one.

    Appends ``quote_prefix_invalid`` when it is not one to twelve ASCII letters or digits.
    """
    raw = (text or "").strip()
    if raw and not QUOTE_PREFIX.fullmatch(raw):
        errors.append(FieldError("quote_prefix", "quote_prefix_invalid"))
        return ""
    return raw


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


def format_rate(rate: Decimal) -> str:
    """A rate as people write it: ``23``, ``5.5``."""
    return format(rate.normalize(), "f")
