"""The file a client may attach to a quote request: checked, stored, and downloaded.

The rules are the documents' own, reused rather than repeated: the allow-list told by the
file's leading bytes (:mod:`iclient_core.documents.filetypes`), the safe display name, and
the business's upload limit. The bytes are streamed to the ``FileStorage`` under a key the
server makes, ``quotes/<client>/<quote>-<random>``; the client's file name is only ever a
display name.

Write order: the bytes first, then the quote row. If the row cannot be written, the bytes
are removed again. The documents sweeper only looks under ``documents/``, so it never takes
an attachment for an orphan.

Downloads are for the client who owns the quote and for staff who manage quotes; anyone
else gets the same ``NotFound`` as for a quote that does not exist. The bytes are checked
against the SHA-256 recorded when they were stored, as documents are.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from types import TracebackType
from typing import NoReturn

from iclient_core.accounts import Account
from iclient_core.documents.download import VERIFY_FIRST_UP_TO, DocumentCorrupted
from iclient_core.documents.filetypes import download_content_type
from iclient_core.documents.publishing import (
    Upload,
    _forget_bytes,
    _limit,
    _sniff,
    _Sniffed,
    _store,
)
from iclient_core.errors import FieldError, InvalidInput, NotFound
from iclient_core.permissions import Permission, require
from iclient_core.quotes.common import active_client, clients_quote, staff_quote
from iclient_core.quotes.model import Attachment, Quote
from iclient_core.security_log import security_event
from iclient_core.services import Services
from iclient_core.storage import (
    FileStorage,
    ObjectNotFound,
    ObjectReader,
    sha256_of,
    verified_chunks,
)

logger = logging.getLogger("iclient.quotes")

KEY_PREFIX = "quotes"
"""Every attachment's bytes are stored under this first key segment (never ``documents``)."""

FIELD = "attachment"
"""The form field refusals are reported on."""


def attachment_key(client_id: str, quote_id: str) -> str:
    """A fresh key for a quote's attachment (random, so two tries never clash)."""
    return f"{KEY_PREFIX}/{client_id}/{quote_id}-{secrets.token_hex(8)}"


def _on_field(error: InvalidInput) -> InvalidInput:
    return InvalidInput([FieldError(FIELD, e.code) for e in error.errors])


def check_attachment(upload: Upload) -> _Sniffed:
    """Read the file's first bytes and check its type (nothing is stored yet).

    Raises:
        InvalidInput: on the ``attachment`` field: ``file_empty``, ``file_type_not_allowed``
            or ``file_type_mismatch``.
    """
    try:
        return _sniff(upload)
    except InvalidInput as refused:
        raise _on_field(refused) from None


def store_attachment(
    *,
    services: Services,
    storage: FileStorage,
    checked: _Sniffed,
    client_id: str,
    quote_id: str,
    max_size: int | None = None,
) -> Attachment:
    """Stream a checked file to storage under a new key, within the upload limit.

    Args:
        max_size: refuse files larger than this many bytes (the business's upload limit
            setting applies in any case).

    Raises:
        InvalidInput: ``file_too_large`` on the ``attachment`` field (nothing was stored).
    """
    with services.uow() as uow:
        limit = _limit(services, uow, max_size)
    key = attachment_key(client_id, quote_id)
    try:
        stored = _store(storage, key, checked, limit)
    except InvalidInput as refused:
        raise _on_field(refused) from None
    return Attachment(
        key=key,
        display_name=checked.display_name,
        content_type=checked.file_type.content_type,
        size=stored.size,
        sha256=stored.sha256,
    )


def forget_attachment(storage: FileStorage, attachment: Attachment) -> None:
    """Remove the bytes of an attachment no quote refers to (a failed request)."""
    _forget_bytes(storage, [attachment.key])


# --------------------------------------------------------------------------- downloads


class AttachmentDownload:
    """An open download of a quote's attachment: what to tell the browser, and the bytes.

    Iterate it for the bytes (checked against the recorded SHA-256 while they stream; the
    last chunk is held back until the checksum matches); close it when done.
    """

    start = 0
    partial = False

    def __init__(
        self, *, quote: Quote, attachment: Attachment, reader: ObjectReader, verify: bool
    ) -> None:
        self.quote = quote
        self.attachment = attachment
        self._reader = reader
        self._verify = verify

    @property
    def size(self) -> int:
        """The file's size."""
        return self.attachment.size

    @property
    def stop(self) -> int:
        """One past the last byte sent (the whole file is always sent)."""
        return self.attachment.size

    @property
    def length(self) -> int:
        """How many bytes this download sends."""
        return self.attachment.size

    @property
    def filename(self) -> str:
        """The safe display name to offer the browser."""
        return self.attachment.display_name

    @property
    def content_type(self) -> str:
        """The stored type if on the allow-list, else ``application/octet-stream``."""
        return download_content_type(self.attachment.content_type)

    @property
    def etag(self) -> str:
        """A strong validator of the bytes: their SHA-256."""
        return self.attachment.sha256

    def __iter__(self) -> Iterator[bytes]:
        if not self._verify:
            yield from self._reader
            return
        yield from verified_chunks(
            self._reader,
            size=self.size,
            sha256=self.attachment.sha256,
            refuse=lambda: _refuse(self.quote, self.attachment, "checksum"),
        )

    def close(self) -> None:
        """Release the stored object."""
        self._reader.close()

    def __enter__(self) -> AttachmentDownload:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _refuse(quote: Quote, attachment: Attachment, why: str) -> NoReturn:
    """Log a damaged or missing attachment and refuse it.

    Raises:
        DocumentCorrupted: always.
    """
    security_event(
        "quote_attachment_integrity_failed", quote=quote.id, key=attachment.key, reason=why
    )
    logger.error(
        "refused to serve the attachment of quote %s (%s): %s", quote.id, attachment.key, why
    )
    raise DocumentCorrupted(f"quote {quote.id} attachment: {why}")


def _open(storage: FileStorage, quote: Quote) -> AttachmentDownload:
    attachment = quote.attachment
    if attachment is None:
        raise NotFound("attachment")
    try:
        if storage.size(attachment.key) != attachment.size:
            _refuse(quote, attachment, "size")
        verify_first = attachment.size <= VERIFY_FIRST_UP_TO
        if verify_first:
            with storage.open(attachment.key) as whole:
                if sha256_of(whole).sha256 != attachment.sha256:
                    _refuse(quote, attachment, "checksum")
        reader = storage.open(attachment.key)
    except ObjectNotFound:
        _refuse(quote, attachment, "missing")
    return AttachmentDownload(
        quote=quote, attachment=attachment, reader=reader, verify=not verify_first
    )


def download_my_attachment(
    *, services: Services, storage: FileStorage, account_id: str, quote_id: str
) -> AttachmentDownload:
    """The signed-in client opens the file they attached to their own quote request.

    Raises:
        NotFound: no such quote, another client's, or one without an attachment.
        PermissionDenied: the account is not an active client.
        DocumentCorrupted: the stored bytes are missing or damaged (logged).
    """
    with services.uow() as uow:
        client = active_client(uow, account_id)
        quote = clients_quote(uow, client, quote_id)
    return _open(storage, quote)


def download_quote_attachment(
    *, services: Services, storage: FileStorage, actor: Account, quote_id: str
) -> AttachmentDownload:
    """Staff open the file a client attached to a quote request.

    Raises:
        PermissionDenied: the actor may not manage quotes.
        NotFound: no such quote, or one without an attachment.
        DocumentCorrupted: the stored bytes are missing or damaged (logged).
    """
    require(actor, Permission.QUOTES_MANAGE)
    with services.uow() as uow:
        quote = staff_quote(uow, quote_id)
    return _open(storage, quote)
