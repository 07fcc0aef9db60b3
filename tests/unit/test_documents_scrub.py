"""Integrity at rest and downloads that cost less: the scrub re-hashes stored files and staff
see what failed; bytes vouched for by a check are sent without a second pass; hand-offs; and
a download counts (receipt, "first opened") only once it was sent."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import attrs
import pytest

from iclient_adapters.clock import FrozenClock
from iclient_adapters.storage import FsspecStorage
from iclient_adapters.testing.samples import client, staff
from iclient_core.accounts.model import Account
from iclient_core.documents.download import download_document, download_my_document
from iclient_core.documents.managing import document_record
from iclient_core.documents.model import CheckOutcome, Document
from iclient_core.documents.publishing import upload_document
from iclient_core.documents.scrub import count_damaged, damaged_files, scrub_documents
from iclient_core.services import Services
from iclient_core.shared.downloads import FileCorrupted, HandOff
from iclient_core.shared.intake import Upload

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 64 + b"%%EOF\n"
BIG = b"%PDF-1.7\n" + bytes(3 * 1024 * 1024) + b"%%EOF\n"  # above what is read once


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "files"


@pytest.fixture
def services(services: Services, folder: Path) -> Services:
    """The core's services with a local folder as storage (it has fingerprints)."""
    return attrs.evolve(services, storage=FsspecStorage.from_url(folder.as_uri()))


@pytest.fixture
def people(services: Services) -> tuple[Account, Account]:
    ana, colaborador = client("ana@example.pt"), staff("colaborador@example.pt")
    with services.uow() as uow:
        uow.accounts.add(ana)
        uow.accounts.add(colaborador)
        uow.commit()
    return ana, colaborador


def publish(services: Services, people: tuple[Account, Account], data: bytes = PDF) -> Document:
    ana, colaborador = people
    return upload_document(
        services=services,
        actor=colaborador,
        client_id=ana.id,
        file=Upload(filename="fatura.pdf", stream=iter([data])),
        title="Fatura 2026/14",
        category="invoice",
    )


def path_of(folder: Path, document: Document) -> Path:
    assert document.current is not None
    return folder / document.current.storage_key


def damage_in_place(path: Path, at: int = 50) -> None:
    """Bit rot: one byte flips, and the file's times are put back as they were."""
    before = path.stat()
    with path.open("r+b") as handle:
        handle.seek(at)
        byte = handle.read(1)
        handle.seek(at)
        handle.write(bytes([byte[0] ^ 0xFF]))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def opened_count(services: Services, colaborador: Account, document: Document) -> int:
    return len(
        document_record(services=services, actor=colaborador, document_id=document.id).downloads
    )


# --------------------------------------------------------------------------- the scrub


def test_the_scrub_finds_damaged_and_missing_files_and_staff_see_them(
    services: Services,
    people: tuple[Account, Account],
    folder: Path,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, colaborador = people
    good = publish(services, people)
    rotten = publish(services, people)
    gone = publish(services, people)
    shorter = publish(services, people)
    clock.advance(timedelta(days=1))
    damage_in_place(path_of(folder, rotten))
    path_of(folder, gone).unlink()
    path_of(folder, shorter).write_bytes(PDF[:-3])

    with caplog.at_level(logging.INFO):
        report = scrub_documents(services=services)
    assert (report.checked, report.damaged, report.skipped) == (4, 3, 0)
    events = [r.getMessage() for r in caplog.records if r.name == "iclient.security"]
    assert sum("document_integrity_failed" in e and "found_by=scrub" in e for e in events) == 3

    found = {
        d.document_id: d.check.outcome for d in damaged_files(services=services, actor=colaborador)
    }
    assert found == {
        rotten.id: CheckOutcome.CHECKSUM,
        gone.id: CheckOutcome.MISSING,
        shorter.id: CheckOutcome.SIZE,
    }
    assert good.id not in found
    assert count_damaged(services=services, actor=colaborador) == 3

    # A file restored from a backup passes at the next run; recent good checks are skipped.
    path_of(folder, shorter).write_bytes(PDF)
    clock.advance(timedelta(hours=1))
    again = scrub_documents(services=services)
    assert (again.checked, again.skipped, again.damaged) == (3, 1, 2)
    assert count_damaged(services=services, actor=colaborador) == 2


def test_the_scrub_walks_every_file_in_batches(
    services: Services, people: tuple[Account, Account], clock: FrozenClock
) -> None:
    for _ in range(5):
        publish(services, people)
    clock.advance(timedelta(days=1))
    report = scrub_documents(services=services, batch=2)
    assert (report.checked, report.damaged) == (5, 0)
    assert report.bytes_read == 5 * len(PDF)
    assert scrub_documents(services=services, batch=2).skipped == 5


# --------------------------------------------------------------------------- trusted bytes


def test_bytes_unchanged_since_their_check_go_out_without_a_second_pass(
    services: Services, people: tuple[Account, Account], folder: Path
) -> None:
    ana, _ = people
    document = publish(services, people, BIG)
    with download_my_document(services=services, actor=ana, document_id=document.id) as download:
        assert download.sendable  # vouched for by the upload's check: sendfile may send it
        assert os.lseek(download.fileno(), 0, os.SEEK_CUR) == 0
        assert b"".join(download) == BIG

    # Rewritten behind the portal's back: the fingerprint differs, so the bytes are checked
    # again in full (before the first byte, at this size) and refused.
    damaged = bytearray(BIG)
    damaged[-3] ^= 1
    path_of(folder, document).write_bytes(bytes(damaged))
    with pytest.raises(FileCorrupted):
        download_my_document(services=services, actor=ana, document_id=document.id)


def test_bit_rot_behind_an_unchanged_fingerprint_is_left_to_the_scrub(
    services: Services, people: tuple[Account, Account], folder: Path, clock: FrozenClock
) -> None:
    # The documented trade-off: the fingerprint cannot see a flipped bit that left the
    # file's times alone; the scheduled scrub does, and the download is refused from then on.
    ana, _ = people
    document = publish(services, people, BIG)
    damage_in_place(path_of(folder, document), at=len(BIG) // 2)
    clock.advance(timedelta(days=1))
    assert scrub_documents(services=services).damaged == 1
    with pytest.raises(FileCorrupted):
        download_my_document(services=services, actor=ana, document_id=document.id)


# --------------------------------------------------------------------------- receipts


def test_a_download_counts_only_once_its_last_byte_was_taken(
    services: Services, people: tuple[Account, Account]
) -> None:
    ana, colaborador = people
    document = publish(services, people, BIG)

    def opened() -> Iterator[bytes]:
        return download_my_document(services=services, actor=ana, document_id=document.id)

    never_started = opened()
    never_started.close()  # the client had gone before the answer started
    half = opened()
    next(iter(half))
    half.close()  # the client went away half-way
    assert opened_count(services, colaborador, document) == 0
    assert stored_first_opened(services, colaborador, document) is None

    whole = opened()
    b"".join(whole)
    assert opened_count(services, colaborador, document) == 0  # not until it is closed
    whole.close()
    whole.close()
    assert opened_count(services, colaborador, document) == 1
    assert stored_first_opened(services, colaborador, document) is not None


def stored_first_opened(services: Services, colaborador: Account, document: Document) -> object:
    record = document_record(services=services, actor=colaborador, document_id=document.id)
    return record.document.first_downloaded_at


def test_a_sendfile_that_reached_the_end_counts_as_sent(
    services: Services, people: tuple[Account, Account]
) -> None:
    ana, colaborador = people
    document = publish(services, people, BIG)
    cut = download_my_document(services=services, actor=ana, document_id=document.id)
    cut.seek(1000)  # what socket.sendfile reports when the client went away
    cut.close()
    assert opened_count(services, colaborador, document) == 0
    done = download_my_document(services=services, actor=ana, document_id=document.id)
    done.seek(len(BIG))
    done.close()
    assert opened_count(services, colaborador, document) == 1


# --------------------------------------------------------------------------- hand-offs


def test_a_hand_off_to_the_web_server_is_logged_when_handed_off(
    services: Services, people: tuple[Account, Account], folder: Path
) -> None:
    ana, colaborador = people
    document = publish(services, people)
    download = download_my_document(
        services=services, actor=ana, document_id=document.id, hand_off={HandOff.LOCAL_FILE}
    )
    assert download.local_path == str(path_of(folder, document))
    assert download.handed_off and list(download) == []
    assert opened_count(services, colaborador, document) == 1  # the proxy sends it


def test_a_hand_off_still_refuses_a_missing_file_and_falls_back_without_support(
    services: Services, people: tuple[Account, Account], folder: Path
) -> None:
    ana, colaborador = people
    document = publish(services, people)
    signed_only = download_document(
        services=services,
        actor=colaborador,
        document_id=document.id,
        hand_off={HandOff.SIGNED_URL},  # a local folder signs no URL: streamed instead
    )
    with signed_only:
        assert not signed_only.handed_off and b"".join(signed_only) == PDF
    path_of(folder, document).unlink()
    with pytest.raises(FileCorrupted):
        download_my_document(
            services=services, actor=ana, document_id=document.id, hand_off={HandOff.LOCAL_FILE}
        )
