"""The file a client may attach to a quote request: checked, stored, and downloaded.

The rules are the documents' own, reused rather than repeated: the allow-list told by the
file's leading bytes (:mod:`iclient_core.shared.filetypes`), the safe display name, and
the business's upload limit. The bytes are streamed to the ``FileStorage`` under a key the
server makes, ``quotes/<client>/<quote>-<random>``; the client's file name is only ever a
display name.

Write order: the bytes first, then the quote row. If the row cannot be written, the bytes
are removed again. The documents sweeper only looks under ``documents/``, so it never takes
an attachment for an orphan.

Downloads are for the client who owns the quote and for staff who manage quotes; anyone
else gets the same ``NotFound`` as for a quote that does not exist. The bytes always stream
through the application, checked against the SHA-256 recorded when they were stored (the
documents' hand-offs and scrub do not cover attachments).
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING, NoReturn

from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import Permission, require
from iclient_core.quotes.common import active_client, clients_quote, staff_quote
from iclient_core.quotes.model import Attachment, Quote
from iclient_core.shared.business import effective
from iclient_core.shared.downloads import Download, FileCorrupted, StoredFile, open_download
from iclient_core.shared.errors import NotFound
from iclient_core.shared.intake import CheckedFile, Upload, check_file, forget_stored, store_checked
from iclient_core.shared.security_log import security_event
from iclient_core.shared.storage import FileStorage

if TYPE_CHECKING:
    from iclient_core.services import Services

logger = logging.getLogger("iclient.quotes")

KEY_PREFIX = "quotes"
"""Every attachment's bytes are stored under this first key segment (never ``documents``)."""

FIELD = "attachment"
"""The form field refusals are reported on."""


def attachment_key(client_id: str, quote_id: str) -> str:
    """A fresh key for a quote's attachment (random, so two tries never clash)."""
    return f"{KEY_PREFIX}/{client_id}/{quote_id}-{secrets.token_hex(8)}"


def check_attachment(upload: Upload) -> CheckedFile:
    """Read the file's first bytes and check its type (nothing is stored yet).

    Raises:
        InvalidInput: on the ``attachment`` field: ``file_empty``, ``file_type_not_allowed``
            or ``file_type_mismatch``.
    """
    return check_file(upload, field=FIELD)


def store_attachment(
    *,
    services: Services,
    checked: CheckedFile,
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
        limit = effective(services.settings, uow.settings.get()).upload_limit_bytes
    if max_size is not None:
        limit = min(limit, max_size)
    key = attachment_key(client_id, quote_id)
    stored = store_checked(services.storage, key, checked, limit, field=FIELD)
    return Attachment(
        key=key,
        display_name=checked.display_name,
        content_type=checked.file_type.content_type,
        size=stored.size,
        sha256=stored.sha256,
    )


def forget_attachment(storage: FileStorage, attachment: Attachment) -> None:
    """Remove the bytes of an attachment no quote refers to (a failed request)."""
    forget_stored(storage, [attachment.key])


# --------------------------------------------------------------------------- downloads


def _refuse(quote: Quote, attachment: Attachment, why: str) -> NoReturn:
    """Log a damaged or missing attachment and refuse it.

    Raises:
        FileCorrupted: always.
    """
    security_event(
        "quote_attachment_integrity_failed", quote=quote.id, key=attachment.key, reason=why
    )
    logger.error(
        "refused to serve the attachment of quote %s (%s): %s", quote.id, attachment.key, why
    )
    raise FileCorrupted(f"quote {quote.id} attachment: {why}")


def _open(storage: FileStorage, quote: Quote) -> Download:
    attachment = quote.attachment
    if attachment is None:
        raise NotFound("attachment")
    stored = StoredFile(
        key=attachment.key,
        size=attachment.size,
        sha256=attachment.sha256,
        display_name=attachment.display_name,
        content_type=attachment.content_type,
    )

    def refuse(why: str) -> NoReturn:
        _refuse(quote, attachment, why)

    return open_download(storage, stored, start=0, stop=stored.size, refuse=refuse)


def download_my_attachment(*, services: Services, account_id: str, quote_id: str) -> Download:
    """The signed-in client opens the file they attached to their own quote request.

    Raises:
        NotFound: no such quote, another client's, or one without an attachment.
        PermissionDenied: the account is not an active client.
        FileCorrupted: the stored bytes are missing or damaged (logged).
    """
    with services.uow() as uow:
        client = active_client(uow, account_id)
        quote = clients_quote(uow, client, quote_id)
    return _open(services.storage, quote)


def download_quote_attachment(*, services: Services, actor: Account, quote_id: str) -> Download:
    """Staff open the file a client attached to a quote request.

    Raises:
        PermissionDenied: the actor may not manage quotes.
        NotFound: no such quote, or one without an attachment.
        FileCorrupted: the stored bytes are missing or damaged (logged).
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.QUOTES_MANAGE)
        quote = staff_quote(uow, quote_id)
    return _open(services.storage, quote)
