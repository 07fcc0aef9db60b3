"""The ``FileStorage`` port on fsspec: ``memory://``, ``file://…`` and ``s3://bucket/prefix``.

One adapter, three ways of making a write atomic, because fsspec's own transactions are not
crash-safe (local ones stage in the system's temporary folder and copy):

- **local folder**: a temporary file in the target's own directory (``.tmp-…``), written,
  ``fsync``-ed, ``os.replace``-d over the key, then the directory ``fsync``-ed. A crash
  leaves at most a temporary file, which :meth:`FsspecStorage.sweep_incomplete` removes.
- **S3** (s3fs): a single PUT for small files, else a multipart upload that only a
  successful close completes. On any error the multipart upload is aborted and the file
  object is marked closed, so that neither ``close()`` nor the garbage collector can
  complete it with half the bytes. Uploads of a killed process stay incomplete (invisible)
  until ``sweep_incomplete`` aborts them.
- **memory**: each storage has its own store (fsspec's default one is global); an object
  enters it only once completely written.

The size and SHA-256 are computed as the bytes stream through. Memory use does not depend
on the file's size: about two 1 MiB chunks on a local folder, a few multipart parts on S3
(some 40 MiB with 8 MiB parts; see ``scripts/bench_storage.py``). ``memory://`` holds the
objects themselves, of course: it is for tests and demos.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import stat
import tempfile
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from iclient_adapters.extras import needs_extra
from iclient_core.shared.storage import (
    READ_CHUNK_SIZE,
    ByteSource,
    ObjectNotFound,
    ObjectTooLarge,
    StorageUnavailable,
    StoredObject,
    check_key,
    iter_chunks,
)

TEMP_PREFIX = ".tmp-"
"""Temporary files of local writes start with this (no valid key segment does)."""

S3_PART_SIZE = 8 * 1024 * 1024
"""Bytes buffered per multipart part on S3 (at least 5 MiB; files below are one PUT)."""

S3_READ_BLOCK = 8 * 1024 * 1024
"""Bytes fetched per ranged GET when reading from S3."""

FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
"""``OSError`` numbers that mean the storage has no room left for the bytes."""

UNREACHABLE = frozenset(
    {
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.ECONNABORTED,
        errno.EHOSTUNREACH,
        errno.ENETUNREACH,
        errno.ETIMEDOUT,
        errno.EPIPE,
    }
)
"""``OSError`` numbers that mean the storage could not be reached."""

if TYPE_CHECKING:
    from fsspec.implementations.memory import MemoryFileSystem

T = TypeVar("T")


def _unavailable(error: BaseException) -> StorageUnavailable | None:
    """The ``StorageUnavailable`` an adapter error means, or None for any other error.

    A full disk or quota (``ENOSPC``, ``EDQUOT``), a refused or broken connection, a
    timeout, and the S3 client's own connection errors (``botocore``'s
    ``EndpointConnectionError``, ``ConnectTimeoutError``… all named ``…ConnectionError`` or
    ``…TimeoutError``) become one domain error the pages can explain.
    """
    if isinstance(error, StorageUnavailable):
        return error
    if isinstance(error, OSError) and error.errno in FULL:
        return StorageUnavailable("full", os.strerror(error.errno or 0))
    if isinstance(error, (ConnectionError, TimeoutError)) or (
        isinstance(error, OSError) and error.errno in UNREACHABLE
    ):
        return StorageUnavailable("unreachable", type(error).__name__)
    names = {cls.__name__ for cls in type(error).__mro__}
    if any(n.endswith(("ConnectionError", "TimeoutError")) for n in names) and any(
        cls.__module__.startswith(("botocore", "aiohttp", "urllib3")) for cls in type(error).__mro__
    ):
        return StorageUnavailable("unreachable", type(error).__name__)
    return None


def _guarded(call: Callable[[], T]) -> T:
    """Run ``call``, turning a full or unreachable storage into ``StorageUnavailable``."""
    try:
        return call()
    except (ObjectNotFound, ObjectTooLarge):
        raise
    except Exception as error:
        unavailable = _unavailable(error)
        if unavailable is None:
            raise
        raise unavailable from error


def attachment_disposition(name: str) -> str:
    """``attachment`` with ``name`` as a quoted ASCII ``filename`` and RFC 6266's UTF-8
    ``filename*`` when it is not plain ASCII (for the storages that answer downloads)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    plain = "".join(ch for ch in plain if 0x20 <= ord(ch) < 0x7F).strip()
    plain = plain.replace("\\", "_").replace('"', "_") or "document"
    if plain == name:
        return f'attachment; filename="{plain}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


class _Handle(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


class _Metered:
    """Passes chunks through, counting and hashing them, and stops past ``max_size``."""

    def __init__(self, chunks: Iterator[bytes], max_size: int | None) -> None:
        self._chunks = chunks
        self._max_size = max_size
        self._digest = hashlib.sha256()
        self.size = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self.size += len(chunk)
            if self._max_size is not None and self.size > self._max_size:
                raise ObjectTooLarge(self._max_size)
            self._digest.update(chunk)
            yield chunk

    def result(self) -> StoredObject:
        return StoredObject(size=self.size, sha256=self._digest.hexdigest())


class _Reader:
    """An ``ObjectReader``: at most ``length`` bytes from an open handle, chunk by chunk."""

    def __init__(self, handle: _Handle, length: int) -> None:
        self._handle = handle
        self._left = length
        self._length = length
        self._closed = False

    @property
    def length(self) -> int:
        """How many bytes the reader yields in total."""
        return self._length

    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes of the range (the rest for ``-1``)."""
        if self._closed:
            raise ValueError("read from a closed reader")
        want = self._left if size is None or size < 0 else min(size, self._left)
        if want <= 0:
            return b""
        data = _guarded(lambda: self._handle.read(want))
        if not data:
            raise OSError("the stored object ended before its size")
        self._left -= len(data)
        return data

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.read(READ_CHUNK_SIZE):
            yield chunk

    def fileno(self) -> int:
        """The open local file's descriptor (at the range's first byte), for ``sendfile``."""
        fileno = getattr(self._handle, "fileno", None)
        if self._closed or fileno is None:
            raise io.UnsupportedOperation("the bytes are not in a local file")
        return int(fileno())

    def close(self) -> None:
        """Release the handle (twice is harmless)."""
        if not self._closed:
            self._closed = True
            self._handle.close()

    def __enter__(self) -> _Reader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class _MemoryHandle:
    """Reads a memory object by slices, so that readers never share a file position."""

    def __init__(self, fs: MemoryFileSystem, path: str, position: int) -> None:
        self._fs = fs
        self._path = path
        self._position = position

    def read(self, size: int = -1, /) -> bytes:
        end = None if size < 0 else self._position + size
        try:
            data: bytes = self._fs.cat_file(self._path, start=self._position, end=end)
        except FileNotFoundError:
            return b""
        self._position += len(data)
        return data

    def close(self) -> None:
        pass


def _fsync_directory(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FsspecStorage:
    """Stored objects under a root of an fsspec file system.

    Build one with :meth:`from_url`. Keys are checked with
    :func:`iclient_core.shared.storage.is_valid_key` and become paths under the root.
    A local folder is read, written and measured through ``os``: its fsspec file system
    (``fs=None``) is only made if something asks for it, so that the portal starts without
    loading fsspec.

    Attributes:
        url: the storage URL it was built from (without secrets).
        kind: ``memory``, ``local`` or ``s3``.
    """

    def __init__(self, fs: Any | None, root: str, *, kind: str, url: str) -> None:
        if kind not in {"memory", "local", "s3"}:
            raise ValueError(f"unsupported storage kind {kind!r}")
        if fs is None and kind != "local":
            raise ValueError(f"a {kind} storage needs its file system")
        self._filesystem = fs
        self._root = root.rstrip("/")
        self.kind = kind
        self.url = url

    @property
    def _fs(self) -> Any:
        """The fsspec file system (a local folder's is made at the first call)."""
        if self._filesystem is None:
            import fsspec

            self._filesystem = fsspec.filesystem("file")
        return self._filesystem

    @classmethod
    def from_url(cls, url: str, **options: Any) -> FsspecStorage:
        """A storage for ``memory://``, ``file:///path`` (or a plain path) or ``s3://bucket/prefix``.

        For S3, ``?endpoint_url=…&region=…`` in the URL, or ``options`` (passed to
        ``s3fs.S3FileSystem``: ``key``, ``secret``, ``endpoint_url``…), configure the
        client; credentials otherwise come from the usual AWS environment variables.

        Raises:
            ValueError: an unsupported scheme or a malformed URL.
        """
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "memory":
            from fsspec.implementations.memory import MemoryFileSystem

            fs = MemoryFileSystem(global_store=False, skip_instance_cache=True)
            root = (
                "/" + (parts.netloc + parts.path).strip("/") if parts.netloc or parts.path else ""
            )
            return cls(fs, root or "/iclient", kind="memory", url="memory://")
        if scheme in {"", "file"}:
            if parts.netloc not in {"", "localhost"}:
                raise ValueError(f"a file URL needs an absolute path: {url!r}")
            folder = Path(unquote(parts.path) if scheme else url).expanduser().resolve()
            folder.mkdir(parents=True, exist_ok=True)
            return cls(None, str(folder), kind="local", url=folder.as_uri())
        if scheme == "s3":
            if not parts.netloc:
                raise ValueError(f"an S3 URL needs a bucket: {url!r}")
            query = dict(parse_qsl(parts.query))
            settings: dict[str, Any] = {}
            if "endpoint_url" in query:
                settings["endpoint_url"] = query.pop("endpoint_url")
            if "region" in query:
                settings["client_kwargs"] = {"region_name": query.pop("region")}
            if query:
                raise ValueError(f"unknown S3 storage options: {sorted(query)}")
            settings.update(options)
            try:
                import s3fs
            except ImportError as error:
                raise needs_extra("s3", error) from error

            fs = s3fs.S3FileSystem(**settings)
            root = f"{parts.netloc}/{parts.path.strip('/')}".rstrip("/")
            return cls(fs, root, kind="s3", url=f"s3://{root}")
        raise ValueError(f"unsupported storage URL scheme {scheme!r}")

    def _path(self, key: str) -> str:
        return f"{self._root}/{check_key(key)}"

    # ------------------------------------------------------------------ writing

    def put(self, key: str, source: ByteSource, *, max_size: int | None = None) -> StoredObject:
        """Store the stream under ``key`` atomically; see the port."""
        path = self._path(key)
        metered = _Metered(iter_chunks(source), max_size)
        if self.kind == "local":
            _guarded(lambda: self._put_local(path, metered))
        elif self.kind == "s3":
            _guarded(lambda: self._put_s3(path, metered))
        else:
            self._put_memory(path, metered)
        return metered.result()

    def _put_local(self, path: str, chunks: _Metered) -> None:
        directory = os.path.dirname(path)
        self._make_directories(directory)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=TEMP_PREFIX, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        _fsync_directory(directory)

    def _make_directories(self, directory: str) -> None:
        """Create the missing folders down to ``directory``, each made durable in its parent."""
        missing: list[str] = []
        current = directory
        while not os.path.isdir(current) and current != self._root:
            missing.append(current)
            current = os.path.dirname(current)
        for folder in reversed(missing):
            with contextlib.suppress(FileExistsError):
                os.mkdir(folder, 0o700)
            _fsync_directory(os.path.dirname(folder))

    def _put_s3(self, path: str, chunks: _Metered) -> None:
        handle = self._fs.open(path, "wb", block_size=S3_PART_SIZE)
        try:
            for chunk in chunks:
                handle.write(chunk)
            handle.close()  # one PUT, or completes the multipart upload
        except BaseException:
            with contextlib.suppress(Exception):
                handle.discard()  # aborts the multipart upload, if one was started
            handle.closed = True  # never let close() or __del__ complete it
            raise
        self._fs.invalidate_cache(path)

    def _put_memory(self, path: str, chunks: _Metered) -> None:
        from fsspec.implementations.memory import MemoryFile

        stripped = self._fs._strip_protocol(path)
        pending = MemoryFile(self._fs, stripped)
        for chunk in chunks:
            pending.write(chunk)
        pending.commit()  # visible only now, complete

    # ------------------------------------------------------------------ reading

    def size(self, key: str) -> int:
        """The object's size in bytes."""
        return int(self._info(key)["size"])

    def _info(self, key: str) -> dict[str, Any]:
        path = self._path(key)
        if self.kind == "local":
            try:
                found = _guarded(lambda: os.stat(path))
            except FileNotFoundError:
                raise ObjectNotFound(key) from None
            if not stat.S_ISREG(found.st_mode):
                raise ObjectNotFound(key)
            return {"type": "file", "size": found.st_size}
        if self.kind == "s3":
            self._fs.invalidate_cache(path)
        try:
            info: dict[str, Any] = _guarded(lambda: self._fs.info(path))
        except FileNotFoundError:
            raise ObjectNotFound(key) from None
        if info.get("type") != "file":
            raise ObjectNotFound(key)
        return info

    def open(self, key: str, *, start: int = 0, end: int | None = None) -> _Reader:
        """Open ``key`` (bytes ``start`` to ``end``) for streamed reading."""
        if start < 0 or (end is not None and end < start):
            raise ValueError(f"invalid byte range {start}-{end}")
        size = self.size(key)
        path = self._path(key)
        stop = size if end is None else min(end, size)
        start = min(start, stop)
        handle: _Handle
        if self.kind == "memory":
            handle = _MemoryHandle(self._fs, self._fs._strip_protocol(path), start)
        else:
            try:
                if self.kind == "s3":
                    opened = _guarded(
                        lambda: self._fs.open(
                            path, "rb", block_size=S3_READ_BLOCK, cache_type="readahead"
                        )
                    )
                else:
                    # A plain unbuffered file: no copy in a Python buffer, and a real
                    # descriptor that a web server can ``sendfile`` from.
                    opened = open(path, "rb", buffering=0)  # noqa: SIM115
            except FileNotFoundError:
                raise ObjectNotFound(key) from None
            if start:
                opened.seek(start)
            handle = opened
        return _Reader(handle, stop - start)

    def fingerprint(self, key: str) -> str | None:
        """The object's identity as stored now (see the port); None for ``memory://``."""
        if self.kind == "memory":
            self._info(key)
            return None
        if self.kind == "local":
            try:
                found = os.stat(self._path(key))
            except FileNotFoundError:
                raise ObjectNotFound(key) from None
            return (
                f"{found.st_dev}:{found.st_ino}:{found.st_size}:"
                f"{found.st_mtime_ns}:{found.st_ctime_ns}"
            )
        info = self._info(key)
        tag = info.get("ETag") or info.get("etag") or ""
        modified = info.get("LastModified") or info.get("last_modified") or ""
        return f"{tag}:{info['size']}:{modified}" if tag else None

    def local_path(self, key: str) -> str | None:
        """The object's absolute path for a local folder; None otherwise."""
        return self._path(key) if self.kind == "local" else None

    def signed_url(
        self, key: str, *, expires_in: timedelta, download_name: str, content_type: str
    ) -> str | None:
        """A presigned GET URL for S3, answered as an attachment; None otherwise."""
        if self.kind != "s3":
            return None
        seconds = max(1, int(expires_in.total_seconds()))
        url: str = _guarded(
            lambda: self._fs.url(
                self._path(key),
                expires=seconds,
                ResponseContentDisposition=attachment_disposition(download_name),
                ResponseContentType=content_type,
                ResponseCacheControl="private, no-store",
            )
        )
        return url

    def exists(self, key: str) -> bool:
        """True when an object is stored under ``key``."""
        try:
            self.size(key)
        except ObjectNotFound:
            return False
        return True

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every stored key starting with ``prefix`` (temporary files are not keys)."""
        base = self._root + "/"
        folder = base + prefix.rsplit("/", 1)[0] if "/" in prefix else self._root
        if self.kind == "local":
            found: Iterator[str] = self._walk_local(folder)
        elif self.kind == "memory":
            found = iter(sorted(p for p in list(self._fs.store) if p.startswith(base)))
        else:
            self._fs.invalidate_cache(folder)
            try:
                found = iter(self._fs.find(folder))
            except FileNotFoundError:
                return
        for path in found:
            key = path[len(base) :] if path.startswith(base) else None
            if (
                key
                and key.startswith(prefix)
                and not any(segment.startswith(TEMP_PREFIX) for segment in key.split("/"))
            ):
                yield key

    def _walk_local(self, folder: str) -> Iterator[str]:
        for directory, _folders, files in os.walk(folder):
            for name in sorted(files):
                yield os.path.join(directory, name)

    # ------------------------------------------------------------------ removing

    def delete(self, key: str) -> None:
        """Remove the object (``ObjectNotFound`` if there is none)."""
        path = self._path(key)
        if not self.exists(key):
            raise ObjectNotFound(key)
        if self.kind == "local":
            try:
                os.unlink(path)
            except FileNotFoundError:
                raise ObjectNotFound(key) from None
            directory = os.path.dirname(path)
            _fsync_directory(directory)
            self._prune_local(directory)
            return
        try:
            self._fs.rm_file(path)
        except FileNotFoundError:
            raise ObjectNotFound(key) from None
        if self.kind == "s3":
            self._fs.invalidate_cache(path)

    def _prune_local(self, directory: str) -> None:
        """Remove folders left empty, up to (not including) the root."""
        while directory.startswith(self._root + "/"):
            try:
                os.rmdir(directory)
            except OSError:  # not empty (or already gone): stop there
                return
            directory = os.path.dirname(directory)

    def sweep_incomplete(self, older_than: datetime) -> int:
        """Remove temporary files (local) or abort multipart uploads (S3) from before then."""
        if self.kind == "local":
            return self._sweep_local(older_than.timestamp())
        if self.kind == "s3":
            return self._sweep_s3(older_than)
        return 0  # a memory object is only ever stored complete

    def _sweep_local(self, cutoff: float) -> int:
        removed = 0
        for directory, _folders, files in os.walk(self._root):
            for name in files:
                path = os.path.join(directory, name)
                if name.startswith(TEMP_PREFIX):
                    with contextlib.suppress(FileNotFoundError):
                        if os.stat(path).st_mtime < cutoff:
                            os.unlink(path)
                            removed += 1
        return removed

    def _sweep_s3(self, older_than: datetime) -> int:
        bucket, _, prefix = self._root.partition("/")
        removed = 0
        markers: dict[str, str] = {}
        while True:
            page = self._fs.call_s3(
                "list_multipart_uploads",
                Bucket=bucket,
                Prefix=f"{prefix}/" if prefix else "",
                **markers,
            )
            for upload in page.get("Uploads", []) or []:
                if upload["Initiated"] < older_than:
                    self._fs.call_s3(
                        "abort_multipart_upload",
                        Bucket=bucket,
                        Key=upload["Key"],
                        UploadId=upload["UploadId"],
                    )
                    removed += 1
            if not page.get("IsTruncated"):
                return removed
            markers = {
                "KeyMarker": page["NextKeyMarker"],
                "UploadIdMarker": page["NextUploadIdMarker"],
            }

    def close(self) -> None:
        """Forget a memory storage's objects (nothing to do for the others)."""
        if self.kind == "memory":
            self._fs.store.clear()
            self._fs.pseudo_dirs[:] = [""]


def build_storage(url: str) -> FsspecStorage:
    """The storage named by ``ICLIENT_STORAGE_URL`` (see :meth:`FsspecStorage.from_url`)."""
    return FsspecStorage.from_url(url)


def memory_storage() -> FsspecStorage:
    """A fresh, private in-memory storage (tests, demos)."""
    return FsspecStorage.from_url(f"memory://iclient-{uuid.uuid4().hex}")
