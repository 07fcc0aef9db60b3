"""Use cases: the client downloads their document; staff download any document.

A download is handed off to the web server or the browser when the caller allows it and the
storage can, else streamed checked against the SHA-256 recorded at upload (see
:mod:`iclient_core.shared.downloads`): bytes whose fingerprint is unchanged since their last
full check (the upload's or the scrub's) need no second one.

Every download is logged, and the owner's first one marks the document as opened, when it is
*sent*: when the web server took the last byte of a stream, or when the download is handed
off (the web server or the storage then sends it). A download abandoned half-way, or by a
client gone before the answer started, is not logged.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import TYPE_CHECKING, NoReturn

from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import Permission, require
from iclient_core.documents.model import Document, DownloadRecord, FileCheck, FileVersion
from iclient_core.shared import audit
from iclient_core.shared.downloads import (
    ByteRange,
    Download,
    FileCorrupted,
    HandOff,
    StoredFile,
    open_download,
    resolve_range,
)
from iclient_core.shared.errors import ConcurrentUpdate, NotFound
from iclient_core.shared.security_log import security_event
from iclient_core.shared.storage import ObjectNotFound
from iclient_core.webhooks.events import emit
from iclient_core.webhooks.model import EventType

if TYPE_CHECKING:
    from iclient_core.services import Services

logger = logging.getLogger("iclient.documents")


def _refuse(document: Document, file: FileVersion, actor_id: str, ip: str, why: str) -> NoReturn:
    """Log a damaged or missing file and refuse it.

    Raises:
        FileCorrupted: always.
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
    raise FileCorrupted(f"{document.id} v{file.number}: {why}")


def download_my_document(
    *,
    services: Services,
    actor: Account,
    document_id: str,
    byte_range: ByteRange | None = None,
    range_etag: str | None = None,
    record: bool = True,
    ip: str = "-",
    hand_off: Collection[HandOff] = (),
) -> Download:
    """Open the signed-in client's own ready document for download; it is logged once sent.

    Args:
        byte_range: only these bytes (an HTTP ``Range``).
        range_etag: apply ``byte_range`` only if the file's ETag is still this one
            (an HTTP ``If-Range``); otherwise send everything.
        record: False for a look that sends no bytes (an HTTP ``HEAD``): not logged.
        hand_off: the ways the bytes may go without the application (a web server in
            front, a signed URL), if the storage supports one; a hand-off is logged at once.

    Raises:
        NotFound: no such document, or not theirs, or not ready: the same answer for all.
        FileCorrupted: the stored bytes are missing or damaged (logged).
        RangeNotSatisfiable: the range lies outside the file.
    """
    with services.uow() as uow:
        document = uow.documents.get(document_id)
        if (
            document is None
            or document.client_id != actor.id
            or not document.downloadable_by_owner()
        ):
            raise NotFound()
        file = document.current
        assert file is not None
        check = uow.documents.file_check(file.storage_key)
    return _open(
        services,
        actor,
        document,
        file,
        check,
        byte_range,
        range_etag,
        ip,
        owner=True,
        record=record,
        hand_off=hand_off,
    )


def download_document(
    *,
    services: Services,
    actor: Account,
    document_id: str,
    client_id: str | None = None,
    version: int | None = None,
    byte_range: ByteRange | None = None,
    range_etag: str | None = None,
    record: bool = True,
    ip: str = "-",
    hand_off: Collection[HandOff] = (),
) -> Download:
    """Staff open any stored version of any document (ready or archived), logged too.

    Args:
        client_id: when given, the document must belong to this client.
        version: a version number from the history (the current one when None).

    Raises:
        PermissionDenied: the actor may not manage documents.
        NotFound: no such document or stored version.
        FileCorrupted, RangeNotSatisfiable: as for :func:`download_my_document`.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.DOCUMENTS_MANAGE)
        document = uow.documents.get(document_id)
        if document is None or (client_id is not None and document.client_id != client_id):
            raise NotFound()
        file = document.current if version is None else document.version_of(version)
        if file is None or not file.is_stored:
            raise NotFound()
        check = uow.documents.file_check(file.storage_key)
    owner = document.client_id == actor.id
    return _open(
        services,
        actor,
        document,
        file,
        check,
        byte_range,
        range_etag,
        ip,
        owner=owner,
        record=record,
        hand_off=hand_off,
    )


def _open(
    services: Services,
    actor: Account,
    document: Document,
    file: FileVersion,
    check: FileCheck | None,
    byte_range: ByteRange | None,
    range_etag: str | None,
    ip: str,
    *,
    owner: bool,
    record: bool,
    hand_off: Collection[HandOff],
) -> Download:
    stored = StoredFile(
        key=file.storage_key,
        size=file.size or 0,
        sha256=file.sha256 or "",
        display_name=file.display_name,
        content_type=file.content_type,
    )
    if range_etag is not None and range_etag != stored.sha256:
        byte_range = None
    start, stop = resolve_range(byte_range, stored.size)

    def refuse(why: str) -> NoReturn:
        _refuse(document, file, actor.id, ip, why)

    storage = services.storage
    trusted = False
    if check is not None and not check.failed:
        try:
            trusted = check.vouches_for(storage.fingerprint(stored.key))
        except ObjectNotFound:
            refuse("missing")

    def sent() -> None:
        _record(services, document.id, file.number, actor, owner=owner, ip=ip)

    return open_download(
        storage,
        stored,
        start=start,
        stop=stop,
        refuse=refuse,
        trusted=trusted,
        hand_off=hand_off,
        # A resumed download (a later range) is the same download: logged once.
        on_sent=sent if record and start == 0 else None,
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
                if owner:
                    audit.record(
                        services,
                        uow,
                        actor=actor,
                        action="document.opened",
                        target_type="document",
                        target_id=document_id,
                        ip=ip,
                        subject_id=document.client_id,
                        details={"title": document.title, "version": number},
                    )
                    emit(
                        services,
                        uow,
                        EventType.DOCUMENT_DOWNLOADED,
                        {
                            "document": {
                                "id": document.id,
                                "client_id": document.client_id,
                                "title": document.title,
                                "category": document.category.value,
                                "reference": document.reference,
                                "version": number,
                            },
                            "client": {"id": actor.id, "email": actor.email.address},
                        },
                    )
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
