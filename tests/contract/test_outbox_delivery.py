"""The reliability story on real parts: an SMTP outage delays an activation e-mail, never loses it.

A client registers while the mail server is down; registration succeeds and the e-mail waits
in the outbox. Once the server is back and the back-off has passed, it goes out exactly once.
"""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import attrs
import pytest

from iclient_adapters.clock import FrozenClock
from iclient_adapters.mail import MemoryTransport, SmtpTransport, TemplateMailer
from iclient_adapters.memory import MemoryStore
from iclient_adapters.testing import TEST_BASE_URL, make_services
from iclient_adapters.testing.mail import RecordingSmtpServer, free_port
from iclient_core.accounts.registration import register_client
from iclient_core.notifications.delivery import deliver_outbox
from iclient_core.notifications.model import MAX_ATTEMPTS, OutboxMessage, backoff
from iclient_core.services import Services
from iclient_core.shared.errors import DeliveryFailed

SENDER = "Oficina Exemplo <no-reply@example.test>"


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def services(store: MemoryStore, clock: FrozenClock) -> Services:
    return make_services(uow=store.unit_of_work, clock=clock)


def register_ana(services: Services) -> None:
    register_client(
        services=services,
        first_name="Ana",
        last_name="Silva",
        phone="912345678",
        email="ana@example.pt",
        language="pt",
        ip="127.0.0.1",
    )


def the_message(store: MemoryStore) -> OutboxMessage:
    [message] = store.state.outbox.values()
    return message


def text_of(msg: EmailMessage) -> str:
    body = msg.get_body(preferencelist=("plain",))
    assert isinstance(body, EmailMessage)
    return str(body.get_content())


def test_an_smtp_outage_delays_the_activation_mail_but_never_loses_it(
    services: Services, store: MemoryStore, clock: FrozenClock
) -> None:
    port = free_port()  # nothing listens here yet: the mail server is down
    mailer = TemplateMailer(SmtpTransport("127.0.0.1", port, timeout=5), sender=SENDER)

    register_ana(services)  # does not fail, does not even try to send

    report = deliver_outbox(services=attrs.evolve(services, mailer=mailer))
    assert (report.sent, report.failed) == (0, 1)
    waiting = the_message(store)
    assert waiting.sent_at is None
    assert waiting.attempts == 1
    assert waiting.next_attempt_at == clock.now() + backoff(1) > clock.now()
    assert waiting.last_error and "127.0.0.1" in waiting.last_error
    with services.uow() as uow:
        assert uow.outbox.pending_count() == 1

    # Before the back-off has passed nothing is tried, even with the server back.
    with RecordingSmtpServer(port=port) as server:
        assert deliver_outbox(services=attrs.evolve(services, mailer=mailer)).sent == 0
        assert server.envelopes == []

        clock.advance(backoff(1) + timedelta(seconds=1))
        report = deliver_outbox(services=attrs.evolve(services, mailer=mailer))
        assert (report.sent, report.failed) == (1, 0)

        [arrived] = server.messages()
        assert server.recipients() == [["ana@example.pt"]]
        assert arrived["Message-ID"] == waiting.message_id
        assert f"{TEST_BASE_URL}/pt/auth/activate/" in text_of(arrived)
        assert "Olá, Ana" in text_of(arrived)

        # Exactly once: later rounds find nothing to send.
        clock.advance(timedelta(days=2))
        assert deliver_outbox(services=attrs.evolve(services, mailer=mailer)).sent == 0
        assert len(server.envelopes) == 1

    sent = the_message(store)
    assert sent.sent_at == clock.now() - timedelta(days=2)
    assert sent.attempts == 1
    with services.uow() as uow:
        assert uow.outbox.pending_count() == 0


class FailingTransport:
    """A transport whose server is down until ``up`` is set; counts every try."""

    def __init__(self) -> None:
        self.tries = 0
        self.up = False
        self.delivered = MemoryTransport()

    def send(self, msg: EmailMessage) -> None:
        self.tries += 1
        if not self.up:
            raise DeliveryFailed("421 4.3.2 service not available, try later")
        self.delivered.send(msg)


def test_the_delay_doubles_up_to_an_hour_and_the_message_is_given_up_after_max_attempts(
    services: Services, store: MemoryStore, clock: FrozenClock
) -> None:
    transport = FailingTransport()
    mailer = TemplateMailer(transport, sender=SENDER)
    register_ana(services)

    delays = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        clock.current = max(clock.now(), the_message(store).next_attempt_at)
        report = deliver_outbox(services=attrs.evolve(services, mailer=mailer))
        assert (report.sent, report.failed) == (0, 1)
        message = the_message(store)
        assert message.attempts == attempt
        assert "421" in (message.last_error or "")
        delays.append(message.next_attempt_at - clock.now())

    assert delays[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert delays == sorted(delays)
    assert max(delays) == timedelta(hours=1)
    assert the_message(store).given_up

    # Given up: not tried again, even once the server is back, and no longer pending.
    transport.up = True
    clock.advance(timedelta(days=7))
    assert deliver_outbox(services=attrs.evolve(services, mailer=mailer)).sent == 0
    assert transport.tries == MAX_ATTEMPTS
    assert transport.delivered.sent == []
    with services.uow() as uow:
        assert uow.outbox.pending_count() == 0


def test_a_message_goes_out_once_the_server_recovers_between_tries(
    services: Services, store: MemoryStore, clock: FrozenClock
) -> None:
    transport = FailingTransport()
    mailer = TemplateMailer(transport, sender=SENDER)
    register_ana(services)

    for _ in range(3):
        clock.current = max(clock.now(), the_message(store).next_attempt_at)
        deliver_outbox(services=attrs.evolve(services, mailer=mailer))
    transport.up = True
    assert (
        deliver_outbox(services=attrs.evolve(services, mailer=mailer)).sent == 0
    )  # still backing off
    clock.current = the_message(store).next_attempt_at
    assert deliver_outbox(services=attrs.evolve(services, mailer=mailer)).sent == 1
    assert deliver_outbox(services=attrs.evolve(services, mailer=mailer)).sent == 0

    [sent] = transport.delivered.sent
    assert sent["Message-ID"] == the_message(store).message_id
    assert the_message(store).attempts == 3
    assert transport.tries == 4
