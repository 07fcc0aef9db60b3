"""Pricing a proposal: lines, an optional discount, and the totals per VAT rate.

The rules, all in integer cents:

1. **Line amount** = quantity × unit price, rounded half-up to the cent, once per line.
2. **Subtotal** = the sum of the line amounts (so it always equals what the lines show).
3. **Discount** (optional, one per proposal, applied before VAT):

   - a *percentage* is applied to the net of each VAT rate and rounded half-up there; the
     discount is the sum of those per-rate discounts;
   - an *amount* (at most the subtotal) is shared between the VAT rates in proportion to
     their nets, by the largest-remainder method, so that the shares add up to the amount
     exactly and no rate gets more than its net.

4. **VAT** per rate = (net − discount) × rate, rounded half-up to the cent; the VAT total is
   the sum over the rates.
5. **Total** = subtotal − discount + VAT.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence

import attrs

from iclient_core.shared.money import (
    DEFAULT_CURRENCY,
    FULL_PERCENT,
    Money,
    Quantity,
    div_round_half_up,
)


@attrs.frozen
class Line:
    """One line of a proposal: what, how many, at what unit price, and at which VAT rate."""

    description: str
    quantity: Quantity
    unit_price: Money
    vat_rate: int
    """Basis points: 2300 is 23 %."""

    @property
    def amount(self) -> Money:
        """Quantity × unit price, rounded half-up to the cent (VAT not included)."""
        cents = div_round_half_up(self.quantity.thousandths * self.unit_price.cents, 1000)
        return Money(cents, self.unit_price.currency)


class DiscountKind(enum.StrEnum):
    """How a discount is stated."""

    PERCENT = "percent"
    AMOUNT = "amount"


@attrs.frozen
class Discount:
    """A discount on the whole proposal, before VAT.

    Attributes:
        kind: a percentage or a fixed amount.
        value: basis points for a percentage (1–10000), cents for an amount.
    """

    kind: DiscountKind
    value: int


@attrs.frozen
class RateTotal:
    """The totals of the lines at one VAT rate."""

    rate: int
    net: Money
    discount: Money
    taxable: Money
    vat: Money

    @property
    def gross(self) -> Money:
        """Taxable base plus VAT."""
        return self.taxable + self.vat


@attrs.frozen
class Totals:
    """Every total of a proposal; ``by_rate`` is ordered from the highest rate down."""

    currency: str
    by_rate: tuple[RateTotal, ...]
    subtotal: Money
    discount: Money
    taxable: Money
    vat: Money
    total: Money


def _sum(amounts: Iterable[Money], currency: str) -> Money:
    total = Money.zero(currency)
    for amount in amounts:
        total += amount
    return total


def share_by_largest_remainder(amount: int, weights: Sequence[int]) -> list[int]:
    """Split ``amount`` in proportion to ``weights`` into integers that add up to it exactly.

    Each share is the floor of its exact part; the cents left over go one each to the largest
    remainders (earliest first on ties). Needs ``0 ≤ amount ≤ sum(weights)`` for shares that
    never exceed their weights.
    """
    whole = sum(weights)
    if whole == 0:
        return [0 for _ in weights]
    floors = [amount * weight // whole for weight in weights]
    remainders = [amount * weight % whole for weight in weights]
    left = amount - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for index in order[:left]:
        floors[index] += 1
    return floors


def compute_totals(
    lines: Sequence[Line], discount: Discount | None = None, currency: str = DEFAULT_CURRENCY
) -> Totals:
    """The totals of ``lines`` with ``discount`` (see the module's rules).

    Raises:
        ValueError: a line in another currency, or an amount discount above the subtotal
            (use cases refuse both with a field error first).
    """
    nets: dict[int, Money] = {}
    for line in lines:
        if line.unit_price.currency != currency:
            raise ValueError(f"a {line.unit_price.currency} line in a {currency} proposal")
        nets[line.vat_rate] = nets.get(line.vat_rate, Money.zero(currency)) + line.amount
    rates = sorted(nets, reverse=True)
    subtotal = _sum((nets[rate] for rate in rates), currency)
    discounts = _discounts(discount, [nets[rate].cents for rate in rates], subtotal.cents)
    by_rate = []
    for rate, cut in zip(rates, discounts, strict=True):
        taxable = nets[rate] - Money(cut, currency)
        vat = Money(div_round_half_up(taxable.cents * rate, FULL_PERCENT), currency)
        by_rate.append(
            RateTotal(
                rate=rate, net=nets[rate], discount=Money(cut, currency), taxable=taxable, vat=vat
            )
        )
    total_discount = _sum((r.discount for r in by_rate), currency)
    taxable = subtotal - total_discount
    vat = _sum((r.vat for r in by_rate), currency)
    return Totals(
        currency=currency,
        by_rate=tuple(by_rate),
        subtotal=subtotal,
        discount=total_discount,
        taxable=taxable,
        vat=vat,
        total=taxable + vat,
    )


def _discounts(discount: Discount | None, nets: list[int], subtotal: int) -> list[int]:
    if discount is None:
        return [0 for _ in nets]
    if discount.kind is DiscountKind.PERCENT:
        if not 0 <= discount.value <= FULL_PERCENT:
            raise ValueError("a percentage discount is between 0 and 100 %")
        return [div_round_half_up(net * discount.value, FULL_PERCENT) for net in nets]
    if not 0 <= discount.value <= subtotal:
        raise ValueError("an amount discount cannot exceed the subtotal")
    return share_by_largest_remainder(discount.value, nets)
