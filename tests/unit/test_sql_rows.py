"""The SQL adapter's converter, without a database: every domain object survives the trip
to its rows and back unchanged, the rows hold exactly their table's columns as plain values,
and values of the wrong type are refused instead of converted."""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import cattrs
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from iclient_adapters.sql import tables
from iclient_adapters.sql.accounts import account_from_row, account_to_row
from iclient_adapters.sql.converters import Embedded, make_converter, same_named
from iclient_adapters.sql.documents import document_from_rows, document_to_row, version_to_row
from iclient_adapters.sql.notifications import message_from_row, message_to_row
from iclient_adapters.sql.quotes import (
    event_row,
    line_rows,
    proposal_row,
    quote_from_rows,
    quote_row,
)
from iclient_adapters.sql.shared import settings_from_rows, settings_to_rows
from iclient_core.accounts.model import Account
from iclient_core.accounts.sessions import SignInSession
from iclient_core.consent.model import ConsentKind, ConsentRecord, ConsentVersion
from iclient_core.documents.model import Document, DownloadRecord, FileVersion
from iclient_core.notifications.model import OutboxMessage
from iclient_core.quotes.model import Proposal, ProposalContent, Quote, QuoteEvent
from iclient_core.quotes.pricing import Discount, DiscountKind, Line, compute_totals
from iclient_core.shared.audit import AuditEntry
from iclient_core.shared.business import BusinessSettings
from iclient_core.shared.money import Money, Quantity

T = TypeVar("T")

# The converter holds no state but cattrs' generated code: one for the module is enough.
CONVERTER = make_converter()

TEXT = st.text(max_size=12)
TIMES = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
CURRENCIES = st.sampled_from(["EUR", "USD", "GBP"])
MONEY = st.builds(Money, st.integers(-(10**12), 10**12), CURRENCIES)
SCALARS: dict[Any, st.SearchStrategy[Any]] = {
    str: TEXT,
    int: st.integers(-(2**63), 2**63 - 1),
    bool: st.booleans(),
    datetime: TIMES,
    date: st.dates(),
    Money: MONEY,
    Quantity: st.builds(Quantity, st.integers(1, 10**9)),
}


def instances(cls: type[T], **given: st.SearchStrategy[Any]) -> st.SearchStrategy[T]:
    """Any ``cls`` built from its fields' declared types (``given`` ones excepted)."""
    hints = typing.get_type_hints(cls)
    fields = {
        f.name: given[f.name] if f.name in given else values_of(hints[f.name])
        for f in attrs.fields(cls)
    }
    return st.builds(cls, **fields)


def values_of(hint: Any) -> st.SearchStrategy[Any]:
    """Values of a field type: scalars, enums, optionals and nested attrs values."""
    if hint in SCALARS:
        return SCALARS[hint]
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(hint)
    if isinstance(hint, types.UnionType):
        return st.one_of(*(values_of(arg) for arg in typing.get_args(hint)))
    if hint is type(None):
        return st.none()
    if typing.get_origin(hint) is dict:
        key, value = typing.get_args(hint)
        return st.dictionaries(values_of(key), values_of(value), max_size=3)
    if attrs.has(hint):
        return instances(hint)
    raise NotImplementedError(f"no strategy for {hint!r}: give one")


def columns(table: sa.Table) -> set[str]:
    return {column.name for column in table.columns}


def assert_plain_row(row: Mapping[str, Any], table: sa.Table) -> None:
    """``row`` has every column of ``table`` and no other, none of them an enum member."""
    assert set(row) == columns(table)
    assert not [value for value in row.values() if isinstance(value, enum.Enum)]


def numbered(strategy: st.SearchStrategy[T], *, max_size: int) -> st.SearchStrategy[list[T]]:
    """Lists of values built by ``strategy(number)`` for the numbers 1, 2, 3… in order."""
    return st.integers(0, max_size).flatmap(
        lambda size: st.tuples(*(strategy(number) for number in range(1, size + 1))).map(list)
    )


# --------------------------------------------------------------------------- accounts


@given(instances(Account))
def test_an_account_survives_its_row(account: Account) -> None:
    row = {**account_to_row(CONVERTER, account), "version": account.version}
    assert_plain_row(row, tables.accounts)
    assert account_from_row(CONVERTER, row) == account


@given(instances(SignInSession))
def test_a_sign_in_session_survives_its_row(session: SignInSession) -> None:
    row = CONVERTER.unstructure(session)
    assert_plain_row(row, tables.sign_in_sessions)
    assert CONVERTER.structure(row, SignInSession) == session


# --------------------------------------------------------------------------- documents


def file_version(number: int) -> st.SearchStrategy[FileVersion]:
    return instances(FileVersion, number=st.just(number))


@given(
    instances(
        Document,
        versions=numbered(file_version, max_size=4),
        amount=st.none() | MONEY,
    ),
    st.randoms(use_true_random=False),
)
def test_a_document_survives_its_rows(document: Document, random: Any) -> None:
    row = {**document_to_row(CONVERTER, document), "version": document.version}
    versions = [version_to_row(CONVERTER, document.id, v) for v in document.versions]
    assert_plain_row(row, tables.documents)
    for version in versions:
        assert_plain_row(version, tables.document_versions)
    random.shuffle(versions)  # the database returns them in any order
    assert document_from_rows(CONVERTER, row, versions) == document


@given(instances(DownloadRecord))
def test_a_download_survives_its_row(record: DownloadRecord) -> None:
    row = CONVERTER.unstructure(record)
    assert_plain_row(row, tables.document_downloads)
    assert CONVERTER.structure(row, DownloadRecord) == record


# --------------------------------------------------------------------------- quotes


@st.composite
def contents(draw: st.DrawFn) -> ProposalContent:
    """A proposal's content whose totals add up (one currency, a discount within range)."""
    currency = draw(CURRENCIES)
    lines = draw(
        st.lists(
            instances(
                Line,
                unit_price=st.builds(Money, st.integers(0, 10**7), st.just(currency)),
                vat_rate=st.sampled_from([2300, 1300, 600, 0]),
            ),
            max_size=4,
        ).map(tuple)
    )
    subtotal = compute_totals(lines, None, currency).subtotal.cents
    discount = draw(
        st.none()
        | st.builds(Discount, st.just(DiscountKind.PERCENT), st.integers(1, 10_000))
        | st.builds(Discount, st.just(DiscountKind.AMOUNT), st.integers(0, subtotal))
    )
    return draw(
        instances(
            ProposalContent,
            lines=st.just(lines),
            discount=st.just(discount),
            currency=st.just(currency),
        )
    )


def proposal(number: int) -> st.SearchStrategy[Proposal]:
    return instances(Proposal, number=st.just(number), content=contents())


def event(seq: int) -> st.SearchStrategy[QuoteEvent]:
    return instances(QuoteEvent, seq=st.just(seq))


QUOTES = instances(
    Quote,
    proposals=numbered(proposal, max_size=3),
    events=numbered(event, max_size=5),
)


@given(QUOTES)
def test_a_quote_survives_its_rows(quote: Quote) -> None:
    row = {**quote_row(CONVERTER, quote), "version": quote.version}
    proposals = [proposal_row(CONVERTER, quote.id, p) for p in quote.proposals]
    lines = {p.number: line_rows(CONVERTER, quote.id, p) for p in quote.proposals}
    events = [event_row(CONVERTER, quote.id, e) for e in quote.events]
    assert_plain_row(row, tables.quotes)
    for each, table in [
        *((p, tables.quote_proposals) for p in proposals),
        *((line, tables.quote_lines) for rows in lines.values() for line in rows),
        *((e, tables.quote_events) for e in events),
    ]:
        assert_plain_row(each, table)
    assert quote_from_rows(CONVERTER, row, proposals, lines, events) == quote
    # The newest sent version is copied into the quote's row, for the lists.
    sent = quote.sent_proposal
    assert (row["sent_number"], row["sent_total_cents"], row["currency"]) == (
        (sent.number, sent.totals.total.cents, sent.content.currency) if sent else (None,) * 3
    )


def test_a_decision_stored_without_a_reason_reads_as_an_empty_one() -> None:
    row = dict.fromkeys(columns(tables.quotes))
    row.update(
        id="q1",
        number_prefix="ORC",
        number_year=2026,
        number_seq=1,
        client_id="c1",
        state="accepted",
        subject="Obras",
        details="",
        desired_date=None,
        language="pt",
        created_at=datetime(2026, 1, 5, tzinfo=UTC),
        updated_at=datetime(2026, 1, 6, tzinfo=UTC),
        decision_action="accept",
        decided_at=datetime(2026, 1, 6, tzinfo=UTC),
        decided_by="c1",
        decided_by_label="client",
        decision_ip="203.0.113.9",
        decision_number=1,
        decision_hash="ab" * 32,
        version=3,
    )
    found = quote_from_rows(CONVERTER, row, [], {}, [])
    assert found.decision is not None and found.decision.reason == ""


# --------------------------------------------------------------------------- the rest


@given(instances(OutboxMessage))
def test_an_outbox_message_survives_its_row(message: OutboxMessage) -> None:
    row = message_to_row(CONVERTER, message)
    assert_plain_row(row, tables.outbox)
    assert message_from_row(CONVERTER, row) == message


@given(instances(AuditEntry))
def test_an_audit_entry_survives_its_row(entry: AuditEntry) -> None:
    row = CONVERTER.unstructure(entry)
    assert_plain_row(row, tables.audit_log)
    assert CONVERTER.structure(row, AuditEntry) == entry


@pytest.mark.parametrize(
    ("cls", "table"),
    [
        (ConsentKind, tables.consent_kinds),
        (ConsentVersion, tables.consent_versions),
        (ConsentRecord, tables.consent_records),
    ],
)
@given(data=st.data())
def test_consent_survives_its_rows(cls: type[Any], table: sa.Table, data: st.DataObject) -> None:
    value = data.draw(instances(cls))
    row = CONVERTER.unstructure(value)
    assert_plain_row(row, table)
    assert CONVERTER.structure(row, cls) == value


RATES = st.decimals(min_value=0, max_value=100, places=2)


@given(
    instances(
        BusinessSettings,
        # Empty ones read back as the defaults (see the next test).
        vat_rates=st.lists(RATES, min_size=1, max_size=10, unique=True).map(tuple),
        upload_limit_mb=st.integers(1, 5000),
    )
)
def test_business_settings_survive_their_rows(value: BusinessSettings) -> None:
    rows = settings_to_rows(CONVERTER, value)
    assert all(isinstance(rate, str) for rate in rows["vat_rates"])  # JSON, never floats
    assert settings_from_rows(CONVERTER, rows) == value


def test_settings_missing_empty_or_unknown_take_their_defaults() -> None:
    stored = {"business_name": "Oficina", "vat_rates": [], "upload_limit_mb": 0, "later": 1}
    assert settings_from_rows(CONVERTER, stored) == BusinessSettings(business_name="Oficina")


# --------------------------------------------------------------------------- strictness


SESSION_ROW = {
    "id": "s1",
    "account_id": "a1",
    "created_at": datetime(2026, 1, 5, tzinfo=UTC),
    "last_seen_at": datetime(2026, 1, 5, tzinfo=UTC),
    "ip": "203.0.113.9",
    "user_agent": "Firefox",
}


@pytest.mark.parametrize(
    "change",
    [
        {"ip": None},  # not the text "None"
        {"ip": 42},  # not "42"
        {"created_at": datetime(2026, 1, 5)},  # a naive time means nothing
        {"created_at": "2026-01-05T00:00:00+00:00"},
        {"surprise": "a column the class does not know"},
    ],
)
def test_the_converter_refuses_what_the_class_does_not_declare(change: dict[str, Any]) -> None:
    with pytest.raises(cattrs.ClassValidationError):
        CONVERTER.structure({**SESSION_ROW, **change}, SignInSession)


@pytest.mark.parametrize(
    ("value", "cls"),
    [
        (datetime(2026, 1, 5, tzinfo=UTC), date),  # a timestamp column read as a date
        (1, bool),
        (True, int),
        (2.5, int),
        (1.5, Decimal),
        ("unknown", DiscountKind),
    ],
)
def test_scalars_arrive_with_their_declared_type(value: object, cls: type[Any]) -> None:
    with pytest.raises((TypeError, ValueError)):
        CONVERTER.structure(value, cls)


def test_enums_are_read_from_their_values_and_written_as_plain_text() -> None:
    assert CONVERTER.structure("percent", DiscountKind) is DiscountKind.PERCENT
    written = CONVERTER.unstructure(DiscountKind.PERCENT)
    assert written == "percent" and type(written) is str


def test_an_embedded_value_is_none_exactly_when_its_marker_column_is_null() -> None:
    amount = Embedded({"cents": "amount_cents", "currency": "currency"}, marker="amount_cents")
    assert amount.nest({"amount_cents": None, "currency": None}) is None
    assert amount.flatten(None) == {"amount_cents": None, "currency": None}
    assert amount.nest({"amount_cents": 0, "currency": "EUR"}) == {"cents": 0, "currency": "EUR"}


def test_same_named_needs_every_column() -> None:
    with pytest.raises(KeyError):
        same_named({"id": "s1"}, SignInSession)
