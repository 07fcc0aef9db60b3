"""The documents persistence contract: what every ``DocumentRepository`` must do.

Mix :class:`DocumentsContract` into a test class that provides a ``uow_factory`` fixture (a
zero-argument callable returning a fresh unit of work over an *empty* store)::

    class TestMyDocuments(DocumentsContract):
        @pytest.fixture
        def uow_factory(self, tmp_path):
            return MyDatabase(tmp_path).unit_of_work

Needs pytest.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import attrs
import pytest

from iclient_adapters.testing.samples import T0, client, new_id, staff
from iclient_core.accounts.model import Account
from iclient_core.documents.model import (
    VISIBLE_TO_CLIENT,
    VISIBLE_TO_STAFF,
    Category,
    CheckOutcome,
    Document,
    DocumentQuery,
    DocumentStatus,
    DownloadRecord,
    FileCheck,
    FileVersion,
)
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate
from iclient_core.shared.money import Money
from iclient_core.unit_of_work import UnitOfWorkFactory

SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def file(number: int = 1, *, stored: bool = True, at: datetime = T0, by: str = "s1") -> FileVersion:
    """A file of a document (stored, or still pending)."""
    return FileVersion(
        number=number,
        storage_key=f"documents/c/{new_id()}/v{number}-{new_id()[:8]}",
        display_name=f"fatura-{number}.pdf",
        content_type="application/pdf",
        uploaded_by=by,
        uploaded_at=at,
        size=1234 * number if stored else None,
        sha256=SHA if stored else None,
    )


def document(
    owner: Account,
    *,
    title: str = "Fatura 2026/14",
    category: Category = Category.INVOICE,
    reference: str | None = None,
    issue_date: date | None = None,
    created_at: datetime = T0,
    status: DocumentStatus = DocumentStatus.READY,
    files: list[FileVersion] | None = None,
) -> Document:
    """A document of ``owner`` (ready, with one stored file, unless told otherwise)."""
    found = Document.start(
        id=new_id(),
        client_id=owner.id,
        title=title,
        category=category,
        reference=reference,
        issue_date=issue_date,
        amount=None,
        due_date=None,
        file=file(at=created_at, stored=status is not DocumentStatus.PENDING),
        now=created_at,
    )
    found.status = status
    if files is not None:
        found.versions = files
    return found


class DocumentsContract:
    """Needs ``uow_factory``. Checks the ``DocumentRepository``: round trips with every field
    and version, unique storage keys, optimistic versions, the client's and the staff's lists
    (filters, accent-blind search, pages), the download log, and the sweeper's look-ups."""

    @pytest.fixture
    def documents_clients(self, uow_factory: UnitOfWorkFactory) -> tuple[Account, Account]:
        """Two stored clients, Ana and Rui."""
        ana = self.documents_account(uow_factory, client("ana@example.pt"))
        return ana, self.documents_account(uow_factory, client("rui@example.pt"))

    def documents_account(self, uow_factory: UnitOfWorkFactory, account: Account) -> Account:
        """Store ``account``."""
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.commit()
        return account

    def documents_store(self, uow_factory: UnitOfWorkFactory, *documents: Document) -> None:
        """Commit documents in one unit of work."""
        with uow_factory() as uow:
            for item in documents:
                uow.documents.add(item)
            uow.commit()

    def documents_load(self, uow_factory: UnitOfWorkFactory, document_id: str) -> Document:
        """The committed document."""
        with uow_factory() as uow:
            found = uow.documents.get(document_id)
        assert found is not None
        return found

    def documents_titles(self, uow_factory: UnitOfWorkFactory, query: DocumentQuery) -> list[str]:
        """The titles a query lists, in order."""
        with uow_factory() as uow:
            return [d.title for d in uow.documents.list(query).items]

    # ------------------------------------------------------------------ round trips

    def test_documents_unopened_lists_ready_documents_never_downloaded_oldest_first(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, rui = documents_clients
        old = document(ana, title="old", created_at=T0)
        older = document(rui, title="older", created_at=T0 - timedelta(days=3))
        opened = document(ana, title="opened", created_at=T0 - timedelta(days=5))
        opened.first_downloaded_at = T0
        archived = document(ana, title="archived", status=DocumentStatus.ARCHIVED)
        pending = document(ana, title="pending", status=DocumentStatus.PENDING)
        recent = document(ana, title="recent", created_at=T0 + timedelta(days=2))
        self.documents_store(uow_factory, old, older, opened, archived, pending, recent)
        cutoff = T0 + timedelta(days=1)
        with uow_factory() as uow:
            assert [d.title for d in uow.documents.unopened(cutoff)] == ["older", "old"]
            assert [d.title for d in uow.documents.unopened(cutoff, limit=1, offset=1)] == ["old"]
            assert uow.documents.count_unopened(cutoff) == 2
            assert uow.documents.count_unopened(T0 - timedelta(days=10)) == 0

    def test_documents_a_document_round_trips_with_every_field(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, _ = documents_clients
        admin = self.documents_account(uow_factory, staff("gestora@example.pt"))
        item = Document.start(
            id=new_id(),
            client_id=ana.id,
            title="Fatura Água — março",
            category=Category.INVOICE,
            reference="FT 2026/14",
            issue_date=date(2026, 3, 1),
            amount=Money(123456789, "EUR"),
            due_date=date(2026, 3, 31),
            file=file(1, by=admin.id),
            now=T0,
        )
        item.status = DocumentStatus.READY
        item.versions.append(file(2, stored=False, at=T0 + timedelta(days=1), by=admin.id))
        item.first_downloaded_at = T0 + timedelta(hours=2, microseconds=7)
        self.documents_store(uow_factory, item)
        loaded = self.documents_load(uow_factory, item.id)
        assert loaded == item
        assert loaded.amount == Money(123456789, "EUR")
        assert loaded.current == item.versions[0]
        assert loaded.pending_file == item.versions[1]
        assert loaded.first_downloaded_at is not None
        assert loaded.first_downloaded_at.utcoffset() == timedelta(0)

    def test_documents_unknown_ones_are_none(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            assert uow.documents.get(new_id()) is None

    def test_documents_an_uncommitted_document_is_not_stored(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, _ = documents_clients
        item = document(ana)
        with uow_factory() as uow:
            uow.documents.add(item)
        with uow_factory() as uow:
            assert uow.documents.get(item.id) is None

    def test_documents_a_storage_key_belongs_to_one_file_only(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, _ = documents_clients
        first = document(ana)
        self.documents_store(uow_factory, first)
        clash = document(
            ana, files=[attrs.evolve(file(), storage_key=first.versions[0].storage_key)]
        )
        with pytest.raises(AlreadyExists), uow_factory() as uow:
            uow.documents.add(clash)
            uow.commit()

    # ------------------------------------------------------------------ saving

    def test_documents_saving_changes_fields_and_versions(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, _ = documents_clients
        item = document(ana, status=DocumentStatus.PENDING)
        self.documents_store(uow_factory, item)
        with uow_factory() as uow:
            loaded = uow.documents.get(item.id)
            assert loaded is not None
            loaded.complete_file(item.versions[0].storage_key, size=99, sha256=SHA)
            uow.documents.save(loaded)
            uow.commit()
        ready = self.documents_load(uow_factory, item.id)
        assert ready.status is DocumentStatus.READY
        assert ready.current is not None and ready.current.size == 99
        assert ready.version == item.version + 1

        replacement = file(2, stored=False)
        with uow_factory() as uow:
            loaded = uow.documents.get(item.id)
            assert loaded is not None
            loaded.begin_replacement(replacement)
            loaded.archive(T0 + timedelta(days=3))
            uow.documents.save(loaded)
            uow.commit()
        changed = self.documents_load(uow_factory, item.id)
        assert [v.number for v in changed.versions] == [1, 2]
        assert changed.pending_file == replacement
        assert changed.status is DocumentStatus.ARCHIVED

        retry = file(2, stored=False)  # the first try died: a new one takes its number
        with uow_factory() as uow:
            loaded = uow.documents.get(item.id)
            assert loaded is not None
            assert loaded.begin_replacement(retry) == [replacement]
            uow.documents.save(loaded)
            uow.commit()
        assert self.documents_load(uow_factory, item.id).pending_file == retry

        with uow_factory() as uow:
            loaded = uow.documents.get(item.id)
            assert loaded is not None
            loaded.drop_file(retry.storage_key)
            uow.documents.save(loaded)
            uow.commit()
        assert [v.number for v in self.documents_load(uow_factory, item.id).versions] == [1]

    def test_documents_a_stale_copy_cannot_overwrite_a_newer_one(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, _ = documents_clients
        item = document(ana)
        self.documents_store(uow_factory, item)
        with uow_factory() as first, uow_factory() as second:
            mine = first.documents.get(item.id)
            theirs = second.documents.get(item.id)
            assert mine is not None and theirs is not None
            mine.archive(T0)
            first.documents.save(mine)
            first.commit()
            theirs.title = "changed meanwhile"
            with pytest.raises(ConcurrentUpdate):
                second.documents.save(theirs)
                second.commit()
        assert self.documents_load(uow_factory, item.id).title == item.title

    def test_documents_a_removed_document_cannot_be_saved(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, _ = documents_clients
        item = document(ana)
        self.documents_store(uow_factory, item)
        with uow_factory() as uow:
            uow.documents.remove(item.id)
            uow.commit()
        with uow_factory() as uow, pytest.raises(ConcurrentUpdate):
            uow.documents.save(item)
            uow.commit()

    def test_documents_removing_takes_the_versions_and_the_download_log(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, _ = documents_clients
        item = document(ana, files=[file(1), file(2)])
        kept = document(ana)
        self.documents_store(uow_factory, item, kept)
        with uow_factory() as uow:
            uow.documents.add_download(self.documents_download(item, ana, T0))
            uow.documents.add_download(self.documents_download(kept, ana, T0))
            uow.commit()
        with uow_factory() as uow:
            uow.documents.remove(item.id)
            uow.documents.remove(new_id())  # unknown: no error
            uow.commit()
        with uow_factory() as uow:
            assert uow.documents.get(item.id) is None
            assert uow.documents.downloads(item.id) == []
            assert len(uow.documents.downloads(kept.id)) == 1
            keys = [v.storage_key for v in item.versions]
            assert uow.documents.known_keys(keys) == set()

    # ------------------------------------------------------------------ lists

    def test_documents_a_client_sees_only_their_own_ready_documents_newest_first(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, rui = documents_clients
        self.documents_store(
            uow_factory,
            document(ana, title="old", created_at=T0),
            document(ana, title="new", created_at=T0 + timedelta(days=2)),
            document(ana, title="dated later", issue_date=date(2026, 2, 1)),
            document(ana, title="same day, later", created_at=T0 + timedelta(days=2, hours=1)),
            document(ana, title="pending", status=DocumentStatus.PENDING),
            document(ana, title="archived", status=DocumentStatus.ARCHIVED),
            document(rui, title="someone else's"),
        )
        query = DocumentQuery(client_id=ana.id, statuses=VISIBLE_TO_CLIENT)
        assert self.documents_titles(uow_factory, query) == [
            "dated later",
            "same day, later",
            "new",
            "old",
        ]
        staff_view = DocumentQuery(client_id=ana.id, statuses=VISIBLE_TO_STAFF)
        assert sorted(self.documents_titles(uow_factory, staff_view)) == sorted(
            ["dated later", "same day, later", "new", "old", "pending", "archived"]
        )

    def test_documents_lists_filter_by_category_and_year(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, _ = documents_clients
        self.documents_store(
            uow_factory,
            document(ana, title="invoice 2025", issue_date=date(2025, 12, 31)),
            document(ana, title="invoice 2026", issue_date=date(2026, 1, 1)),
            document(ana, title="contract 2026", category=Category.CONTRACT),  # dated T0: 2026
        )
        by = DocumentQuery(client_id=ana.id, category=Category.INVOICE)
        assert self.documents_titles(uow_factory, by) == ["invoice 2026", "invoice 2025"]
        assert self.documents_titles(uow_factory, attrs.evolve(by, year=2025)) == ["invoice 2025"]
        every_2026 = DocumentQuery(client_id=ana.id, year=2026)
        assert sorted(self.documents_titles(uow_factory, every_2026)) == [
            "contract 2026",
            "invoice 2026",
        ]
        with uow_factory() as uow:
            assert list(uow.documents.years(ana.id, VISIBLE_TO_CLIENT)) == [2026, 2025]
            assert list(uow.documents.years(new_id(), VISIBLE_TO_CLIENT)) == []
            # With a page, the years of every document of the client (not only the page's),
            # also when the page is filtered to one year, or empty.
            nothing_found = (
                attrs.evolve(by, page=9),
                attrs.evolve(by, search="no such words"),
                attrs.evolve(by, year=2024),
                DocumentQuery(client_id=ana.id, category=Category.OTHER),
            )
            for each in (by, attrs.evolve(by, year=2025), *nothing_found):
                page, years = uow.documents.list_with_years(attrs.evolve(each, per_page=1))
                assert page == uow.documents.list(attrs.evolve(each, per_page=1))
                assert list(years) == [2026, 2025]
            page, years = uow.documents.list_with_years(DocumentQuery(client_id=new_id()))
            assert not page.items and list(years) == []

    def test_documents_search_looks_in_titles_and_references_ignoring_case_and_accents(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, _ = documents_clients
        self.documents_store(
            uow_factory,
            document(ana, title="Fatura Água março", reference="FT 2026/14"),
            document(ana, title="Contrato de manutenção", reference="C-7"),
            document(ana, title="100% discount_note"),
        )

        def found(search: str) -> list[str]:
            return sorted(
                self.documents_titles(uow_factory, DocumentQuery(client_id=ana.id, search=search))
            )

        assert found("agua") == ["Fatura Água março"]
        assert found("ÁGUA MARÇO") == ["Fatura Água março"]
        assert found("2026/14") == ["Fatura Água março"]
        assert found("manut c-7") == ["Contrato de manutenção"]
        assert found("fatura contrato") == []
        assert found("%") == ["100% discount_note"]
        assert found("1_0") == []  # "_" is a character, not a wildcard
        assert found("") == sorted(
            ["Fatura Água março", "Contrato de manutenção", "100% discount_note"]
        )

    def test_documents_pages_cover_every_document_once(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, _ = documents_clients
        self.documents_store(
            uow_factory,
            *[
                document(ana, title=f"doc {i:02d}", created_at=T0 + timedelta(minutes=i))
                for i in range(7)
            ],
        )
        seen: list[str] = []
        for page in (1, 2, 3):
            with uow_factory() as uow:
                result = uow.documents.list(DocumentQuery(client_id=ana.id, page=page, per_page=3))
            assert (result.total, result.pages, result.number) == (7, 3, page)
            assert result.has_previous == (page > 1) and result.has_next == (page < 3)
            seen += [d.title for d in result.items]
        assert seen == [f"doc {i:02d}" for i in reversed(range(7))]
        with uow_factory() as uow:
            beyond = uow.documents.list(DocumentQuery(client_id=ana.id, page=9, per_page=3))
        assert (list(beyond.items), beyond.total) == ([], 7)

    def test_documents_listed_documents_carry_their_versions(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, _ = documents_clients
        item = document(ana, files=[file(1), file(2), file(3, stored=False)])
        self.documents_store(uow_factory, item)
        with uow_factory() as uow:
            (listed,) = uow.documents.list(DocumentQuery(client_id=ana.id)).items
        assert listed == item
        assert listed.current is not None and listed.current.number == 2

    # ------------------------------------------------------------------ downloads

    def documents_download(self, item: Document, who: Account, at: datetime) -> DownloadRecord:
        """A download of ``item`` by ``who`` at ``at``."""
        return DownloadRecord(
            id=new_id(),
            document_id=item.id,
            version=1,
            account_id=who.id,
            account_label=who.email.address,
            by_owner=who.id == item.client_id,
            at=at,
            ip="203.0.113.9",
        )

    def test_documents_downloads_are_logged_newest_first(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, _ = documents_clients
        item = document(ana)
        self.documents_store(uow_factory, item)
        records = [self.documents_download(item, ana, T0 + timedelta(minutes=m)) for m in (5, 1, 9)]
        with uow_factory() as uow:
            for record in records:
                uow.documents.add_download(record)
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.documents.downloads(item.id)) == [records[2], records[0], records[1]]
            assert list(uow.documents.downloads(item.id, limit=1)) == [records[2]]

    def test_documents_downloads_by_one_person_across_documents_newest_first(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, eva = documents_clients
        first, second, hers = document(ana, title="A"), document(ana, title="B"), document(eva)
        self.documents_store(uow_factory, first, second, hers)
        records = [
            self.documents_download(first, ana, T0 + timedelta(minutes=1)),
            self.documents_download(second, ana, T0 + timedelta(minutes=3)),
            self.documents_download(hers, eva, T0 + timedelta(minutes=2)),
        ]
        with uow_factory() as uow:
            for record in records:
                uow.documents.add_download(record)
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.documents.downloads_by(ana.id)) == [records[1], records[0]]
            assert list(uow.documents.downloads_by(eva.id)) == [records[2]]
            assert list(uow.documents.downloads_by("nobody")) == []

    # ------------------------------------------------------------------ sweeping

    def test_documents_stale_lists_documents_with_an_old_pending_file(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, _ = documents_clients
        dead = document(ana, title="dead upload", status=DocumentStatus.PENDING)
        fresh = document(
            ana,
            title="uploading",
            status=DocumentStatus.PENDING,
            created_at=T0 + timedelta(hours=5),
        )
        dead_replacement = document(
            ana, title="dead replacement", files=[file(1), file(2, stored=False)]
        )
        ready = document(ana, title="fine")
        self.documents_store(uow_factory, dead, fresh, dead_replacement, ready)
        with uow_factory() as uow:
            stale = uow.documents.stale(T0 + timedelta(hours=1))
            assert sorted(d.title for d in stale) == ["dead replacement", "dead upload"]
            assert len(uow.documents.stale(T0 + timedelta(hours=1), limit=1)) == 1
            assert uow.documents.stale(T0) == []

    def test_documents_known_keys_tells_which_keys_a_version_refers_to(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, _ = documents_clients
        item = document(ana, files=[file(1), file(2, stored=False)])
        self.documents_store(uow_factory, item)
        keys = [v.storage_key for v in item.versions]
        with uow_factory() as uow:
            assert uow.documents.known_keys([*keys, "documents/x/y/v1-orphan"]) == set(keys)
            assert uow.documents.known_keys([]) == set()

    # ------------------------------------------------------------------ integrity

    def test_documents_stored_versions_are_walked_in_key_order_a_batch_at_a_time(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, rui = documents_clients
        one = document(ana, files=[file(1), file(2), file(3, stored=False)])
        two = document(rui)
        self.documents_store(uow_factory, one, two)
        stored = sorted(
            [v.storage_key for v in one.versions if v.is_stored]
            + [v.storage_key for v in two.versions]
        )
        walked: list[str] = []
        after = ""
        with uow_factory() as uow:
            while batch := uow.documents.stored_versions(after_key=after, limit=2):
                walked += [s.file.storage_key for s in batch]
                after = batch[-1].file.storage_key
            first = uow.documents.stored_versions(limit=10)
        assert walked == stored
        by_key = {s.file.storage_key: s for s in first}
        item = by_key[two.versions[0].storage_key]
        assert (item.document_id, item.client_id, item.title) == (two.id, rui.id, two.title)
        assert item.file == two.versions[0]

    def test_documents_file_checks_are_replaced_listed_when_failed_and_removed_with_it(
        self, uow_factory: UnitOfWorkFactory, documents_clients: tuple[Account, Account]
    ) -> None:
        ana, _ = documents_clients
        one, two = document(ana), document(ana)
        self.documents_store(uow_factory, one, two)
        key_one, key_two = one.versions[0].storage_key, two.versions[0].storage_key

        def check(item: Document, outcome: CheckOutcome, minutes: int) -> FileCheck:
            return FileCheck(
                storage_key=item.versions[0].storage_key,
                document_id=item.id,
                version=1,
                outcome=outcome,
                checked_at=T0 + timedelta(minutes=minutes),
                fingerprint="1:2:3" if outcome is CheckOutcome.OK else None,
            )

        with uow_factory() as uow:
            assert uow.documents.file_check(key_one) is None
            uow.documents.save_file_check(check(one, CheckOutcome.OK, 1))
            uow.documents.save_file_check(check(two, CheckOutcome.CHECKSUM, 2))
            uow.commit()
        with uow_factory() as uow:
            assert uow.documents.file_check(key_one) == check(one, CheckOutcome.OK, 1)
            assert uow.documents.count_failed_file_checks() == 1
            uow.documents.save_file_check(check(one, CheckOutcome.MISSING, 3))
            uow.commit()
        with uow_factory() as uow:
            failed = uow.documents.failed_file_checks()
            assert [c.storage_key for c in failed] == [key_one, key_two]  # newest first
            assert failed[0] == check(one, CheckOutcome.MISSING, 3)
            assert [c.storage_key for c in uow.documents.failed_file_checks(limit=1, offset=1)] == [
                key_two
            ]
            uow.documents.remove(two.id)
            uow.commit()
        with uow_factory() as uow:
            assert uow.documents.file_check(key_two) is None
            assert uow.documents.count_failed_file_checks() == 1
