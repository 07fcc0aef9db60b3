"""Money, quantities and rates as integers, and the strict reading of numbers people type.

- ``Money``: integer cents and an ISO 4217 currency code (EUR by default).
- ``Quantity``: integer thousandths of a unit (``1,5`` kg is ``Quantity(1500)``).
- VAT rates and percentages: integer basis points (23 % is ``2300``).

Nothing here (or anywhere in the money path) uses ``float``: a float cannot hold 0.10
exactly, and a sum of floats depends on its order. Rounding is done once, with integers,
by :func:`div_round_half_up`.

How typed numbers are read (:func:`parse_amount`, :func:`parse_quantity`,
:func:`parse_percent`) — the same rules for every form, whatever its language:

1. Only ASCII digits, one decimal mark (``,`` or ``.``) and grouping are accepted. Anything
   else is refused: signs other than a leading minus (which is refused as ``negative``),
   exponents (``1e309``), ``NaN``, ``inf``, underscores, other scripts' digits.
2. Grouping is ``.``, ``,`` or a space (also the no-break spaces), in groups of three digits
   after a first group of one to three: ``1.234.567``, ``1 234 567``, ``1,234,567``.
3. When both ``,`` and ``.`` appear, the last one is the decimal mark: ``1.234,56`` and
   ``1,234.56`` are both 1234.56. A space is only ever grouping: ``1 234,56``.
4. A single ``,`` or ``.`` is the decimal mark (``12,5`` and ``12.5`` are both 12.50), except
   when it is followed by exactly three digits after one to three leading digits (``1.234``,
   ``1,234``): that is ambiguous, and the form's language decides as its speakers write —
   in ``pt`` ``.`` groups and ``,`` is decimal; in ``en`` ``,`` groups and ``.`` is decimal.
   So ``1.234`` is 1234 in Portuguese and 1.234 in English (where, for an amount with at
   most two decimals, it is refused as ``too_many_decimals``).
5. At most two decimals for amounts and percentages and three for quantities; at most
   :data:`MAX_INPUT_LENGTH` characters; limits on size per kind (:data:`MAX_AMOUNT_CENTS`,
   :data:`MAX_QUANTITY_THOUSANDTHS`).
"""

from __future__ import annotations

import re

import attrs

DEFAULT_CURRENCY = "EUR"
"""The currency of amounts when none is said."""

MAX_INPUT_LENGTH = 32
"""Longest text read as a number."""

MAX_AMOUNT_CENTS = 99_999_999_999
"""Largest amount accepted anywhere (999 999 999,99): far above any quote, far below overflow."""

MAX_QUANTITY_THOUSANDTHS = 1_000_000_000
"""Largest quantity accepted: one million units."""

FULL_PERCENT = 10_000
"""100 % in basis points."""

_GROUP_SPACES = frozenset(" \u00a0\u202f\u2009")
_ALLOWED = frozenset("0123456789,.") | _GROUP_SPACES
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:G[0-9]{3})+")


class NumberRefused(ValueError):
    """Typed text is not an acceptable number; ``code`` says why.

    Codes: ``required``, ``number_invalid``, ``number_negative``, ``too_many_decimals``,
    ``too_large``, ``must_be_positive``, ``out_of_range``.
    """

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def div_round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded to the nearest integer, halves away from zero.

    For the non-negative amounts of a quote this is the usual commercial "half-up": 0.5 cent
    becomes 1 cent. Only integers go in and out.

    Raises:
        ValueError: ``denominator`` is not positive.
    """
    if denominator <= 0:
        raise ValueError("the denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def _require_int(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    # bool is an int subclass and float converts silently elsewhere: both are refused here.
    if type(value) is not int:
        raise TypeError(f"{attribute.name} must be an int, not {type(value).__name__}")


def _currency_code(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not (isinstance(value, str) and len(value) == 3 and value.isascii() and value.isupper()):
        raise ValueError(f"{attribute.name} must be an ISO 4217 code like EUR, not {value!r}")


@attrs.frozen
class Money:
    """An amount in integer cents (minor units) of one currency.

    Build from typed text with :func:`parse_amount`; arithmetic only between equal currencies.
    """

    cents: int = attrs.field(validator=_require_int)
    currency: str = attrs.field(default=DEFAULT_CURRENCY, validator=_currency_code)

    @classmethod
    def zero(cls, currency: str = DEFAULT_CURRENCY) -> Money:
        """No money in ``currency``."""
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.cents + other.cents, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.cents - other.cents, self.currency)

    def format(self, language: str) -> str:
        """The amount as people of ``language`` read it: ``1.234,56 €`` (pt), ``€1,234.56`` (en).

        The web pages use Babel for the same result; this one serves e-mails, which the core
        words without any locale library. Currencies other than EUR show their code.
        """
        sign = "-" if self.cents < 0 else ""
        units, cents = divmod(abs(self.cents), 100)
        if language == "en":
            number = f"{group_digits(units, ',')}.{cents:02d}"
            symbol = "€" if self.currency == "EUR" else f"{self.currency}\u00a0"
            return f"{sign}{symbol}{number}"
        number = f"{group_digits(units, '.')},{cents:02d}"
        symbol = "€" if self.currency == "EUR" else self.currency
        return f"{sign}{number}\u00a0{symbol}"

    def to_input(self, language: str) -> str:
        """The amount as it is put back into a form field: ``1234,56`` (pt), ``1234.56`` (en).

        No grouping, always two decimals: :func:`parse_amount` reads it back unchanged.
        """
        return scaled_to_input(self.cents, 2, language)


@attrs.frozen(order=True)
class Quantity:
    """A quantity in integer thousandths of a unit (three decimals: ``0,125`` kg)."""

    thousandths: int = attrs.field(validator=_require_int)

    @classmethod
    def units(cls, count: int) -> Quantity:
        """A whole number of units."""
        return cls(count * 1000)

    def to_input(self, language: str) -> str:
        """The quantity for a form field, without trailing zeros: ``2``, ``1,5``, ``0,125``."""
        return scaled_to_input(self.thousandths, 3, language, trim=True)


def power_of_ten(exponent: int) -> int:
    """``10 ** exponent`` for ``exponent ≥ 0``, always an ``int`` (``10 ** -2`` is a float)."""
    if exponent < 0:
        raise ValueError("only non-negative exponents")
    return int("1" + "0" * exponent)


def group_digits(value: int, separator: str) -> str:
    """A non-negative integer with ``separator`` between groups of three digits."""
    digits = str(value)
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(groups)


def scaled_to_input(value: int, decimals: int, language: str, *, trim: bool = False) -> str:
    """``value`` (in units of 10**-decimals) as plain text with the language's decimal mark."""
    mark = "." if language == "en" else ","
    sign = "-" if value < 0 else ""
    whole, fraction = divmod(abs(value), power_of_ten(decimals))
    text = f"{fraction:0{decimals}d}"
    if trim:
        text = text.rstrip("0")
    return f"{sign}{whole}{mark}{text}" if text else f"{sign}{whole}"


def format_rate(basis_points: int, language: str) -> str:
    """A rate for people: ``23 %`` (pt), ``23%`` (en), ``5,5 %``."""
    text = scaled_to_input(basis_points, 2, language, trim=True)
    return f"{text}%" if language == "en" else f"{text}\u00a0%"


def parse_scaled(text: str | None, *, decimals: int, language: str) -> int:
    """Read typed text as an integer count of ``10**-decimals`` units (see the module's rules).

    Args:
        text: what was typed.
        decimals: how many decimals are allowed (2 for cents, 3 for thousandths).
        language: the form's language, which decides the ambiguous ``1.234``/``1,234``.

    Raises:
        NumberRefused: ``required``, ``number_invalid``, ``number_negative`` or
            ``too_many_decimals``.
    """
    raw = (text or "").strip()
    if not raw:
        raise NumberRefused("required")
    if len(raw) > MAX_INPUT_LENGTH:
        raise NumberRefused("number_invalid")
    negative = raw[0] in "-\u2212"
    if negative:
        raw = raw[1:].lstrip()
    if not raw or any(ch not in _ALLOWED for ch in raw):
        raise NumberRefused("number_invalid")
    whole, fraction = _split(raw, language)
    if not whole and not fraction:
        raise NumberRefused("number_invalid")
    if negative:
        raise NumberRefused("number_negative")
    if len(fraction) > decimals:
        raise NumberRefused("too_many_decimals")
    return int(whole or "0") * power_of_ten(decimals) + int(fraction.ljust(decimals, "0") or "0")


def _split(raw: str, language: str) -> tuple[str, str]:
    """The integer digits and the decimal digits of ``raw`` (grouping checked and removed)."""
    commas, dots = raw.count(","), raw.count(".")
    spaces = sum(1 for ch in raw if ch in _GROUP_SPACES)
    mark: str | None
    if commas and dots:
        mark = "," if raw.rfind(",") > raw.rfind(".") else "."
    elif commas + dots == 0:
        mark = None
    else:
        single = "," if commas else "."
        if commas + dots > 1:
            mark = None  # only ever grouping: 1.234.567
        else:
            head, _, tail = raw.partition(single)
            ambiguous = len(tail) == 3 and tail.isdigit() and _GROUPED.fullmatch(f"{head}G{tail}")
            if ambiguous and not spaces:
                decimal_mark = "." if language == "en" else ","
                mark = single if single == decimal_mark else None
            else:
                mark = single
    if mark is not None:
        if raw.count(mark) != 1:
            raise NumberRefused("number_invalid")
        whole, _, fraction = raw.partition(mark)
        if not fraction.isdigit():
            raise NumberRefused("number_invalid")  # "5." or "5,€"
    else:
        whole, fraction = raw, ""
    return _ungroup(whole), fraction


def _ungroup(whole: str) -> str:
    """The digits of an integer part, checking that any grouping is regular and of one kind."""
    if whole.isdigit() or not whole:
        return whole
    kinds = {"," if ch == "," else "." if ch == "." else " " for ch in whole if not ch.isdigit()}
    if len(kinds) != 1:
        raise NumberRefused("number_invalid")
    normalised = "".join(ch if ch.isdigit() else "G" for ch in whole)
    if not _GROUPED.fullmatch(normalised):
        raise NumberRefused("number_invalid")
    return normalised.replace("G", "")


def parse_amount(
    text: str | None, *, language: str, currency: str = DEFAULT_CURRENCY, allow_zero: bool = True
) -> Money:
    """Read a typed amount (two decimals at most; a ``€`` before or after is allowed).

    Raises:
        NumberRefused: as :func:`parse_scaled`, ``too_large`` above :data:`MAX_AMOUNT_CENTS`,
            ``must_be_positive`` for zero when ``allow_zero`` is false.
    """
    raw = (text or "").strip().removeprefix("€").removesuffix("€")
    cents = parse_scaled(raw, decimals=2, language=language)
    if cents > MAX_AMOUNT_CENTS:
        raise NumberRefused("too_large")
    if cents == 0 and not allow_zero:
        raise NumberRefused("must_be_positive")
    return Money(cents, currency)


def parse_quantity(text: str | None, *, language: str) -> Quantity:
    """Read a typed quantity (three decimals at most, more than zero).

    Raises:
        NumberRefused: as :func:`parse_scaled`, ``must_be_positive`` for zero, ``too_large``
            above :data:`MAX_QUANTITY_THOUSANDTHS`.
    """
    thousandths = parse_scaled(text, decimals=3, language=language)
    if thousandths == 0:
        raise NumberRefused("must_be_positive")
    if thousandths > MAX_QUANTITY_THOUSANDTHS:
        raise NumberRefused("too_large")
    return Quantity(thousandths)


def parse_percent(text: str | None, *, language: str) -> int:
    """Read a typed percentage (a ``%`` after it is allowed) as basis points, above 0 and ≤ 100.

    Raises:
        NumberRefused: as :func:`parse_scaled`, or ``out_of_range``.
    """
    raw = (text or "").strip().removesuffix("%")
    basis_points = parse_scaled(raw, decimals=2, language=language)
    if not 0 < basis_points <= FULL_PERCENT:
        raise NumberRefused("out_of_range")
    return basis_points
