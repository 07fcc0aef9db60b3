"""The notifications persistence contract: what ``uow.outbox`` (an ``OutboxRepository``) must do.

Mix :class:`OutboxContract` into a test class that provides a ``uow_factory`` fixture (a
zero-argument callable returning a fresh unit of work over an *empty* store)::

    class TestMyOutbox(OutboxContract):
        @pytest.fixture
        def uow_factory(self, tmp_path):
            return MyDatabase(tmp_path).unit_of_work

Needs pytest.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from iclient_adapters.testing.samples import T0, at, new_id
from iclient_core.notifications.model import MAX_ATTEMPTS, Kind, Notification, OutboxMessage
from iclient_core.unit_of_work import UnitOfWorkFactory

LEASE = timedelta(minutes=5)
"""How long the suite's claims reserve a message."""


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


class OutboxContract:
    """Needs ``uow_factory``. Checks the ``OutboxRepository``: round trips, claims of due
    messages oldest first under a lease, released claims, back-off, and that sent and given-up
    messages are never claimed again."""

    def outbox_store(self, uow_factory: UnitOfWorkFactory, *messages: OutboxMessage) -> None:
        """Queue ``messages`` in one unit of work."""
        with uow_factory() as uow:
            for item in messages:
                uow.outbox.add(item)
            uow.commit()

    def test_outbox_messages_round_trip(self, uow_factory: UnitOfWorkFactory) -> None:
        queued = message()
        self.outbox_store(uow_factory, queued)
        with uow_factory() as uow:
            loaded = uow.outbox.get(queued.id)
            assert uow.outbox.get(new_id()) is None
        assert loaded == queued
        assert loaded is not None and loaded.notification.context == queued.notification.context

    def test_outbox_claim_due_takes_due_messages_oldest_first_up_to_limit(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        first, second, third = message(now=at(2)), message(now=at(0)), message(now=at(1))
        later = message(now=at(30))  # not due yet at at(10)
        self.outbox_store(uow_factory, first, second, third, later)
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

    def test_outbox_a_claimed_message_waits_for_its_lease(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        queued = message()
        self.outbox_store(uow_factory, queued)
        with uow_factory() as uow:
            assert [m.id for m in uow.outbox.claim_due(T0, limit=5, lease=LEASE)] == [queued.id]
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.outbox.claim_due(at(4), limit=5, lease=LEASE)) == []
            again = list(uow.outbox.claim_due(at(5), limit=5, lease=LEASE))
            uow.commit()
        assert [m.id for m in again] == [queued.id]
        assert again[0].locked_until == at(10)

    def test_outbox_an_uncommitted_claim_is_released(self, uow_factory: UnitOfWorkFactory) -> None:
        queued = message()
        self.outbox_store(uow_factory, queued)
        with uow_factory() as uow:
            assert len(uow.outbox.claim_due(T0, limit=5, lease=LEASE)) == 1
        with uow_factory() as uow:
            assert [m.id for m in uow.outbox.claim_due(T0, limit=5, lease=LEASE)] == [queued.id]

    def test_outbox_sent_and_given_up_messages_are_never_claimed(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        sent, doomed, retried = message(), message(), message()
        self.outbox_store(uow_factory, sent, doomed, retried)
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

    def test_outbox_a_failed_message_waits_for_its_back_off(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        queued = message()
        self.outbox_store(uow_factory, queued)
        with uow_factory() as uow:
            (claimed,) = uow.outbox.claim_due(T0, limit=1, lease=LEASE)
            claimed.failed(T0, "timeout")
            uow.outbox.save(claimed)
            uow.commit()
        retry_at = claimed.next_attempt_at
        assert retry_at > T0
        with uow_factory() as uow:
            just_before = retry_at - timedelta(seconds=1)
            assert list(uow.outbox.claim_due(just_before, limit=1, lease=LEASE)) == []
            assert len(uow.outbox.claim_due(retry_at, limit=1, lease=LEASE)) == 1

    def test_outbox_due_since_is_when_the_longest_waiting_due_message_became_due(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            assert uow.outbox.due_since(T0) is None
        older, newer, future = message(now=at(1)), message(now=at(3)), message(now=at(30))
        self.outbox_store(uow_factory, older, newer, future)
        with uow_factory() as uow:
            assert uow.outbox.due_since(at(10)) == at(1)
            assert uow.outbox.due_since(at(0)) is None  # nothing due yet
            (claimed,) = uow.outbox.claim_due(at(10), limit=1, lease=LEASE)
            uow.commit()
        assert claimed.id == older.id
        with uow_factory() as uow:  # a message under a lease is not waiting
            assert uow.outbox.due_since(at(10)) == at(3)
            claimed.failed(at(10), "SMTP 451")
            uow.outbox.save(claimed)
            uow.commit()
        with uow_factory() as uow:  # nor is one waiting out its back-off
            assert uow.outbox.due_since(at(10)) == at(3)
            assert uow.outbox.due_since(at(60)) == at(3)  # the back-off has ended by then
            assert claimed.next_attempt_at <= at(60)
        for item in (newer, future):
            item.delivered(at(11))
        with uow_factory() as uow:
            for item in (newer, future):
                uow.outbox.save(item)
            uow.commit()
        with uow_factory() as uow:
            assert uow.outbox.due_since(at(60)) == claimed.next_attempt_at
