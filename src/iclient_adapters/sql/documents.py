"""The ``DocumentRepository`` port on SQL: documents, their versions and the download log.

A page of a list costs three statements whatever its size: the count, the page of
documents, and the versions of the documents on it (one ``IN``).
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

import cattrs
import sqlalchemy as sa

from iclient_adapters.sql.connection import Executor
from iclient_adapters.sql.converters import Embedded, Row, same_named
from iclient_adapters.sql.guards import unique_guard
from iclient_adapters.sql.tables import (
    document_downloads,
    document_file_checks,
    document_versions,
    documents,
)
from iclient_core.documents.model import (
    CheckOutcome,
    Document,
    DocumentQuery,
    DocumentStatus,
    DownloadRecord,
    FileCheck,
    FileVersion,
    StoredVersion,
)
from iclient_core.shared.errors import ConcurrentUpdate
from iclient_core.shared.paging import Page

_AMOUNT = Embedded({"cents": "amount_cents", "currency": "currency"}, marker="amount_cents")
_NESTED = ("amount", "versions")


def document_to_row(converter: cattrs.Converter, document: Document) -> dict[str, Any]:
    """The ``documents`` columns of ``document`` (all but ``version``; the versions have
    rows of their own)."""
    fields = converter.unstructure(document)
    return {
        **same_named(fields, Document, besides=(*_NESTED, "version")),
        **_AMOUNT.flatten(fields["amount"]),
        # Derived, for the lists' sorting, filtering by year and search.
        "dated": document.dated,
        "search_text": document.search_text,
    }


def version_to_row(
    converter: cattrs.Converter, document_id: str, version: FileVersion
) -> dict[str, Any]:
    """The ``document_versions`` columns of one file of a document."""
    return {"document_id": document_id, **converter.unstructure(version)}


def document_from_rows(converter: cattrs.Converter, row: Row, versions: Sequence[Row]) -> Document:
    """Rebuild a ``Document`` from its row and its versions' rows."""
    fields = {
        **same_named(row, Document, besides=_NESTED),
        "amount": _AMOUNT.nest(row),
        "versions": [
            same_named(version, FileVersion)
            for version in sorted(versions, key=lambda v: int(v["number"]))
        ],
    }
    return converter.structure(fields, Document)


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filters(query: DocumentQuery) -> list[sa.ColumnElement[bool]]:
    found: list[sa.ColumnElement[bool]] = [
        documents.c.client_id == query.client_id,
        documents.c.status.in_(sorted(s.value for s in query.statuses)),
    ]
    if query.category is not None:
        found.append(documents.c.category == query.category.value)
    if query.year is not None:
        found.append(documents.c.dated >= date(query.year, 1, 1))
        found.append(documents.c.dated < date(query.year + 1, 1, 1))
    for word in query.search_words:
        found.append(documents.c.search_text.like(_like(word), escape="\\"))
    return found


_NEWEST_FIRST = (documents.c.dated.desc(), documents.c.created_at.desc(), documents.c.id.desc())

_YEAR = sa.extract("year", documents.c.dated)
_YEARS = (
    sa.select(_YEAR)
    .where(
        documents.c.client_id == sa.bindparam("client_id"),
        documents.c.status.in_(sa.bindparam("statuses", expanding=True)),
    )
    .group_by(_YEAR)
    .order_by(_YEAR.desc())
)
"""The years a client's documents are dated (one statement, built once)."""
_YEAR_ROWS = _YEARS.with_only_columns(sa.cast(_YEAR, sa.Integer).label("year")).subquery("years")
_YEARS_TEXT = sa.select(
    sa.func.aggregate_strings(sa.cast(_YEAR_ROWS.c.year, sa.String), ",")
).scalar_subquery()
"""The same years as one text (``2026,2025``), for a list page to carry as a column."""
_VERSION_COLUMNS = tuple(c.label(f"v_{c.name}") for c in document_versions.c)
"""A list page's version columns, prefixed: built once, not per page."""


def _listing(
    query: DocumentQuery, *, with_years: bool = False
) -> tuple[sa.Select[Any], dict[str, Any]]:
    """The list page's statement for the shape of ``query`` (which filters it has, and
    whether it carries the client's years), built once per shape, and the values to bind:
    a page builds no SQL expression."""
    words = query.search_words
    statement = _listing_statement(
        query.category is not None, query.year is not None, len(words), with_years
    )
    parameters: dict[str, Any] = {
        "client_id": query.client_id,
        "statuses": sorted(s.value for s in query.statuses),
        "limit": query.per_page,
        "offset": query.offset,
    }
    if query.category is not None:
        parameters["category"] = query.category.value
    if query.year is not None:
        parameters["year_from"] = date(query.year, 1, 1)
        parameters["year_to"] = date(query.year + 1, 1, 1)
    for n, word in enumerate(words):
        parameters[f"word_{n}"] = _like(word)
    return statement, parameters


@functools.lru_cache(maxsize=64)
def _listing_statement(
    category: bool, year: bool, words: int, with_years: bool = False
) -> sa.Select[Any]:
    conditions = [
        documents.c.client_id == sa.bindparam("client_id"),
        documents.c.status.in_(sa.bindparam("statuses", expanding=True)),
    ]
    if category:
        conditions.append(documents.c.category == sa.bindparam("category"))
    if year:
        conditions.append(documents.c.dated >= sa.bindparam("year_from"))
        conditions.append(documents.c.dated < sa.bindparam("year_to"))
    for n in range(words):
        conditions.append(documents.c.search_text.like(sa.bindparam(f"word_{n}"), escape="\\"))
    page = (
        sa.select(documents, sa.func.count().over().label("total"))
        .where(*conditions)
        .order_by(*_NEWEST_FIRST)
        .limit(sa.bindparam("limit"))
        .offset(sa.bindparam("offset"))
        .subquery("page")
    )
    years = (_YEARS_TEXT.label("years"),) if with_years else ()
    return (
        sa.select(page, *_VERSION_COLUMNS, *years)
        .select_from(
            page.outerjoin(document_versions, document_versions.c.document_id == page.c.id)
        )
        .order_by(page.c.dated.desc(), page.c.created_at.desc(), page.c.id.desc())
    )


class SqlDocumentRepository:
    """Documents on a connection; saved with an optimistic version check."""

    def __init__(self, connection: Executor, converter: cattrs.Converter) -> None:
        self._db = connection
        self._converter = converter

    # ------------------------------------------------------------------ documents

    def add(self, document: Document) -> None:
        """Insert a document and its versions.

        Raises:
            AlreadyExists: the id or a storage key is taken.
        """
        with unique_guard(self._db, document.id):
            self._db.execute(
                sa.insert(documents).values(
                    **document_to_row(self._converter, document), version=document.version
                )
            )
            if document.versions:
                self._db.execute(
                    sa.insert(document_versions),
                    [version_to_row(self._converter, document.id, v) for v in document.versions],
                )

    def get(self, document_id: str) -> Document | None:
        """The document with all its versions, or None."""
        row = (
            self._db.execute(sa.select(documents).where(documents.c.id == document_id))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return document_from_rows(
            self._converter, row, self._versions([document_id]).get(document_id, [])
        )

    def _versions(self, document_ids: Collection[str]) -> dict[str, list[sa.RowMapping]]:
        """The version rows of several documents, in one statement."""
        if not document_ids:
            return {}
        found: dict[str, list[sa.RowMapping]] = {}
        query = sa.select(document_versions).where(
            document_versions.c.document_id.in_(list(document_ids))
        )
        for row in self._db.execute(query).mappings():
            found.setdefault(row["document_id"], []).append(row)
        return found

    def _documents(self, rows: Sequence[sa.RowMapping]) -> list[Document]:
        versions = self._versions([r["id"] for r in rows])
        return [document_from_rows(self._converter, r, versions.get(r["id"], [])) for r in rows]

    def save(self, document: Document) -> None:
        """Write back the document and its versions; bump its version.

        Raises:
            ConcurrentUpdate: it changed or disappeared since it was read.
        """
        updated = self._db.execute(
            sa.update(documents)
            .where(documents.c.id == document.id, documents.c.version == document.version)
            .values(**document_to_row(self._converter, document), version=document.version + 1)
        )
        if updated.rowcount != 1:
            raise ConcurrentUpdate(document.id)
        stored = {row["number"]: row for row in self._versions([document.id]).get(document.id, [])}
        wanted = {
            v.number: version_to_row(self._converter, document.id, v) for v in document.versions
        }
        gone = [number for number in stored if number not in wanted]
        if gone:
            self._db.execute(
                sa.delete(document_versions).where(
                    document_versions.c.document_id == document.id,
                    document_versions.c.number.in_(gone),
                )
            )
        with unique_guard(self._db, document.id):
            for number, row in wanted.items():
                if number not in stored:
                    self._db.execute(sa.insert(document_versions).values(**row))
                elif any(stored[number][k] != value for k, value in row.items()):
                    self._db.execute(
                        sa.update(document_versions)
                        .where(
                            document_versions.c.document_id == document.id,
                            document_versions.c.number == number,
                        )
                        .values(**row)
                    )
        document.version += 1

    def remove(self, document_id: str) -> None:
        """Delete the document; its versions and download log go with it (cascade)."""
        for table in (document_downloads, document_file_checks, document_versions):
            # Explicit, so that it holds even where foreign keys are not enforced.
            self._db.execute(sa.delete(table).where(table.c.document_id == document_id))
        self._db.execute(sa.delete(documents).where(documents.c.id == document_id))

    # ------------------------------------------------------------------ lists

    def list(self, query: DocumentQuery) -> Page[Document]:
        """One page of matching documents, newest first, with every version and the total:
        one statement (the page with a window count, joined to its versions)."""
        return self._page(query, with_years=False)[0]

    def list_with_years(self, query: DocumentQuery) -> tuple[Page[Document], Sequence[int]]:
        """The page and the client's years in one statement (the years a column of each
        row). An empty first page without a filter means the client has no such document,
        so no year either; an empty page otherwise asks for the years on their own."""
        page, years = self._page(query, with_years=True)
        if years is None:
            unfiltered = not query.filtered and query.offset == 0
            years = [] if unfiltered else self.years(query.client_id, query.statuses)
        return page, years

    def _page(
        self, query: DocumentQuery, *, with_years: bool
    ) -> tuple[Page[Document], Sequence[int] | None]:
        statement, parameters = _listing(query, with_years=with_years)
        rows = self._db.execute(statement, parameters).mappings()
        found: dict[str, tuple[sa.RowMapping, list[dict[str, Any]]]] = {}
        total = 0
        years: Sequence[int] | None = None
        for row in rows:
            total = int(row["total"])
            if with_years and years is None:
                text = row["years"] or ""
                years = sorted({int(y) for y in text.split(",") if y}, reverse=True)
            _row, versions = found.setdefault(row["id"], (row, []))
            if row["v_number"] is not None:
                versions.append({c.name: row[f"v_{c.name}"] for c in document_versions.c})
        if not found and query.offset:  # past the end: the window counted nothing
            total = int(
                self._db.execute(
                    sa.select(sa.func.count()).select_from(documents).where(*_filters(query))
                ).scalar_one()
            )
        items = tuple(
            document_from_rows(self._converter, row, versions) for row, versions in found.values()
        )
        return Page(items=items, total=total, number=query.page, size=query.per_page), years

    def years(self, client_id: str, statuses: Collection[DocumentStatus]) -> Sequence[int]:
        """The years the client's documents are dated, newest first."""
        parameters = {"client_id": client_id, "statuses": sorted(s.value for s in statuses)}
        return [int(y) for y in self._db.execute(_YEARS, parameters).scalars()]

    def _unopened_where(self, before: datetime) -> tuple[sa.ColumnElement[bool], ...]:
        return (
            documents.c.status == DocumentStatus.READY.value,
            documents.c.first_downloaded_at.is_(None),
            documents.c.created_at < before,
        )

    def unopened(self, before: datetime, *, limit: int = 20, offset: int = 0) -> Sequence[Document]:
        """Ready documents never downloaded by their client, oldest first (2 statements)."""
        rows = (
            self._db.execute(
                sa.select(documents)
                .where(*self._unopened_where(before))
                .order_by(documents.c.created_at, documents.c.id)
                .limit(limit)
                .offset(offset)
            )
            .mappings()
            .all()
        )
        return self._documents(rows)

    def count_unopened(self, before: datetime) -> int:
        """How many there are."""
        query = (
            sa.select(sa.func.count()).select_from(documents).where(*self._unopened_where(before))
        )
        return int(self._db.execute(query).scalar_one())

    def stale(self, before: datetime, *, limit: int = 100) -> Sequence[Document]:
        """Documents with a file pending since before ``before``, oldest first."""
        pending = sa.select(document_versions.c.document_id).where(
            document_versions.c.sha256.is_(None), document_versions.c.uploaded_at < before
        )
        rows = (
            self._db.execute(
                sa.select(documents)
                .where(documents.c.id.in_(pending))
                .order_by(documents.c.created_at, documents.c.id)
                .limit(limit)
            )
            .mappings()
            .all()
        )
        return self._documents(rows)

    def known_keys(self, keys: Collection[str]) -> set[str]:
        """Which of ``keys`` a version refers to."""
        if not keys:
            return set()
        query = sa.select(document_versions.c.storage_key).where(
            document_versions.c.storage_key.in_(list(keys))
        )
        return set(self._db.execute(query).scalars())

    # ------------------------------------------------------------------ downloads

    def add_download(self, record: DownloadRecord) -> None:
        """Insert one download."""
        self._db.execute(
            sa.insert(document_downloads).values(**self._converter.unstructure(record))
        )

    def downloads(self, document_id: str, *, limit: int = 50) -> Sequence[DownloadRecord]:
        """The document's downloads, newest first."""
        query = (
            sa.select(document_downloads)
            .where(document_downloads.c.document_id == document_id)
            .order_by(document_downloads.c.at.desc(), document_downloads.c.id.desc())
            .limit(limit)
        )
        return [
            self._converter.structure(row, DownloadRecord)
            for row in self._db.execute(query).mappings()
        ]

    def downloads_by(self, account_id: str) -> Sequence[DownloadRecord]:
        """Every download the account made, of any document, newest first: one query."""
        query = (
            sa.select(document_downloads)
            .where(document_downloads.c.account_id == account_id)
            .order_by(document_downloads.c.at.desc(), document_downloads.c.id.desc())
        )
        return [
            self._converter.structure(row, DownloadRecord)
            for row in self._db.execute(query).mappings()
        ]

    # ------------------------------------------------------------------ integrity

    def stored_versions(self, *, after_key: str = "", limit: int = 100) -> Sequence[StoredVersion]:
        """Stored files whose key sorts after ``after_key``, in key order (one statement)."""
        query = (
            sa.select(
                document_versions,
                documents.c.client_id.label("doc_client_id"),
                documents.c.title.label("doc_title"),
            )
            .join(documents, documents.c.id == document_versions.c.document_id)
            .where(
                document_versions.c.sha256.is_not(None),
                document_versions.c.storage_key > after_key,
            )
            .order_by(document_versions.c.storage_key)
            .limit(limit)
        )
        return [
            StoredVersion(
                document_id=row["document_id"],
                client_id=row["doc_client_id"],
                title=row["doc_title"],
                file=self._converter.structure(same_named(row, FileVersion), FileVersion),
            )
            for row in self._db.execute(query).mappings()
        ]

    def file_check(self, storage_key: str) -> FileCheck | None:
        """The file's last check, or None."""
        row = (
            self._db.execute(
                sa.select(document_file_checks).where(
                    document_file_checks.c.storage_key == storage_key
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else self._converter.structure(dict(row), FileCheck)

    def save_file_check(self, check: FileCheck) -> None:
        """Record a check, replacing the file's previous one (nothing if the document is gone)."""
        exists = self._db.execute(
            sa.select(documents.c.id).where(documents.c.id == check.document_id)
        ).first()
        if exists is None:
            return
        self._db.execute(
            sa.delete(document_file_checks).where(
                document_file_checks.c.storage_key == check.storage_key
            )
        )
        self._db.execute(
            sa.insert(document_file_checks).values(**self._converter.unstructure(check))
        )

    def failed_file_checks(self, *, limit: int = 50, offset: int = 0) -> Sequence[FileCheck]:
        """Files whose last check failed, most recently checked first."""
        query = (
            sa.select(document_file_checks)
            .where(document_file_checks.c.outcome != CheckOutcome.OK.value)
            .order_by(
                document_file_checks.c.checked_at.desc(), document_file_checks.c.storage_key.desc()
            )
            .limit(limit)
            .offset(offset)
        )
        return [
            self._converter.structure(dict(row), FileCheck)
            for row in self._db.execute(query).mappings()
        ]

    def count_failed_file_checks(self) -> int:
        """How many files failed their last check."""
        query = sa.select(sa.func.count()).where(
            document_file_checks.c.outcome != CheckOutcome.OK.value
        )
        return int(self._db.execute(query).scalar_one())
