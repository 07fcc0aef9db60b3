"""Money in the core: strict reading of typed numbers, half-up rounding, totals per VAT rate,
and no float anywhere in the money path (checked at run time and in the source)."""

from __future__ import annotations

import ast
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from babel.numbers import format_currency
from hypothesis import given
from hypothesis import strategies as st

import iclient_core.quotes
import iclient_core.shared.money
from iclient_core.quotes.pricing import (
    Discount,
    DiscountKind,
    Line,
    Totals,
    compute_totals,
    share_by_largest_remainder,
)
from iclient_core.shared.money import (
    MAX_AMOUNT_CENTS,
    Money,
    NumberRefused,
    Quantity,
    div_round_half_up,
    format_rate,
    parse_amount,
    parse_percent,
    parse_quantity,
)

QUOTES_PACKAGE = Path(iclient_core.quotes.__file__).parent
MONEY_MODULE = Path(iclient_core.shared.money.__file__)

# ----------------------------------------------------------------------------- reading numbers


@pytest.mark.parametrize(
    ("typed", "language", "cents"),
    [
        ("12,50", "pt", 1250),
        ("12.50", "pt", 1250),
        ("12,5", "pt", 1250),
        ("12.5", "en", 1250),
        ("12,5", "en", 1250),
        ("1.234,56", "pt", 123456),
        ("1.234,56", "en", 123456),
        ("1,234.56", "pt", 123456),
        ("1 234,56", "pt", 123456),
        ("1\u00a0234,56", "pt", 123456),
        ("1\u202f234.56", "en", 123456),
        ("1.234.567", "en", 123456700),
        ("1,234,567.8", "pt", 123456780),
        ("1.234", "pt", 123400),  # Portuguese write thousands with a dot
        ("1,234", "en", 123400),  # English with a comma
        ("0,99", "pt", 99),
        (",5", "pt", 50),
        ("  7 ", "pt", 700),
        ("007", "en", 700),
        ("12,50 €", "pt", 1250),
        ("€12.50", "en", 1250),
        ("0", "pt", 0),
    ],
)
def test_typed_amounts_are_read_as_people_write_them(typed: str, language: str, cents: int) -> None:
    amount = parse_amount(typed, language=language)
    assert amount == Money(cents, "EUR")
    assert type(amount.cents) is int


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "required"),
        ("   ", "required"),
        (None, "required"),
        ("1e309", "number_invalid"),
        ("1E3", "number_invalid"),
        ("NaN", "number_invalid"),
        ("nan", "number_invalid"),
        ("inf", "number_invalid"),
        ("-inf", "number_invalid"),
        ("Infinity", "number_invalid"),
        ("-5", "number_negative"),
        ("\u22125,00", "number_negative"),
        ("-0", "number_negative"),
        ("+5", "number_invalid"),
        ("0x10", "number_invalid"),
        ("1_000", "number_invalid"),
        ("١٢", "number_invalid"),  # Arabic-Indic digits
        ("１２", "number_invalid"),  # full-width digits
        ("12,345,67", "number_invalid"),
        ("1.2.3", "number_invalid"),
        ("1,23,456", "number_invalid"),
        ("1.234.56", "number_invalid"),
        ("1 234.567,89", "number_invalid"),
        ("1  234", "number_invalid"),
        ("5.", "number_invalid"),
        ("5,", "number_invalid"),
        (".", "number_invalid"),
        ("12,5,0", "number_invalid"),
        ("12.50.", "number_invalid"),
        ("1" * 40, "number_invalid"),
        ("12,555", "too_many_decimals"),  # pt: the comma is decimal, three decimals
        ("1.234", "too_many_decimals"),  # en: the dot is decimal
        ("0.001", "too_many_decimals"),
        ("1000000000", "too_large"),
        ("12 €€", "number_invalid"),
    ],
)
def test_bad_amounts_are_refused_with_a_reason(typed: str | None, code: str) -> None:
    language = "en" if typed in {"1.234"} else "pt"
    with pytest.raises(NumberRefused) as refused:
        parse_amount(typed, language=language)
    assert refused.value.code == code


def test_quantities_take_three_decimals_and_must_be_positive() -> None:
    assert parse_quantity("1,5", language="pt") == Quantity(1500)
    assert parse_quantity("0.125", language="en") == Quantity(125)
    assert parse_quantity("1,234", language="pt") == Quantity(1234)
    assert parse_quantity("1.234", language="pt") == Quantity(1_234_000)
    assert parse_quantity("1.234", language="en") == Quantity(1234)
    assert parse_quantity("1000000", language="pt") == Quantity(1_000_000_000)
    for typed, code in (
        ("0", "must_be_positive"),
        ("0,000", "must_be_positive"),
        ("-1", "number_negative"),
        ("0,0001", "too_many_decimals"),
        ("1000000,001", "too_large"),
        ("1e3", "number_invalid"),
    ):
        with pytest.raises(NumberRefused) as refused:
            parse_quantity(typed, language="pt")
        assert refused.value.code == code, typed


def test_percentages_are_basis_points_between_zero_and_one_hundred() -> None:
    assert parse_percent("10", language="pt") == 1000
    assert parse_percent("12,5 %", language="pt") == 1250
    assert parse_percent("100", language="en") == 10000
    for typed, code in (
        ("0", "out_of_range"),
        ("100,01", "out_of_range"),
        ("-3", "number_negative"),
    ):
        with pytest.raises(NumberRefused) as refused:
            parse_percent(typed, language="pt")
        assert refused.value.code == code


@given(cents=st.integers(0, MAX_AMOUNT_CENTS), language=st.sampled_from(["pt", "en"]))
def test_an_amount_put_back_in_a_form_reads_back_the_same(cents: int, language: str) -> None:
    money = Money(cents)
    assert parse_amount(money.to_input(language), language=language) == money
    assert parse_amount(money.format(language), language=language) == money


@given(thousandths=st.integers(1, 1_000_000_000), language=st.sampled_from(["pt", "en"]))
def test_a_quantity_put_back_in_a_form_reads_back_the_same(thousandths: int, language: str) -> None:
    quantity = Quantity(thousandths)
    assert parse_quantity(quantity.to_input(language), language=language) == quantity


@given(st.text(max_size=40))
def test_any_text_is_either_a_good_amount_or_a_clear_refusal(text: str) -> None:
    try:
        amount = parse_amount(text, language="pt")
    except NumberRefused as refused:
        assert refused.code in {
            "required",
            "number_invalid",
            "number_negative",
            "too_many_decimals",
            "too_large",
        }
    else:
        assert type(amount.cents) is int and 0 <= amount.cents <= MAX_AMOUNT_CENTS


@pytest.mark.parametrize(
    ("cents", "pt", "en"),
    [
        (123456, "1.234,56\u00a0€", "€1,234.56"),
        (0, "0,00\u00a0€", "€0.00"),
        (5, "0,05\u00a0€", "€0.05"),
        (100000000, "1.000.000,00\u00a0€", "€1,000,000.00"),
    ],
)
def test_amounts_are_worded_for_each_language(cents: int, pt: str, en: str) -> None:
    assert Money(cents).format("pt") == pt
    assert Money(cents).format("en") == en


@given(cents=st.integers(0, MAX_AMOUNT_CENTS))
def test_the_cores_wording_matches_babels_used_by_the_pages(cents: int) -> None:
    value = Decimal(cents).scaleb(-2)
    assert Money(cents).format("pt") == format_currency(
        value, "EUR", format="#,##0.00\u00a0¤", locale="pt", currency_digits=False
    )
    assert Money(cents).format("en") == format_currency(value, "EUR", locale="en")


def test_rates_are_worded_for_each_language() -> None:
    assert format_rate(2300, "pt") == "23\u00a0%"
    assert format_rate(550, "pt") == "5,5\u00a0%"
    assert format_rate(2300, "en") == "23%"
    assert format_rate(0, "en") == "0%"


def test_money_refuses_floats_and_mixed_currencies() -> None:
    with pytest.raises(TypeError):
        Money(12.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Quantity(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cannot mix"):
        Money(1, "EUR") + Money(1, "USD")
    with pytest.raises(ValueError):
        Money(1, "eur")


# ----------------------------------------------------------------------------- rounding


@given(numerator=st.integers(-(10**18), 10**18), denominator=st.integers(1, 10**6))
def test_half_up_rounding_matches_decimal_round_half_up(numerator: int, denominator: int) -> None:
    exact = Decimal(numerator) / Decimal(denominator)  # 28 digits: exact enough here
    expected = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    got = div_round_half_up(numerator, denominator)
    assert type(got) is int
    assert got == expected


def test_half_a_cent_rounds_up() -> None:
    assert Line("x", Quantity(500), Money(1), 2300).amount == Money(1)  # 0.5 cent
    assert Line("x", Quantity(499), Money(1), 2300).amount == Money(0)
    assert Line("x", Quantity(1500), Money(333), 2300).amount == Money(500)  # 499.5
    assert Line("x", Quantity(3000), Money(1999), 600).amount == Money(5997)


@given(
    amount=st.integers(0, 10**9),
    weights=st.lists(st.integers(0, 10**9), min_size=1, max_size=6),
)
def test_largest_remainder_shares_add_up_and_stay_within_their_weights(
    amount: int, weights: list[int]
) -> None:
    amount = min(amount, sum(weights))
    shares = share_by_largest_remainder(amount, weights)
    assert sum(shares) == (amount if sum(weights) else 0)
    assert all(0 <= share <= weight for share, weight in zip(shares, weights, strict=True))


# ----------------------------------------------------------------------------- totals

RATES = st.sampled_from([2300, 1300, 600, 0])
LINES = st.lists(
    st.builds(
        Line,
        description=st.just("linha"),
        quantity=st.builds(Quantity, st.integers(1, 10**7)),
        unit_price=st.builds(Money, st.integers(0, 10**7)),
        vat_rate=RATES,
    ),
    max_size=12,
)


@st.composite
def discounts(draw: st.DrawFn, lines: list[Line]) -> Discount | None:
    subtotal = sum(line.amount.cents for line in lines)
    kind = draw(st.sampled_from([None, DiscountKind.PERCENT, DiscountKind.AMOUNT]))
    if kind is None:
        return None
    if kind is DiscountKind.PERCENT:
        return Discount(kind, draw(st.integers(1, 10000)))
    return Discount(kind, draw(st.integers(0, subtotal)))


def _assert_all_int(totals: Totals) -> None:
    amounts = [totals.subtotal, totals.discount, totals.taxable, totals.vat, totals.total]
    for rate in totals.by_rate:
        amounts += [rate.net, rate.discount, rate.taxable, rate.vat, rate.gross]
        assert type(rate.rate) is int
    for amount in amounts:
        assert isinstance(amount, Money) and type(amount.cents) is int


@given(data=st.data(), lines=LINES)
def test_totals_equal_the_sum_of_the_rounded_line_amounts(
    data: st.DataObject, lines: list[Line]
) -> None:
    discount = data.draw(discounts(lines))
    totals = compute_totals(lines, discount)
    _assert_all_int(totals)
    line_sum = sum(line.amount.cents for line in lines)
    assert totals.subtotal.cents == line_sum
    assert sum(r.net.cents for r in totals.by_rate) == line_sum
    for rate in totals.by_rate:
        assert rate.net.cents == sum(
            line.amount.cents for line in lines if line.vat_rate == rate.rate
        )
        assert 0 <= rate.discount.cents <= rate.net.cents
        assert rate.taxable.cents == rate.net.cents - rate.discount.cents
        assert rate.vat.cents == div_round_half_up(rate.taxable.cents * rate.rate, 10000)
    assert totals.discount.cents == sum(r.discount.cents for r in totals.by_rate)
    if discount is not None and discount.kind is DiscountKind.AMOUNT:
        assert totals.discount.cents == discount.value
    if discount is None:
        assert totals.discount.cents == 0
    assert totals.vat.cents == sum(r.vat.cents for r in totals.by_rate)
    assert totals.total.cents == totals.subtotal.cents - totals.discount.cents + totals.vat.cents
    assert [r.rate for r in totals.by_rate] == sorted(
        {line.vat_rate for line in lines}, reverse=True
    )


def test_a_worked_example_with_two_rates_and_a_percentage_discount() -> None:
    lines = [
        Line("Pintura", Quantity(120_500), Money(1250), 2300),  # 120,5 m² × 12,50 = 1506,25
        Line("Manual", Quantity.units(2), Money(1999), 600),  # 2 × 19,99 = 39,98
    ]
    totals = compute_totals(lines, Discount(DiscountKind.PERCENT, 1000))
    (full, reduced) = totals.by_rate
    assert (full.rate, full.net, full.discount, full.vat) == (
        2300,
        Money(150625),
        Money(15063),  # 10 % of 1506,25 = 150,625 → 150,63
        Money(31179),  # 23 % of 1355,62 = 311,7926 → 311,79
    )
    assert (reduced.net, reduced.discount, reduced.vat) == (Money(3998), Money(400), Money(216))
    assert totals.subtotal == Money(154623)
    assert totals.discount == Money(15463)
    assert totals.total == Money(154623 - 15463 + 31179 + 216)


def test_an_amount_discount_above_the_subtotal_is_refused() -> None:
    with pytest.raises(ValueError, match="exceed"):
        compute_totals(
            [Line("x", Quantity.units(1), Money(100), 2300)], Discount(DiscountKind.AMOUNT, 101)
        )


# ----------------------------------------------------------------------------- the source


def _money_modules() -> list[Path]:
    return [*sorted(QUOTES_PACKAGE.glob("*.py")), MONEY_MODULE]


def test_the_quotes_package_has_no_float_anywhere() -> None:
    assert len(_money_modules()) >= 8
    problems = []
    for path in _money_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                problems.append(f"{path.name}:{node.lineno}: float literal {node.value!r}")
            if isinstance(node, ast.Name) and node.id in {"float", "Decimal", "round"}:
                problems.append(f"{path.name}:{node.lineno}: {node.id}")
            if isinstance(node, ast.Attribute) and node.attr in {"fsum", "__truediv__"}:
                problems.append(f"{path.name}:{node.lineno}: {node.attr}")
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                if any(n.split(".")[0] in {"math", "decimal", "fractions"} for n in names):
                    problems.append(f"{path.name}:{node.lineno}: imports {names}")
    assert problems == []


def test_the_money_path_never_divides_with_a_slash() -> None:
    # ``/`` makes a float even from two ints; the money modules only use ``//`` and divmod.
    for path in (MONEY_MODULE, QUOTES_PACKAGE / "pricing.py", QUOTES_PACKAGE / "model.py"):
        name = path.name
        tree = ast.parse(path.read_text(encoding="utf-8"))
        slashes = [
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(node.op, ast.Div)
        ]
        assert slashes == [], name


def test_the_checker_would_see_a_float() -> None:
    tree = ast.parse("x = float('1.5') + 0.1\ny = a / b\n")
    names = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name)]
    floats = [
        n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, float)
    ]
    divisions = [
        n for n in ast.walk(tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div)
    ]
    assert "float" in names and floats and divisions
