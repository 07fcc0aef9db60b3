"""Use cases: the client downloads their document; staff download any document.

A download is a stream checked against the SHA-256 recorded at upload. Small files (and
byte ranges) are checked in full before the first byte goes out, so a damaged file gets an
error page; a large file is checked while it streams and its last chunk is held back until
the checksum matches, so a damaged file never arrives complete. Either way the mismatch is
logged and the bytes are refused.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from types import TracebackType
from typing import NoReturn

from iclient_core import permissions
from iclient_core.accounts import Account
from iclient_core.documents.filetypes import download_content_type
from iclient_core.documents.model import Document, DownloadRecord, FileVersion
from iclient_core.errors import ConcurrentUpdate, DomainError, NotFound
from iclient_core.permissions import Permission
from iclient_core.security_log import security_event
from iclient_core.services import Services
from iclient_core.storage import (
    FileStorage,
    ObjectNotFound,
    ObjectReader,
    sha256_of,
    verified_chunks,
)

logger = logging.getLogger("iclient.documents")

VERIFY_FIRST_UP_TO = 16 * 1024 * 1024
"""Files up to this size are checked completely before the download starts."""


class DocumentCorrupted(DomainError):
    """The stored bytes are missing or no longer match their checksum; nothing is served."""

    code = "document_corrupted"


class RangeNotSatisfiable(DomainError):
    """The requested byte range lies outside the file; ``size`` is the file's size."""

    code = "range_not_satisfiable"

    def __init__(self, size: int) -> None:
        super().__init__(f"range outside 0-{size}")
        self.size = size


ByteRange = tuple[int, int | None]
"""``(start, stop)`` as in a slice: ``stop`` exclusive or None for the end; a negative
``start`` counts from the end (the last ``-start`` bytes)."""


class DocumentDownload:
    """An open download: what to tell the browser, and the bytes as a checked stream.

    Iterate it for the bytes; close it when done (the web server does, even on abort).

    Attributes:
        document: the document.
        file: the version being downloaded.
        start, stop: the byte range served (``stop`` exclusive).
    """

    def __init__(
        self,
        *,
        document: Document,
        file: FileVersion,
        reader: ObjectReader,
        start: int,
        stop: int,
        verify: bool,
        actor_id: str,
        ip: str,
    ) -> None:
        self.document = document
        self.file = file
        self.start = start
        self.stop = stop
        self._reader = reader
        self._verify = verify
        self._actor_id = actor_id
        self._ip = ip

    @property
    def size(self) -> int:
        """The whole file's size."""
        return self.file.size or 0

    @property
    def length(self) -> int:
        """How many bytes this download sends."""
        return self.stop - self.start

    @property
    def partial(self) -> bool:
        """True when only a range of the file is sent."""
        return self.length != self.size

    @property
    def filename(self) -> str:
        """The safe display name to offer the browser."""
        return self.file.display_name

    @property
    def content_type(self) -> str:
        """The Content-Type: the stored type if on the allow-list, else octet-stream."""
        return download_content_type(self.file.content_type)

    @property
    def etag(self) -> str:
        """A strong validator of the bytes: their SHA-256."""
        return self.file.sha256 or ""

    def __iter__(self) -> Iterator[bytes]:
        if not self._verify:
            yield from self._reader
            return
        yield from verified_chunks(
            self._reader,
            size=self.size,
            sha256=self.file.sha256 or "",
            refuse=lambda: _refuse(self.document, self.file, self._actor_id, self._ip, "checksum"),
        )

    def close(self) -> None:
        """Release the stored object."""
        self._reader.close()

    def __enter__(self) -> DocumentDownload:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _refuse(document: Document, file: FileVersion, actor_id: str, ip: str, why: str) -> NoReturn:
    """Log a damaged or missing file and refuse it.

    Raises:
        DocumentCorrupted: always.
    """
    security_event(
        "document_integrity_failed",
        account_id=actor_id,
        ip=ip,
        document=document.id,
        version=file.number,
        key=file.storage_key,
        reason=why,
    )
    logger.error(
        "refused to serve document %s version %s (%s): stored bytes %s",
        document.id,
        file.number,
        file.storage_key,
        "are missing" if why == "missing" else "do not match the recorded checksum",
    )
    raise DocumentCorrupted(f"{document.id} v{file.number}: {why}")


def _resolve(byte_range: ByteRange | None, size: int) -> tuple[int, int]:
    if byte_range is None:
        return 0, size
    start, stop = byte_range
    if start < 0:
        return max(0, size + start), size
    stop = size if stop is None else min(stop, size)
    if start >= size or stop <= start:
        raise RangeNotSatisfiable(size)
    return start, stop


def download_my_document(
    *,
    services: Services,
    storage: FileStorage,
    actor: Account,
    document_id: str,
    byte_range: ByteRange | None = None,
    range_etag: str | None = None,
    record: bool = True,
    ip: str = "-",
) -> DocumentDownload:
    """Open the signed-in client's own ready document for download, and log the download.

    Args:
        byte_range: only these bytes (an HTTP ``Range``).
        range_etag: apply ``byte_range`` only if the file's ETag is still this one
            (an HTTP ``If-Range``); otherwise send everything.
        record: False for a look that sends no bytes (an HTTP ``HEAD``): not logged.

    Raises:
        NotFound: no such document, or not theirs, or not ready: the same answer for all.
        DocumentCorrupted: the stored bytes are missing or damaged (logged).
        RangeNotSatisfiable: the range lies outside the file.
    """
    with services.uow() as uow:
        document = uow.documents.get(document_id)
    if document is None or document.client_id != actor.id or not document.downloadable_by_owner():
        raise NotFound()
    file = document.current
    assert file is not None
    return _open(
        services,
        storage,
        actor,
        document,
        file,
        byte_range,
        range_etag,
        ip,
        owner=True,
        record=record,
    )


def download_document(
    *,
    services: Services,
    storage: FileStorage,
    actor: Account,
    document_id: str,
    client_id: str | None = None,
    version: int | None = None,
    byte_range: ByteRange | None = None,
    range_etag: str | None = None,
    record: bool = True,
    ip: str = "-",
) -> DocumentDownload:
    """Staff open any stored version of any document (ready or archived), logged too.

    Args:
        client_id: when given, the document must belong to this client.
        version: a version number from the history (the current one when None).

    Raises:
        PermissionDenied: the actor may not manage documents.
        NotFound: no such document or stored version.
        DocumentCorrupted, RangeNotSatisfiable: as for :func:`download_my_document`.
    """
    permissions.require(actor, Permission.DOCUMENTS_MANAGE)
    with services.uow() as uow:
        document = uow.documents.get(document_id)
    if document is None or (client_id is not None and document.client_id != client_id):
        raise NotFound()
    file = document.current if version is None else document.version_of(version)
    if file is None or not file.is_stored:
        raise NotFound()
    owner = document.client_id == actor.id
    return _open(
        services,
        storage,
        actor,
        document,
        file,
        byte_range,
        range_etag,
        ip,
        owner=owner,
        record=record,
    )


def _open(
    services: Services,
    storage: FileStorage,
    actor: Account,
    document: Document,
    file: FileVersion,
    byte_range: ByteRange | None,
    range_etag: str | None,
    ip: str,
    *,
    owner: bool,
    record: bool,
) -> DocumentDownload:
    size = file.size or 0
    if range_etag is not None and range_etag != file.sha256:
        byte_range = None
    start, stop = _resolve(byte_range, size)
    try:
        stored_size = storage.size(file.storage_key)
    except ObjectNotFound:
        _refuse(document, file, actor.id, ip, "missing")
    if stored_size != size:
        _refuse(document, file, actor.id, ip, "size")
    partial = (start, stop) != (0, size)
    if partial or size <= VERIFY_FIRST_UP_TO:
        try:
            with storage.open(file.storage_key) as whole:
                digest = sha256_of(whole)
        except ObjectNotFound:
            _refuse(document, file, actor.id, ip, "missing")
        if digest.sha256 != file.sha256:
            _refuse(document, file, actor.id, ip, "checksum")
    if record and start == 0:  # a resumed download (a later range) is the same download
        _record(services, document.id, file.number, actor, owner=owner, ip=ip)
    try:
        reader = storage.open(file.storage_key, start=start, end=stop)
    except ObjectNotFound:
        _refuse(document, file, actor.id, ip, "missing")
    return DocumentDownload(
        document=document,
        file=file,
        reader=reader,
        start=start,
        stop=stop,
        verify=not partial,
        actor_id=actor.id,
        ip=ip,
    )


def _record(
    services: Services, document_id: str, number: int, actor: Account, *, owner: bool, ip: str
) -> None:
    """Log the download; the owner's first one marks the document as opened."""
    for attempt in range(3):
        try:
            with services.uow() as uow:
                now = services.clock.now()
                document = uow.documents.get(document_id)
                if document is None:
                    raise NotFound()
                if owner and document.downloaded_by_owner(now):
                    uow.documents.save(document)
                uow.documents.add_download(
                    DownloadRecord(
                        id=services.ids.new_id(),
                        document_id=document_id,
                        version=number,
                        account_id=actor.id,
                        account_label=actor.email.address,
                        by_owner=owner,
                        at=now,
                        ip=ip[:64],
                    )
                )
                uow.commit()
            return
        except ConcurrentUpdate:  # two first downloads at once: the other one won; log ours
            if attempt == 2:
                raise
