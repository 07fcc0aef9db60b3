"""The SQL adapter's converter: rows as the driver returns them ⇄ the core's domain objects.

A repository shapes a row into the nesting of its class (``EmailAddress`` and ``Profile``
inside an ``Account``, the lines inside a proposal…) and lets the converter build the objects:
enums from their values, value objects from their fields, tuples and lists from rows. Going
the other way, it unstructures an object and flattens the nested values into columns.

Two helpers keep that shaping declarative and the same in both directions:

- :func:`same_named` picks the fields a class keeps in columns of the same name;
- :class:`Embedded` says which column holds each field of a value object stored in its
  owner's row (and, for an optional one, which column is NULL when there is none).

The converter is strict where cattrs' defaults are lenient on purpose: ``str(None)`` would
turn a NULL in the wrong column into the text ``"None"``, and ``int(2.5)`` would quietly
drop a fraction. Values must arrive with the type the class declares, datetimes aware.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from iclient_core.documents.model import Document
from iclient_core.quotes.model import ProposalContent, Quote

T = TypeVar("T")

Row = Mapping[Any, Any]
"""A row: SQLAlchemy's ``RowMapping``, or a plain ``dict`` of column values."""


def make_converter() -> cattrs.Converter:
    """The converter every SQL repository of one database shares (built once, by
    ``SqlDatabase``; cattrs generates each class's code on first use and keeps it)."""
    converter = cattrs.Converter(forbid_extra_keys=True)
    # Scalars exactly as declared. ``bool`` is registered apart from ``int`` because
    # cattrs dispatches on the class hierarchy, where ``bool`` is an ``int``.
    for scalar in (str, int, bool):
        converter.register_structure_hook(scalar, _exactly)
    # A ``StrEnum`` is a ``str`` too: without these hooks it would take the ``str`` ones.
    converter.register_structure_hook(enum.StrEnum, _enum_member)
    converter.register_unstructure_hook(enum.StrEnum, _enum_value)
    # ``UtcDateTime`` and ``Date`` columns return these; they are bound back unchanged.
    converter.register_structure_hook(datetime, _aware_datetime)
    converter.register_structure_hook(date, _date)
    # JSON columns hold decimals as text (never floats).
    converter.register_structure_hook(Decimal, _decimal)
    converter.register_unstructure_hook(Decimal, str)
    # Versions, proposals, events and lines have tables of their own: their owner's row
    # leaves them out, and the repository reads and writes them with their own rows.
    leave_out = override(omit=True)
    converter.register_unstructure_hook(
        Document, make_dict_unstructure_fn(Document, converter, versions=leave_out)
    )
    converter.register_unstructure_hook(
        Quote, make_dict_unstructure_fn(Quote, converter, proposals=leave_out, events=leave_out)
    )
    converter.register_unstructure_hook(
        ProposalContent, make_dict_unstructure_fn(ProposalContent, converter, lines=leave_out)
    )
    return converter


def _exactly(value: object, cls: type[T]) -> T:
    if type(value) is not cls:
        raise TypeError(f"expected {cls.__name__}, got {type(value).__name__}: {value!r}")
    return value


def _enum_member(value: object, cls: type[enum.StrEnum]) -> enum.StrEnum:
    if type(value) is not str and type(value) is not cls:
        raise TypeError(f"expected a {cls.__name__} value, got {value!r}")
    return cls(value)


def _enum_value(member: enum.StrEnum) -> str:
    return member.value


def _aware_datetime(value: object, _: type[datetime]) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise TypeError(f"expected an aware datetime, got {value!r}")
    return value


def _date(value: object, _: type[date]) -> date:
    # A datetime is a date too: refusing it catches a timestamp column read as a date.
    if type(value) is not date:
        raise TypeError(f"expected a date, got {value!r}")
    return value


def _decimal(value: object, _: type[Decimal]) -> Decimal:
    if isinstance(value, float | bool) or not isinstance(value, str | int | Decimal):
        raise TypeError(f"expected a decimal as text, got {value!r}")
    return Decimal(str(value))


# --------------------------------------------------------------------------- shaping


def same_named(
    source: Row, cls: type[attrs.AttrsInstance], *, besides: Collection[str] = ()
) -> dict[str, Any]:
    """The fields of ``cls`` kept in columns of the same name, but ``besides``.

    ``source`` is a row (reading) or an unstructured object (writing): both are keyed by
    those names. A missing one raises ``KeyError``: tables and classes must agree.
    """
    return {
        field.name: source[field.name] for field in attrs.fields(cls) if field.name not in besides
    }


@attrs.frozen
class Embedded:
    """A value object stored in its owner's row, one column per field.

    Attributes:
        columns: the column of each field (field name → column name).
        marker: for an optional value, a column that is NULL exactly when there is none.
    """

    columns: Mapping[str, str]
    marker: str | None = None

    @classmethod
    def same_names(cls, *fields: str) -> Embedded:
        """A value whose fields are stored in columns of the same names."""
        return cls({field: field for field in fields})

    def nest(self, row: Row) -> dict[str, Any] | None:
        """The value's fields read from ``row`` (None when its marker column is NULL)."""
        if self.marker is not None and row[self.marker] is None:
            return None
        return {field: row[column] for field, column in self.columns.items()}

    def flatten(self, value: Mapping[str, Any] | None) -> dict[str, Any]:
        """The columns of an unstructured value (all NULL when there is none)."""
        if value is None:
            return dict.fromkeys(self.columns.values())
        return {column: value[field] for field, column in self.columns.items()}
