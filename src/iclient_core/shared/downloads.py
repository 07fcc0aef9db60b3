"""Verified reads: stored bytes served as a stream checked against the SHA-256 recorded when
they were stored, the same for documents and quote attachments.

Small files (and byte ranges) are checked in full before the first byte goes out, so a
damaged file gets an error page; a large file is checked while it streams and its last chunk
is held back until the checksum matches, so a damaged file never arrives complete. Either way
the refusal is logged by the caller's ``refuse`` and the bytes are not served.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import TracebackType
from typing import NoReturn

import attrs

from iclient_core.shared.errors import DomainError
from iclient_core.shared.filetypes import download_content_type
from iclient_core.shared.storage import (
    FileStorage,
    ObjectNotFound,
    ObjectReader,
    sha256_of,
    verified_chunks,
)

VERIFY_FIRST_UP_TO = 16 * 1024 * 1024
"""Files up to this size are checked completely before the download starts."""


class FileCorrupted(DomainError):
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

Refuse = Callable[[str], NoReturn]
"""Logs why stored bytes are refused (``missing``, ``size``, ``checksum``) and raises
:class:`FileCorrupted`."""


@attrs.frozen
class StoredFile:
    """What was recorded of stored bytes when they were stored.

    Attributes:
        key: where the bytes are in the ``FileStorage``.
        size: how many bytes.
        sha256: their SHA-256, hex.
        display_name: the safe name to offer the browser.
        content_type: the type told by the leading bytes at upload.
    """

    key: str
    size: int
    sha256: str
    display_name: str
    content_type: str


def resolve_range(byte_range: ByteRange | None, size: int) -> tuple[int, int]:
    """The ``(start, stop)`` a request's range means for a file of ``size`` bytes.

    Raises:
        RangeNotSatisfiable: the range lies outside the file.
    """
    if byte_range is None:
        return 0, size
    start, stop = byte_range
    if start < 0:
        return max(0, size + start), size
    stop = size if stop is None else min(stop, size)
    if start >= size or stop <= start:
        raise RangeNotSatisfiable(size)
    return start, stop


class Download:
    """An open download: what to tell the browser, and the bytes as a checked stream.

    Iterate it for the bytes; close it when done (the web server does, even on abort).

    Attributes:
        file: what is served.
        start, stop: the byte range served (``stop`` exclusive).
    """

    def __init__(
        self, *, file: StoredFile, reader: ObjectReader, start: int, stop: int, refuse: Refuse
    ) -> None:
        self.file = file
        self.start = start
        self.stop = stop
        self._reader = reader
        self._refuse = refuse
        self._verify = (start, stop) == (0, file.size) and file.size > VERIFY_FIRST_UP_TO

    @property
    def size(self) -> int:
        """The whole file's size."""
        return self.file.size

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
        return self.file.sha256

    def __iter__(self) -> Iterator[bytes]:
        if not self._verify:
            yield from self._reader
            return
        yield from verified_chunks(
            self._reader,
            size=self.size,
            sha256=self.file.sha256,
            refuse=lambda: self._refuse("checksum"),
        )

    def close(self) -> None:
        """Release the stored object."""
        self._reader.close()

    def __enter__(self) -> Download:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def check_stored(
    storage: FileStorage, file: StoredFile, *, start: int, stop: int, refuse: Refuse
) -> None:
    """Refuse bytes that are missing or of the wrong size; for a range or a small file,
    also check the whole file's SHA-256 before anything is sent."""
    try:
        if storage.size(file.key) != file.size:
            refuse("size")
        if (start, stop) != (0, file.size) or file.size <= VERIFY_FIRST_UP_TO:
            with storage.open(file.key) as whole:
                if sha256_of(whole).sha256 != file.sha256:
                    refuse("checksum")
    except ObjectNotFound:
        refuse("missing")


def open_checked(
    storage: FileStorage, file: StoredFile, *, start: int, stop: int, refuse: Refuse
) -> Download:
    """Open bytes ``start`` to ``stop`` of a file :func:`check_stored` passed."""
    try:
        reader = storage.open(file.key, start=start, end=stop)
    except ObjectNotFound:
        refuse("missing")
    return Download(file=file, reader=reader, start=start, stop=stop, refuse=refuse)
