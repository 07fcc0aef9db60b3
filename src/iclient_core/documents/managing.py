"""Use cases: staff look after a client's documents (list, details, archive, delete)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.model import Account, Role
from iclient_core.accounts.permissions import ClientReading, Permission, require
from iclient_core.documents.inputs import clean_details, list_query
from iclient_core.documents.model import (
    VISIBLE_TO_STAFF,
    Document,
    DocumentQuery,
    DocumentStatus,
    DownloadRecord,
)
from iclient_core.shared import audit
from iclient_core.shared.errors import InvalidInput, NotFound
from iclient_core.shared.intake import forget_stored
from iclient_core.shared.paging import Page
from iclient_core.shared.text import counted

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork


@attrs.frozen
class ClientDocuments:
    """A page of one client's documents as staff see them, with the years to filter by."""

    client: Account
    page: Page[Document]
    years: Sequence[int]


@attrs.frozen
class DocumentRecord:
    """A document with its history and its latest downloads, for staff."""

    document: Document
    client: Account
    downloads: Sequence[DownloadRecord]


LATEST = 5
"""How many of a client's documents their page in the staff area shows."""


def _latest_of_client(services: Services, uow: UnitOfWork, client: Account) -> Page[Document]:
    return uow.documents.list(
        DocumentQuery(client_id=client.id, statuses=VISIBLE_TO_STAFF, per_page=LATEST)
    )


CLIENT_DOCUMENTS = ClientReading(Permission.DOCUMENTS_MANAGE, _latest_of_client)
"""The latest documents of a client, every status, with the total, for their page in the
staff area (one statement)."""


def _client(uow: UnitOfWork, client_id: str) -> Account:
    client = uow.accounts.get(client_id)
    if client is None or client.role is not Role.CLIENT:
        raise NotFound()
    return client


def _document(uow: UnitOfWork, document_id: str, client_id: str | None) -> Document:
    document = uow.documents.get(document_id)
    if document is None or (client_id is not None and document.client_id != client_id):
        raise NotFound()
    return document


def client_documents(
    *,
    services: Services,
    actor: Account,
    client_id: str,
    category: str | None = None,
    year: str | None = None,
    search: str | None = None,
    page: str | None = None,
    per_page: int = 20,
) -> ClientDocuments:
    """One client's documents, every status, newest first, filtered like the client's list.

    Raises:
        PermissionDenied: the actor may not manage documents.
        NotFound: no such client.
    """
    query = list_query(
        client_id=client_id,
        statuses=VISIBLE_TO_STAFF,
        category=category,
        year=year,
        search=search,
        page=page,
        per_page=per_page,
    )
    with services.uow() as uow:
        actor = require(uow, actor, Permission.DOCUMENTS_MANAGE)
        client = _client(uow, client_id)
        return ClientDocuments(
            client=client,
            page=uow.documents.list(query),
            years=uow.documents.years(client_id, VISIBLE_TO_STAFF),
        )


def document_record(
    *,
    services: Services,
    actor: Account,
    document_id: str,
    client_id: str | None = None,
    downloads: int = 50,
) -> DocumentRecord:
    """A document, its versions and its latest downloads (who, when, from which IP).

    Args:
        client_id: when given, the document must belong to this client.

    Raises:
        PermissionDenied: the actor may not manage documents.
        NotFound: no such document (for this client).
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.DOCUMENTS_MANAGE)
        document = _document(uow, document_id, client_id)
        return DocumentRecord(
            document=document,
            client=_client(uow, document.client_id),
            downloads=uow.documents.downloads(document_id, limit=downloads),
        )


def edit_details(
    *,
    services: Services,
    actor: Account,
    document_id: str,
    client_id: str | None = None,
    title: str | None,
    category: str | None,
    reference: str | None = None,
    issue_date: str | None = None,
    amount: str | None = None,
    due_date: str | None = None,
    ip: str = "-",
) -> Document:
    """Correct a document's title, category, reference, dates or amount.

    Raises:
        PermissionDenied, NotFound: as above.
        InvalidInput: a bad field.
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
        document = _document(uow, document_id, client_id)
        document.update_details(
            title=details.title,
            category=details.category,
            reference=details.reference,
            issue_date=details.issue_date,
            amount=details.amount,
            due_date=details.due_date,
        )
        uow.documents.save(document)
        audit.record(
            services,
            uow,
            actor=actor,
            action="document.edited",
            target_type="document",
            target_id=document.id,
            summary=f"{document.category.value} {document.title!r}",
            ip=ip,
            subject_id=document.client_id,
            details={"category": document.category.value, "title": document.title},
        )
        uow.commit()
    return document


def archive_document(
    *,
    services: Services,
    actor: Account,
    document_id: str,
    client_id: str | None = None,
    ip: str = "-",
) -> Document:
    """Take a ready document out of the client's area; staff keep it and its history.

    Raises:
        PermissionDenied, NotFound: as above.
        InvalidInput: the document is not ready (``status: not_ready``).
    """
    return _change_status(services, actor, document_id, client_id, archive=True, ip=ip)


def unarchive_document(
    *,
    services: Services,
    actor: Account,
    document_id: str,
    client_id: str | None = None,
    ip: str = "-",
) -> Document:
    """Put an archived document back in the client's area.

    Raises:
        PermissionDenied, NotFound: as above.
        InvalidInput: the document is not archived (``status: not_archived``).
    """
    return _change_status(services, actor, document_id, client_id, archive=False, ip=ip)


def _change_status(
    services: Services,
    actor: Account,
    document_id: str,
    client_id: str | None,
    *,
    archive: bool,
    ip: str,
) -> Document:
    with services.uow() as uow:
        actor = require(uow, actor, Permission.DOCUMENTS_MANAGE)
        document = _document(uow, document_id, client_id)
        if archive:
            if document.status is not DocumentStatus.READY:
                raise InvalidInput.single("status", "not_ready")
            document.archive(services.clock.now())
        else:
            if document.status is not DocumentStatus.ARCHIVED:
                raise InvalidInput.single("status", "not_archived")
            document.unarchive()
        uow.documents.save(document)
        audit.record(
            services,
            uow,
            actor=actor,
            action="document.archived" if archive else "document.unarchived",
            target_type="document",
            target_id=document.id,
            summary=f"{document.category.value} {document.title!r}",
            ip=ip,
            subject_id=document.client_id,
            details={"category": document.category.value, "title": document.title},
        )
        uow.commit()
    return document


def delete_document(
    *,
    services: Services,
    actor: Account,
    document_id: str,
    confirmed: bool,
    client_id: str | None = None,
    ip: str = "-",
) -> Document:
    """Delete a document with every version and its download log, then its bytes.

    The bytes are removed only after the database commit succeeded: a failure before
    leaves everything as it was; a failure after leaves bytes nothing refers to, which
    the sweeper removes.

    Args:
        confirmed: the person confirmed the deletion (nothing happens otherwise).
        client_id: when given, the document must belong to this client.

    Returns:
        The document as it was.

    Raises:
        PermissionDenied, NotFound: as above.
        InvalidInput: not confirmed (``confirm: confirmation_required``).
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.DOCUMENTS_MANAGE)
        if not confirmed:
            raise InvalidInput.single("confirm", "confirmation_required")
        document = _document(uow, document_id, client_id)
        uow.documents.remove(document.id)
        audit.record(
            services,
            uow,
            actor=actor,
            action="document.deleted",
            target_type="document",
            target_id=document.id,
            summary=(
                f"{document.category.value} {document.title!r}, "
                f"{counted(len(document.versions), 'file')}, client {document.client_id}"
            ),
            ip=ip,
            subject_id=document.client_id,
            details={
                "category": document.category.value,
                "title": document.title,
                "files": len(document.versions),
            },
        )
        uow.commit()
    forget_stored(services.storage, [v.storage_key for v in document.versions])
    return document
