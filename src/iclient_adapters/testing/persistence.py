"""The persistence contract: the behaviour every unit of work and its repositories must have.

Mix :class:`PersistenceContract` into a test class that provides a ``uow_factory`` fixture
(a zero-argument callable returning a fresh unit of work over an *empty* store)::

    class TestMyAdapter(PersistenceContract):
        @pytest.fixture
        def uow_factory(self, tmp_path):
            return MyDatabase(tmp_path).unit_of_work

An adapter is accepted when it passes the suite unchanged. Needs pytest.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta, timezone

import pytest

from iclient_core.accounts.model import Account, EmailAddress, Profile, Role, Status
from iclient_core.accounts.sessions import SignInSession
from iclient_core.notifications.model import MAX_ATTEMPTS, Kind, Notification, OutboxMessage
from iclient_core.shared.audit import AuditEntry
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate
from iclient_core.unit_of_work import UnitOfWorkFactory

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
"""The fixed time the suite starts at."""

LEASE = timedelta(minutes=5)


def at(minutes: float) -> datetime:
    """``T0`` plus ``minutes``."""
    return T0 + timedelta(minutes=minutes)


def new_id() -> str:
    """A fresh 32-character id."""
    return uuid.uuid4().hex


def client(address: str = "ana@example.pt", *, now: datetime = T0) -> Account:
    """A client who registered at ``now`` and still has to activate."""
    return Account.register_client(
        id=new_id(),
        email=EmailAddress.from_normalised(address),
        profile=Profile(first_name="Ana", last_name="Sousa", phone="+351912345678"),
        language="pt",
        now=now,
    )


def staff(address: str, *, role: Role = Role.STAFF, now: datetime = T0) -> Account:
    """An active staff member (or admin) created at ``now``."""
    return Account.create_staff(
        id=new_id(),
        email=EmailAddress.from_normalised(address),
        profile=Profile(first_name="Rui", last_name="Lopes", phone=""),
        role=role,
        language="en",
        password_hash="$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
        now=now,
    )


def message(*, now: datetime = T0, to: str = "ana@example.pt") -> OutboxMessage:
    """An activation e-mail queued at ``now`` (and due at once)."""
    notification = Notification(
        kind=Kind.ACTIVATION,
        to_address=to,
        to_name="Ana Sousa",
        language="pt",
        context={"link": "https://portal.example.test/pt/auth/activate/t0k3n", "hours": "48"},
    )
    return OutboxMessage.queue(id=new_id(), notification=notification, now=now, domain="x.test")


class PersistenceContract:
    """Behaviour shared by every persistence adapter; subclass it with a ``uow_factory``."""

    @pytest.fixture
    def uow_factory(self) -> UnitOfWorkFactory:
        """Override: a factory of units of work over an empty store."""
        raise NotImplementedError("provide a `uow_factory` fixture")

    # ------------------------------------------------------------------ helpers

    def store(self, uow_factory: UnitOfWorkFactory, *items: object) -> None:
        """Commit accounts, sessions and outbox messages in one unit of work."""
        with uow_factory() as uow:
            for item in items:
                if isinstance(item, Account):
                    uow.accounts.add(item)
                elif isinstance(item, SignInSession):
                    uow.sessions.add(item)
                else:
                    assert isinstance(item, OutboxMessage)
                    uow.outbox.add(item)
            uow.commit()

    def session_for(self, account: Account, now: datetime) -> SignInSession:
        """A fresh session of ``account`` opened at ``now``."""
        session, _secret = SignInSession.start(
            account_id=account.id, now=now, ip="203.0.113.7", user_agent="Firefox/140"
        )
        return session

    # ------------------------------------------------------------------ accounts

    def test_account_round_trips_with_every_field(self, uow_factory: UnitOfWorkFactory) -> None:
        account = staff("Rui.Lopes@Example.PT", role=Role.ADMIN)
        account.signed_in(
            datetime(2026, 1, 5, 10, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1)))
        )
        pending = client()
        self.store(uow_factory, account, pending)

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

    def test_get_many_finds_accounts_by_id(self, uow_factory: UnitOfWorkFactory) -> None:
        ana, rui = client("ana@example.pt"), client("rui@example.pt")
        with uow_factory() as uow:
            uow.accounts.add(ana)
            uow.accounts.add(rui)
            uow.commit()
        with uow_factory() as uow:
            found = uow.accounts.get_many([ana.id, rui.id, "nobody", ana.id])
            assert set(found) == {ana.id, rui.id}
            assert found[rui.id].email == rui.email
            assert uow.accounts.get_many([]) == {}

    def test_unknown_accounts_are_none(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            assert uow.accounts.get(new_id()) is None
            assert uow.accounts.get_by_email_key("nobody@example.pt") is None

    def test_a_taken_email_key_raises_already_exists(self, uow_factory: UnitOfWorkFactory) -> None:
        first = client("ana@example.pt")
        self.store(uow_factory, first)
        with uow_factory() as uow, pytest.raises(AlreadyExists):
            uow.accounts.add(client("ANA@example.pt"))
            uow.commit()
        with uow_factory() as uow, pytest.raises(AlreadyExists):
            uow.accounts.add(client("bea@example.pt"))
            uow.accounts.add(client("Bea@Example.pt"))
            uow.commit()
        with uow_factory() as uow:
            assert [a.id for a in uow.accounts.list()] == [first.id]

    def test_moving_to_a_taken_email_raises_already_exists(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana, bea = client("ana@example.pt"), client("bea@example.pt")
        self.store(uow_factory, ana, bea)
        with uow_factory() as uow, pytest.raises(AlreadyExists):
            loaded = uow.accounts.get(bea.id)
            assert loaded is not None
            loaded.change_email(EmailAddress.from_normalised("Ana@example.pt"))
            uow.accounts.save(loaded)
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.get(bea.id) == bea

    def test_save_writes_changes_and_bumps_the_version(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        account = client()
        self.store(uow_factory, account)
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

    def test_a_concurrent_update_raises(self, uow_factory: UnitOfWorkFactory) -> None:
        account = client()
        self.store(uow_factory, account)
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

    def test_saving_a_stale_copy_raises(self, uow_factory: UnitOfWorkFactory) -> None:
        account = client()
        self.store(uow_factory, account)
        with uow_factory() as uow:
            fresh = uow.accounts.get(account.id)
            assert fresh is not None
            uow.accounts.save(fresh)
            uow.commit()
        with uow_factory() as uow, pytest.raises(ConcurrentUpdate):
            uow.accounts.save(account)  # still at the version first read
            uow.commit()

    def test_list_filters_by_role_and_status_oldest_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana = client("ana@example.pt", now=at(3))
        bea = client("bea@example.pt", now=at(1))
        rui = staff("rui@example.pt", now=at(2))
        eva = staff("eva@example.pt", role=Role.ADMIN, now=at(0))
        bea.activate(password_hash="$argon2id$bea", now=at(4))
        self.store(uow_factory, ana, bea, rui, eva)

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

    def test_count_admins_counts_active_admins_only(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            assert uow.accounts.count_admins() == 0
        retired = staff("old@example.pt", role=Role.ADMIN)
        retired.disable()
        self.store(
            uow_factory,
            staff("eva@example.pt", role=Role.ADMIN),
            staff("ivo@example.pt", role=Role.ADMIN),
            staff("rui@example.pt"),
            client(),
            retired,
        )
        with uow_factory() as uow:
            assert uow.accounts.count_admins() == 2

    # ------------------------------------------------------------------ transactions

    def test_leaving_without_commit_discards(self, uow_factory: UnitOfWorkFactory) -> None:
        account = client()
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.outbox.add(message())
        with uow_factory() as uow:
            uow.accounts.add(client("bea@example.pt"))
            uow.rollback()
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.get(account.id) is None
            assert uow.accounts.list() == []
            assert uow.outbox.pending_count() == 0

    def test_an_error_in_the_block_rolls_back(self, uow_factory: UnitOfWorkFactory) -> None:
        account = client()
        with pytest.raises(RuntimeError), uow_factory() as uow:
            uow.accounts.add(account)
            raise RuntimeError("boom")
        with uow_factory() as uow:
            assert uow.accounts.get(account.id) is None

    def test_commit_covers_every_repository_together(self, uow_factory: UnitOfWorkFactory) -> None:
        account, queued = client(), message()
        session = self.session_for(account, T0)
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.outbox.add(queued)
            uow.sessions.add(session)
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.get(account.id) == account
            assert uow.outbox.get(queued.id) == queued
            assert uow.sessions.get(session.id) == session

    def test_a_failed_commit_writes_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        self.store(uow_factory, client("ana@example.pt"))
        queued = message()
        with uow_factory() as uow, pytest.raises(AlreadyExists):
            uow.outbox.add(queued)
            uow.accounts.add(client("ana@example.pt"))
            uow.commit()
        with uow_factory() as uow:
            assert uow.outbox.get(queued.id) is None
            assert uow.outbox.pending_count() == 0

    def test_work_goes_on_after_a_commit(self, uow_factory: UnitOfWorkFactory) -> None:
        ana, bea = client("ana@example.pt"), client("bea@example.pt")
        with uow_factory() as uow:
            uow.accounts.add(ana)
            uow.commit()
            uow.accounts.add(bea)  # not committed: only this part is discarded
        with uow_factory() as uow:
            assert uow.accounts.get(ana.id) == ana
            assert uow.accounts.get(bea.id) is None

    # ------------------------------------------------------------------ sessions

    def test_sessions_round_trip_touch_and_delete(self, uow_factory: UnitOfWorkFactory) -> None:
        account = client()
        session = self.session_for(account, T0)
        self.store(uow_factory, account, session)
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

    def test_sessions_of_an_account_newest_first_and_ended_together(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana, bea = client("ana@example.pt"), client("bea@example.pt")
        oldest, middle, newest = (self.session_for(ana, at(m)) for m in (0, 5, 9))
        other = self.session_for(bea, at(1))
        self.store(uow_factory, ana, bea, middle, oldest, newest, other)
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

    # ------------------------------------------------------------------ outbox

    def test_outbox_messages_round_trip(self, uow_factory: UnitOfWorkFactory) -> None:
        queued = message()
        self.store(uow_factory, queued)
        with uow_factory() as uow:
            loaded = uow.outbox.get(queued.id)
            assert uow.outbox.get(new_id()) is None
        assert loaded == queued
        assert loaded is not None and loaded.notification.context == queued.notification.context

    def test_claim_due_takes_due_messages_oldest_first_up_to_limit(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        first, second, third = message(now=at(2)), message(now=at(0)), message(now=at(1))
        later = message(now=at(30))  # not due yet at at(10)
        self.store(uow_factory, first, second, third, later)
        with uow_factory() as uow:
            claimed = list(uow.outbox.claim_due(at(10), limit=2, lease=LEASE))
            uow.commit()
        assert [m.id for m in claimed] == [second.id, third.id]
        assert all(m.locked_until == at(10) + LEASE for m in claimed)
        with uow_factory() as uow:
            stored = uow.outbox.get(second.id)
            assert stored is not None and stored.locked_until == at(10) + LEASE
            rest = list(uow.outbox.claim_due(at(11), limit=10, lease=LEASE))
            uow.commit()
        assert [m.id for m in rest] == [first.id]

    def test_a_claimed_message_waits_for_its_lease(self, uow_factory: UnitOfWorkFactory) -> None:
        queued = message()
        self.store(uow_factory, queued)
        with uow_factory() as uow:
            assert [m.id for m in uow.outbox.claim_due(T0, limit=5, lease=LEASE)] == [queued.id]
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.outbox.claim_due(at(4), limit=5, lease=LEASE)) == []
            again = list(uow.outbox.claim_due(at(5), limit=5, lease=LEASE))
            uow.commit()
        assert [m.id for m in again] == [queued.id]
        assert again[0].locked_until == at(10)

    def test_an_uncommitted_claim_is_released(self, uow_factory: UnitOfWorkFactory) -> None:
        queued = message()
        self.store(uow_factory, queued)
        with uow_factory() as uow:
            assert len(uow.outbox.claim_due(T0, limit=5, lease=LEASE)) == 1
        with uow_factory() as uow:
            assert [m.id for m in uow.outbox.claim_due(T0, limit=5, lease=LEASE)] == [queued.id]

    def test_sent_and_given_up_messages_are_never_claimed(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        sent, doomed, retried = message(), message(), message()
        self.store(uow_factory, sent, doomed, retried)
        with uow_factory() as uow:
            assert uow.outbox.pending_count() == 3
            claimed = {m.id: m for m in uow.outbox.claim_due(T0, limit=10, lease=LEASE)}
            claimed[sent.id].delivered(at(1))
            uow.outbox.save(claimed[sent.id])
            for _ in range(MAX_ATTEMPTS):
                claimed[doomed.id].failed(at(1), "SMTP 451")
            uow.outbox.save(claimed[doomed.id])
            claimed[retried.id].failed(at(1), "connection refused " * 40)
            uow.outbox.save(claimed[retried.id])
            uow.commit()
        with uow_factory() as uow:
            assert uow.outbox.get(sent.id) == claimed[sent.id]
            assert uow.outbox.get(doomed.id) == claimed[doomed.id]
            assert uow.outbox.get(retried.id) == claimed[retried.id]
            assert uow.outbox.pending_count() == 1
            far_future = at(60 * 24 * 365)
            due = list(uow.outbox.claim_due(far_future, limit=10, lease=LEASE))
        assert [m.id for m in due] == [retried.id]
        assert due[0].attempts == 1 and due[0].locked_until == far_future + LEASE

    def test_a_failed_message_waits_for_its_back_off(self, uow_factory: UnitOfWorkFactory) -> None:
        queued = message()
        self.store(uow_factory, queued)
        with uow_factory() as uow:
            (claimed,) = uow.outbox.claim_due(T0, limit=1, lease=LEASE)
            claimed.failed(T0, "timeout")
            uow.outbox.save(claimed)
            uow.commit()
        retry_at = claimed.next_attempt_at
        assert retry_at > T0
        with uow_factory() as uow:
            assert (
                list(uow.outbox.claim_due(retry_at - timedelta(seconds=1), limit=1, lease=LEASE))
                == []
            )
            assert len(uow.outbox.claim_due(retry_at, limit=1, lease=LEASE)) == 1

    # ------------------------------------------------------------------------- audit log

    def test_audit_entries_round_trip_oldest_first(self, uow_factory: UnitOfWorkFactory) -> None:
        entries = [audit_entry(minutes=m, action=a) for m, a in ((2, "b"), (1, "a"), (3, "a"))]
        with uow_factory() as uow:
            for entry in entries:
                uow.audit.append(entry)
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.audit.list()) == sorted(entries, key=lambda e: e.at)
            assert [e.at for e in uow.audit.list(action="a")] == [at(1), at(3)]
            assert uow.audit.count(action="a") == 2
            assert [e.at for e in uow.audit.list(since=at(2), until=at(3))] == [at(2)]
            assert [e.at for e in uow.audit.list(limit=1, offset=1)] == [at(2)]

    def test_audit_filters_by_actor_and_target(self, uow_factory: UnitOfWorkFactory) -> None:
        mine = audit_entry(minutes=1, actor_id="actor-1", target_id="target-1")
        with uow_factory() as uow:
            uow.audit.append(mine)
            uow.audit.append(audit_entry(minutes=2, actor_id=None, target_id="target-2"))
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.audit.list(actor_id="actor-1")) == [mine]
            assert list(uow.audit.list(target_id="target-1")) == [mine]
            assert uow.audit.count(actor_id="nobody") == 0

    def test_the_audit_log_is_append_only(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            public = {name for name in dir(uow.audit) if not name.startswith("_")}
        assert public == {"append", "list", "count"}

    def test_an_uncommitted_audit_entry_is_discarded(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.audit.append(audit_entry(minutes=1))
        with uow_factory() as uow:
            assert uow.audit.count() == 0

    # ------------------------------------------------- account search (staff area, issue 6)

    def people(self, uow_factory: UnitOfWorkFactory) -> dict[str, Account]:
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
        self.store(uow_factory, *found.values())
        return found

    def test_search_matches_every_word_in_names_email_or_phone_newest_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        p = self.people(uow_factory)
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
        assert ids("silva_reis") == [p["joana"].id]
        assert ids("a_v") == ids("100%") == ids("%") == []
        assert ids("ana\x00sousa") == [p["ana"].id]  # PostgreSQL refuses NUL in parameters
        assert ids("") == ids("   ") == [p["joana"].id, p["alvaro"].id, p["ana"].id]
        with uow_factory() as uow:
            assert uow.accounts.count(text="ana", roles=clients) == 2
            assert [a.id for a in uow.accounts.search(text="rui")] == [p["rui"].id]
            assert uow.accounts.search(text="rui", roles=clients) == []

    def test_search_filters_by_status_and_deletion_request_and_pages(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        p = self.people(uow_factory)
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
            second = accounts.search(roles=clients, limit=2, offset=1)
            assert [a.id for a in second] == [p["alvaro"].id, p["ana"].id]
            assert second[0].status is Status.DISABLED
            assert second[0].profile == p["alvaro"].profile

    def test_existing_email_keys_names_the_taken_ones(self, uow_factory: UnitOfWorkFactory) -> None:
        self.people(uow_factory)
        many = [f"x{n}@example.pt" for n in range(1200)]
        with uow_factory() as uow:
            found = uow.accounts.existing_email_keys(
                ["ana@example.pt", "joana.silva@example.com", "nobody@example.pt", *many]
            )
            assert found == {"ana@example.pt", "joana.silva@example.com"}
            assert uow.accounts.existing_email_keys([]) == set()


def audit_entry(
    *,
    minutes: float,
    action: str = "client.created",
    actor_id: str | None = "actor-1",
    target_id: str = "target-1",
) -> AuditEntry:
    """An audit entry at ``minutes`` after ``T0``."""
    return AuditEntry(
        id=new_id(),
        at=at(minutes),
        actor_id=actor_id,
        actor_label="gestora@example.pt" if actor_id else "system",
        ip="203.0.113.7",
        action=action,
        target_type="account",
        target_id=target_id,
        summary="Created client Ana Silva",
    )
