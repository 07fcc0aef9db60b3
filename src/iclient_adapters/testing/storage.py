"""The file storage contract: the behaviour every ``FileStorage`` must have.

Mix :class:`StorageContract` into a test class that provides a ``storage`` fixture (an
empty storage of the adapter under test)::

    class TestMyStorage(StorageContract):
        @pytest.fixture
        def storage(self, tmp_path):
            return MyStorage(tmp_path)

An adapter is accepted when it passes the suite unchanged. Needs pytest.
"""

from __future__ import annotations

import hashlib
import io
import os
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from iclient_core.shared.storage import (
    READ_CHUNK_SIZE,
    FileStorage,
    ObjectNotFound,
    ObjectTooLarge,
    StoredObject,
)

MIB = 1024 * 1024


class Boom(RuntimeError):
    """What the failing streams of the suite raise half-way."""


def pattern(size: int, seed: int = 1) -> bytes:
    """``size`` bytes that differ from one position (and seed) to the next."""
    block = hashlib.sha256(str(seed).encode()).digest() * 2048  # 64 KiB
    return (block * (size // len(block) + 1))[:size]


def chunks_of(data: bytes, size: int = 300_001) -> Iterator[bytes]:
    """``data`` as a stream of odd-sized chunks."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def failing_after(data: bytes, *, chunk: int = MIB) -> Iterator[bytes]:
    """Yields ``data`` in chunks, then raises :class:`Boom` instead of ending."""
    yield from chunks_of(data, chunk)
    raise Boom("the upload broke half-way")


def generated(total: int, *, chunk: int = MIB) -> Iterator[bytes]:
    """``total`` bytes made on the fly, never held in memory at once."""
    block = pattern(chunk, seed=7)
    sent = 0
    while sent < total:
        piece = block[: min(chunk, total - sent)]
        sent += len(piece)
        yield piece


def expected(data: bytes) -> StoredObject:
    """The size and SHA-256 the storage must report for ``data``."""
    return StoredObject(size=len(data), sha256=hashlib.sha256(data).hexdigest())


def read_all(storage: FileStorage, key: str, **range_: int | None) -> bytes:
    """Everything ``open`` yields for ``key`` (and the range)."""
    with storage.open(key, **range_) as reader:  # type: ignore[arg-type]
        return b"".join(reader)


class StorageContract:
    """Needs ``storage``: an empty ``FileStorage`` of the adapter under test. Checks streamed
    puts (size and SHA-256 of what streamed), reads and byte ranges, atomic writes (a failed or
    oversized upload leaves nothing, a failed replacement keeps the old object), deletes, key
    listing, refused keys, the sweep of incomplete writes, and what lets a web server or the
    browser fetch the bytes without the application (a local path, a signed URL, a reader's
    file descriptor) and a fingerprint that tells when they changed."""

    storage_big = 12 * MIB
    """Large enough to cross every adapter's buffering (S3 multipart parts are 8 MiB)."""

    # ------------------------------------------------------------------ streaming

    def test_storage_put_reports_the_size_and_sha256_of_what_streamed(
        self, storage: FileStorage
    ) -> None:
        data = pattern(3 * MIB + 17)
        assert storage.put("documents/a/b/v1-x", chunks_of(data)) == expected(data)
        assert storage.size("documents/a/b/v1-x") == len(data)
        assert read_all(storage, "documents/a/b/v1-x") == data

    def test_storage_put_reads_a_file_object_in_chunks(self, storage: FileStorage) -> None:
        data = pattern(2 * MIB + 5, seed=2)
        assert storage.put("f/object.pdf", io.BytesIO(data)) == expected(data)
        assert read_all(storage, "f/object.pdf") == data

    def test_storage_a_large_stream_round_trips_byte_for_byte(self, storage: FileStorage) -> None:
        data = pattern(self.storage_big + 3, seed=3)
        assert storage.put("big/one", chunks_of(data, MIB)) == expected(data)
        with storage.open("big/one") as reader:
            assert reader.length == len(data)
            pieces = list(reader)
        assert all(0 < len(p) <= READ_CHUNK_SIZE for p in pieces)
        assert b"".join(pieces) == data

    def test_storage_an_empty_stream_is_an_empty_object(self, storage: FileStorage) -> None:
        assert storage.put("empty", iter([])) == expected(b"")
        assert storage.size("empty") == 0
        assert read_all(storage, "empty") == b""

    def test_storage_put_replaces_what_the_key_held(self, storage: FileStorage) -> None:
        storage.put("k", [b"first version, longer than the second"])
        assert storage.put("k", [b"second"]) == expected(b"second")
        assert read_all(storage, "k") == b"second"

    def test_storage_read_gives_the_requested_amount(self, storage: FileStorage) -> None:
        storage.put("k", [b"0123456789"])
        with storage.open("k") as reader:
            assert reader.read(3) == b"012"
            assert reader.read(4) == b"3456"
            assert reader.read() == b"789"
            assert reader.read(5) == b""

    def test_storage_two_readers_keep_their_own_positions(self, storage: FileStorage) -> None:
        storage.put("k", [b"abcdefghij"])
        with storage.open("k") as one, storage.open("k", start=5) as two:
            assert one.read(2) == b"ab"
            assert two.read(2) == b"fg"
            assert one.read(2) == b"cd"
            assert two.read() == b"hij"

    # ------------------------------------------------------------------ atomicity

    def test_storage_an_upload_that_raises_half_way_leaves_nothing(
        self, storage: FileStorage
    ) -> None:
        with pytest.raises(Boom):
            storage.put("documents/c/d/v1-x", failing_after(pattern(self.storage_big)))
        assert not storage.exists("documents/c/d/v1-x")
        assert list(storage.keys()) == []
        with pytest.raises(ObjectNotFound):
            storage.open("documents/c/d/v1-x")

    def test_storage_a_small_upload_that_raises_leaves_nothing(self, storage: FileStorage) -> None:
        with pytest.raises(Boom):
            storage.put("small", failing_after(b"just a few bytes"))
        assert not storage.exists("small")
        assert list(storage.keys()) == []

    def test_storage_a_failed_replacement_keeps_the_previous_object(
        self, storage: FileStorage
    ) -> None:
        storage.put("k", [b"the good version"])
        with pytest.raises(Boom):
            storage.put("k", failing_after(pattern(self.storage_big)))
        assert read_all(storage, "k") == b"the good version"
        assert list(storage.keys()) == ["k"]

    def test_storage_a_stream_over_the_limit_is_refused_and_leaves_nothing(
        self, storage: FileStorage
    ) -> None:
        with pytest.raises(ObjectTooLarge) as refused:
            storage.put("k", generated(self.storage_big), max_size=self.storage_big - 1)
        assert refused.value.max_size == self.storage_big - 1
        assert not storage.exists("k")
        assert list(storage.keys()) == []

    def test_storage_a_stream_exactly_at_the_limit_is_stored(self, storage: FileStorage) -> None:
        assert storage.put("k", [b"12345"], max_size=5).size == 5

    # ------------------------------------------------------------------ checksums

    def test_storage_the_checksum_is_the_sha256_of_the_bytes_as_read_back(
        self, storage: FileStorage
    ) -> None:
        data = pattern(5 * MIB + 1, seed=4)
        stored = storage.put("k", chunks_of(data, 65_536))
        assert hashlib.sha256(read_all(storage, "k")).hexdigest() == stored.sha256

    def test_storage_different_bytes_give_different_checksums(self, storage: FileStorage) -> None:
        one = storage.put("one", [b"invoice 1"])
        two = storage.put("two", [b"invoice 2"])
        assert one.sha256 != two.sha256 and one.size == two.size

    # ------------------------------------------------------------------ ranges

    @pytest.mark.parametrize(
        ("start", "end", "want"),
        [
            (0, None, b"0123456789"),
            (0, 4, b"0123"),
            (3, 7, b"3456"),
            (7, None, b"789"),
            (8, 100, b"89"),
            (10, None, b""),
            (4, 4, b""),
        ],
    )
    def test_storage_ranges_give_exactly_the_requested_bytes(
        self, storage: FileStorage, start: int, end: int | None, want: bytes
    ) -> None:
        storage.put("k", [b"01234", b"56789"])
        with storage.open("k", start=start, end=end) as reader:
            assert reader.length == len(want)
            assert b"".join(reader) == want

    def test_storage_a_range_deep_in_a_large_object(self, storage: FileStorage) -> None:
        data = pattern(self.storage_big, seed=5)
        storage.put("k", chunks_of(data, MIB))
        start, end = 9 * MIB - 3, 11 * MIB + 5
        assert read_all(storage, "k", start=start, end=end) == data[start:end]

    @pytest.mark.parametrize(("start", "end"), [(-1, None), (5, 4)])
    def test_storage_malformed_ranges_are_refused(
        self, storage: FileStorage, start: int, end: int | None
    ) -> None:
        storage.put("k", [b"0123456789"])
        with pytest.raises(ValueError):
            storage.open("k", start=start, end=end)

    # ------------------------------------------------------------------ missing keys

    def test_storage_missing_keys_raise_object_not_found(self, storage: FileStorage) -> None:
        assert not storage.exists("nothing/here")
        with pytest.raises(ObjectNotFound) as missing:
            storage.open("nothing/here")
        assert missing.value.key == "nothing/here"
        with pytest.raises(ObjectNotFound):
            storage.size("nothing/here")
        with pytest.raises(ObjectNotFound):
            storage.delete("nothing/here")

    def test_storage_a_folder_of_keys_is_not_an_object(self, storage: FileStorage) -> None:
        storage.put("documents/a/v1", [b"x"])
        assert not storage.exists("documents/a")
        with pytest.raises(ObjectNotFound):
            storage.open("documents/a")

    # ------------------------------------------------------------------ delete and list

    def test_storage_delete_removes_the_object(self, storage: FileStorage) -> None:
        storage.put("documents/a/v1", [b"x"])
        storage.put("documents/a/v2", [b"y"])
        storage.delete("documents/a/v1")
        assert not storage.exists("documents/a/v1")
        assert read_all(storage, "documents/a/v2") == b"y"
        assert list(storage.keys()) == ["documents/a/v2"]
        storage.delete("documents/a/v2")
        assert list(storage.keys()) == []
        storage.put("documents/a/v3", [b"z"])  # the emptied folder can be used again
        assert read_all(storage, "documents/a/v3") == b"z"

    def test_storage_keys_lists_what_is_stored_under_a_prefix(self, storage: FileStorage) -> None:
        for key in ("documents/c1/d1/v1-a", "documents/c2/d2/v1-b", "quotes/q1/v1", "top"):
            storage.put(key, [key.encode()])
        assert sorted(storage.keys()) == [
            "documents/c1/d1/v1-a",
            "documents/c2/d2/v1-b",
            "quotes/q1/v1",
            "top",
        ]
        assert sorted(storage.keys("documents/")) == [
            "documents/c1/d1/v1-a",
            "documents/c2/d2/v1-b",
        ]
        assert list(storage.keys("documents/c2/")) == ["documents/c2/d2/v1-b"]
        assert list(storage.keys("nothing/")) == []

    @pytest.mark.parametrize(
        "key",
        [
            "",
            "../escape",
            "a/../../escape",
            "/absolute",
            "a//b",
            ".hidden",
            "a/.tmp-x",
            "trailing/",
            "back\\slash",
            "spa ce",
            "nul\x00",
            "é",
            "x" * 600,
        ],
    )
    def test_storage_keys_that_could_escape_or_hide_are_refused(
        self, storage: FileStorage, key: str
    ) -> None:
        with pytest.raises(ValueError):
            storage.put(key, [b"x"])
        with pytest.raises(ValueError):
            storage.open(key)
        with pytest.raises(ValueError):
            storage.exists(key)
        assert list(storage.keys()) == []

    # ------------------------------------------------------------------ leftovers

    def test_storage_sweeping_a_clean_storage_removes_nothing(self, storage: FileStorage) -> None:
        storage.put("k", [b"kept"])
        future = datetime.now(UTC) + timedelta(days=1)
        assert storage.sweep_incomplete(future) == 0
        assert read_all(storage, "k") == b"kept"

    # ------------------------------------------------------------------ hand-offs

    def test_storage_a_fingerprint_is_stable_and_changes_with_the_bytes(
        self, storage: FileStorage
    ) -> None:
        storage.put("documents/a/v1", [b"first bytes"])
        first = storage.fingerprint("documents/a/v1")
        assert first is None or isinstance(first, str)
        read_all(storage, "documents/a/v1")
        assert storage.fingerprint("documents/a/v1") == first  # reading changes nothing
        storage.put("documents/a/v1", [b"other bytes, longer"])
        if first is not None:
            assert storage.fingerprint("documents/a/v1") != first
        with pytest.raises(ObjectNotFound):
            storage.fingerprint("documents/nothing")

    def test_storage_a_local_path_holds_the_bytes_or_there_is_none(
        self, storage: FileStorage
    ) -> None:
        storage.put("documents/a/v1", [b"local ", b"bytes"])
        path = storage.local_path("documents/a/v1")
        if path is not None:
            assert os.path.isabs(path)
            assert Path(path).read_bytes() == b"local bytes"

    def test_storage_a_signed_url_gives_the_bytes_as_a_named_attachment_or_there_is_none(
        self, storage: FileStorage
    ) -> None:
        storage.put("documents/a/v1", [b"%PDF-1.7 signed"])
        url = storage.signed_url(
            "documents/a/v1",
            expires_in=timedelta(minutes=5),
            download_name="Fatura março.pdf",
            content_type="application/pdf",
        )
        if url is None:
            return
        assert url.startswith(("http://", "https://"))
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310
            assert answer.read() == b"%PDF-1.7 signed"
            assert answer.headers["Content-Type"] == "application/pdf"
            disposition = answer.headers["Content-Disposition"]
        assert disposition.startswith("attachment")
        assert "filename*=UTF-8''Fatura%20mar%C3%A7o.pdf" in disposition

    def test_storage_a_reader_descriptor_starts_at_the_range_or_there_is_none(
        self, storage: FileStorage
    ) -> None:
        storage.put("k", [b"0123456789"])
        with storage.open("k", start=3, end=8) as reader:
            try:
                fd = reader.fileno()
            except OSError:
                return
            assert os.lseek(fd, 0, os.SEEK_CUR) == 3
            assert os.pread(fd, 5, 3) == b"34567"
