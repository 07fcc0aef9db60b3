"""Benchmark: stream a large file through the document storage and back.

Writes ``--size-mb`` MiB (2 GiB by default) made on the fly into a storage, reads it back
while hashing it, and prints the throughput of each way and the memory the process used:
the Python heap's peak (tracemalloc) and the whole process's peak RSS. Memory must stay
flat, whatever the size.

    .venv/bin/python scripts/bench_storage.py                      # a temporary local folder
    .venv/bin/python scripts/bench_storage.py --size-mb 512 --url file:///var/tmp/bench
    .venv/bin/python scripts/bench_storage.py --url s3://bucket/bench?endpoint_url=http://...

Not a test: it takes a while and writes gigabytes.
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from iclient_adapters.storage import FsspecStorage

MIB = 1024 * 1024


def generated(total: int, chunk: int) -> Iterator[bytes]:
    """``total`` bytes in chunks of ``chunk``, made on the fly (one block reused)."""
    block = hashlib.sha256(b"bench").digest() * (chunk // 32 + 1)
    block = block[:chunk]
    sent = 0
    while sent < total:
        piece = block[: min(chunk, total - sent)]
        sent += len(piece)
        yield piece


def peak_rss_mib() -> float:
    """The process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--size-mb", type=int, default=2048, help="MiB to stream (2048)")
    parser.add_argument("--chunk-kb", type=int, default=1024, help="upload chunk size (1024)")
    parser.add_argument("--url", help="storage URL (default: a temporary local folder)")
    args = parser.parse_args(argv)
    size = args.size_mb * MIB

    with tempfile.TemporaryDirectory(prefix="iclient-bench-") as folder:
        url = args.url or Path(folder).as_uri()
        storage = FsspecStorage.from_url(url)
        print(f"storage {storage.url} ({storage.kind}); {args.size_mb} MiB", flush=True)
        rss_before = peak_rss_mib()
        tracemalloc.start()

        started = time.perf_counter()
        stored = storage.put("bench/object", generated(size, args.chunk_kb * 1024))
        put_seconds = time.perf_counter() - started
        _, put_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()

        started = time.perf_counter()
        digest = hashlib.sha256()
        with storage.open("bench/object") as reader:
            for chunk in reader:
                digest.update(chunk)
        read_seconds = time.perf_counter() - started
        _, read_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        storage.delete("bench/object")
        storage.close()
        assert stored.size == size, (stored.size, size)
        assert digest.hexdigest() == stored.sha256, "read back different bytes"

    mb = size / MIB
    print(f"put:  {mb / put_seconds:8.1f} MiB/s  ({put_seconds:.1f} s, SHA-256 while streaming)")
    print(f"read: {mb / read_seconds:8.1f} MiB/s  ({read_seconds:.1f} s, SHA-256 checked)")
    print(f"python heap peak: put {put_peak / MIB:.1f} MiB, read {read_peak / MIB:.1f} MiB")
    print(f"process peak RSS: {peak_rss_mib():.1f} MiB (before: {rss_before:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
