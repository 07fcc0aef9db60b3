"""In-memory document repository: documents with their versions, and the download log."""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from datetime import datetime

from iclient_adapters.memory.state import MemoryState
from iclient_core.documents.model import (
    Document,
    DocumentQuery,
    DocumentStatus,
    DownloadRecord,
    FileCheck,
    StoredVersion,
    listing_order,
)
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate
from iclient_core.shared.paging import Page


class MemoryDocumentRepository:
    """The ``DocumentRepository`` port over a memory store's state."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add(self, document: Document) -> None:
        """Store a new document."""
        if document.id in self._state.documents:
            raise AlreadyExists(document.id)
        taken = {v.storage_key for d in self._state.documents.values() for v in d.versions}
        if any(v.storage_key in taken for v in document.versions):
            raise AlreadyExists("storage key")
        self._state.documents[document.id] = copy.deepcopy(document)

    def get(self, document_id: str) -> Document | None:
        """The document, or None."""
        found = self._state.documents.get(document_id)
        return copy.deepcopy(found) if found else None

    def save(self, document: Document) -> None:
        """Write back a changed document (optimistic version check)."""
        stored = self._state.documents.get(document.id)
        if stored is None or stored.version != document.version:
            raise ConcurrentUpdate(document.id)
        document.version += 1
        self._state.documents[document.id] = copy.deepcopy(document)

    def remove(self, document_id: str) -> None:
        """Delete a document and its download log."""
        self._state.documents.pop(document_id, None)
        for record_id in [
            r.id for r in self._state.document_downloads.values() if r.document_id == document_id
        ]:
            del self._state.document_downloads[record_id]
        for key in [
            c.storage_key
            for c in self._state.document_file_checks.values()
            if c.document_id == document_id
        ]:
            del self._state.document_file_checks[key]

    def list(self, query: DocumentQuery) -> Page[Document]:
        """One page of matching documents, newest first."""
        found = [d for d in self._state.documents.values() if query.matches(d)]
        found.sort(key=listing_order, reverse=True)
        items = found[query.offset : query.offset + query.per_page]
        return Page(
            items=tuple(copy.deepcopy(d) for d in items),
            total=len(found),
            number=query.page,
            size=query.per_page,
        )

    def years(self, client_id: str, statuses: Collection[DocumentStatus]) -> Sequence[int]:
        """The years the client's documents are dated, newest first."""
        return sorted(
            {
                d.dated.year
                for d in self._state.documents.values()
                if d.client_id == client_id and d.status in statuses
            },
            reverse=True,
        )

    def list_with_years(self, query: DocumentQuery) -> tuple[Page[Document], Sequence[int]]:
        """The page and the client's years."""
        return self.list(query), self.years(query.client_id, query.statuses)

    def add_download(self, record: DownloadRecord) -> None:
        """Append a download."""
        self._state.document_downloads[record.id] = record

    def downloads(self, document_id: str, *, limit: int = 50) -> Sequence[DownloadRecord]:
        """The document's downloads, newest first."""
        found = [r for r in self._state.document_downloads.values() if r.document_id == document_id]
        found.sort(key=lambda r: (r.at, r.id), reverse=True)
        return found[:limit]

    def downloads_by(self, account_id: str) -> Sequence[DownloadRecord]:
        """Every download the account made, newest first."""
        found = [r for r in self._state.document_downloads.values() if r.account_id == account_id]
        found.sort(key=lambda r: (r.at, r.id), reverse=True)
        return found

    def _unopened(self, before: datetime) -> Sequence[Document]:
        found = [
            d
            for d in self._state.documents.values()
            if d.status is DocumentStatus.READY
            and d.first_downloaded_at is None
            and d.created_at < before
        ]
        found.sort(key=lambda d: (d.created_at, d.id))
        return found

    def unopened(self, before: datetime, *, limit: int = 20, offset: int = 0) -> Sequence[Document]:
        """Ready documents never downloaded by their client, oldest first."""
        return [copy.deepcopy(d) for d in self._unopened(before)[offset : offset + limit]]

    def count_unopened(self, before: datetime) -> int:
        """How many there are."""
        return len(self._unopened(before))

    def stale(self, before: datetime, *, limit: int = 100) -> Sequence[Document]:
        """Documents with a file pending since before ``before``."""
        found = [
            d
            for d in self._state.documents.values()
            if any(not v.is_stored and v.uploaded_at < before for v in d.versions)
        ]
        found.sort(key=lambda d: (d.created_at, d.id))
        return [copy.deepcopy(d) for d in found[:limit]]

    def known_keys(self, keys: Collection[str]) -> set[str]:
        """Which of ``keys`` some version refers to."""
        wanted = set(keys)
        return {
            v.storage_key
            for d in self._state.documents.values()
            for v in d.versions
            if v.storage_key in wanted
        }

    def stored_versions(self, *, after_key: str = "", limit: int = 100) -> Sequence[StoredVersion]:
        """Stored files whose key sorts after ``after_key``, in key order."""
        found = [
            StoredVersion(document_id=d.id, client_id=d.client_id, title=d.title, file=v)
            for d in self._state.documents.values()
            for v in d.versions
            if v.is_stored and v.storage_key > after_key
        ]
        found.sort(key=lambda s: s.file.storage_key)
        return found[:limit]

    def file_check(self, storage_key: str) -> FileCheck | None:
        """The file's last check, or None."""
        return self._state.document_file_checks.get(storage_key)

    def save_file_check(self, check: FileCheck) -> None:
        """Record a check (replacing the previous one)."""
        if check.document_id in self._state.documents:
            self._state.document_file_checks[check.storage_key] = check

    def _failed(self) -> Sequence[FileCheck]:
        found = [c for c in self._state.document_file_checks.values() if c.failed]
        found.sort(key=lambda c: (c.checked_at, c.storage_key), reverse=True)
        return found

    def failed_file_checks(self, *, limit: int = 50, offset: int = 0) -> Sequence[FileCheck]:
        """Files whose last check failed, most recently checked first."""
        return self._failed()[offset : offset + limit]

    def count_failed_file_checks(self) -> int:
        """How many files failed their last check."""
        return len(self._failed())
