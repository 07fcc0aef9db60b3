"""Downloads, the same for documents and quote attachments: the stored bytes handed to the web
server or the browser, or streamed by the application checked against the SHA-256 recorded
when they were stored.

Three ways for the bytes to go, chosen by :func:`open_download`:

- **hand-off to a local web server** (:attr:`HandOff.LOCAL_FILE`): the file's path is given
  to the web server in front (nginx's ``X-Accel-Redirect``, ``X-Sendfile``), which sends it;
- **hand-off to the browser** (:attr:`HandOff.SIGNED_URL`): a short-lived URL of the storage
  (S3) the browser is redirected to;
- **a stream** through the application. Bytes whose fingerprint is unchanged since their
  last full check (the upload's, or the scrub's) are trusted as they are, and a local file
  can then go out with the web server's ``sendfile``. Other small files and byte ranges are
  checked in full before the first byte goes out, so a damaged file gets an error page; a
  large file is checked while it streams and its last chunk is held back until the checksum
  matches, so a damaged file never arrives complete.

With a hand-off the application never sees the bytes: only their size is checked, and their
integrity is checked at rest by the scheduled scrub (see the documents' ``scrub``).

A download is *sent* (and ``on_sent`` runs, recording the receipt) when the web server took
its last byte, when it was handed off, never when it was merely asked for: a client that
went away before the end leaves no receipt.
"""

from __future__ import annotations

import enum
import io
import logging
from collections.abc import Callable, Collection, Iterator
from datetime import timedelta
from types import TracebackType
from typing import NoReturn

import attrs

from iclient_core.shared.errors import DomainError
from iclient_core.shared.filetypes import download_content_type
from iclient_core.shared.storage import (
    CHUNK_SIZE,
    FileStorage,
    ObjectNotFound,
    ObjectReader,
    sha256_of,
    verified_chunks,
)

logger = logging.getLogger("iclient.files")

VERIFY_FIRST_UP_TO = 16 * 1024 * 1024
"""Files up to this size are checked completely before the download starts."""

READ_ONCE_UP_TO = CHUNK_SIZE
"""Files up to this size are read once, checked, and served from memory (no second read)."""

SIGNED_URL_LIFETIME = timedelta(minutes=5)
"""How long a signed URL a browser is sent to keeps working."""


class HandOff(enum.StrEnum):
    """Ways the bytes may go without passing through the application."""

    LOCAL_FILE = "local_file"
    """A web server in front sends the storage's local file (``X-Accel-Redirect``,
    ``X-Sendfile``)."""

    SIGNED_URL = "signed_url"
    """The browser is sent to a short-lived URL of the storage (S3's presigned URLs)."""


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
    """An open download: what to tell the browser, and where the bytes come from.

    Either handed off (:attr:`local_path` or :attr:`url` is set: the web server or the
    browser fetches the bytes, and the download already counts as sent), or a stream: iterate
    it for the bytes, or read it as a file (``read``, ``fileno`` for ``sendfile``) when
    :attr:`sendable` is True. Close it when done (the web server does, even on abort): only
    then, and only if every byte was taken, does it count as sent.

    Attributes:
        file: what is served.
        start, stop: the byte range served (``stop`` exclusive).
        local_path: a hand-off: the local file a web server in front sends.
        url: a hand-off: the signed URL the browser fetches the bytes from.
    """

    def __init__(
        self,
        *,
        file: StoredFile,
        start: int,
        stop: int,
        refuse: Refuse,
        reader: ObjectReader | None = None,
        data: bytes | None = None,
        verify: bool = False,
        local_path: str | None = None,
        url: str | None = None,
        on_sent: Callable[[], None] | None = None,
    ) -> None:
        self.file = file
        self.start = start
        self.stop = stop
        self.local_path = local_path
        self.url = url
        self._reader = reader
        self._data = data
        self._refuse = refuse
        self._verify = verify
        self._on_sent = on_sent
        self._position = start
        self._complete = False
        self._closed = False
        if self.handed_off:
            self._sent()  # the web server or the browser takes it from here

    # ------------------------------------------------------------------ what it is

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

    @property
    def key(self) -> str:
        """The storage key of the bytes (for a web server's internal location)."""
        return self.file.key

    @property
    def handed_off(self) -> bool:
        """True when the web server or the browser fetches the bytes, not the application."""
        return self.local_path is not None or self.url is not None

    @property
    def sendable(self) -> bool:
        """True when the bytes may be read as a file (no check runs while they go out),
        so that a web server may send them as it likes (``wsgi.file_wrapper``)."""
        return not self.handed_off and not self._verify

    @property
    def sent(self) -> bool:
        """True once every byte was taken (or the download was handed off)."""
        return self._complete

    # ------------------------------------------------------------------ as a stream

    def __iter__(self) -> Iterator[bytes]:
        if self.handed_off:
            return
        if self._data is not None:
            if self._data:
                yield self._data
        elif self._reader is not None and self._verify:
            yield from verified_chunks(
                self._reader,
                size=self.size,
                sha256=self.file.sha256,
                refuse=lambda: self._refuse("checksum"),
            )
        elif self._reader is not None:
            yield from self._reader
        # Only reached when the server came back for more after the last chunk: it has it.
        self._position = self.stop
        self._complete = True

    # ------------------------------------------------------------------ as a file

    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes more (all that is left for ``-1``); ``b""`` at the end.

        Raises:
            io.UnsupportedOperation: the download is checked as it streams (iterate it).
        """
        if not self.sendable:
            raise io.UnsupportedOperation("this download is checked as it streams")
        left = self.stop - self._position
        want = left if size is None or size < 0 else min(size, left)
        if want <= 0:
            self._complete = True
            return b""
        if self._data is not None:
            offset = self._position - self.start
            data = self._data[offset : offset + want]
        else:
            assert self._reader is not None
            data = self._reader.read(want)
        self._position += len(data)
        return data

    def fileno(self) -> int:
        """The local file's descriptor, at the first byte to send (for ``sendfile``).

        Raises:
            io.UnsupportedOperation: the bytes are not in a local file, or are checked as
                they stream.
        """
        if not self.sendable or self._reader is None:
            raise io.UnsupportedOperation("no local file to send")
        return self._reader.fileno()

    def seekable(self) -> bool:
        """False: a download is read forward only."""
        return False

    def tell(self) -> int:
        """The position in the file of the next byte to send."""
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET, /) -> int:
        """Note where a ``sendfile`` that sent the bytes by the descriptor got to.

        ``socket.sendfile`` reports its end position this way; it is not a way to move
        around (reading after it is refused).
        """
        if whence != io.SEEK_SET:
            raise io.UnsupportedOperation("only absolute positions are reported")
        self._position = offset
        if offset >= self.stop:
            self._complete = True
        return offset

    # ------------------------------------------------------------------ the end

    def close(self) -> None:
        """Release the stored object; if every byte was taken, the download counts as sent
        (``on_sent`` runs once)."""
        if self._closed:
            return
        self._closed = True
        if self._reader is not None:
            self._reader.close()
        if self._complete and not self.handed_off:
            self._sent()

    def _sent(self) -> None:
        self._complete = True
        on_sent, self._on_sent = self._on_sent, None
        if on_sent is None:
            return
        try:
            on_sent()
        except Exception:  # the bytes went out already: a lost receipt is only logged
            logger.exception("could not record the download of %s", self.file.key)

    def __enter__(self) -> Download:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _check_size(storage: FileStorage, file: StoredFile, refuse: Refuse) -> None:
    """Refuse bytes that are missing or not of the recorded size (no byte is read)."""
    try:
        if storage.size(file.key) != file.size:
            refuse("size")
    except ObjectNotFound:
        refuse("missing")


def check_stored(
    storage: FileStorage, file: StoredFile, *, start: int, stop: int, refuse: Refuse
) -> None:
    """Refuse bytes that are missing or of the wrong size; for a range or a small file,
    also check the whole file's SHA-256 before anything is sent."""
    _check_size(storage, file, refuse)
    if (start, stop) != (0, file.size) or file.size <= VERIFY_FIRST_UP_TO:
        try:
            with storage.open(file.key) as whole:
                if sha256_of(whole).sha256 != file.sha256:
                    refuse("checksum")
        except ObjectNotFound:
            refuse("missing")


def open_download(
    storage: FileStorage,
    file: StoredFile,
    *,
    start: int,
    stop: int,
    refuse: Refuse,
    trusted: bool = False,
    hand_off: Collection[HandOff] = (),
    on_sent: Callable[[], None] | None = None,
) -> Download:
    """Open a download of bytes ``start`` to ``stop``, the cheapest way that keeps the checks.

    Args:
        trusted: the bytes passed a full check and have not changed since (their
            fingerprint is the same): no checksum pass is needed.
        hand_off: the ways the caller can let the bytes go without the application; the
            first the storage supports is taken (a hand-off always covers the whole file:
            the web server or the storage answers byte ranges itself).
        on_sent: runs once when the download counts as sent (see :class:`Download`).

    Raises:
        FileCorrupted: (through ``refuse``) the bytes are missing, of the wrong size, or,
            for what is checked before the first byte, damaged.
    """
    if HandOff.LOCAL_FILE in hand_off and (path := storage.local_path(file.key)) is not None:
        _check_size(storage, file, refuse)
        return Download(
            file=file, start=0, stop=file.size, refuse=refuse, local_path=path, on_sent=on_sent
        )
    if HandOff.SIGNED_URL in hand_off:
        url = storage.signed_url(
            file.key,
            expires_in=SIGNED_URL_LIFETIME,
            download_name=file.display_name,
            content_type=download_content_type(file.content_type),
        )
        if url is not None:
            _check_size(storage, file, refuse)
            return Download(
                file=file, start=0, stop=file.size, refuse=refuse, url=url, on_sent=on_sent
            )
    _check_size(storage, file, refuse)
    whole = (start, stop) == (0, file.size)
    if not trusted and file.size <= READ_ONCE_UP_TO:
        # Small: one read, checked, served from memory.
        try:
            with storage.open(file.key) as reader:
                data = reader.read()
        except ObjectNotFound:
            refuse("missing")
        if len(data) != file.size or sha256_of([data]).sha256 != file.sha256:
            refuse("checksum")
        return Download(
            file=file,
            start=start,
            stop=stop,
            refuse=refuse,
            data=data[start:stop],
            on_sent=on_sent,
        )
    if not trusted and (not whole or file.size <= VERIFY_FIRST_UP_TO):
        check_stored(storage, file, start=start, stop=stop, refuse=refuse)
        trusted = True
    try:
        reader = storage.open(file.key, start=start, end=stop)
    except ObjectNotFound:
        refuse("missing")
    return Download(
        file=file,
        start=start,
        stop=stop,
        refuse=refuse,
        reader=reader,
        verify=not trusted,
        on_sent=on_sent,
    )
