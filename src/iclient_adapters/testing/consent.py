"""The consent persistence contract: what every ``ConsentRepository`` adapter must do.

Mix :class:`ConsentContract` into a test class that provides a ``uow_factory`` fixture (a
zero-argument callable returning a fresh unit of work over an *empty* store)::

    class TestMyConsent(ConsentContract):
        @pytest.fixture
        def uow_factory(self, tmp_path):
            return MyDatabase(tmp_path).unit_of_work

It covers kinds, published versions and the append-only evidence records (the repository has
no way to change or delete one, and they outlive the erasure of the account); the accounts'
``deletion_requested()`` look-up is in :class:`~iclient_adapters.testing.accounts.AccountsContract`.
Needs pytest.
"""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime, timedelta, timezone

import pytest

from iclient_adapters.testing.samples import at, client, new_id
from iclient_core.accounts.model import Status
from iclient_core.consent.model import (
    Action,
    ConsentKind,
    ConsentRecord,
    ConsentVersion,
    Method,
)
from iclient_core.consent.ports import ConsentRepository
from iclient_core.shared.errors import AlreadyExists
from iclient_core.unit_of_work import UnitOfWorkFactory


def kind(key: str, *, required: bool = True, minutes: float = 0) -> ConsentKind:
    """A kind defined ``minutes`` after ``T0``."""
    return ConsentKind(key=key, required=required, created_at=at(minutes))


def version(
    kind: str = "terms",
    number: int = 1,
    language: str = "pt",
    *,
    minutes: float = 0,
    published_by: str | None = None,
    example: bool = False,
) -> ConsentVersion:
    """A version of ``kind`` published ``minutes`` after ``T0``."""
    return ConsentVersion.publish(
        id=new_id(),
        kind=kind,
        number=number,
        language=language,
        title=f"{kind} v{number} ({language})",
        body=f"# {kind}\n\nText of version {number} in {language}, with *Markdown* & <tags>.\n",
        now=at(minutes),
        published_by=published_by,
        example=example,
    )


def record(
    account_id: str,
    of: ConsentVersion,
    *,
    when: datetime,
    action: Action = Action.ACCEPTED,
    method: Method = Method.PORTAL_FORM,
    staff_id: str | None = None,
) -> ConsentRecord:
    """Evidence that ``account_id`` accepted (or withdrew) ``of`` at ``when``."""
    return ConsentRecord(
        id=new_id(),
        account_id=account_id,
        kind=of.kind,
        version_number=of.number,
        version_id=of.id,
        language=of.language,
        content_hash=of.content_hash,
        action=action,
        at=when,
        ip="2001:db8::7" if staff_id is None else "203.0.113.7",
        user_agent="Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
        method=method,
        staff_id=staff_id,
    )


class ConsentContract:
    """Needs ``uow_factory``. Checks the ``ConsentRepository``: kinds, published versions
    (one per kind, number and language), append-only evidence records that outlive the
    erasure of their account."""

    # ------------------------------------------------------------------ helpers

    def consent_define(
        self, uow_factory: UnitOfWorkFactory, *items: ConsentKind | ConsentVersion
    ) -> None:
        """Commit kinds and versions, in the order given, in one unit of work."""
        with uow_factory() as uow:
            for item in items:
                if isinstance(item, ConsentKind):
                    uow.consent.add_kind(item)
                else:
                    uow.consent.add_version(item)
            uow.commit()

    def consent_append(self, uow_factory: UnitOfWorkFactory, *records: ConsentRecord) -> None:
        """Commit records, in the order given, in one unit of work."""
        with uow_factory() as uow:
            for item in records:
                uow.consent.append_record(item)
            uow.commit()

    def consent_records(
        self, uow_factory: UnitOfWorkFactory, account_id: str
    ) -> list[ConsentRecord]:
        """An account's records as committed."""
        with uow_factory() as uow:
            return list(uow.consent.records_for_account(account_id))

    # ------------------------------------------------------------------ kinds

    def test_consent_kinds_round_trip_in_the_order_they_were_defined(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        terms, privacy = kind("terms", minutes=0), kind("privacy", minutes=1)
        marketing = kind("marketing", required=False, minutes=2)
        with uow_factory() as uow:
            assert list(uow.consent.kinds()) == []
        self.consent_define(uow_factory, marketing, terms, privacy)
        with uow_factory() as uow:
            loaded = list(uow.consent.kinds())
        assert loaded == [terms, privacy, marketing]
        assert [k.required for k in loaded] == [True, True, False]
        assert all(k.created_at.utcoffset() is not None for k in loaded)

    def test_consent_a_kind_defined_twice_raises_already_exists(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        self.consent_define(uow_factory, kind("terms"))
        newsletter = kind("newsletter", required=False, minutes=5)
        with uow_factory() as uow:
            with pytest.raises(AlreadyExists):
                uow.consent.add_kind(kind("terms", required=False, minutes=3))
            # The unit of work stays usable after the refusal.
            uow.consent.add_kind(newsletter)
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.consent.kinds()) == [kind("terms"), newsletter]

    # ------------------------------------------------------------------ versions

    def test_consent_versions_round_trip_newest_number_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        admin_id = new_id()
        terms_1_pt = version("terms", 1, "pt", minutes=1, example=True)
        terms_1_en = version("terms", 1, "en", minutes=2, example=True)
        terms_2_pt = version("terms", 2, "pt", minutes=30, published_by=admin_id)
        terms_3_en = version("terms", 3, "en", minutes=60, published_by=admin_id)
        privacy_1_pt = version("privacy", 1, "pt", minutes=1)
        self.consent_define(
            uow_factory,
            kind("terms"),
            kind("privacy", minutes=1),
            terms_2_pt,
            privacy_1_pt,
            terms_1_en,
            terms_3_en,
            terms_1_pt,
        )
        with uow_factory() as uow:
            every = list(uow.consent.versions())
            terms = list(uow.consent.versions("terms"))
            privacy = list(uow.consent.versions("privacy"))
            assert list(uow.consent.versions("marketing")) == []
        assert [v.number for v in every] == sorted((v.number for v in every), reverse=True)
        assert set(every) == {terms_1_pt, terms_1_en, terms_2_pt, terms_3_en, privacy_1_pt}
        assert terms[:2] == [terms_3_en, terms_2_pt]
        assert set(terms[2:]) == {terms_1_pt, terms_1_en}
        assert privacy == [privacy_1_pt]
        loaded = next(v for v in terms if v.id == terms_1_pt.id)
        assert loaded.example is True and loaded.published_by is None
        assert terms[0].published_by == admin_id and terms[0].example is False
        assert all(v.published_at.utcoffset() is not None for v in every)

    def test_consent_current_numbers_are_the_newest_per_kind(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            assert uow.consent.current_numbers() == {}
            uow.consent.add_kind(kind("terms"))
            uow.consent.add_kind(kind("privacy", minutes=1))
            for number, language in ((1, "pt"), (1, "en"), (2, "pt"), (3, "en")):
                uow.consent.add_version(version("terms", number, language))
            uow.consent.add_version(version("privacy", 1, "pt"))
            uow.commit()
        with uow_factory() as uow:
            assert uow.consent.current_numbers() == {"terms": 3, "privacy": 1}

    def test_consent_a_version_is_found_by_id(self, uow_factory: UnitOfWorkFactory) -> None:
        published = version("terms", 1, "en", minutes=3)
        self.consent_define(uow_factory, kind("terms"), published)
        with uow_factory() as uow:
            assert uow.consent.get_version(published.id) == published
            assert uow.consent.get_version(new_id()) is None

    def test_consent_a_kind_number_and_language_are_published_once(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        original = version("terms", 1, "pt")
        self.consent_define(uow_factory, kind("terms"), original)
        translation = version("terms", 1, "en", minutes=1)
        with uow_factory() as uow:
            with pytest.raises(AlreadyExists):
                uow.consent.add_version(version("terms", 1, "pt", minutes=1))
            # Translations share their number; the unit of work is still usable.
            uow.consent.add_version(translation)
            uow.commit()
        with uow_factory() as uow:
            assert set(uow.consent.versions("terms")) == {original, translation}

    def test_consent_a_concurrent_publication_of_the_same_number_raises_already_exists(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        self.consent_define(uow_factory, kind("terms"), version("terms", 1, "pt"))
        mine, theirs = version("terms", 2, "pt", minutes=1), version("terms", 2, "pt", minutes=2)
        with ExitStack() as stack:
            first = stack.enter_context(uow_factory())
            second = stack.enter_context(uow_factory())
            assert len(first.consent.versions("terms")) == len(second.consent.versions()) == 1
            first.consent.add_version(mine)
            first.commit()
            with pytest.raises(AlreadyExists):
                second.consent.add_version(theirs)
                second.commit()
        with uow_factory() as uow:
            assert [v for v in uow.consent.versions("terms") if v.number == 2] == [mine]

    # ------------------------------------------------------------------ records

    def test_consent_records_round_trip_oldest_first_with_every_field(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        terms, privacy = version("terms"), version("privacy")
        marketing = version("marketing", language="en")
        self.consent_define(
            uow_factory,
            kind("terms"),
            kind("privacy", minutes=1),
            kind("marketing", required=False, minutes=2),
            terms,
            privacy,
            marketing,
        )
        ana, bea, staff_id = new_id(), new_id(), new_id()
        lisbon_summer = timezone(timedelta(hours=1))
        accepted = record(ana, terms, when=datetime(2026, 3, 1, 10, 30, 15, 123456, lisbon_summer))
        on_behalf = record(
            ana, privacy, when=at(1), method=Method.STAFF_ON_BEHALF, staff_id=staff_id
        )
        given = record(ana, marketing, when=at(2))
        withdrawn = record(ana, marketing, when=at(3), action=Action.WITHDRAWN)
        others = record(bea, terms, when=at(0))
        self.consent_append(uow_factory, withdrawn, accepted, others, given)
        self.consent_append(uow_factory, on_behalf)

        loaded = self.consent_records(uow_factory, ana)
        assert loaded == [on_behalf, given, withdrawn, accepted]
        assert self.consent_records(uow_factory, bea) == [others]
        assert self.consent_records(uow_factory, new_id()) == []
        assert loaded[0].staff_id == staff_id and loaded[0].method is Method.STAFF_ON_BEHALF
        assert loaded[2].action is Action.WITHDRAWN and loaded[1].action is Action.ACCEPTED
        assert loaded[3].at == accepted.at and loaded[3].at.utcoffset() is not None
        assert all(r.content_hash == marketing.content_hash for r in loaded[1:3])

    def test_consent_the_repository_has_no_way_to_change_or_delete_a_record(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        port = {name for name in vars(ConsentRepository) if not name.startswith("_")}
        with uow_factory() as uow:
            public = {name for name in dir(uow.consent) if not name.startswith("_")}
        assert port == {
            "add_kind",
            "kinds",
            "add_version",
            "versions",
            "current_numbers",
            "get_version",
            "append_record",
            "records_for_account",
        }
        assert public == port

    def test_consent_an_uncommitted_record_is_discarded(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        terms = version("terms")
        self.consent_define(uow_factory, kind("terms"), terms)
        account_id = new_id()
        with uow_factory() as uow:
            uow.consent.append_record(record(account_id, terms, when=at(1)))
        with uow_factory() as uow:
            uow.consent.append_record(record(account_id, terms, when=at(2)))
            uow.rollback()
            uow.commit()
        with pytest.raises(RuntimeError), uow_factory() as uow:
            uow.consent.append_record(record(account_id, terms, when=at(3)))
            raise RuntimeError("the request failed")
        assert self.consent_records(uow_factory, account_id) == []

    def test_consent_erasing_an_account_keeps_its_consent_records(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        terms, privacy = version("terms"), version("privacy")
        self.consent_define(uow_factory, kind("terms"), kind("privacy", minutes=1), terms, privacy)
        ana = client()
        ana.activate(password_hash="$argon2id$ana", now=at(1))
        evidence = [record(ana.id, terms, when=at(2)), record(ana.id, privacy, when=at(3))]
        with uow_factory() as uow:
            uow.accounts.add(ana)
            for item in evidence:
                uow.consent.append_record(item)
            uow.commit()
        with uow_factory() as uow:
            loaded = uow.accounts.get(ana.id)
            assert loaded is not None
            loaded.request_deletion(at(10))
            loaded.erase(at(20))
            uow.accounts.save(loaded)
            uow.commit()
        with uow_factory() as uow:
            erased = uow.accounts.get(ana.id)
            kept = list(uow.consent.records_for_account(ana.id))
        assert erased is not None and erased.status is Status.DELETED
        assert erased.email.address == f"deleted-{ana.id}@erased.invalid"
        assert erased.deleted_at == at(20)
        assert kept == evidence
