"""File intake, the same for documents, quote attachments and the logo: a file's type is told
by its leading bytes (the allow-list of :mod:`iclient_core.shared.filetypes`), then the whole
stream goes to the ``FileStorage`` under a key the server made, within a size limit.

The uploader's file name is only ever a display name, made safe.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Sequence

import attrs

from iclient_core.shared.errors import InvalidInput
from iclient_core.shared.filetypes import (
    HEAD_SIZE,
    FileRefused,
    FileType,
    safe_display_name,
    sniff,
)
from iclient_core.shared.storage import (
    ByteSource,
    FileStorage,
    ObjectNotFound,
    ObjectTooLarge,
    StoredObject,
    iter_chunks,
)

logger = logging.getLogger("iclient.files")


@attrs.frozen
class Upload:
    """A file as it arrived: the name the uploader's computer gave it, and its bytes.

    Attributes:
        filename: the client-supplied name; only ever used, made safe, for display.
        stream: a binary file object or an iterable of byte chunks, read once, in chunks.
    """

    filename: str | None
    stream: ByteSource


@attrs.frozen
class CheckedFile:
    """A file whose leading bytes passed: its type, a safe display name, and the whole
    stream again (the bytes already read first), to be read once."""

    file_type: FileType
    display_name: str
    chunks: Iterator[bytes]


def check_file(
    upload: Upload,
    *,
    field: str = "file",
    allowed: Collection[FileType] | None = None,
    not_allowed: str = "file_type_not_allowed",
) -> CheckedFile:
    """Read the file's first bytes and check its type (nothing is stored yet).

    Args:
        field: the form field refusals are reported on.
        allowed: narrower than the portal's allow-list (the logo: PNG and JPEG only).
        not_allowed: the code for a type outside ``allowed``.

    Raises:
        InvalidInput: on ``field``: ``file_empty``, ``file_type_mismatch`` (named as another
            type) or ``not_allowed``.
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
        file_type = sniff(head[:HEAD_SIZE], upload.filename or "", complete=complete)
    except FileRefused as refused:
        code = not_allowed if refused.code == "file_type_not_allowed" else refused.code
        raise InvalidInput.single(field, code) from None
    if allowed is not None and file_type not in allowed:
        raise InvalidInput.single(field, not_allowed)

    def whole() -> Iterator[bytes]:
        yield head
        yield from chunks

    return CheckedFile(file_type, safe_display_name(upload.filename, file_type), whole())


def store_checked(
    storage: FileStorage,
    key: str,
    checked: CheckedFile,
    max_size: int | None,
    *,
    field: str = "file",
    too_large: str = "file_too_large",
) -> StoredObject:
    """Stream a checked file to ``storage`` under ``key``.

    Raises:
        InvalidInput: ``too_large`` on ``field`` when it passes ``max_size`` bytes (nothing
            was stored).
    """
    try:
        return storage.put(key, checked.chunks, max_size=max_size)
    except ObjectTooLarge:
        raise InvalidInput.single(field, too_large) from None


def forget_stored(storage: FileStorage, keys: Sequence[str]) -> None:
    """Remove stored bytes nothing refers to any more; a failure is only logged (the
    documents' sweeper finds such leftovers)."""
    for key in keys:
        try:
            storage.delete(key)
        except ObjectNotFound:
            pass
        except Exception:  # the database is already right; the bytes only take space
            logger.warning("could not remove stored object %s; the sweeper will", key)
