"""The business's own settings: what an admin stored, and the settings in force.

Name, postal address, tax number (NIF), contact e-mail and phone, default language, VAT
rates, the quote number prefix, the upload limit, the logo, the accent colour of the portal's
pages and the landing page's introduction (Portuguese and English).
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
MAX_INTRO = 5000
"""The longest landing-page introduction, per language, in characters."""

PAGE_BACKGROUND = "#f4f6f9"
"""The portal's page background (the stylesheet's ``--bg``): the accent colour must read on it
as text (links), and white text must read on the accent (buttons)."""

MIN_CONTRAST = 4.5
"""WCAG 2's minimum contrast ratio for normal text (level AA)."""


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
        accent_color: the pages' accent colour as ``#rrggbb`` (lower case), or empty (the
            portal's own blue).
        intro_pt: the landing page's introduction in Portuguese (Markdown), or empty.
        intro_en: the same in English, or empty.
        staff_two_step: staff must sign in in two steps (a member of staff without a second
            step is taken to set one up before anything else).
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
    accent_color: str = ""
    intro_pt: str = ""
    intro_en: str = ""
    staff_two_step: bool = False

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
    accent_color: str = ""
    """``#rrggbb``, or empty for the portal's own accent colour."""
    intro_pt: str = ""
    """The landing page's introduction in Portuguese (Markdown), or empty."""
    intro_en: str = ""
    """The landing page's introduction in English (Markdown), or empty."""

    address: str = ""
    """The business's postal address, lines joined by ``\\n`` (empty if not set)."""
    nif: str = ""
    """The business's tax number (empty if not set)."""
    quote_prefix: str = "ORC"
    staff_two_step: bool = False
    """What new quote numbers start with."""

    def intro(self, language: str) -> str:
        """The landing page's introduction in ``language``, else in the other language
        (a text in the other language is better than none), else empty."""
        texts = {"pt": self.intro_pt, "en": self.intro_en}
        return texts.get(language) or self.intro_pt or self.intro_en

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
        accent_color=stored.accent_color,
        intro_pt=stored.intro_pt,
        intro_en=stored.intro_en,
        address=stored.address,
        nif=stored.nif,
        quote_prefix=stored.quote_prefix or configured.quotes.number_prefix,
        staff_two_step=stored.staff_two_step,
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


_HEX_COLOR = re.compile(r"^#?([0-9a-fA-F]{6})$")


def relative_luminance(color: str) -> float:
    """The WCAG 2 relative luminance of ``#rrggbb`` (0 for black, 1 for white)."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(one: str, other: str) -> float:
    """The WCAG 2 contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def parse_accent_color(text: str | None, errors: list[FieldError]) -> str:
    """Read an accent colour: empty (the portal's own), or ``#rrggbb`` (the ``#`` may be left
    out) dark enough that white text reads on it and it reads as text on the page background
    (a contrast of at least 4.5:1 both ways). Returns it as lower-case ``#rrggbb``."""
    raw = (text or "").strip()
    if not raw:
        return ""
    found = _HEX_COLOR.match(raw)
    if not found:
        errors.append(FieldError("accent_color", "accent_color_invalid"))
        return ""
    color = "#" + found.group(1).lower()
    if min(contrast_ratio(color, "#ffffff"), contrast_ratio(color, PAGE_BACKGROUND)) < (
        MIN_CONTRAST
    ):
        errors.append(FieldError("accent_color", "accent_color_low_contrast"))
        return ""
    return color
