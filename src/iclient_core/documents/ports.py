"""The ports of the documents area: the repository, and the link put in e-mails.

The bytes themselves go through :class:`iclient_core.shared.storage.FileStorage`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from iclient_core.documents.model import (
    Document,
    DocumentQuery,
    DocumentStatus,
    DownloadRecord,
    FileCheck,
    StoredVersion,
)
from iclient_core.shared.paging import Page


class DocumentRepository(Protocol):
    """Stores documents with their versions, and the download log.

    Listing a page costs the same fixed number of queries whatever the number of documents.
    """

    def add(self, document: Document) -> None:
        """Store a new document and its versions."""

    def get(self, document_id: str) -> Document | None:
        """The document with this id and all its versions, or None."""

    def save(self, document: Document) -> None:
        """Write back a changed document (fields and versions) and bump its ``version``.

        Raises:
            ConcurrentUpdate: it changed (or was removed) since it was read.
        """

    def remove(self, document_id: str) -> None:
        """Delete a document, its versions and its download log (no error if it is gone)."""

    def list(self, query: DocumentQuery) -> Page[Document]:
        """One page of one client's documents matching ``query``, newest first.

        Newest means the latest date (issue date, else upload day), then the latest upload.
        """

    def years(self, client_id: str, statuses: Collection[DocumentStatus]) -> Sequence[int]:
        """The years that the client's documents in ``statuses`` are dated, newest first."""

    def list_with_years(self, query: DocumentQuery) -> tuple[Page[Document], Sequence[int]]:
        """:meth:`list` of ``query`` and :meth:`years` of its client and statuses (whatever
        else it filters on), read together: a client's list page asks for both."""

    def add_download(self, record: DownloadRecord) -> None:
        """Append a download to the log."""

    def downloads(self, document_id: str, *, limit: int = 50) -> Sequence[DownloadRecord]:
        """The document's downloads, newest first."""

    def downloads_by(self, account_id: str) -> Sequence[DownloadRecord]:
        """Every download the account made, of any document, newest first (one query)."""

    def unopened(self, before: datetime, *, limit: int = 20, offset: int = 0) -> Sequence[Document]:
        """Ready documents of any client, created before ``before`` and never downloaded by
        their client, oldest first."""

    def count_unopened(self, before: datetime) -> int:
        """How many documents :meth:`unopened` would list in all."""

    def stale(self, before: datetime, *, limit: int = 100) -> Sequence[Document]:
        """Documents with a file still pending that was started before ``before``."""

    def known_keys(self, keys: Collection[str]) -> set[str]:
        """Which of ``keys`` some version of some document (pending or stored) refers to."""

    def stored_versions(self, *, after_key: str = "", limit: int = 100) -> Sequence[StoredVersion]:
        """Stored files (of documents of any status) whose key sorts after ``after_key``, in
        key order: the scrub walks them all, a batch at a time."""

    def file_check(self, storage_key: str) -> FileCheck | None:
        """The last check of the file under ``storage_key``, or None if it was never checked."""

    def save_file_check(self, check: FileCheck) -> None:
        """Record a check, replacing the file's previous one. Removed with the document."""

    def failed_file_checks(self, *, limit: int = 50, offset: int = 0) -> Sequence[FileCheck]:
        """Files whose last check failed, most recently checked first."""

    def count_failed_file_checks(self) -> int:
        """How many files :meth:`failed_file_checks` would list in all."""
