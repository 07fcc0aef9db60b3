"""A file attached to a client's quote request, on in-memory adapters and a real memory storage:
the documents' allow-list and limit, bytes first then the row (and the bytes go if the row
fails), downloads for the owner and staff only, and the documents sweeper leaving them be."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from iclient_adapters.clock import FrozenClock
from iclient_adapters.storage import FsspecStorage
from iclient_adapters.testing.samples import client, staff
from iclient_core.accounts.model import Account
from iclient_core.documents.publishing import storage_key
from iclient_core.documents.sweeper import sweep_documents
from iclient_core.quotes.attachments import (
    KEY_PREFIX,
    download_my_attachment,
    download_quote_attachment,
)
from iclient_core.quotes.model import Quote
from iclient_core.quotes.requests import request_quote
from iclient_core.services import Services
from iclient_core.shared.downloads import FileCorrupted
from iclient_core.shared.errors import InvalidInput, NotFound, PermissionDenied
from iclient_core.shared.intake import Upload
from iclient_core.shared.storage import CHUNK_SIZE
from tests.unit.test_documents_use_cases import WatchedStorage

PDF = b"%PDF-1.7\n" + hashlib.sha256(b"planta").digest() * 2000 + b"\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
IP = "203.0.113.5"


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


def _add(services: Services, account: Account) -> Account:
    if not account.role.is_staff:
        account.activate(password_hash="$argon2id$x", now=datetime(2026, 1, 1, tzinfo=UTC))
    with services.uow() as uow:
        uow.accounts.add(account)
        uow.commit()
    return account


@pytest.fixture
def ana(services: Services) -> Account:
    """An active client."""
    return _add(services, client("ana@example.pt"))


@pytest.fixture
def bea(services: Services) -> Account:
    """Another active client."""
    return _add(services, client("bea@example.pt"))


@pytest.fixture
def rui(services: Services) -> Account:
    """A staff member."""
    return _add(services, staff("rui@example.pt"))


def ask(
    services: Services,
    storage: object,
    owner: Account,
    data: bytes | None = PDF,
    *,
    name: str = "planta.pdf",
    max_size: int | None = None,
    subject: str = "Remodelação da cozinha",
) -> Quote:
    return request_quote(
        services=attrs.evolve(services, storage=storage),
        account_id=owner.id,
        subject=subject,
        details="Ver a planta em anexo.",
        desired_date=None,
        ip=IP,
        attachment=Upload(filename=name, stream=iter([data])) if data is not None else None,
        max_size=max_size,
    )


def quotes_of(services: Services, owner: Account) -> int:
    with services.uow() as uow:
        return uow.quotes.count(today=datetime(2026, 1, 5).date(), client_id=owner.id)


def stored_keys(storage: FsspecStorage, owner: Account) -> list[str]:
    return list(storage.keys(f"{KEY_PREFIX}/{owner.id}/"))


# --------------------------------------------------------------------------- asking


def test_a_client_attaches_a_pdf_and_it_is_stored_under_a_server_key(
    services: Services, storage: FsspecStorage, ana: Account
) -> None:
    quote = ask(services, storage, ana, name="../../etc/planta da cozinha.pdf")
    attachment = quote.attachment
    assert attachment is not None
    assert attachment.display_name == "planta da cozinha.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.key.startswith(f"quotes/{ana.id}/{quote.id}-")
    assert "planta" not in attachment.key
    with services.uow() as uow:
        stored = uow.quotes.get(quote.id)
    assert stored is not None and stored.attachment == attachment
    with storage.open(attachment.key) as reader:
        assert reader.read() == PDF


def test_a_request_without_a_file_has_no_attachment(
    services: Services, storage: FsspecStorage, ana: Account
) -> None:
    quote = ask(services, storage, ana, data=None)
    assert quote.attachment is None
    assert stored_keys(storage, ana) == []


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"MZ\x90\x00\x03" + bytes(200), "programa.exe", "file_type_not_allowed"),
        (HTML, "fatura.pdf", "file_type_not_allowed"),  # a web page renamed .pdf
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "planta.pdf", "file_type_mismatch"),
        (b"", "vazio.pdf", "file_empty"),
    ],
)
def test_a_file_outside_the_allow_list_is_refused_and_nothing_is_kept(
    services: Services, storage: FsspecStorage, ana: Account, data: bytes, name: str, code: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        ask(services, storage, ana, data, name=name)
    assert refused.value.by_field() == {"attachment": [code]}
    assert quotes_of(services, ana) == 0
    assert stored_keys(storage, ana) == []


def test_a_refused_file_is_reported_with_the_other_mistakes(
    services: Services, storage: FsspecStorage, ana: Account
) -> None:
    with pytest.raises(InvalidInput) as refused:
        request_quote(
            services=services,
            account_id=ana.id,
            subject="",
            details="Algo",
            desired_date=None,
            ip=IP,
            attachment=Upload(filename="x.pdf", stream=iter([HTML])),
        )
    assert refused.value.by_field() == {
        "subject": ["required"],
        "attachment": ["file_type_not_allowed"],
    }


def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(
    services: Services, storage: FsspecStorage, ana: Account
) -> None:
    with pytest.raises(InvalidInput) as refused:
        ask(services, storage, ana, max_size=len(PDF) - 1)
    assert refused.value.by_field() == {"attachment": ["file_too_large"]}
    assert quotes_of(services, ana) == 0
    assert stored_keys(storage, ana) == []
    assert ask(services, storage, ana, max_size=len(PDF)).attachment is not None


def test_the_business_upload_limit_applies_to_attachments(
    services: Services, storage: FsspecStorage, ana: Account
) -> None:
    from iclient_core.shared.business import BusinessSettings

    with services.uow() as uow:
        uow.settings.save(BusinessSettings(upload_limit_mb=1))
        uow.commit()
    big = PDF + bytes(1024 * 1024)
    with pytest.raises(InvalidInput) as refused:
        ask(services, storage, ana, big)
    assert refused.value.by_field() == {"attachment": ["file_too_large"]}


def test_the_bytes_are_removed_when_the_quote_cannot_be_written(
    services: Services, storage: FsspecStorage, ana: Account
) -> None:
    seen: list[str] = []

    def disable_the_client_meanwhile(key: str) -> None:
        # The account is disabled while the file is on its way: the row is refused.
        seen.append(key)
        with services.uow() as uow:
            account = uow.accounts.get(ana.id)
            assert account is not None
            account.disable()
            uow.accounts.save(account)
            uow.commit()

    watched = WatchedStorage(storage, on_put=disable_the_client_meanwhile)
    with pytest.raises(PermissionDenied):
        ask(services, watched, ana)
    assert len(seen) == 1 and seen[0].startswith(f"quotes/{ana.id}/")
    assert not storage.exists(seen[0])
    assert quotes_of(services, ana) == 0


def test_nothing_is_stored_for_someone_who_may_not_ask(
    services: Services, storage: FsspecStorage, rui: Account
) -> None:
    with pytest.raises(PermissionDenied):
        ask(services, storage, rui)
    assert list(storage.keys(f"{KEY_PREFIX}/{rui.id}/")) == []


class ChunkedFile:
    """An uploaded file that notes how it is read."""

    def __init__(self, data: bytes) -> None:
        self.data, self.position, self.reads = data, 0, []  # type: ignore[var-annotated]

    def read(self, size: int = -1, /) -> bytes:
        self.reads.append(size)
        end = len(self.data) if size < 0 else self.position + size
        chunk, self.position = self.data[self.position : end], min(end, len(self.data))
        return chunk


def test_the_file_is_streamed_in_chunks_never_read_whole(
    services: Services, storage: FsspecStorage, ana: Account
) -> None:
    data = PDF + bytes(3 * CHUNK_SIZE)
    upload = ChunkedFile(data)
    quote = request_quote(
        services=services,
        account_id=ana.id,
        subject="Grande",
        details="Ficheiro grande",
        desired_date=None,
        ip=IP,
        attachment=Upload(filename="grande.pdf", stream=upload),
    )
    assert quote.attachment is not None and quote.attachment.size == len(data)
    assert upload.reads and all(0 < size <= CHUNK_SIZE for size in upload.reads)


# --------------------------------------------------------------------------- downloading


def test_the_owner_and_staff_download_the_same_bytes_and_nobody_else(
    services: Services, storage: FsspecStorage, ana: Account, bea: Account, rui: Account
) -> None:
    quote = ask(services, storage, ana)
    with download_my_attachment(services=services, account_id=ana.id, quote_id=quote.id) as mine:
        assert b"".join(mine) == PDF
        assert mine.filename == "planta.pdf" and mine.content_type == "application/pdf"
    with download_quote_attachment(services=services, actor=rui, quote_id=quote.id) as theirs:
        assert b"".join(theirs) == PDF
    with pytest.raises(NotFound):
        download_my_attachment(services=services, account_id=bea.id, quote_id=quote.id)
    with pytest.raises(PermissionDenied):
        download_quote_attachment(services=services, actor=bea, quote_id=quote.id)
    plain = ask(services, storage, ana, data=None)
    with pytest.raises(NotFound):
        download_my_attachment(services=services, account_id=ana.id, quote_id=plain.id)


def test_damaged_or_missing_bytes_are_refused(
    services: Services, storage: FsspecStorage, ana: Account
) -> None:
    quote = ask(services, storage, ana)
    assert quote.attachment is not None
    storage.put(quote.attachment.key, iter([PDF[:-2] + b"XX"]))
    with pytest.raises(FileCorrupted):
        download_my_attachment(services=services, account_id=ana.id, quote_id=quote.id)
    storage.delete(quote.attachment.key)
    with pytest.raises(FileCorrupted):
        download_my_attachment(services=services, account_id=ana.id, quote_id=quote.id)


# --------------------------------------------------------------------------- the sweeper


def test_the_documents_sweeper_leaves_quote_attachments_alone(
    services: Services, storage: FsspecStorage, ana: Account, clock: FrozenClock
) -> None:
    quote = ask(services, storage, ana)
    assert quote.attachment is not None
    orphan = storage_key(ana.id, "gone", 1)
    storage.put(orphan, iter([PDF]))
    clock.advance(timedelta(days=2))
    report = sweep_documents(services=services, grace=timedelta(hours=1))
    assert report.orphan_objects >= 1 and not storage.exists(orphan)
    assert storage.exists(quote.attachment.key)
    with download_my_attachment(services=services, account_id=ana.id, quote_id=quote.id) as still:
        assert b"".join(still) == PDF
