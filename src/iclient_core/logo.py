"""The business's logo: checked by its leading bytes, stored through the ``FileStorage`` port.

Only PNG and JPEG images of at most :data:`MAX_LOGO_BYTES` are accepted, told by their
content with :func:`iclient_core.documents.filetypes.sniff` (the portal's one type checker).
Logos are stored under their own first key segment, :data:`LOGO_PREFIX`, which the
documents sweeper never lists: a logo is never taken for an orphan document.

The use cases that change or serve the logo are in :mod:`iclient_core.business`; this
module holds the pieces they share.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator

import attrs

from iclient_core.documents.filetypes import HEAD_SIZE, JPEG, PNG, FileRefused, sniff
from iclient_core.errors import FieldError, InvalidInput
from iclient_core.storage import (
    ByteSource,
    FileStorage,
    ObjectNotFound,
    ObjectTooLarge,
    iter_chunks,
)

logger = logging.getLogger("iclient.business")

LOGO_PREFIX = "branding"
"""Every logo's bytes are stored under this first key segment (never ``documents``)."""

MAX_LOGO_BYTES = 1024 * 1024
"""The largest logo accepted: 1 MB."""

LOGO_TYPES = (PNG, JPEG)
"""The only types a logo may be."""

FIELD = "logo"
"""The field the logo's errors are reported on."""


@attrs.frozen
class LogoUpload:
    """A logo as it arrived: the uploader's file name (only its extension is looked at) and
    its bytes (a binary file object or an iterable of chunks, read once, in chunks)."""

    filename: str | None
    stream: ByteSource


@attrs.frozen
class CheckedLogo:
    """A logo whose leading bytes passed: its content type and the whole stream again."""

    content_type: str
    chunks: Iterator[bytes]


@attrs.frozen
class StoredLogo:
    """Where a logo was stored, its content type and the SHA-256 of its bytes (hex)."""

    key: str
    content_type: str
    sha256: str
    size: int


def new_logo_key() -> str:
    """A fresh, server-generated storage key for a logo (random: two uploads never clash)."""
    return f"{LOGO_PREFIX}/logo-{secrets.token_hex(16)}"


def check_logo(upload: LogoUpload, errors: list[FieldError]) -> CheckedLogo | None:
    """Read the logo's first bytes and check it is a PNG or a JPEG.

    Appends a ``logo`` field error (``file_empty``, ``file_type_mismatch`` or
    ``logo_type_not_allowed``) to ``errors`` and returns None when it is not.
    """
    chunks = iter_chunks(upload.stream)
    head = b""
    complete = False
    while len(head) < HEAD_SIZE:
        chunk = next(chunks, None)
        if chunk is None:
            complete = True
            break
        head += chunk
    try:
        found = sniff(head[:HEAD_SIZE], upload.filename or "", complete=complete)
    except FileRefused as refused:
        code = "logo_type_not_allowed" if refused.code == "file_type_not_allowed" else refused.code
        errors.append(FieldError(FIELD, code))
        return None
    if found not in LOGO_TYPES:
        errors.append(FieldError(FIELD, "logo_type_not_allowed"))
        return None

    def whole() -> Iterator[bytes]:
        yield head
        yield from chunks

    return CheckedLogo(content_type=found.content_type, chunks=whole())


def store_logo(storage: FileStorage, checked: CheckedLogo) -> StoredLogo:
    """Store a checked logo under a new key.

    Raises:
        InvalidInput: ``logo_too_large`` (nothing was stored).
    """
    key = new_logo_key()
    try:
        stored = storage.put(key, checked.chunks, max_size=MAX_LOGO_BYTES)
    except ObjectTooLarge:
        raise InvalidInput.single(FIELD, "logo_too_large") from None
    return StoredLogo(
        key=key, content_type=checked.content_type, sha256=stored.sha256, size=stored.size
    )


def forget_logo(storage: FileStorage, key: str) -> None:
    """Remove a logo's bytes nothing refers to any more (a failure is only logged)."""
    try:
        storage.delete(key)
    except ObjectNotFound:
        pass
    except Exception:  # the settings are already right; the bytes only take space
        logger.warning("could not remove the old logo %s", key)
