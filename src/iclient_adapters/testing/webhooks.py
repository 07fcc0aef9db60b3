"""The webhooks persistence contract: what ``uow.webhooks`` (a ``WebhookRepository``) must
do.

Mix :class:`WebhooksContract` into a test class that provides a ``uow_factory`` fixture (a
zero-argument callable returning a fresh unit of work over an *empty* store)::

    class TestMyWebhooks(MemoryBackend, WebhooksContract):
        pass

Needs pytest.
"""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from iclient_adapters.testing.samples import at, new_id
from iclient_core.shared.errors import ConcurrentUpdate
from iclient_core.unit_of_work import UnitOfWorkFactory
from iclient_core.webhooks.model import (
    Attempt,
    Delivery,
    DeliveryStatus,
    Endpoint,
    EndpointState,
    EventType,
)

LEASE = timedelta(minutes=5)


def webhooks_sample_endpoint(
    minutes: float = 0, url: str = "https://hooks.example.pt/a"
) -> Endpoint:
    """An active endpoint registered ``minutes`` after ``T0``, for two events."""
    return Endpoint.register(
        id=new_id(),
        url=url,
        description="Faturação — ç",
        events=(EventType.QUOTE_ACCEPTED, EventType.CLIENT_REGISTERED),
        secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        now=at(minutes),
    )


def webhooks_sample_delivery(endpoint: Endpoint, minutes: float = 0) -> Delivery:
    """A delivery of ``client.registered`` to ``endpoint`` queued ``minutes`` after ``T0``."""
    return Delivery.queue(
        id="msg_" + new_id(),
        endpoint_id=endpoint.id,
        event_type=EventType.CLIENT_REGISTERED,
        payload='{"data":{"name":"Ana — ç"},"type":"client.registered"}',
        now=at(minutes),
    )


def webhooks_sample_attempt(delivery: Delivery, number: int, minutes: float) -> Attempt:
    """A failed attempt of ``delivery``."""
    return Attempt(
        id=new_id(),
        delivery_id=delivery.id,
        endpoint_id=delivery.endpoint_id,
        event_type=delivery.event_type,
        number=number,
        at=at(minutes),
        status_code=503 if number % 2 else None,
        error="HTTP 503: busy" if number % 2 else "TimeoutError: timed out",
        duration_ms=120 * number,
    )


class WebhooksContract:
    """Needs ``uow_factory``. Endpoints (round trips, optimistic saves, removal with their
    log), the outbox of deliveries (claims, leases, statuses) and the attempts log."""

    def webhooks_store(
        self, uow_factory: UnitOfWorkFactory, *items: Endpoint | Delivery | Attempt
    ) -> None:
        """Add endpoints, deliveries and attempts in one unit of work."""
        with uow_factory() as uow:
            for item in items:
                if isinstance(item, Endpoint):
                    uow.webhooks.add_endpoint(item)
                elif isinstance(item, Delivery):
                    uow.webhooks.add_delivery(item)
                else:
                    uow.webhooks.add_attempt(item)
            uow.commit()

    def test_webhooks_an_endpoint_round_trips(self, uow_factory: UnitOfWorkFactory) -> None:
        endpoint = webhooks_sample_endpoint()
        endpoint.pause(at(3), "paused by an admin")
        endpoint.consecutive_failures, endpoint.failing_since = 4, at(1)
        endpoint.last_success_at = at(0.5)
        self.webhooks_store(uow_factory, endpoint)
        with uow_factory() as uow:
            found = uow.webhooks.get_endpoint(endpoint.id)
            assert uow.webhooks.get_endpoint(new_id()) is None
        assert found == endpoint
        assert found is not None and found.state is EndpointState.PAUSED
        assert found.events == (EventType.CLIENT_REGISTERED, EventType.QUOTE_ACCEPTED)

    def test_webhooks_endpoints_are_listed_oldest_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        later, earlier = webhooks_sample_endpoint(5), webhooks_sample_endpoint(1)
        self.webhooks_store(uow_factory, later, earlier)
        with uow_factory() as uow:
            assert [e.id for e in uow.webhooks.endpoints()] == [earlier.id, later.id]

    def test_webhooks_a_save_bumps_the_version_and_refuses_a_stale_copy(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        endpoint = webhooks_sample_endpoint()
        self.webhooks_store(uow_factory, endpoint)
        with uow_factory() as uow:
            first = uow.webhooks.get_endpoint(endpoint.id)
            assert first is not None
            stale = attrs.evolve(first)
            first.url = "https://hooks.example.pt/b"
            uow.webhooks.save_endpoint(first)
            uow.commit()
        assert first.version == endpoint.version + 1
        with uow_factory() as uow:
            stale.description = "other"
            with pytest.raises(ConcurrentUpdate):
                uow.webhooks.save_endpoint(stale)
        with uow_factory() as uow:
            found = uow.webhooks.get_endpoint(endpoint.id)
        assert found is not None
        assert (found.url, found.description) == ("https://hooks.example.pt/b", "Faturação — ç")

    def test_webhooks_a_delivery_round_trips_with_its_state(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        endpoint = webhooks_sample_endpoint()
        delivery = webhooks_sample_delivery(endpoint)
        self.webhooks_store(uow_factory, endpoint, delivery)
        delivery.failed(at(1), 500, "HTTP 500: oops")
        with uow_factory() as uow:
            uow.webhooks.save_delivery(delivery)
            uow.commit()
        with uow_factory() as uow:
            found = uow.webhooks.get_delivery(delivery.id)
            assert uow.webhooks.get_delivery("msg_" + new_id()) is None
        assert found == delivery
        assert found is not None and found.attempts == 1 and found.last_status == 500

    def test_webhooks_claims_take_due_deliveries_oldest_first_once_per_lease(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        endpoint = webhooks_sample_endpoint()
        first, second, third = (webhooks_sample_delivery(endpoint, m) for m in (1, 2, 3))
        later = webhooks_sample_delivery(endpoint, 4)
        later.next_attempt_at = at(60)
        done = webhooks_sample_delivery(endpoint, 0)
        done.delivered(at(0.5), 204)
        self.webhooks_store(uow_factory, endpoint, third, first, second, later, done)
        with uow_factory() as uow:
            claimed = uow.webhooks.claim_due(at(10), limit=2, lease=LEASE)
            uow.commit()
        assert [d.id for d in claimed] == [first.id, second.id]
        assert all(d.locked_until == at(10) + LEASE for d in claimed)
        with uow_factory() as uow:
            again = uow.webhooks.claim_due(at(11), limit=10, lease=LEASE)
            uow.commit()
        assert [d.id for d in again] == [third.id]
        with uow_factory() as uow:
            after_lease = uow.webhooks.claim_due(at(10) + LEASE, limit=10, lease=LEASE)
            uow.commit()
        assert [d.id for d in after_lease] == [first.id, second.id]
        with uow_factory() as uow:
            every = uow.webhooks.claim_due(at(61), limit=10, lease=LEASE)
        assert [d.id for d in every] == [first.id, second.id, third.id, later.id]

    def test_webhooks_a_claim_rolled_back_is_not_held(self, uow_factory: UnitOfWorkFactory) -> None:
        endpoint = webhooks_sample_endpoint()
        delivery = webhooks_sample_delivery(endpoint)
        self.webhooks_store(uow_factory, endpoint, delivery)
        with uow_factory() as uow:
            assert len(uow.webhooks.claim_due(at(1), limit=5, lease=LEASE)) == 1
        with uow_factory() as uow:
            assert len(uow.webhooks.claim_due(at(1), limit=5, lease=LEASE)) == 1

    def test_webhooks_given_up_and_delivered_ones_are_not_pending(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        endpoint = webhooks_sample_endpoint()
        given_up, delivered, pending = (webhooks_sample_delivery(endpoint, m) for m in (1, 2, 3))
        given_up.give_up(at(4), "the endpoint is paused")
        delivered.delivered(at(4), 200)
        self.webhooks_store(uow_factory, endpoint, given_up, delivered, pending)
        with uow_factory() as uow:
            assert uow.webhooks.pending_count() == 1
            claimed = uow.webhooks.claim_due(at(100), limit=10, lease=LEASE)
        assert [d.id for d in claimed] == [pending.id]
        with uow_factory() as uow:
            found = uow.webhooks.get_delivery(given_up.id)
        assert found is not None and found.status is DeliveryStatus.FAILED

    def test_webhooks_the_log_lists_an_endpoints_deliveries_newest_first_by_pages(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        endpoint, other = webhooks_sample_endpoint(), webhooks_sample_endpoint(1)
        mine = [webhooks_sample_delivery(endpoint, m) for m in range(5)]
        self.webhooks_store(uow_factory, endpoint, other, *mine, webhooks_sample_delivery(other))
        with uow_factory() as uow:
            assert uow.webhooks.count_deliveries(endpoint.id) == 5
            assert uow.webhooks.count_deliveries(new_id()) == 0
            first = uow.webhooks.deliveries(endpoint.id, limit=2)
            rest = uow.webhooks.deliveries(endpoint.id, limit=10, offset=2)
        assert [d.id for d in first] == [mine[4].id, mine[3].id]
        assert [d.id for d in rest] == [mine[2].id, mine[1].id, mine[0].id]

    def test_webhooks_attempts_are_read_for_several_deliveries_newest_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        endpoint = webhooks_sample_endpoint()
        one, two, three = (webhooks_sample_delivery(endpoint, m) for m in (1, 2, 3))
        attempts = [
            webhooks_sample_attempt(one, 1, 2),
            webhooks_sample_attempt(two, 1, 3),
            webhooks_sample_attempt(one, 2, 4),
            webhooks_sample_attempt(three, 1, 5),
        ]
        self.webhooks_store(uow_factory, endpoint, one, two, three, *attempts)
        with uow_factory() as uow:
            found = uow.webhooks.attempts([one.id, two.id])
            assert uow.webhooks.attempts([]) == []
        assert found == [attempts[2], attempts[1], attempts[0]]

    def test_webhooks_removing_an_endpoint_removes_its_log(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        endpoint, other = webhooks_sample_endpoint(), webhooks_sample_endpoint(1)
        gone, kept = webhooks_sample_delivery(endpoint), webhooks_sample_delivery(other)
        self.webhooks_store(
            uow_factory,
            endpoint,
            other,
            gone,
            kept,
            webhooks_sample_attempt(gone, 1, 1),
            webhooks_sample_attempt(kept, 1, 1),
        )
        with uow_factory() as uow:
            uow.webhooks.remove_endpoint(endpoint.id)
            uow.commit()
        with uow_factory() as uow:
            assert uow.webhooks.get_endpoint(endpoint.id) is None
            assert uow.webhooks.get_delivery(gone.id) is None
            assert uow.webhooks.attempts([gone.id]) == []
            assert len(uow.webhooks.attempts([kept.id])) == 1
            assert [e.id for e in uow.webhooks.endpoints()] == [other.id]

    def test_webhooks_deliveries_about_an_erased_account_go(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        endpoint = webhooks_sample_endpoint()
        about, other = webhooks_sample_delivery(endpoint), webhooks_sample_delivery(endpoint, 1)
        about.payload = '{"data":{"client":{"id":"acc_1%x"}}}'
        other.payload = '{"data":{"client":{"id":"acc_12x"}}}'
        self.webhooks_store(
            uow_factory, endpoint, about, other, webhooks_sample_attempt(about, 1, 1)
        )
        with uow_factory() as uow:
            assert uow.webhooks.delete_deliveries_about("acc_1%x") == 1
            uow.commit()
        with uow_factory() as uow:
            assert uow.webhooks.get_delivery(about.id) is None
            assert uow.webhooks.attempts([about.id]) == []
            assert uow.webhooks.get_delivery(other.id) is not None

    def test_webhooks_pruning_removes_only_old_finished_deliveries(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        endpoint = webhooks_sample_endpoint()
        old_done, old_failed, old_pending, new_done = (
            webhooks_sample_delivery(endpoint, m) for m in (1, 2, 3, 30)
        )
        old_done.delivered(at(1), 200)
        old_failed.give_up(at(2), "the endpoint is paused")
        new_done.delivered(at(30), 200)
        self.webhooks_store(
            uow_factory,
            endpoint,
            old_done,
            old_failed,
            old_pending,
            new_done,
            webhooks_sample_attempt(old_done, 1, 1),
        )
        with uow_factory() as uow:
            assert uow.webhooks.prune(at(10)) == 2
            uow.commit()
        with uow_factory() as uow:
            left = uow.webhooks.deliveries(endpoint.id, limit=10)
            assert uow.webhooks.attempts([old_done.id]) == []
        assert [d.id for d in left] == [new_done.id, old_pending.id]

    def test_webhooks_nothing_is_kept_without_a_commit(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        endpoint = webhooks_sample_endpoint()
        with uow_factory() as uow:
            uow.webhooks.add_endpoint(endpoint)
            uow.webhooks.add_delivery(webhooks_sample_delivery(endpoint))
        with uow_factory() as uow:
            assert uow.webhooks.endpoints() == []
            assert uow.webhooks.pending_count() == 0
