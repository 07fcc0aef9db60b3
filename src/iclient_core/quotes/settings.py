"""The tunable rules of quotes: VAT rates, currency, validity, limits, the business's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from iclient_core.shared.money import DEFAULT_CURRENCY

PORTUGUESE_VAT_RATES: tuple[int, ...] = (2300, 1300, 600, 0)
"""Mainland Portugal's VAT rates in basis points: standard 23 %, intermediate 13 %, reduced
6 %, and 0 % for exempt lines."""


@attrs.frozen
class QuoteSettings:
    """How quotes are priced and limited.

    Attributes:
        vat_rates: the VAT rates staff may choose for a line, in basis points, the default
            first — used when the business settings an admin stores offer none (they offer
            Portugal's four rates until an admin changes them).
        currency: the ISO 4217 code of every new proposal.
        validity_days: how long a new proposal is valid by default.
        max_lines: the most lines one proposal may have.
        requests_per_ip: how many visitor requests one IP may send per ``requests_window``.
        requests_window: the window of that limit.
        time_zone: the business's IANA time zone: a quote valid until a date is valid until
            the end of that day there.
        receipts_per_address: how many receipts of a visitor's request one e-mail address
            may get per ``receipts_window`` (more requests are taken without one).
        receipts_window: the window of that limit.
        number_prefix: what quote numbers start with (``ORC 2026/0007``) until an admin
            chooses another in the business settings.
    """

    vat_rates: tuple[int, ...] = PORTUGUESE_VAT_RATES
    currency: str = DEFAULT_CURRENCY
    validity_days: int = 30
    max_lines: int = 50
    requests_per_ip: int = 5
    requests_window: timedelta = timedelta(hours=1)
    time_zone: str = "Europe/Lisbon"
    receipts_per_address: int = 3
    receipts_window: timedelta = timedelta(days=1)
    number_prefix: str = "ORC"

    def zone(self) -> tzinfo:
        """The business's time zone (UTC if the name is unknown on this machine)."""
        try:
            return ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return UTC

    def today(self, now: datetime) -> date:
        """The business's calendar date at ``now``."""
        return now.astimezone(self.zone()).date()
