"""Use cases: staff put a file in a client's private area, or replace a document's file.

The order is what makes it safe: the row is written ``pending`` first, then the bytes are
streamed to storage under a key the server made, then the row becomes ``ready`` (and the
client is told) in one transaction. A crash in between leaves a pending row, or bytes no
row points to, never a ready document without its bytes; the sweeper removes the leftovers.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.events import notify_event
from iclient_core.accounts.model import Account, Role, Status
from iclient_core.accounts.permissions import Permission, require
from iclient_core.documents.inputs import MAX_TITLE, clean_details
from iclient_core.documents.model import (
    CheckOutcome,
    Document,
    DocumentStatus,
    FileCheck,
    FileVersion,
)
from iclient_core.notifications.model import Kind
from iclient_core.notifications.preferences import Event
from iclient_core.shared import audit
from iclient_core.shared.business import effective
from iclient_core.shared.errors import ConcurrentUpdate, InvalidInput, NotFound
from iclient_core.shared.filetypes import title_from_filename
from iclient_core.shared.intake import Upload, check_file, forget_stored, store_checked
from iclient_core.shared.storage import StorageUnavailable
from iclient_core.webhooks.events import client_data, emit
from iclient_core.webhooks.model import EventType

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

logger = logging.getLogger("iclient.documents")

KEY_PREFIX = "documents"
"""Every document's bytes are stored under this first key segment."""


def storage_key(client_id: str, document_id: str, number: int) -> str:
    """A fresh key for file ``number`` of a document (random, so two tries never clash)."""
    return f"{KEY_PREFIX}/{client_id}/{document_id}/v{number}-{secrets.token_hex(8)}"


def _limit(services: Services, uow: UnitOfWork, max_size: int | None) -> int:
    """The size limit in force: the admin's setting, never above the caller's ``max_size``."""
    configured = effective(services.settings, uow.settings.get()).upload_limit_bytes
    return configured if max_size is None else min(configured, max_size)


def _checked_at_upload(
    services: Services, document_id: str, file: FileVersion, fingerprint: str | None
) -> FileCheck:
    """The check an upload makes: the SHA-256 was computed as the bytes went in, and the
    fingerprint taken once they were stored says which stored bytes that vouches for."""
    return FileCheck(
        storage_key=file.storage_key,
        document_id=document_id,
        version=file.number,
        outcome=CheckOutcome.OK,
        checked_at=services.clock.now(),
        fingerprint=fingerprint,
    )


def _fingerprint(services: Services, key: str) -> str | None:
    try:
        return services.storage.fingerprint(key)
    except Exception:  # no fingerprint: the first download checks the bytes in full
        logger.warning("no fingerprint for stored object %s", key)
        return None


def _client(uow: UnitOfWork, client_id: str) -> Account:
    client = uow.accounts.get(client_id)
    if client is None or client.role is not Role.CLIENT:
        raise NotFound()
    return client


def upload_document(
    *,
    services: Services,
    actor: Account,
    client_id: str,
    file: Upload,
    title: str | None,
    category: str | None,
    reference: str | None = None,
    issue_date: str | None = None,
    amount: str | None = None,
    due_date: str | None = None,
    max_size: int | None = None,
    notify: bool = True,
    ip: str = "-",
) -> Document:
    """Put a file in a client's private area; the client is e-mailed a link to their documents.

    Args:
        file: the uploaded file; its type comes from its leading bytes (allow-list).
        title: the document's title as typed; ``category``, ``reference``, ``issue_date``,
            ``amount`` and ``due_date`` likewise (see
            :func:`~iclient_core.documents.inputs.clean_details`).
        max_size: refuse files larger than this many bytes (the business's upload limit
            setting applies in any case).
        notify: False to leave the e-mail to :func:`notify_published` (several files at once).

    Returns:
        The ready document.

    Raises:
        PermissionDenied: the actor may not manage documents.
        NotFound: no such client.
        InvalidInput: bad details, or a file that is empty, of a type not allowed, named as
            another type, or too large (``file`` field).
        StorageUnavailable: the storage is full or unreachable (nothing was kept).
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.DOCUMENTS_MANAGE)
        details = clean_details(
            title=title,
            category=category,
            reference=reference,
            issue_date=issue_date,
            amount=amount,
            due_date=due_date,
        )
        _client(uow, client_id)
        max_size = _limit(services, uow, max_size)
    checked = check_file(file)
    now = services.clock.now()
    document_id = services.ids.new_id()
    first = FileVersion(
        number=1,
        storage_key=storage_key(client_id, document_id, 1),
        display_name=checked.display_name,
        content_type=checked.file_type.content_type,
        uploaded_by=actor.id,
        uploaded_at=now,
    )
    document = Document.start(
        id=document_id,
        client_id=client_id,
        title=details.title,
        category=details.category,
        reference=details.reference,
        issue_date=details.issue_date,
        amount=details.amount,
        due_date=details.due_date,
        file=first,
        now=now,
    )
    with services.uow() as uow:
        uow.documents.add(document)
        uow.commit()
    try:
        stored = store_checked(services.storage, first.storage_key, checked, max_size)
    except BaseException:
        _abandon(services, document_id, first)
        raise
    fingerprint = _fingerprint(services, first.storage_key)
    with services.uow() as uow:
        found = uow.documents.get(document_id)
        client = _client(uow, client_id)
        if found is None:  # deleted while the bytes were on their way
            forget_stored(services.storage, [first.storage_key])
            raise NotFound()
        found.complete_file(first.storage_key, size=stored.size, sha256=stored.sha256)
        uow.documents.save(found)
        uow.documents.save_file_check(_checked_at_upload(services, found.id, first, fingerprint))
        audit.record(
            services,
            uow,
            actor=actor,
            action="document.uploaded",
            target_type="document",
            target_id=found.id,
            summary=(
                f"{found.category.value} {found.title!r} ({first.display_name}, "
                f"{stored.size} bytes) for {client.email.address}"
            ),
            ip=ip,
            subject_id=client.id,
            details={
                "category": found.category.value,
                "title": found.title,
                "file_name": first.display_name,
                "size": stored.size,
            },
        )
        if notify:
            _notify(services, uow, client, [found.title])
        emit(
            services,
            uow,
            EventType.DOCUMENT_PUBLISHED,
            {"document": _event_data(found), "client": client_data(client)},
        )
        uow.commit()
    return found


def _event_data(document: Document) -> dict[str, object]:
    """A document as webhook events describe it (its metadata, never its bytes)."""
    current = document.current
    return {
        "id": document.id,
        "client_id": document.client_id,
        "title": document.title,
        "category": document.category.value,
        "reference": document.reference,
        "issue_date": document.issue_date.isoformat() if document.issue_date else None,
        "amount": {"cents": document.amount.cents, "currency": document.amount.currency}
        if document.amount
        else None,
        "due_date": document.due_date.isoformat() if document.due_date else None,
        "file": {
            "version": current.number,
            "name": current.display_name,
            "content_type": current.content_type,
            "size": current.size,
            "sha256": current.sha256,
        }
        if current is not None
        else None,
    }


def _abandon(services: Services, document_id: str, file: FileVersion) -> None:
    """Undo a failed first upload: the pending row goes, and any bytes with it."""
    try:
        with services.uow() as uow:
            document = uow.documents.get(document_id)
            if document is not None and document.status is DocumentStatus.PENDING:
                uow.documents.remove(document_id)
                uow.commit()
    except Exception:  # the sweeper removes stale pending rows
        logger.warning("could not remove pending document %s; the sweeper will", document_id)
    forget_stored(services.storage, [file.storage_key])


def _notify(
    services: Services,
    uow: UnitOfWork,
    client: Account,
    titles: Sequence[str],
) -> None:
    if client.status is Status.DISABLED or not titles:
        return
    notify_event(
        services,
        uow,
        client,
        Event.NEW_DOCUMENT,
        Kind.DOCUMENT_PUBLISHED,
        {
            "link": services.links.documents(client.language),
            "count": str(len(titles)),
            "titles": "\n".join(titles),
        },
    )


def notify_published(
    *,
    services: Services,
    actor: Account,
    client_id: str,
    document_ids: Sequence[str],
) -> None:
    """E-mail the client once about several documents uploaded with ``notify=False``.

    The e-mail lists the titles and links to the documents page; it never carries a file.

    Raises:
        PermissionDenied: the actor may not manage documents.
        NotFound: no such client.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.DOCUMENTS_MANAGE)
        client = _client(uow, client_id)
        titles = []
        for document_id in document_ids:
            document = uow.documents.get(document_id)
            if (
                document is not None
                and document.client_id == client_id
                and document.downloadable_by_owner()
            ):
                titles.append(document.title)
        _notify(services, uow, client, titles)
        uow.commit()


def replace_file(
    *,
    services: Services,
    actor: Account,
    document_id: str,
    file: Upload,
    client_id: str | None = None,
    max_size: int | None = None,
    ip: str = "-",
) -> Document:
    """Store a new file for a document; the old one stays in its history.

    Returns:
        The document with its new current version.

    Raises:
        PermissionDenied: the actor may not manage documents.
        NotFound: no such document, or its first upload is still pending.
        InvalidInput: the file is refused (``file`` field), as for an upload.
        ConcurrentUpdate: another replacement started meanwhile and won.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.DOCUMENTS_MANAGE)
        checked = check_file(file)
        document = uow.documents.get(document_id)
        if document is None or document.current is None:
            raise NotFound()
        if client_id is not None and document.client_id != client_id:
            raise NotFound()
        max_size = _limit(services, uow, max_size)
        number = document.next_number()
        new = FileVersion(
            number=number,
            storage_key=storage_key(document.client_id, document.id, number),
            display_name=checked.display_name,
            content_type=checked.file_type.content_type,
            uploaded_by=actor.id,
            uploaded_at=services.clock.now(),
        )
        dropped = document.begin_replacement(new)
        uow.documents.save(document)
        uow.commit()
    forget_stored(services.storage, [v.storage_key for v in dropped])
    try:
        stored = store_checked(services.storage, new.storage_key, checked, max_size)
    except BaseException:
        _drop_pending(services, document_id, new.storage_key)
        forget_stored(services.storage, [new.storage_key])
        raise
    fingerprint = _fingerprint(services, new.storage_key)
    with services.uow() as uow:
        document = uow.documents.get(document_id)
        try:
            if document is None:
                raise LookupError(document_id)
            document.complete_file(new.storage_key, size=stored.size, sha256=stored.sha256)
        except LookupError:
            forget_stored(services.storage, [new.storage_key])
            raise ConcurrentUpdate(document_id) from None
        uow.documents.save(document)
        uow.documents.save_file_check(_checked_at_upload(services, document.id, new, fingerprint))
        audit.record(
            services,
            uow,
            actor=actor,
            action="document.replaced",
            target_type="document",
            target_id=document.id,
            summary=f"version {number}: {new.display_name} ({stored.size} bytes)",
            ip=ip,
            subject_id=document.client_id,
            details={
                "title": document.title,
                "version": number,
                "file_name": new.display_name,
                "size": stored.size,
            },
        )
        uow.commit()
    return document


def _drop_pending(services: Services, document_id: str, storage_key: str) -> None:
    try:
        with services.uow() as uow:
            document = uow.documents.get(document_id)
            if document is not None and document.drop_file(storage_key) is not None:
                uow.documents.save(document)
                uow.commit()
    except Exception:  # the sweeper removes stale pending files
        logger.warning("could not drop pending file %s of %s", storage_key, document_id)


# --------------------------------------------------------------------------- several files at once


@attrs.frozen
class RefusedFile:
    """A file of a batch that was not stored: its name (made a title) and the first reason's
    error code (``file_empty``, ``file_type_not_allowed``, ``file_type_mismatch``,
    ``file_too_large``; ``storage_full`` or ``storage_unreachable`` when the storage could
    not take it)."""

    name: str
    code: str


@attrs.frozen
class UploadReport:
    """What became of a batch of files: the documents stored, in the order of the files, and
    the files refused."""

    documents: tuple[Document, ...]
    refused: tuple[RefusedFile, ...]


def _batch_title(title: str, filename: str | None, count: int) -> str:
    """The title of one of ``count`` files sent together: ``title`` for a single file; else
    ``title — name`` (the file's name made a title), or the name alone without a title."""
    if count == 1:
        return title
    name = title_from_filename(filename)
    return f"{title} — {name}"[:MAX_TITLE] if title.strip() else name


def _code(error: StorageUnavailable) -> str:
    return "storage_full" if error.reason == "full" else "storage_unreachable"


def upload_documents(
    *,
    services: Services,
    actor: Account,
    client_id: str,
    files: Sequence[Upload],
    title: str | None,
    category: str | None,
    reference: str | None = None,
    issue_date: str | None = None,
    amount: str | None = None,
    due_date: str | None = None,
    max_size: int | None = None,
    ip: str = "-",
) -> UploadReport:
    """Put one or more files in a client's private area; the client gets one e-mail for all.

    Every file becomes a document with the same details. With several files, each title adds
    the file's name (``Fatura 2026 — janeiro``), or is the name alone when no title was
    given. A refused file does not stop the others: it is reported and the rest are stored.

    Args:
        files: the uploaded files, in the order they were chosen.
        title: the title as typed (with several files, each file's name is added).
        category: the category, for every file; ``reference``, ``issue_date``, ``amount``
            and ``due_date`` likewise (see
            :func:`~iclient_core.documents.inputs.clean_details`).
        max_size: refuse files larger than this many bytes (the business's upload limit
            setting applies in any case).

    Returns:
        The documents stored and the files refused. The e-mail lists the stored documents;
        none is sent when every file was refused. When the storage is full or unreachable,
        that file and the ones after it are refused (``storage_full``,
        ``storage_unreachable``), with nothing of them kept.

    Raises:
        PermissionDenied: the actor may not manage documents.
        NotFound: no such client.
        InvalidInput: bad details (checked before any file is stored), or no file at all
            (``file``: ``required``).
    """
    with services.uow() as uow:  # refused before any detail is looked at
        require(uow, actor, Permission.DOCUMENTS_MANAGE)
    title = title or ""
    # With several files, an empty title is fine: each file's name becomes its title.
    clean_details(
        title=title if len(files) <= 1 else "several",
        category=category,
        reference=reference,
        issue_date=issue_date,
        amount=amount,
        due_date=due_date,
    )
    if not files:
        raise InvalidInput.single("file", "required")
    stored: list[Document] = []
    refused: list[RefusedFile] = []
    unavailable: StorageUnavailable | None = None
    for file in files:
        if unavailable is not None:  # no use trying the rest now
            refused.append(RefusedFile(title_from_filename(file.filename), _code(unavailable)))
            continue
        try:
            document = upload_document(
                services=services,
                actor=actor,
                client_id=client_id,
                file=file,
                title=_batch_title(title, file.filename, len(files)),
                category=category,
                reference=reference,
                issue_date=issue_date,
                amount=amount,
                due_date=due_date,
                max_size=max_size,
                notify=False,
                ip=ip,
            )
        except InvalidInput as error:
            codes = [code for field_codes in error.by_field().values() for code in field_codes]
            refused.append(RefusedFile(name=title_from_filename(file.filename), code=codes[0]))
            continue
        except StorageUnavailable as error:
            logger.error("the file storage is %s: %s", error.reason, error)
            unavailable = error
            refused.append(RefusedFile(title_from_filename(file.filename), _code(error)))
            continue
        stored.append(document)
    if stored:
        notify_published(
            services=services,
            actor=actor,
            client_id=client_id,
            document_ids=[document.id for document in stored],
        )
    return UploadReport(documents=tuple(stored), refused=tuple(refused))
