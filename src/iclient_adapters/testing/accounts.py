"""The accounts persistence contracts: what ``uow.accounts`` and ``uow.sessions`` must do.

Mix the suites into a test class that provides a ``uow_factory`` fixture (a zero-argument
callable returning a fresh unit of work over an *empty* store)::

    class TestMyAccounts(AccountsContract, SessionsContract):
        @pytest.fixture
        def uow_factory(self, tmp_path):
            return MyDatabase(tmp_path).unit_of_work

Every name a suite defines starts with its subject (``test_accounts_…``, ``sessions_…``), so
one class may mix any number of suites. Needs pytest.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone

import pytest

from iclient_adapters.testing.samples import T0, at, client, new_id, staff
from iclient_core.accounts.model import Account, EmailAddress, Profile, Role, Status
from iclient_core.accounts.sessions import SignInSession
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate
from iclient_core.shared.paging import Position
from iclient_core.unit_of_work import UnitOfWorkFactory


class AccountsContract:
    """Needs ``uow_factory``. Checks the ``AccountRepository``: round trips of every field,
    unique e-mail keys, optimistic versions, lists, the staff search and the accounts whose
    owner asked for deletion."""

    def accounts_store(self, uow_factory: UnitOfWorkFactory, *accounts: Account) -> None:
        """Commit ``accounts`` in one unit of work."""
        with uow_factory() as uow:
            for account in accounts:
                uow.accounts.add(account)
            uow.commit()

    # ------------------------------------------------------------------ round trips

    def test_accounts_round_trip_with_every_field(self, uow_factory: UnitOfWorkFactory) -> None:
        account = staff("Rui.Lopes@Example.PT", role=Role.ADMIN)
        account.signed_in(
            datetime(2026, 1, 5, 10, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1)))
        )
        pending = client()
        self.accounts_store(uow_factory, account, pending)

        with uow_factory() as uow:
            loaded = uow.accounts.get(account.id)
            by_key = uow.accounts.get_by_email_key(account.email.key)
            loaded_pending = uow.accounts.get(pending.id)
        assert loaded == account
        assert by_key == account
        assert loaded_pending == pending
        assert loaded is not None and loaded_pending is not None
        assert loaded.email.address == "Rui.Lopes@Example.PT"
        assert loaded_pending.password_hash is None and loaded_pending.activated_at is None
        for moment in (loaded.created_at, loaded.activated_at, loaded.last_sign_in_at):
            assert moment is not None and moment.utcoffset() is not None

    def test_accounts_get_many_finds_accounts_by_id(self, uow_factory: UnitOfWorkFactory) -> None:
        ana, rui = client("ana@example.pt"), client("rui@example.pt")
        self.accounts_store(uow_factory, ana, rui)
        with uow_factory() as uow:
            found = uow.accounts.get_many([ana.id, rui.id, "nobody", ana.id])
            assert set(found) == {ana.id, rui.id}
            assert found[rui.id].email == rui.email
            assert uow.accounts.get_many([]) == {}

    def test_accounts_unknown_ones_are_none(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            assert uow.accounts.get(new_id()) is None
            assert uow.accounts.get_by_email_key("nobody@example.pt") is None

    # ------------------------------------------------------------------ unique e-mail keys

    def test_accounts_a_taken_email_key_raises_already_exists(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        first = client("ana@example.pt")
        self.accounts_store(uow_factory, first)
        with uow_factory() as uow, pytest.raises(AlreadyExists):
            uow.accounts.add(client("ANA@example.pt"))
            uow.commit()
        with uow_factory() as uow, pytest.raises(AlreadyExists):
            uow.accounts.add(client("bea@example.pt"))
            uow.accounts.add(client("Bea@Example.pt"))
            uow.commit()
        with uow_factory() as uow:
            assert [a.id for a in uow.accounts.list()] == [first.id]

    def test_accounts_moving_to_a_taken_email_raises_already_exists(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana, bea = client("ana@example.pt"), client("bea@example.pt")
        self.accounts_store(uow_factory, ana, bea)
        with uow_factory() as uow, pytest.raises(AlreadyExists):
            loaded = uow.accounts.get(bea.id)
            assert loaded is not None
            loaded.change_email(EmailAddress.from_normalised("Ana@example.pt"))
            uow.accounts.save(loaded)
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.get(bea.id) == bea

    # ------------------------------------------------------------------ saving

    def test_accounts_save_writes_changes_and_bumps_the_version(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        account = client()
        self.accounts_store(uow_factory, account)
        with uow_factory() as uow:
            loaded = uow.accounts.get(account.id)
            assert loaded is not None
            loaded.activate(password_hash="$argon2id$new", now=at(10))
            loaded.update_profile(Profile("Ana Maria", "Sousa", "+351934567890"), "en")
            uow.accounts.save(loaded)
            uow.commit()
        assert loaded.version == account.version + 1
        with uow_factory() as uow:
            assert uow.accounts.get(account.id) == loaded

    def test_accounts_a_concurrent_update_raises(self, uow_factory: UnitOfWorkFactory) -> None:
        account = client()
        self.accounts_store(uow_factory, account)
        with ExitStack() as stack:
            first = stack.enter_context(uow_factory())
            second = stack.enter_context(uow_factory())
            mine, theirs = first.accounts.get(account.id), second.accounts.get(account.id)
            assert mine is not None and theirs is not None
            mine.update_profile(Profile("Ana", "First", ""))
            first.accounts.save(mine)
            first.commit()
            theirs.update_profile(Profile("Ana", "Second", ""))
            with pytest.raises(ConcurrentUpdate):
                second.accounts.save(theirs)
                second.commit()
        with uow_factory() as uow:
            assert uow.accounts.get(account.id) == mine

    def test_accounts_saving_a_stale_copy_raises(self, uow_factory: UnitOfWorkFactory) -> None:
        account = client()
        self.accounts_store(uow_factory, account)
        with uow_factory() as uow:
            fresh = uow.accounts.get(account.id)
            assert fresh is not None
            uow.accounts.save(fresh)
            uow.commit()
        with uow_factory() as uow, pytest.raises(ConcurrentUpdate):
            uow.accounts.save(account)  # still at the version first read
            uow.commit()

    # ------------------------------------------------------------------ lists

    def test_accounts_list_filters_by_role_and_status_oldest_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana = client("ana@example.pt", now=at(3))
        bea = client("bea@example.pt", now=at(1))
        rui = staff("rui@example.pt", now=at(2))
        eva = staff("eva@example.pt", role=Role.ADMIN, now=at(0))
        bea.activate(password_hash="$argon2id$bea", now=at(4))
        self.accounts_store(uow_factory, ana, bea, rui, eva)

        def ids(accounts: Sequence[Account]) -> list[str]:
            return [a.id for a in accounts]

        with uow_factory() as uow:
            assert ids(uow.accounts.list()) == [eva.id, bea.id, rui.id, ana.id]
            assert ids(uow.accounts.list(role=Role.CLIENT)) == [bea.id, ana.id]
            assert ids(uow.accounts.list(status=Status.ACTIVE)) == [eva.id, bea.id, rui.id]
            assert ids(uow.accounts.list(role=Role.CLIENT, status=Status.ACTIVE)) == [bea.id]
            assert ids(uow.accounts.list(role=Role.STAFF, status=Status.DISABLED)) == []
            assert ids(uow.accounts.list(limit=2)) == [eva.id, bea.id]
            assert ids(uow.accounts.list(limit=2, offset=2)) == [rui.id, ana.id]

    def test_accounts_count_admins_counts_active_admins_only(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            assert uow.accounts.count_admins() == 0
        retired = staff("old@example.pt", role=Role.ADMIN)
        retired.disable()
        self.accounts_store(
            uow_factory,
            staff("eva@example.pt", role=Role.ADMIN),
            staff("ivo@example.pt", role=Role.ADMIN),
            staff("rui@example.pt"),
            client(),
            retired,
        )
        with uow_factory() as uow:
            assert uow.accounts.count_admins() == 2

    # ------------------------------------------------------------------ staff search

    def accounts_people(self, uow_factory: UnitOfWorkFactory) -> dict[str, Account]:
        """Three clients and a staff member, registered a minute apart, stored."""

        def person(first: str, last: str, address: str, phone: str, minutes: int) -> Account:
            return Account.register_client(
                id=new_id(),
                email=EmailAddress.from_normalised(address),
                profile=Profile(first_name=first, last_name=last, phone=phone),
                language="pt",
                now=at(minutes),
            )

        found = {
            "ana": person("Ana", "Sousa", "ana@example.pt", "+351912345678", 0),
            "alvaro": person("Álvaro", "Lopes", "alvaro@correio.pt", "+351961111222", 1),
            "joana": person("Joana", "Silva_Reis", "Joana.Silva@Example.com", "", 2),
            "rui": staff("rui@example.pt", now=at(3)),
        }
        self.accounts_store(uow_factory, *found.values())
        return found

    def test_accounts_search_matches_every_word_in_names_email_or_phone_newest_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        p = self.accounts_people(uow_factory)
        clients = {Role.CLIENT}

        def ids(text: str) -> list[str]:
            with uow_factory() as uow:
                return [a.id for a in uow.accounts.search(text=text, roles=clients)]

        assert ids("ana") == [p["joana"].id, p["ana"].id]
        assert ids("ANA sousa") == [p["ana"].id]
        assert ids("álvaro") == ids("ÁLVARO") == [p["alvaro"].id]
        assert ids("example.com") == [p["joana"].id]
        assert ids("912 345 678") == ids("+351 912-345") == [p["ana"].id]
        assert ids("ana 961") == []
        assert ids("12") == []  # two digits are not phone-like: names and e-mail only
        assert ids("sousaana") == ids("sousa@") == []  # a word never spans two fields
        assert ids("silva_reis") == [p["joana"].id]
        assert ids("a_v") == ids("100%") == ids("%") == []
        assert ids("ana\x00sousa") == [p["ana"].id]  # PostgreSQL refuses NUL in parameters
        assert ids("") == ids("   ") == [p["joana"].id, p["alvaro"].id, p["ana"].id]
        with uow_factory() as uow:
            assert uow.accounts.count(text="ana", roles=clients) == 2
            assert [a.id for a in uow.accounts.search(text="rui")] == [p["rui"].id]
            assert uow.accounts.search(text="rui", roles=clients) == []

    def test_accounts_search_filters_by_status_and_deletion_request_and_pages_by_keyset(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        p = self.accounts_people(uow_factory)
        with uow_factory() as uow:
            alvaro = uow.accounts.get(p["alvaro"].id)
            joana = uow.accounts.get(p["joana"].id)
            assert alvaro is not None and joana is not None
            alvaro.disable()
            joana.request_deletion(at(5))
            uow.accounts.save(alvaro)
            uow.accounts.save(joana)
            uow.commit()
        clients = {Role.CLIENT}
        with uow_factory() as uow:
            accounts = uow.accounts
            disabled = accounts.search(roles=clients, statuses={Status.DISABLED})
            assert [a.id for a in disabled] == [p["alvaro"].id]
            pending = accounts.search(roles=clients, statuses={Status.PENDING_ACTIVATION})
            assert [a.id for a in pending] == [p["joana"].id, p["ana"].id]
            asked = accounts.search(roles=clients, deletion_requested=True)
            assert [a.id for a in asked] == [p["joana"].id]
            assert accounts.count(roles=clients, deletion_requested=False) == 2
            assert accounts.count(roles={Role.CLIENT, Role.STAFF}) == 4
            assert accounts.count(roles=clients, statuses={Status.ACTIVE}) == 0
            after_joana = accounts.search(roles=clients, after=Position.of(p["joana"]), limit=2)
            assert [a.id for a in after_joana] == [p["alvaro"].id, p["ana"].id]
            assert after_joana[0].status is Status.DISABLED
            assert after_joana[0].profile == p["alvaro"].profile
            asked_after = accounts.search(
                roles=clients, deletion_requested=True, after=Position.of(p["joana"])
            )
            assert asked_after == []

    def test_accounts_search_follows_changed_names_and_addresses(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana = client("ana@example.pt")
        self.accounts_store(uow_factory, ana)
        with uow_factory() as uow:
            stored = uow.accounts.get(ana.id)
            assert stored is not None
            stored.update_profile(Profile(first_name="Íris", last_name="Vaz", phone=""))
            stored.change_email(EmailAddress.from_normalised("Iris.Vaz@Example.pt"))
            uow.accounts.save(stored)
            uow.commit()
        with uow_factory() as uow:
            for text in ("ÍRIS", "vaz", "iris.vaz@"):
                assert [a.id for a in uow.accounts.search(text=text)] == [ana.id], text
            for text in ("ana", "sousa", "912"):
                assert uow.accounts.search(text=text) == [], text

    def test_accounts_search_pages_by_keyset_either_way_even_through_equal_times(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        # Seven clients, three of them created at the same instant: the id breaks the tie,
        # so that no page boundary repeats or skips one of them.
        moments = [at(0), at(1), at(2), at(2), at(2), at(3), at(4)]
        made = [client(f"c{n}@example.pt", now=moment) for n, moment in enumerate(moments)]
        self.accounts_store(uow_factory, *made)
        newest_first = sorted(made, key=Position.of, reverse=True)
        expected = [a.id for a in newest_first]
        clients = {Role.CLIENT}
        with uow_factory() as uow:
            accounts = uow.accounts
            assert [a.id for a in accounts.search(roles=clients, limit=3)] == expected[:3]
            walked: list[str] = []
            after = None
            while True:
                page = accounts.search(roles=clients, after=after, limit=2)
                if not page:
                    break
                walked.extend(a.id for a in page)
                after = Position.of(page[-1])
            assert walked == expected
            middle = Position.of(newest_first[4])
            before = accounts.search(roles=clients, before=middle, limit=2)
            assert [a.id for a in before] == expected[2:4]  # nearest first, newest first
            assert [a.id for a in accounts.search(roles=clients, before=middle)] == expected[:4]
            top = Position.of(newest_first[0])
            assert accounts.search(roles=clients, before=top) == []
            assert accounts.search(roles=clients, after=Position.of(newest_first[-1])) == []
            between = accounts.search(
                roles=clients, after=Position.of(newest_first[1]), before=middle
            )
            assert [a.id for a in between] == expected[2:4]
            found = accounts.search(text="c4@", roles=clients, after=Position.of(newest_first[0]))
            assert [a.id for a in found] == [made[4].id]

    def test_accounts_existing_email_keys_names_the_taken_ones(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        self.accounts_people(uow_factory)
        many = [f"x{n}@example.pt" for n in range(1200)]
        with uow_factory() as uow:
            found = uow.accounts.existing_email_keys(
                ["ana@example.pt", "joana.silva@example.com", "nobody@example.pt", *many]
            )
            assert found == {"ana@example.pt", "joana.silva@example.com"}
            assert uow.accounts.existing_email_keys([]) == set()

    # ------------------------------------------------------------------ deletion requests

    def test_accounts_asking_for_deletion_are_listed_oldest_request_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana, bea = client("ana@example.pt"), client("bea@example.pt")
        carla, dina = client("carla@example.pt"), client("dina@example.pt")
        ana.request_deletion(at(50))
        bea.request_deletion(at(20))
        dina.request_deletion(at(10))
        dina.erase(at(30))  # done already: no longer asking
        with uow_factory() as uow:
            assert list(uow.accounts.deletion_requested()) == []
        self.accounts_store(uow_factory, ana, bea, carla, dina)
        with uow_factory() as uow:
            asking = list(uow.accounts.deletion_requested())
        assert asking == [bea, ana]
        assert all(a.deletion_requested_at is not None for a in asking)
        assert asking[0].deletion_requested_at == at(20)

    def test_accounts_a_cancelled_deletion_request_leaves_the_list(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana = client()
        ana.request_deletion(T0)
        self.accounts_store(uow_factory, ana)
        with uow_factory() as uow:
            loaded = uow.accounts.get(ana.id)
            assert loaded is not None and loaded.deletion_requested_at == T0
            loaded.cancel_deletion()
            uow.accounts.save(loaded)
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.accounts.deletion_requested()) == []
            stored = uow.accounts.get(ana.id)
        assert stored is not None and stored.deletion_requested_at is None


class SessionsContract:
    """Needs ``uow_factory``. Checks the ``SessionRepository``: round trips, activity,
    newest-first lists per account and ending one, one of an account's own, all or all but
    one session."""

    def sessions_store(
        self, uow_factory: UnitOfWorkFactory, *items: Account | SignInSession
    ) -> None:
        """Commit accounts and sessions, in the order given, in one unit of work."""
        with uow_factory() as uow:
            for item in items:
                if isinstance(item, Account):
                    uow.accounts.add(item)
                else:
                    uow.sessions.add(item)
            uow.commit()

    def sessions_start(self, account: Account, now: datetime) -> SignInSession:
        """A fresh session of ``account`` opened at ``now``."""
        session, _secret = SignInSession.start(
            account_id=account.id, now=now, ip="203.0.113.7", user_agent="Firefox/140"
        )
        return session

    def test_sessions_round_trip_touch_and_delete(self, uow_factory: UnitOfWorkFactory) -> None:
        account = client()
        session = self.sessions_start(account, T0)
        self.sessions_store(uow_factory, account, session)
        with uow_factory() as uow:
            assert uow.sessions.get(session.id) == session
            assert uow.sessions.get("0" * 64) is None
            uow.sessions.touch(session.id, at(7))
            uow.sessions.touch("0" * 64, at(7))  # gone already: no error
            uow.commit()
        with uow_factory() as uow:
            touched = uow.sessions.get(session.id)
            assert touched is not None
            assert touched.last_seen_at == at(7) and touched.created_at == T0
            uow.sessions.delete(session.id)
            uow.sessions.delete(session.id)  # twice: no error
            uow.commit()
        with uow_factory() as uow:
            assert uow.sessions.get(session.id) is None

    def test_sessions_come_with_their_account_in_one_look_up(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        account = client()
        session = self.sessions_start(account, T0)
        self.sessions_store(uow_factory, account, session)
        with uow_factory() as uow:
            found = uow.sessions.get_with_account(session.id)
            assert found is not None
            assert found[0] == session
            assert found[1].id == account.id and found[1].email == account.email
            stored = uow.accounts.get(account.id)
            assert stored is not None and found[1].version == stored.version
            assert found[2] == uow.settings.revision() == 0
            assert uow.sessions.get_with_account("0" * 64) is None
        with uow_factory() as uow:
            uow.settings.bump_revision()
            uow.settings.bump_revision()
            uow.commit()
        with uow_factory() as uow:
            found = uow.sessions.get_with_account(session.id)
            assert found is not None and found[2] == uow.settings.revision() == 2

    def test_sessions_of_an_account_newest_first_and_ended_together(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana, bea = client("ana@example.pt"), client("bea@example.pt")
        oldest, middle, newest = (self.sessions_start(ana, at(m)) for m in (0, 5, 9))
        other = self.sessions_start(bea, at(1))
        self.sessions_store(uow_factory, ana, bea, middle, oldest, newest, other)
        with uow_factory() as uow:
            assert list(uow.sessions.list_for_account(ana.id)) == [newest, middle, oldest]
            assert uow.sessions.delete_for_account(ana.id, keep=middle.id) == 2
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.sessions.list_for_account(ana.id)) == [middle]
            assert list(uow.sessions.list_for_account(bea.id)) == [other]
            assert uow.sessions.delete_for_account(ana.id) == 1
            assert uow.sessions.delete_for_account(ana.id) == 0
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.sessions.list_for_account(ana.id)) == []
            assert uow.sessions.get(other.id) == other

    def test_sessions_one_ended_only_by_its_own_account(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana, bea = client("ana@example.pt"), client("bea@example.pt")
        mine, other = self.sessions_start(ana, at(1)), self.sessions_start(ana, at(2))
        hers = self.sessions_start(bea, at(3))
        self.sessions_store(uow_factory, ana, bea, mine, other, hers)
        with uow_factory() as uow:
            assert not uow.sessions.delete_of_account(ana.id, hers.id)  # not hers to end
            assert uow.sessions.delete_of_account(ana.id, other.id)
            assert not uow.sessions.delete_of_account(ana.id, other.id)  # gone already
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.sessions.list_for_account(ana.id)) == [mine]
            assert uow.sessions.get(hers.id) == hers
