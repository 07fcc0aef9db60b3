"""The storage contract over every adapter: memory, a local folder, and S3 (moto's server).

Besides the shared suite: what only one adapter can show (fsync and temporary files on a
local folder, aborted multipart uploads on S3, private stores in memory), and that memory
stays flat while a large stream goes through a local folder.
"""

from __future__ import annotations

import errno
import os
import socket
import stat
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from iclient_adapters.storage import S3_PART_SIZE, TEMP_PREFIX, FsspecStorage
from iclient_adapters.testing.storage import (
    MIB,
    Boom,
    StorageContract,
    failing_after,
    generated,
    pattern,
    read_all,
)
from iclient_core.shared.storage import ObjectNotFound, StorageUnavailable

BUCKET = "iclient-test"
CREDENTIALS = {"key": "testing", "secret": "testing"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A local S3 endpoint (moto's server on 127.0.0.1) with the test bucket, for the run."""
    from moto.server import ThreadedMotoServer

    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        import s3fs

        fs = s3fs.S3FileSystem(endpoint_url=endpoint, **CREDENTIALS)
        if not fs.exists(BUCKET):  # moto's state is per process: another server made it
            fs.mkdir(BUCKET)
        yield endpoint
    finally:
        server.stop()


def s3_storage(endpoint: str) -> FsspecStorage:
    """A storage under a prefix of its own in the test bucket."""
    return FsspecStorage.from_url(
        f"s3://{BUCKET}/run-{uuid.uuid4().hex[:12]}", endpoint_url=endpoint, **CREDENTIALS
    )


class TestMemoryStorage(StorageContract):
    """``memory://``: a private store per storage."""

    @pytest.fixture
    def storage(self) -> Iterator[FsspecStorage]:
        storage = FsspecStorage.from_url("memory://")
        yield storage
        storage.close()


class TestLocalStorage(StorageContract):
    """``file://``: a folder of the test's own."""

    @pytest.fixture
    def storage(self, tmp_path: Path) -> FsspecStorage:
        return FsspecStorage.from_url((tmp_path / "files").as_uri())


class TestS3Storage(StorageContract):
    """``s3://bucket/prefix`` through s3fs, against moto's S3 server."""

    @pytest.fixture
    def storage(self, s3_endpoint: str) -> FsspecStorage:
        return s3_storage(s3_endpoint)


# --------------------------------------------------------------------------- URLs


def test_urls_pick_the_backend(tmp_path: Path) -> None:
    assert FsspecStorage.from_url("memory://").kind == "memory"
    local = FsspecStorage.from_url((tmp_path / "a b").as_uri())
    assert local.kind == "local" and (tmp_path / "a b").is_dir()
    assert FsspecStorage.from_url(str(tmp_path / "plain")).kind == "local"
    s3 = FsspecStorage.from_url("s3://bucket/some/prefix?endpoint_url=http://127.0.0.1:9")
    assert (s3.kind, s3.url) == ("s3", "s3://bucket/some/prefix")


@pytest.mark.parametrize(
    "url", ["ftp://host/x", "file://otherhost/x", "s3:///no-bucket", "s3://b/p?color=red"]
)
def test_unsupported_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        FsspecStorage.from_url(url)


# --------------------------------------------------------------------------- memory


def test_memory_storages_do_not_share_objects() -> None:
    one, two = FsspecStorage.from_url("memory://"), FsspecStorage.from_url("memory://")
    one.put("k", [b"one's"])
    assert not two.exists("k")
    one.close()
    assert not one.exists("k")


# --------------------------------------------------------------------------- local folder


@pytest.fixture
def local(tmp_path: Path) -> FsspecStorage:
    """A storage in a folder of the test's own."""
    return FsspecStorage.from_url((tmp_path / "files").as_uri())


def test_local_writes_are_fsynced_then_renamed_into_place(
    local: FsspecStorage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    local.put("documents/c/d/v1-x", [b"bytes"])
    # the file's data, then each folder made for it and the folder the rename changed
    assert synced[-1] == "dir" and "file" in synced
    assert synced.index("file") < len(synced) - 1
    path = tmp_path / "files" / "documents" / "c" / "d" / "v1-x"
    assert path.read_bytes() == b"bytes"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["v1-x"]


def test_a_failed_local_write_leaves_no_temporary_file(
    local: FsspecStorage, tmp_path: Path
) -> None:
    with pytest.raises(Boom):
        local.put("documents/c/d/v1-x", failing_after(pattern(3 * MIB)))
    leftovers = [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
    assert leftovers == []


def test_a_killed_write_is_invisible_and_swept_later(local: FsspecStorage, tmp_path: Path) -> None:
    folder = tmp_path / "files" / "documents" / "c" / "d"
    folder.mkdir(parents=True)
    # What a process killed in the middle of a write leaves behind.
    orphan = folder / f"{TEMP_PREFIX}abc.part"
    orphan.write_bytes(b"half a file")
    recent = folder / f"{TEMP_PREFIX}def.part"
    recent.write_bytes(b"still being written")
    an_hour_ago = time.time() - 3600
    os.utime(orphan, (an_hour_ago, an_hour_ago))
    assert list(local.keys()) == []
    assert local.sweep_incomplete(datetime.now(UTC) - timedelta(minutes=30)) == 1
    assert not orphan.exists() and recent.exists()


def test_deleting_the_last_file_of_a_folder_removes_the_folder(
    local: FsspecStorage, tmp_path: Path
) -> None:
    local.put("documents/c/d/v1-x", [b"x"])
    local.delete("documents/c/d/v1-x")
    assert list((tmp_path / "files").iterdir()) == []


def test_a_file_truncated_behind_the_storage_back_fails_the_read(
    local: FsspecStorage, tmp_path: Path
) -> None:
    local.put("k", [b"0123456789"])
    with local.open("k") as reader:
        (tmp_path / "files" / "k").write_bytes(b"01")
        with pytest.raises(OSError):
            b"".join(reader)


def test_streaming_200_mb_through_a_local_folder_keeps_memory_flat(
    local: FsspecStorage,
) -> None:
    size = 200 * MIB
    tracemalloc.start()
    try:
        stored = local.put("big", generated(size))
        _, put_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        with local.open("big") as reader:
            total = sum(len(chunk) for chunk in reader)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stored.size == total == size
    # About two chunks (1 MiB) in flight, never the file: 200 MB passed through 8 MB.
    assert put_peak < 8 * MIB, put_peak
    assert read_peak < 8 * MIB, read_peak


# --------------------------------------------------------------------------- S3


def _uploads(storage: FsspecStorage) -> list[dict[str, Any]]:
    fs: Any = storage._fs
    page = fs.call_s3("list_multipart_uploads", Bucket=BUCKET)
    return list(page.get("Uploads", []) or [])


def test_a_failed_multipart_upload_is_aborted_not_completed(s3_endpoint: str) -> None:
    storage = s3_storage(s3_endpoint)
    with pytest.raises(Boom):
        storage.put("documents/c/d/v1-x", failing_after(pattern(2 * S3_PART_SIZE + MIB)))
    assert not storage.exists("documents/c/d/v1-x")
    assert [u for u in _uploads(storage) if storage.url.split("/")[-1] in u["Key"]] == []


def test_a_large_s3_upload_is_one_completed_multipart_upload(s3_endpoint: str) -> None:
    storage = s3_storage(s3_endpoint)
    data = pattern(2 * S3_PART_SIZE + 123, seed=9)
    stored = storage.put(
        "documents/c/d/v1-x", iter([data[i : i + MIB] for i in range(0, len(data), MIB)])
    )
    assert stored.size == len(data)
    assert read_all(storage, "documents/c/d/v1-x") == data


def test_an_upload_killed_mid_way_stays_invisible_until_swept(s3_endpoint: str) -> None:
    storage = s3_storage(s3_endpoint)
    fs: Any = storage._fs
    prefix = storage.url.removeprefix(f"s3://{BUCKET}/")
    key = f"{prefix}/documents/c/d/v1-killed"
    # A process that died after sending a part: the upload was started, never completed.
    upload = fs.call_s3("create_multipart_upload", Bucket=BUCKET, Key=key)
    fs.call_s3(
        "upload_part",
        Bucket=BUCKET,
        Key=key,
        UploadId=upload["UploadId"],
        PartNumber=1,
        Body=pattern(5 * MIB),
    )
    assert not storage.exists("documents/c/d/v1-killed")
    assert list(storage.keys()) == []
    # moto reports every upload as initiated in 2010: a cutoff before that spares it.
    assert storage.sweep_incomplete(datetime(2000, 1, 1, tzinfo=UTC)) == 0
    assert [u["Key"] for u in _uploads(storage) if u["Key"] == key] == [key]
    assert storage.sweep_incomplete(datetime.now(UTC) + timedelta(minutes=1)) == 1
    assert [u for u in _uploads(storage) if u["Key"] == key] == []
    with pytest.raises(ObjectNotFound):
        storage.open("documents/c/d/v1-killed")


# --------------------------------------------------------------------------- hand-offs


def test_only_a_local_folder_has_paths_and_descriptors_and_only_s3_signs_urls(
    local: FsspecStorage, tmp_path: Path, s3_endpoint: str
) -> None:
    memory = FsspecStorage.from_url("memory://")
    s3 = s3_storage(s3_endpoint)
    for storage in (memory, local, s3):
        storage.put("documents/c/d/v1-x", [b"%PDF-1.7 bytes"])
    later = timedelta(minutes=5)
    assert memory.local_path("documents/c/d/v1-x") is None
    assert memory.fingerprint("documents/c/d/v1-x") is None
    assert memory.signed_url("documents/c/d/v1-x", expires_in=later, **_NAMED) is None
    assert local.local_path("documents/c/d/v1-x") == str(tmp_path / "files/documents/c/d/v1-x")
    assert local.signed_url("documents/c/d/v1-x", expires_in=later, **_NAMED) is None
    assert local.fingerprint("documents/c/d/v1-x") is not None
    assert s3.local_path("documents/c/d/v1-x") is None
    assert s3.fingerprint("documents/c/d/v1-x") is not None
    url = s3.signed_url("documents/c/d/v1-x", expires_in=later, **_NAMED)
    assert url is not None and ("X-Amz-Expires=300" in url or "Expires=" in url)
    for storage in (memory, s3):
        with storage.open("documents/c/d/v1-x") as reader, pytest.raises(OSError):
            reader.fileno()
    memory.close()


_NAMED = {"download_name": "fatura.pdf", "content_type": "application/pdf"}


class _FillingUp:
    """A file object whose disk fills up after ``room`` bytes (``ENOSPC``)."""

    def __init__(self, real: Any, room: int) -> None:
        self._real = real
        self._room = room

    def write(self, data: bytes) -> int:
        if len(data) > self._room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._room -= len(data)
        return int(self._real.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __enter__(self) -> _FillingUp:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()


def test_a_full_disk_is_storage_unavailable_and_leaves_nothing(
    local: FsspecStorage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import iclient_adapters.storage as adapter

    real_fdopen = os.fdopen
    monkeypatch.setattr(
        adapter.os, "fdopen", lambda fd, mode: _FillingUp(real_fdopen(fd, mode), 3 * MIB)
    )
    with pytest.raises(StorageUnavailable) as full:
        local.put("documents/c/d/v1-x", generated(8 * MIB))
    assert full.value.reason == "full"
    assert not local.exists("documents/c/d/v1-x")
    assert [p for p in (tmp_path / "files").rglob("*") if p.is_file()] == []


def test_an_unreachable_s3_endpoint_is_storage_unavailable() -> None:
    closed = f"http://127.0.0.1:{_free_port()}"
    storage = FsspecStorage.from_url(
        f"s3://{BUCKET}/nowhere",
        endpoint_url=closed,
        config_kwargs={"retries": {"max_attempts": 1}, "connect_timeout": 2},
        **CREDENTIALS,
    )
    with pytest.raises(StorageUnavailable) as unreachable:
        storage.put("documents/c/d/v1-x", [b"%PDF-1.7 bytes"])
    assert unreachable.value.reason == "unreachable"
    with pytest.raises(StorageUnavailable):
        storage.size("documents/c/d/v1-x")
