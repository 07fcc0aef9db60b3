"""The rules on what staff type about a document, and on the filters of a list.

Values arrive as text from forms and URLs; everything is checked here, once, for every
caller. A bad field is a :class:`~iclient_core.shared.errors.FieldError`; bad list filters are
simply ignored (a URL someone edited must not break the page).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date

import attrs

from iclient_core.documents.model import Category, DocumentQuery, DocumentStatus
from iclient_core.shared.errors import FieldError, InvalidInput
from iclient_core.shared.money import Money
from iclient_core.shared.text import clean_line

MAX_TITLE = 200
MAX_REFERENCE = 100
MAX_SEARCH = 100
MAX_CENTS = 10**13  # a hundred thousand million: beyond any invoice, within a BIGINT


@attrs.frozen(kw_only=True)
class DocumentDetails:
    """The checked descriptive fields of a document."""

    title: str
    category: Category
    reference: str | None = None
    issue_date: date | None = None
    amount: Money | None = None
    due_date: date | None = None


def parse_amount(text: str, currency: str = "EUR") -> Money:
    """An amount typed the Portuguese or the English way, as integer cents.

    Accepts ``1234``, ``1234,5``, ``1234.56``, ``1 234,56``, ``1.234,56``, ``1,234.56``,
    a leading ``-`` (credit notes) and a trailing or leading ``€``. Never goes through a float.

    Raises:
        ValueError: not an amount with at most two decimals.
    """
    raw = text.strip().replace("€", "").replace("\u00a0", " ").strip()
    negative = raw.startswith("-")
    raw = raw.removeprefix("-").strip()
    plain = re.fullmatch(r"(\d+)(?:[.,](\d{1,2}))?", raw.replace(" ", ""))
    grouped = re.fullmatch(r"(\d{1,3}(?:([ .,])\d{3})+)(?:([.,])(\d{1,2}))?", raw)
    if grouped and grouped.group(2) != grouped.group(3):
        whole = int(re.sub(r"[ .,]", "", grouped.group(1)))
        decimals = grouped.group(4) or ""
    elif plain:
        whole = int(plain.group(1))
        decimals = plain.group(2) or ""
    else:
        raise ValueError(f"not an amount: {text!r}")
    cents = whole * 100 + int(decimals.ljust(2, "0") or 0)
    if cents >= MAX_CENTS:
        raise ValueError(f"amount too large: {text!r}")
    return Money(-cents if negative else cents, currency)


def parse_date(value: str | date | None) -> date | None:
    """A date from ``YYYY-MM-DD`` (what date inputs send), or None when blank.

    Raises:
        ValueError: not a valid calendar date.
    """
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"not a date: {value!r}")
    return date.fromisoformat(text)


def clean_details(
    *,
    title: str | None,
    category: str | None,
    reference: str | None = None,
    issue_date: str | date | None = None,
    amount: str | None = None,
    due_date: str | date | None = None,
    currency: str = "EUR",
) -> DocumentDetails:
    """Check the descriptive fields of a document.

    The amount and the due date only mean something for invoices: for other categories
    they are dropped.

    Raises:
        InvalidInput: every bad field, with codes ``required``, ``too_long``,
            ``invalid_characters``, ``invalid_choice``, ``date_invalid``,
            ``amount_invalid`` or ``due_before_issue``.
    """
    errors: list[FieldError] = []
    clean_title = clean_line(title, "title", errors, max_length=MAX_TITLE)
    kind: Category | None = None
    try:
        kind = Category((category or "").strip())
    except ValueError:
        errors.append(FieldError("category", "invalid_choice" if category else "required"))
    ref: str | None = None
    if (reference or "").strip():
        ref = clean_line(reference, "reference", errors, max_length=MAX_REFERENCE) or None
    dates: dict[str, date | None] = {}
    for name, value in (("issue_date", issue_date), ("due_date", due_date)):
        try:
            dates[name] = parse_date(value)
        except ValueError:
            errors.append(FieldError(name, "date_invalid"))
            dates[name] = None
    money: Money | None = None
    if (amount or "").strip():
        try:
            money = parse_amount(amount or "", currency)
        except ValueError:
            errors.append(FieldError("amount", "amount_invalid"))
    due = dates["due_date"]
    issued = dates["issue_date"]
    if kind is not Category.INVOICE:
        money, due = None, None
    elif due is not None and issued is not None and due < issued:
        errors.append(FieldError("due_date", "due_before_issue"))
    if errors or kind is None:
        raise InvalidInput(errors)
    return DocumentDetails(
        title=clean_title,
        category=kind,
        reference=ref,
        issue_date=issued,
        amount=money,
        due_date=due,
    )


def _int(value: str | int | None) -> int | None:
    if isinstance(value, int):
        return value
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 6 else None


def list_query(
    *,
    client_id: str,
    statuses: Collection[DocumentStatus],
    category: str | None = None,
    year: str | int | None = None,
    search: str | None = None,
    page: str | int | None = None,
    per_page: int = 20,
) -> DocumentQuery:
    """A list query from the filters of a URL; anything malformed is left out, not refused."""
    try:
        kind = Category(category) if category else None
    except ValueError:
        kind = None
    chosen_year = _int(year)
    if chosen_year is not None and not 1900 <= chosen_year <= 9999:
        chosen_year = None
    words = " ".join((search or "").split())[:MAX_SEARCH]
    return DocumentQuery(
        client_id=client_id,
        statuses=frozenset(statuses),
        category=kind,
        year=chosen_year,
        search=words,
        page=max(1, _int(page) or 1),
        per_page=max(1, min(per_page, 100)),
    )
