"""How the portal writes amounts, dates, times, phone numbers and sizes: one place, one style
per language, used by every page, the quote PDF and (through the same words) the e-mails.

- Amounts: ``1.690,96 €`` (pt), ``€1,690.96`` (en), from integer cents.
- Dates: ``29/11/2026`` (pt), ``29 Nov 2026`` (en); times add ``17:05`` in the business's
  time zone.
- Phones: international format with spaces, ``+351 912 345 678``.

The core words its e-mails without any locale library (:meth:`Money.format`,
``iclient_core.shared.wording.format_date``); these functions give the same text, and a test
holds both to it.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

from iclient_core.shared.money import Money, Quantity, format_rate

LANGUAGES = ("pt", "en")

_CURRENCY = {"pt": ("pt", "#,##0.00\u00a0¤"), "en": ("en", "¤#,##0.00")}
"""Babel's locale for the symbols and the pattern: pt-PT groups thousands with a dot."""

_DATE = {"pt": "dd/MM/yyyy", "en": "d MMM yyyy"}
_MOMENT = {"pt": "dd/MM/yyyy HH:mm", "en": "d MMM yyyy HH:mm"}


def _language(lang: str) -> str:
    return lang if lang in LANGUAGES else LANGUAGES[0]


def money(amount: Money | None, lang: str) -> str:
    """An amount: ``1.690,96 €`` (pt), ``€1,690.96`` (en); empty for None."""
    if amount is None:
        return ""
    return _money(amount.cents, amount.currency, _language(lang))


@lru_cache(maxsize=4096)
def _money(cents: int, currency: str, lang: str) -> str:
    # Babel is the slow part of a list page: each amount is written once per language.
    locale, pattern = _CURRENCY[lang]
    value = Decimal(cents).scaleb(-2)
    return str(
        format_currency(value, currency, format=pattern, locale=locale, currency_digits=False)
    )


def quantity(amount: Quantity, lang: str) -> str:
    """A quantity with up to three decimals: ``120,5`` (pt), ``120.5`` (en)."""
    locale = _CURRENCY[_language(lang)][0]
    return str(
        format_decimal(Decimal(amount.thousandths).scaleb(-3), format="#,##0.###", locale=locale)
    )


def rate(basis_points: int, lang: str) -> str:
    """A VAT rate: ``23 %`` (pt), ``23%`` (en)."""
    return format_rate(basis_points, _language(lang))


def day(value: date | None, lang: str) -> str:
    """A calendar day: ``29/11/2026`` (pt), ``29 Nov 2026`` (en); empty for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return _day(value, _language(lang))


@lru_cache(maxsize=4096)
def _day(value: date, lang: str) -> str:
    return str(format_date(value, _DATE[lang], locale=lang))


def moment(value: datetime | None, lang: str, zone: tzinfo | None) -> str:
    """A time in the business's time zone: ``29/11/2026 17:05`` (pt), ``29 Nov 2026 17:05``
    (en); empty for None."""
    if value is None:
        return ""
    lang = _language(lang)
    if zone is None:
        return str(format_datetime(value, _MOMENT[lang], tzinfo=zone, locale=lang))
    # The day as :func:`day` writes it (kept per day), then the hour and minute, 24-hour.
    local = value.astimezone(zone)
    return f"{_day(local.date(), lang)} {local:%H:%M}"


def local_day(value: datetime | None, lang: str, zone: tzinfo | None) -> str:
    """The day of a time in the business's time zone, as :func:`day` writes it."""
    if value is None:
        return ""
    lang = _language(lang)
    if zone is None:
        return str(format_datetime(value, _DATE[lang], tzinfo=zone, locale=lang))
    return _day(value.astimezone(zone).date(), lang)  # a list's rows share a few days


def phone(number: str | None) -> str:
    """A stored (E.164) number in international format: ``+351 912 345 678``.

    What cannot be read as a number is shown as it is.
    """
    if not number:
        return ""
    return _phone(number)


@lru_cache(maxsize=4096)
def _phone(number: str) -> str:
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, None if number.startswith("+") else "PT")
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_possible_number(parsed):
        return number
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def filesize(size: int | None, lang: str) -> str:
    """``2,4 MB`` (pt), ``2.4 MB`` (en); ``—`` when unknown."""
    if size is None:
        return "—"
    return _filesize(size, _language(lang))


@lru_cache(maxsize=4096)
def _filesize(size: int, lang: str) -> str:
    locale = _CURRENCY[lang][0]
    value = Decimal(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            pattern = "#,##0" if unit == "B" else "#,##0.#"
            return f"{format_decimal(value, format=pattern, locale=locale)}\u00a0{unit}"
        value /= 1000
    raise AssertionError("unreachable")
