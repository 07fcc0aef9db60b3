"""The files sent with support messages: checked, stored, and downloaded.

The rules are the documents' own, reused from :mod:`iclient_core.shared.intake` and
:mod:`iclient_core.shared.downloads`: the allow-list told by the file's leading bytes, the
safe display name, the business's upload limit, the bytes streamed to the ``FileStorage``
under a key the server makes (``support/<client>/<conversation>-<random>``) with their
SHA-256, and downloads streamed through the application checked against it.

Write order: the bytes first, then the message row; if the row cannot be written, the bytes
are removed again.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from iclient_core.shared.business import effective
from iclient_core.shared.downloads import Download, FileCorrupted, StoredFile, open_download
from iclient_core.shared.errors import InvalidInput
from iclient_core.shared.intake import Upload, check_file, forget_stored, store_checked
from iclient_core.shared.security_log import security_event
from iclient_core.shared.storage import FileStorage
from iclient_core.support.model import Attachment

if TYPE_CHECKING:
    from iclient_core.services import Services

logger = logging.getLogger("iclient.support")

KEY_PREFIX = "support"
"""Every attachment's bytes are stored under this first key segment (never ``documents``)."""

FIELD = "file"
"""The form field refusals are reported on."""

MAX_FILES = 5
"""Files one message may carry."""


def attachment_key(client_id: str, conversation_id: str) -> str:
    """A fresh key for a support attachment (random, so two tries never clash)."""
    return f"{KEY_PREFIX}/{client_id}/{conversation_id}-{secrets.token_hex(8)}"


def store_files(
    *,
    services: Services,
    uploads: Sequence[Upload],
    client_id: str,
    conversation_id: str,
    max_size: int | None = None,
) -> tuple[Attachment, ...]:
    """Check and stream each file to storage, within the upload limit; all or none is kept.

    Raises:
        InvalidInput: on the ``file`` field: ``too_many_files``, ``file_empty``,
            ``file_type_not_allowed``, ``file_type_mismatch`` or ``file_too_large``
            (nothing was kept).
    """
    if not uploads:
        return ()
    if len(uploads) > MAX_FILES:
        raise InvalidInput.single(FIELD, "too_many_files")
    with services.uow() as uow:
        limit = effective(services.settings, uow.settings.get()).upload_limit_bytes
    if max_size is not None:
        limit = min(limit, max_size)
    stored: list[Attachment] = []
    try:
        for upload in uploads:
            checked = check_file(upload, field=FIELD)
            key = attachment_key(client_id, conversation_id)
            put = store_checked(services.storage, key, checked, limit, field=FIELD)
            stored.append(
                Attachment(
                    key=key,
                    display_name=checked.display_name,
                    content_type=checked.file_type.content_type,
                    size=put.size,
                    sha256=put.sha256,
                )
            )
    except BaseException:
        forget_files(services.storage, stored)
        raise
    return tuple(stored)


def forget_files(storage: FileStorage, attachments: Sequence[Attachment]) -> None:
    """Remove the bytes of attachments no message refers to (a failed message)."""
    forget_stored(storage, [a.key for a in attachments])


def open_attachment(storage: FileStorage, conversation_id: str, attachment: Attachment) -> Download:
    """Open the download of an attachment, checked against its recorded checksum.

    Raises:
        FileCorrupted: the stored bytes are missing or damaged (logged).
    """
    stored = StoredFile(
        key=attachment.key,
        size=attachment.size,
        sha256=attachment.sha256,
        display_name=attachment.display_name,
        content_type=attachment.content_type,
    )

    def refuse(why: str) -> NoReturn:
        security_event(
            "support_attachment_integrity_failed",
            conversation=conversation_id,
            key=attachment.key,
            reason=why,
        )
        logger.error("refused to serve support attachment %s: %s", attachment.key, why)
        raise FileCorrupted(f"support attachment {attachment.key}: {why}")

    return open_download(storage, stored, start=0, stop=stored.size, refuse=refuse)
