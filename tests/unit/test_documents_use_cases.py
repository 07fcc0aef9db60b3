"""The documents use cases on in-memory adapters: publishing, reading, downloading, sweeping.

The storage is the real fsspec adapter on ``memory://``; where a test needs to see the order
of events, :class:`WatchedStorage` wraps it and records what the database said at the time.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import attrs
import pytest

from iclient_adapters.clock import FrozenClock
from iclient_adapters.links import PortalLinks
from iclient_adapters.storage import FsspecStorage
from iclient_adapters.testing.samples import client, staff
from iclient_core.accounts.model import Account, Role
from iclient_core.documents.download import download_document, download_my_document
from iclient_core.documents.managing import (
    archive_document,
    client_documents,
    delete_document,
    document_record,
    edit_details,
    unarchive_document,
)
from iclient_core.documents.model import (
    Category,
    Document,
    DocumentQuery,
    DocumentStatus,
    FileVersion,
)
from iclient_core.documents.publishing import (
    RefusedFile,
    UploadReport,
    notify_published,
    replace_file,
    storage_key,
    upload_document,
    upload_documents,
)
from iclient_core.documents.reading import latest_documents, my_documents
from iclient_core.documents.sweeper import sweep_documents
from iclient_core.notifications.model import Kind
from iclient_core.services import Services
from iclient_core.shared.downloads import (
    Download,
    FileCorrupted,
    RangeNotSatisfiable,
)
from iclient_core.shared.errors import (
    ConcurrentUpdate,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from iclient_core.shared.intake import Upload
from iclient_core.shared.storage import ByteSource, FileStorage, ObjectReader, StoredObject

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 64 + b"%%EOF\n"
LINKS = PortalLinks("https://portal.example.test")


@attrs.define
class WatchedStorage:
    """A real storage that calls ``on_put``/``on_delete`` first, to observe the order."""

    inner: FsspecStorage
    on_put: Callable[[str], None] = lambda key: None
    on_delete: Callable[[str], None] = lambda key: None

    def put(self, key: str, source: ByteSource, *, max_size: int | None = None) -> StoredObject:
        self.on_put(key)
        return self.inner.put(key, source, max_size=max_size)

    def open(self, key: str, *, start: int = 0, end: int | None = None) -> ObjectReader:
        return self.inner.open(key, start=start, end=end)

    def size(self, key: str) -> int:
        return self.inner.size(key)

    def exists(self, key: str) -> bool:
        return self.inner.exists(key)

    def delete(self, key: str) -> None:
        self.on_delete(key)
        self.inner.delete(key)

    def keys(self, prefix: str = "") -> Iterator[str]:
        return self.inner.keys(prefix)

    def sweep_incomplete(self, older_than: object) -> int:
        return self.inner.sweep_incomplete(older_than)  # type: ignore[arg-type]

    def fingerprint(self, key: str) -> str | None:
        return self.inner.fingerprint(key)

    def local_path(self, key: str) -> str | None:
        return self.inner.local_path(key)

    def signed_url(self, key: str, **how: Any) -> str | None:
        return self.inner.signed_url(key, **how)


@pytest.fixture
def storage() -> Iterator[FsspecStorage]:
    """A private in-memory storage."""
    made = FsspecStorage.from_url("memory://")
    yield made
    made.close()


@pytest.fixture
def services(services: Services, storage: FsspecStorage) -> Services:
    """The core's services, keeping files in this test's storage."""
    return attrs.evolve(services, storage=storage)


def _store(services: Services, *accounts: Account) -> None:
    with services.uow() as uow:
        for account in accounts:
            uow.accounts.add(account)
        uow.commit()


@pytest.fixture
def ana(services: Services) -> Account:
    """A client."""
    account = client("ana@example.pt")
    _store(services, account)
    return account


@pytest.fixture
def rui(services: Services) -> Account:
    """Another client."""
    account = client("rui@example.pt")
    _store(services, account)
    return account


@pytest.fixture
def colaborador(services: Services) -> Account:
    """An active collaborator."""
    account = staff("colaborador@example.pt")
    _store(services, account)
    return account


def publish(
    services: Services,
    storage: FileStorage,
    actor: Account,
    owner: Account,
    data: bytes = PDF,
    *,
    name: str = "fatura.pdf",
    **fields: object,
) -> Document:
    """Upload ``data`` for ``owner`` as ``actor``."""
    details: dict[str, object] = {"title": "Fatura 2026/14", "category": "invoice", **fields}
    return upload_document(
        services=attrs.evolve(services, storage=storage),
        actor=actor,
        client_id=owner.id,
        file=Upload(filename=name, stream=iter([data[:100], data[100:]])),
        ip="203.0.113.7",
        **details,  # type: ignore[arg-type]
    )


def stored(services: Services, document_id: str) -> Document | None:
    """The committed document."""
    with services.uow() as uow:
        return uow.documents.get(document_id)


def read(download: Download) -> bytes:
    """Everything a download yields, then closed as a web server does (it counts as sent)."""
    with download:
        return b"".join(download)


# --------------------------------------------------------------------------- publishing


def test_the_row_is_pending_while_the_bytes_are_stored_then_ready(
    services: Services, storage: FsspecStorage, ana: Account, colaborador: Account
) -> None:
    seen: list[str] = []

    def while_storing(key: str) -> None:
        with services.uow() as uow:
            query = DocumentQuery(client_id=ana.id, statuses=frozenset(DocumentStatus))
            (pending,) = uow.documents.list(query).items
        assert pending.pending_file is not None and pending.pending_file.storage_key == key
        seen.append(pending.status.value)
        assert not storage.exists(key)

    watched = WatchedStorage(storage, on_put=while_storing)
    document = publish(services, watched, colaborador, ana)
    assert seen == ["pending"]
    assert document.status is DocumentStatus.READY
    current = document.current
    assert current is not None
    assert (current.size, current.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())
    assert current.content_type == "application/pdf"
    assert current.storage_key.startswith(f"documents/{ana.id}/{document.id}/v1-")
    assert stored(services, document.id) == document


def test_publishing_tells_the_client_with_a_link_and_audits_the_upload(
    services: Services, storage: FsspecStorage, ana: Account, colaborador: Account
) -> None:
    document = publish(services, storage, colaborador, ana)
    with services.uow() as uow:
        (message,) = uow.outbox.claim_due(
            services.clock.now(), limit=10, lease=timedelta(minutes=1)
        )
        entries = uow.audit.list(action="document.uploaded")
    notification = message.notification
    assert notification.kind is Kind.DOCUMENT_PUBLISHED
    assert notification.to_address == "ana@example.pt"
    assert notification.context["link"] == "https://portal.example.test/pt/documents"
    assert notification.context["titles"] == "Fatura 2026/14"
    assert all(PDF[:20].decode("latin-1") not in v for v in notification.context.values())
    (entry,) = entries
    assert (entry.actor_id, entry.target_id, entry.ip) == (
        colaborador.id,
        document.id,
        "203.0.113.7",
    )


def test_an_upload_that_breaks_half_way_leaves_no_row_and_no_bytes(
    services: Services, storage: FsspecStorage, ana: Account, colaborador: Account
) -> None:
    def broken() -> Iterator[bytes]:
        yield PDF[:100]
        raise ConnectionResetError("the browser went away")

    with pytest.raises(ConnectionResetError):
        upload_document(
            services=services,
            actor=colaborador,
            client_id=ana.id,
            file=Upload(filename="fatura.pdf", stream=broken()),
            title="Fatura",
            category="invoice",
        )
    assert my_documents(services=services, actor=ana).page.total == 0
    assert client_documents(services=services, actor=colaborador, client_id=ana.id).page.total == 0
    assert list(storage.keys()) == []


def test_a_file_over_the_limit_is_a_field_error_and_leaves_nothing(
    services: Services, storage: FsspecStorage, ana: Account, colaborador: Account
) -> None:
    with pytest.raises(InvalidInput) as refused:
        upload_document(
            services=services,
            actor=colaborador,
            client_id=ana.id,
            file=Upload(filename="fatura.pdf", stream=iter([PDF])),
            title="Fatura",
            category="invoice",
            max_size=len(PDF) - 1,
        )
    assert refused.value.by_field() == {"file": ["file_too_large"]}
    assert list(storage.keys()) == []
    assert client_documents(services=services, actor=colaborador, client_id=ana.id).page.total == 0


def test_only_staff_who_manage_documents_may_upload(
    services: Services, storage: FsspecStorage, ana: Account, rui: Account, colaborador: Account
) -> None:
    with pytest.raises(PermissionDenied):
        publish(services, storage, rui, ana)
    stale = attrs.evolve(colaborador)  # what a request loaded before the account was closed
    colaborador.disable()
    with services.uow() as uow:
        uow.accounts.save(colaborador)
        uow.commit()
    with pytest.raises(PermissionDenied):
        publish(services, storage, stale, ana)
    assert list(storage.keys()) == []


def test_documents_go_to_clients_only(
    services: Services, storage: FsspecStorage, colaborador: Account
) -> None:
    admin = staff("gestora@example.pt", role=Role.ADMIN)
    _store(services, admin)
    with pytest.raises(NotFound):
        publish(services, storage, admin, colaborador)
    with pytest.raises(NotFound):
        publish(services, storage, admin, client("nobody@example.pt"))


def test_several_uploads_make_one_email(
    services: Services, storage: FsspecStorage, ana: Account, colaborador: Account
) -> None:
    first = publish(services, storage, colaborador, ana, title="Janeiro", notify=False)
    second = publish(services, storage, colaborador, ana, title="Fevereiro", notify=False)
    notify_published(
        services=services,
        actor=colaborador,
        client_id=ana.id,
        document_ids=[first.id, second.id, "unknown"],
    )
    with services.uow() as uow:
        messages = uow.outbox.claim_due(services.clock.now(), limit=10, lease=timedelta(minutes=1))
    assert [m.notification.context["count"] for m in messages] == ["2"]
    assert messages[0].notification.context["titles"] == "Janeiro\nFevereiro"


# --------------------------------------------------------------------------- replacing


def test_replacing_keeps_the_history_and_serves_the_new_file(
    services: Services,
    storage: FsspecStorage,
    ana: Account,
    colaborador: Account,
    clock: FrozenClock,
) -> None:
    document = publish(services, storage, colaborador, ana)
    clock.advance(timedelta(hours=1))
    corrected = PDF.replace(b"%PDF-1.7", b"%PDF-1.4")
    replaced = replace_file(
        services=services,
        actor=colaborador,
        document_id=document.id,
        file=Upload(filename="fatura-corrigida.pdf", stream=iter([corrected])),
    )
    assert [v.number for v in replaced.history] == [2, 1]
    assert (
        read(download_my_document(services=services, actor=ana, document_id=document.id))
        == corrected
    )
    old = download_document(
        services=services, actor=colaborador, document_id=document.id, version=1
    )
    assert read(old) == PDF


def test_a_replacement_overtaken_by_a_newer_one_is_refused(
    services: Services, storage: FsspecStorage, ana: Account, colaborador: Account
) -> None:
    document = publish(services, storage, colaborador, ana)

    def meanwhile(key: str) -> None:
        # Another staff member replaces the file while our bytes are on their way.
        watched.on_put = lambda key: None
        replace_file(
            services=attrs.evolve(services, storage=storage),
            actor=colaborador,
            document_id=document.id,
            file=Upload(filename="winner.pdf", stream=iter([PDF])),
        )

    watched = WatchedStorage(storage, on_put=meanwhile)
    with pytest.raises(ConcurrentUpdate):
        replace_file(
            services=attrs.evolve(services, storage=watched),
            actor=colaborador,
            document_id=document.id,
            file=Upload(filename="loser.pdf", stream=iter([PDF])),
        )
    final = stored(services, document.id)
    assert final is not None and final.current is not None
    assert final.current.display_name == "winner.pdf"
    referenced = {v.storage_key for v in final.versions}
    assert set(storage.keys()) == referenced  # the loser's bytes were removed


# --------------------------------------------------------------------------- reading


def test_a_client_lists_only_their_ready_documents(
    services: Services,
    storage: FsspecStorage,
    ana: Account,
    rui: Account,
    colaborador: Account,
    clock: FrozenClock,
) -> None:
    publish(services, storage, colaborador, ana, title="Velha", issue_date="2025-12-01")
    clock.advance(timedelta(minutes=1))
    newest = publish(services, storage, colaborador, ana, title="Nova")
    publish(services, storage, colaborador, rui, title="Do Rui")
    archived = publish(services, storage, colaborador, ana, title="Arquivada")
    archive_document(services=services, actor=colaborador, document_id=archived.id)
    found = my_documents(services=services, actor=ana)
    assert [d.title for d in found.page.items] == ["Nova", "Velha"]
    assert list(found.years) == [2026, 2025]
    assert [d.id for d in latest_documents(services=services, actor=ana, limit=1)] == [newest.id]
    by_year = my_documents(services=services, actor=ana, year="2025", category="invoice")
    assert [d.title for d in by_year.page.items] == ["Velha"]
    assert my_documents(services=services, actor=rui, search="nova").page.total == 0


# --------------------------------------------------------------------------- downloading


def test_downloads_are_logged_and_the_first_by_the_owner_marks_it_opened(
    services: Services,
    storage: FsspecStorage,
    ana: Account,
    colaborador: Account,
    clock: FrozenClock,
) -> None:
    document = publish(services, storage, colaborador, ana)
    read(download_document(services=services, actor=colaborador, document_id=document.id))
    assert document_record(
        services=services, actor=colaborador, document_id=document.id
    ).document.is_new
    clock.advance(timedelta(minutes=5))
    first_time = clock.now()
    for _ in range(2):
        with download_my_document(
            services=services,
            actor=ana,
            document_id=document.id,
            ip="198.51.100.4",
        ) as opened:
            assert read(opened) == PDF
        clock.advance(timedelta(minutes=5))
    record = document_record(services=services, actor=colaborador, document_id=document.id)
    assert record.document.first_downloaded_at == first_time
    assert [(d.by_owner, d.ip) for d in record.downloads] == [
        (True, "198.51.100.4"),
        (True, "198.51.100.4"),
        (False, "-"),
    ]


def test_nobody_else_may_download(
    services: Services, storage: FsspecStorage, ana: Account, rui: Account, colaborador: Account
) -> None:
    document = publish(services, storage, colaborador, ana)
    for actor, document_id in ((rui, document.id), (ana, "guessed"), (colaborador, document.id)):
        with pytest.raises(NotFound):
            download_my_document(services=services, actor=actor, document_id=document_id)
    with pytest.raises(PermissionDenied):
        download_document(services=services, actor=rui, document_id=document.id)
    with pytest.raises(NotFound):
        download_document(
            services=services,
            actor=colaborador,
            document_id=document.id,
            client_id=rui.id,
        )


def test_archived_documents_are_for_staff_only_until_put_back(
    services: Services, storage: FsspecStorage, ana: Account, colaborador: Account
) -> None:
    document = publish(services, storage, colaborador, ana)
    archive_document(services=services, actor=colaborador, document_id=document.id)
    with pytest.raises(NotFound):
        download_my_document(services=services, actor=ana, document_id=document.id)
    assert (
        read(download_document(services=services, actor=colaborador, document_id=document.id))
        == PDF
    )
    with pytest.raises(InvalidInput):
        archive_document(services=services, actor=colaborador, document_id=document.id)
    unarchive_document(services=services, actor=colaborador, document_id=document.id)
    assert read(download_my_document(services=services, actor=ana, document_id=document.id)) == PDF


def test_a_pending_document_cannot_be_downloaded(
    services: Services, storage: FsspecStorage, ana: Account, colaborador: Account
) -> None:
    pending = Document.start(
        id="pending-doc",
        client_id=ana.id,
        title="A caminho",
        category=Category.OTHER,
        reference=None,
        issue_date=None,
        amount=None,
        due_date=None,
        file=FileVersion(
            number=1,
            storage_key=storage_key(ana.id, "pending-doc", 1),
            display_name="x.pdf",
            content_type="application/pdf",
            uploaded_by=colaborador.id,
            uploaded_at=services.clock.now(),
        ),
        now=services.clock.now(),
    )
    with services.uow() as uow:
        uow.documents.add(pending)
        uow.commit()
    with pytest.raises(NotFound):
        download_my_document(services=services, actor=ana, document_id="pending-doc")
    with pytest.raises(NotFound):
        download_document(services=services, actor=colaborador, document_id="pending-doc")


def test_ranges_are_served_from_a_checked_file(
    services: Services, storage: FsspecStorage, ana: Account, colaborador: Account
) -> None:
    document = publish(services, storage, colaborador, ana)
    current = document.current
    assert current is not None
    part = download_my_document(
        services=services, actor=ana, document_id=document.id, byte_range=(10, 20)
    )
    assert (part.partial, part.start, part.stop, read(part)) == (True, 10, 20, PDF[10:20])
    tail = download_my_document(
        services=services,
        actor=ana,
        document_id=document.id,
        byte_range=(-6, None),
    )
    assert read(tail) == PDF[-6:]
    stale = download_my_document(
        services=services,
        actor=ana,
        document_id=document.id,
        byte_range=(10, 20),
        range_etag="not-the-same",
    )
    assert not stale.partial and read(stale) == PDF
    with pytest.raises(RangeNotSatisfiable):
        download_my_document(
            services=services,
            actor=ana,
            document_id=document.id,
            byte_range=(len(PDF), None),
        )


def test_damaged_or_missing_bytes_are_refused_and_logged(
    services: Services,
    storage: FsspecStorage,
    ana: Account,
    colaborador: Account,
    caplog: pytest.LogCaptureFixture,
) -> None:
    document = publish(services, storage, colaborador, ana)
    current = document.current
    assert current is not None
    storage.put(current.storage_key, [PDF[:-1] + b"X"])
    with caplog.at_level(logging.INFO), pytest.raises(FileCorrupted):
        download_my_document(services=services, actor=ana, document_id=document.id)
    storage.put(current.storage_key, [PDF + b"more"])
    with caplog.at_level(logging.INFO), pytest.raises(FileCorrupted):
        download_my_document(services=services, actor=ana, document_id=document.id)
    storage.delete(current.storage_key)
    with caplog.at_level(logging.INFO), pytest.raises(FileCorrupted):
        download_document(services=services, actor=colaborador, document_id=document.id)
    reasons = [
        r.getMessage().split("reason=")[1]
        for r in caplog.records
        if r.name == "iclient.security" and "document_integrity_failed" in r.getMessage()
    ]
    assert reasons == ["checksum", "size", "missing"]
    assert stored(services, document.id).first_downloaded_at is None  # type: ignore[union-attr]


def test_a_large_file_is_checked_while_it_streams(
    services: Services, storage: FsspecStorage, ana: Account, colaborador: Account
) -> None:
    big = PDF + bytes(17 * 1024 * 1024)
    document = publish(services, storage, colaborador, ana, big)
    current = document.current
    assert current is not None
    damaged = bytearray(big)
    damaged[-1] = 1
    storage.put(current.storage_key, [bytes(damaged)])
    opened = download_my_document(services=services, actor=ana, document_id=document.id)
    received = 0
    with pytest.raises(FileCorrupted):
        for chunk in opened:
            received += len(chunk)
    opened.close()
    assert 0 < received < len(big)


# --------------------------------------------------------------------------- managing


def test_editing_details_keeps_the_file(
    services: Services, storage: FsspecStorage, ana: Account, colaborador: Account
) -> None:
    document = publish(services, storage, colaborador, ana)
    edited = edit_details(
        services=services,
        actor=colaborador,
        document_id=document.id,
        title="Contrato anual",
        category="contract",
        amount="10",
    )
    assert (edited.title, edited.category.value, edited.amount) == (
        "Contrato anual",
        "contract",
        None,
    )
    assert edited.current == document.current
    with pytest.raises(NotFound):
        edit_details(
            services=services,
            actor=colaborador,
            document_id=document.id,
            client_id="someone-else",
            title="x",
            category="other",
        )


def test_deleting_removes_the_bytes_only_after_the_commit(
    services: Services, storage: FsspecStorage, ana: Account, colaborador: Account
) -> None:
    document = publish(services, storage, colaborador, ana)
    rows_at_delete: list[Document | None] = []
    watched = WatchedStorage(
        storage, on_delete=lambda key: rows_at_delete.append(stored(services, document.id))
    )
    with pytest.raises(InvalidInput):
        delete_document(
            services=attrs.evolve(services, storage=watched),
            actor=colaborador,
            document_id=document.id,
            confirmed=False,
        )
    assert rows_at_delete == [] and stored(services, document.id) is not None
    delete_document(
        services=attrs.evolve(services, storage=watched),
        actor=colaborador,
        document_id=document.id,
        confirmed=True,
    )
    assert rows_at_delete == [None]  # the row was already gone, committed
    assert list(storage.keys()) == []
    with services.uow() as uow:
        assert uow.audit.count(action="document.deleted", target_id=document.id) == 1


# --------------------------------------------------------------------------- sweeping


def test_the_sweeper_removes_dead_uploads_and_orphans_and_nothing_else(
    services: Services,
    storage: FsspecStorage,
    ana: Account,
    colaborador: Account,
    clock: FrozenClock,
) -> None:
    kept = publish(services, storage, colaborador, ana)
    keep_current = kept.current
    assert keep_current is not None

    # A first upload whose process died: its pending row stays (the clean-up never ran).
    dead_key = storage_key(ana.id, "dead", 1)
    with services.uow() as uow:
        uow.documents.add(
            Document.start(
                id="dead",
                client_id=ana.id,
                title="Morto",
                category=kept.category,
                reference=None,
                issue_date=None,
                amount=None,
                due_date=None,
                file=FileVersion(
                    number=1,
                    storage_key=dead_key,
                    display_name="x.pdf",
                    content_type="application/pdf",
                    uploaded_by=colaborador.id,
                    uploaded_at=clock.now(),
                ),
                now=clock.now(),
            )
        )
        uow.commit()
    storage.put(dead_key, [b"%PDF- half"])
    # A replacement that died the same way.
    with services.uow() as uow:
        found = uow.documents.get(kept.id)
        assert found is not None
        replacement = FileVersion(
            number=2,
            storage_key=storage_key(ana.id, kept.id, 2),
            display_name="y.pdf",
            content_type="application/pdf",
            uploaded_by=colaborador.id,
            uploaded_at=clock.now(),
        )
        found.begin_replacement(replacement)
        uow.documents.save(found)
        uow.commit()
    storage.put(replacement.storage_key, [b"%PDF- half"])
    # Bytes whose row is gone, and a file of another area under its own prefix.
    storage.put(f"documents/{ana.id}/gone/v1-0000", [b"orphan"])
    storage.put("quotes/q1/v1", [b"not ours"])

    fresh = sweep_documents(
        services=services,
    )
    assert (fresh.stale_documents, fresh.stale_files, fresh.orphan_objects) == (0, 0, 1)

    clock.advance(timedelta(hours=25))
    report = sweep_documents(
        services=services,
    )
    assert (report.stale_documents, report.stale_files, report.orphan_objects) == (1, 1, 0)
    assert stored(services, "dead") is None
    survivor = stored(services, kept.id)
    assert survivor is not None and survivor.pending_file is None
    assert sorted(storage.keys()) == sorted([keep_current.storage_key, "quotes/q1/v1"])
    assert read(download_my_document(services=services, actor=ana, document_id=kept.id)) == PDF


# --------------------------------------------------------------------------- several files at once

HTML = b"<!DOCTYPE html><html><body>not a PDF</body></html>"


def upload_several(
    services: Services, actor: Account, owner: Account, *files: tuple[bytes, str], **fields: str
) -> UploadReport:
    """Upload ``files`` (content, name) for ``owner`` as ``actor`` in one go."""
    details = {"title": "Fatura 2026", "category": "invoice", **fields}
    return upload_documents(
        services=services,
        actor=actor,
        client_id=owner.id,
        files=[Upload(filename=name, stream=iter([data])) for data, name in files],
        ip="203.0.113.7",
        **details,  # type: ignore[arg-type]
    )


def outbox(services: Services) -> list[dict[str, str]]:
    """The contexts of the e-mails waiting to go."""
    with services.uow() as uow:
        due = uow.outbox.claim_due(services.clock.now(), limit=10, lease=timedelta(minutes=1))
    return [dict(message.notification.context) for message in due]


def test_several_files_become_several_documents_and_one_email(
    services: Services, ana: Account, colaborador: Account
) -> None:
    report = upload_several(
        services, colaborador, ana, (PDF, "janeiro.pdf"), (PDF, "C:\\faturas\\fevereiro.pdf")
    )
    assert [d.title for d in report.documents] == [
        "Fatura 2026 — janeiro",
        "Fatura 2026 — fevereiro",
    ]
    assert report.refused == ()
    assert all(d.status is DocumentStatus.READY for d in report.documents)
    (mail,) = outbox(services)
    assert (mail["count"], mail["titles"]) == (
        "2",
        "Fatura 2026 — janeiro\nFatura 2026 — fevereiro",
    )


def test_one_file_keeps_its_title_and_without_a_title_each_file_is_named_after_itself(
    services: Services, ana: Account, colaborador: Account
) -> None:
    (one,) = upload_several(services, colaborador, ana, (PDF, "x.pdf")).documents
    assert one.title == "Fatura 2026"
    named = upload_several(
        services, colaborador, ana, (PDF, "abril.pdf"), (PDF, "maio.pdf"), title=""
    )
    assert [d.title for d in named.documents] == ["abril", "maio"]


def test_a_refused_file_is_reported_and_the_others_are_stored(
    services: Services, storage: FsspecStorage, ana: Account, colaborador: Account
) -> None:
    report = upload_several(
        services,
        colaborador,
        ana,
        (PDF, "janeiro.pdf"),
        (HTML, "mau.pdf"),
        (b"", "vazio.pdf"),
        (PDF, "fevereiro.pdf"),
    )
    assert [d.title for d in report.documents] == [
        "Fatura 2026 — janeiro",
        "Fatura 2026 — fevereiro",
    ]
    assert report.refused == (
        RefusedFile(name="mau", code="file_type_not_allowed"),
        RefusedFile(name="vazio", code="file_empty"),
    )
    (mail,) = outbox(services)
    assert mail["count"] == "2"
    assert len(list(storage.keys())) == 2


def test_when_every_file_is_refused_nothing_is_stored_and_nobody_is_told(
    services: Services, storage: FsspecStorage, ana: Account, colaborador: Account
) -> None:
    report = upload_several(services, colaborador, ana, (HTML, "a.pdf"), (b"", "b.pdf"))
    assert report.documents == ()
    assert [refused.name for refused in report.refused] == ["a", "b"]
    assert outbox(services) == []
    assert list(storage.keys()) == []
    assert client_documents(services=services, actor=colaborador, client_id=ana.id).page.total == 0


def test_bad_details_or_no_file_refuse_the_batch_before_anything_is_stored(
    services: Services, storage: FsspecStorage, ana: Account, colaborador: Account
) -> None:
    with pytest.raises(InvalidInput) as bad:
        upload_several(services, colaborador, ana, (PDF, "a.pdf"), (PDF, "b.pdf"), amount="x")
    assert bad.value.by_field() == {"amount": ["amount_invalid"]}
    with pytest.raises(InvalidInput) as untitled:
        upload_several(services, colaborador, ana, (PDF, "a.pdf"), title="")
    assert "title" in untitled.value.by_field()
    with pytest.raises(InvalidInput) as empty:
        upload_several(services, colaborador, ana)
    assert empty.value.by_field() == {"file": ["required"]}
    assert list(storage.keys()) == []
    assert outbox(services) == []


def test_only_staff_who_manage_documents_may_upload_several_and_only_for_clients(
    services: Services, storage: FsspecStorage, ana: Account, rui: Account, colaborador: Account
) -> None:
    with pytest.raises(PermissionDenied):
        upload_several(services, rui, ana, (PDF, "a.pdf"), (PDF, "b.pdf"))
    with pytest.raises(NotFound):
        upload_several(services, colaborador, client("nobody@example.pt"), (PDF, "a.pdf"))
    assert list(storage.keys()) == []
