"""The SMS gateways, each through the one contract suite (Twilio's against a local fake
HTTP server), the SMS URL, the templates, and SMS through the outbox with retries."""

from __future__ import annotations

import contextlib
import io
import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iclient_adapters.clock import FrozenClock
from iclient_adapters.sms import (
    ConsoleGateway,
    FileGateway,
    MemoryGateway,
    SentSms,
    TemplateSms,
    TwilioGateway,
    build_gateway,
    build_sms,
    render_text,
)
from iclient_adapters.testing import make_services
from iclient_adapters.testing.samples import T0
from iclient_adapters.testing.sms import FakeTwilio, SmsGatewayContract, SmsHarness
from iclient_core.notifications.delivery import deliver_outbox
from iclient_core.notifications.model import Channel, Kind, Notification, OutboxMessage
from iclient_core.shared.errors import DeliveryFailed

# --------------------------------------------------------------------------- the contract


class TestMemoryGateway(SmsGatewayContract):
    @pytest.fixture
    def sms_harness(self) -> SmsHarness:
        gateway = MemoryGateway()

        @contextlib.contextmanager
        def outage() -> Iterator[None]:
            gateway.down = True
            yield
            gateway.down = False

        return SmsHarness(gateway=gateway, collect=lambda: list(gateway.sent), outage=outage)


def _printed(text: str) -> list[SentSms]:
    found = []
    for block in text.split("-" * 72 + "\n"):
        lines = block.strip("\n").split("\n")
        if lines and lines[0].startswith("SMS to "):
            to = lines[0].removeprefix("SMS to ").split(" ", 1)[0]
            found.append(SentSms(to=to, text="\n".join(lines[1:]).rstrip("-\n"), message_id=""))
    return found


class TestConsoleGateway(SmsGatewayContract):
    @pytest.fixture
    def sms_harness(self) -> SmsHarness:
        stream = io.StringIO()
        gateway = ConsoleGateway(stream)

        @contextlib.contextmanager
        def outage() -> Iterator[None]:
            closed = io.StringIO()
            closed.close()
            gateway.stream = closed
            yield
            gateway.stream = stream

        return SmsHarness(
            gateway=gateway, collect=lambda: _printed(stream.getvalue()), outage=outage
        )


class TestFileGateway(SmsGatewayContract):
    @pytest.fixture
    def sms_harness(self, tmp_path: Path) -> SmsHarness:
        folder = tmp_path / "sms"
        gateway = FileGateway(folder)

        @contextlib.contextmanager
        def outage() -> Iterator[None]:
            folder.rename(tmp_path / "away")
            folder.write_text("a file where the folder was")
            yield
            folder.unlink()
            (tmp_path / "away").rename(folder)

        return SmsHarness(gateway=gateway, collect=gateway.messages, outage=outage)


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio() as server:
        yield server


class TestTwilioGateway(SmsGatewayContract):
    @pytest.fixture
    def sms_harness(self, twilio: FakeTwilio) -> SmsHarness:
        gateway = build_gateway(twilio.url, instance_path="/nonexistent")
        assert isinstance(gateway, TwilioGateway)
        return SmsHarness(gateway=gateway, collect=twilio.messages, outage=twilio.outage)


# --------------------------------------------------------------------------- Twilio


def _gateway(twilio: FakeTwilio, **changes: str) -> TwilioGateway:
    options = {
        "account_sid": twilio.account_sid,
        "auth_token": twilio.auth_token,
        "sender": "+351300000000",
        **changes,
    }
    return TwilioGateway(base_url=twilio.base_url, timeout=5, **options)


def test_twilio_posts_the_form_with_basic_auth(twilio: FakeTwilio) -> None:
    _gateway(twilio).send("+351912345678", "Olá — código 1", message_id="<m1@x.test>")
    [request] = twilio.requests
    assert request.path == f"/2010-04-01/Accounts/{twilio.account_sid}/Messages.json"
    assert (request.user, request.password) == (twilio.account_sid, twilio.auth_token)
    assert request.form["To"] == "+351912345678"
    assert request.form["From"] == "+351300000000"
    assert request.form["Body"] == "Olá — código 1"


def test_twilio_a_messaging_service_goes_as_its_own_field(twilio: FakeTwilio) -> None:
    _gateway(twilio, sender="MG" + "1" * 32).send("+351912345678", "x", message_id="<m@x>")
    [request] = twilio.requests
    assert request.form["MessagingServiceSid"] == "MG" + "1" * 32
    assert "From" not in request.form


@pytest.mark.parametrize(
    ("gateway_changes", "to", "status"),
    [({"auth_token": "wrong"}, "+351912345678", "401"), ({}, "912345678", "400")],
)
def test_twilio_refusals_are_permanent_and_never_show_the_token(
    twilio: FakeTwilio, gateway_changes: dict[str, str], to: str, status: str
) -> None:
    with pytest.raises(DeliveryFailed) as failure:
        _gateway(twilio, **gateway_changes).send(to, "x", message_id="<m@x>")
    assert failure.value.permanent
    assert status in str(failure.value)
    assert twilio.auth_token not in str(failure.value)


@pytest.mark.parametrize("status", [429, 500, 503])
def test_twilio_busy_or_broken_is_temporary(twilio: FakeTwilio, status: int) -> None:
    with twilio.outage(status), pytest.raises(DeliveryFailed) as failure:
        _gateway(twilio).send("+351912345678", "x", message_id="<m@x>")
    assert not failure.value.permanent


def test_twilio_unreachable_is_temporary() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gateway = TwilioGateway(
        account_sid="AC1", auth_token="t", sender="+1555", base_url=f"http://127.0.0.1:{port}"
    )
    with pytest.raises(DeliveryFailed) as failure:
        gateway.send("+351912345678", "x", message_id="<m@x>")
    assert not failure.value.permanent


# --------------------------------------------------------------------------- the URL


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("memory://", MemoryGateway),
        ("console://", ConsoleGateway),
        ("twilio://AC123:tok@api.twilio.com?from=%2B351300000000", TwilioGateway),
    ],
)
def test_the_sms_url_picks_the_gateway(url: str, expected: type, tmp_path: Path) -> None:
    assert isinstance(build_gateway(url, instance_path=tmp_path), expected)


def test_twilio_url_is_https_unless_asked_for_http_and_reads_its_parts(tmp_path: Path) -> None:
    gateway = build_gateway(
        "twilio://AC123:t%2Fk@api.twilio.com?from=%2B351300000000&timeout=3",
        instance_path=tmp_path,
    )
    assert isinstance(gateway, TwilioGateway)
    assert gateway.endpoint == "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json"
    assert (gateway.account_sid, gateway.sender, gateway.timeout) == ("AC123", "+351300000000", 3)
    local = build_gateway("twilio+http://A:B@127.0.0.1:9999?from=MG1", instance_path=tmp_path)
    assert isinstance(local, TwilioGateway)
    assert local.base_url == "http://127.0.0.1:9999"


def test_file_url_defaults_to_the_instance_folder(tmp_path: Path) -> None:
    gateway = build_gateway("file://", instance_path=tmp_path)
    assert isinstance(gateway, FileGateway)
    assert gateway.folder == tmp_path / "sms"
    assert build_sms("none://", instance_path=tmp_path) is None


@pytest.mark.parametrize(
    "url",
    [
        "pigeon://",
        "twilio://api.twilio.com?from=%2B1",
        "twilio://AC1:secret-token@api.twilio.com",
        "memory://?colour=blue",
        "file://host/folder",
    ],
)
def test_the_sms_url_refuses_what_it_does_not_know_without_repeating_it(
    url: str, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="ICLIENT_SMS_URL") as error:
        build_gateway(url, instance_path=tmp_path)
    assert "secret-token" not in str(error.value)


# --------------------------------------------------------------------------- templates


SMS_CONTEXTS = {
    Kind.PHONE_CODE: {"code": "042917"},
    Kind.DOCUMENT_PUBLISHED: {"count": "2", "link": "https://p.example.test/pt/documents"},
    Kind.QUOTE_EXPIRING: {
        "reference": "ORC 2026/0001",
        "valid_until": "31/01/2026",
        "link": "https://p.example.test/pt/quotes/Q1",
    },
    Kind.QUOTE_SENT: {
        "reference": "ORC 2026/0001",
        "total": "1.234,56\u00a0€",
        "link": "https://p.example.test/pt/quotes/Q1",
    },
    Kind.BOOKING_REMINDER: {
        "service_name": "Consulta",
        "when": "2026-01-07 10:00 (Europe/Lisbon)",
        "manage_link": "https://p.example.test/pt/book/manage/t0k3n",
    },
    Kind.SUPPORT_REPLY: {
        "author": "Rui Lopes",
        "request_subject": "A impressora não imprime",
        "link": "https://p.example.test/pt/support/S1",
    },
}


def _sms(kind: Kind, language: str, to: str = "+351912345678") -> OutboxMessage:
    notification = Notification(
        kind=kind,
        to_address=to,
        to_name="Ana Sousa",
        language=language,
        context={"business_name": "Oficina Exemplo", "first_name": "Ana", **SMS_CONTEXTS[kind]},
        channel=Channel.SMS.value,
    )
    return OutboxMessage.queue(
        id=f"{kind}-{language}", notification=notification, now=T0, domain="x"
    )


@pytest.mark.parametrize("language", ["pt", "en"])
@pytest.mark.parametrize("kind", list(SMS_CONTEXTS))
def test_every_sms_kind_renders_on_one_line_in_both_languages(kind: Kind, language: str) -> None:
    text = render_text(_sms(kind, language).notification)
    assert "\n" not in text and text.startswith("Oficina Exemplo: ")
    for value in SMS_CONTEXTS[kind].values():
        if value != "2":
            assert value in text
    other = render_text(_sms(kind, "en" if language == "pt" else "pt").notification)
    assert text != other


def test_the_sms_sender_hands_the_rendered_text_to_the_gateway() -> None:
    gateway = MemoryGateway()
    TemplateSms(gateway).send(_sms(Kind.PHONE_CODE, "pt"))
    [sent] = gateway.sent
    assert sent.to == "+351912345678"
    assert "042917" in sent.text and "código" in sent.text
    assert sent.message_id == "<phone_code-pt@x>"


@pytest.mark.parametrize(
    "message",
    [_sms(Kind.PHONE_CODE, "pt", to="joao@example.pt"), _sms(Kind.PHONE_CODE, "pt", to="")],
)
def test_an_sms_without_a_phone_number_fails_for_good(message: OutboxMessage) -> None:
    with pytest.raises(DeliveryFailed) as failure:
        TemplateSms(MemoryGateway()).send(message)
    assert failure.value.permanent


def test_a_kind_with_no_sms_template_fails_for_good() -> None:
    message = _sms(Kind.PHONE_CODE, "pt")
    message.notification.context.clear()
    with pytest.raises(DeliveryFailed) as failure:
        TemplateSms(MemoryGateway()).send(message)
    assert failure.value.permanent


# --------------------------------------------------------------------------- outbox


def test_sms_go_through_the_outbox_and_are_retried_after_an_outage(twilio: FakeTwilio) -> None:
    """With the provider down the SMS waits in the outbox; after the back-off it goes,
    once."""
    clock = FrozenClock(T0)
    sms = build_sms(twilio.url, instance_path="/nonexistent")
    assert sms is not None
    services = make_services(clock=clock, sms=sms)
    with services.uow() as uow:
        uow.outbox.add(_sms(Kind.PHONE_CODE, "en"))
        uow.commit()
    with twilio.outage():
        report = deliver_outbox(services=services)
    assert (report.sent, report.failed) == (0, 1)
    assert twilio.messages() == []
    assert deliver_outbox(services=services).sent == 0  # still backing off
    clock.advance(timedelta(minutes=5))
    assert deliver_outbox(services=services).sent == 1
    assert deliver_outbox(services=services).sent == 0
    [got] = twilio.messages()
    assert "042917" in got.text


def test_without_an_sms_provider_an_sms_is_given_up_not_mailed() -> None:
    services = attrs.evolve(make_services(), sms=None)
    with services.uow() as uow:
        uow.outbox.add(_sms(Kind.PHONE_CODE, "pt"))
        uow.commit()
    assert deliver_outbox(services=services).failed == 1
    assert services.mailer.sent == []  # type: ignore[attr-defined]
    with services.uow() as uow:
        assert uow.outbox.pending_count() == 0


def test_the_file_gateway_replaces_a_resent_message(tmp_path: Path) -> None:
    gateway = FileGateway(tmp_path)
    gateway.send("+351912345678", "um", message_id="<same@x>")
    gateway.send("+351912345678", "dois", message_id="<same@x>")
    assert [m.text for m in gateway.messages()] == ["dois"]


@settings(max_examples=200, deadline=None)
@given(url=st.text(max_size=80) | st.builds(lambda s: "twilio://" + s, st.text(max_size=60)))
def test_any_sms_url_builds_a_gateway_or_says_what_is_wrong(url: str) -> None:
    try:
        build_gateway(url, instance_path="/nonexistent-instance")
    except ValueError as error:
        assert "ICLIENT_SMS_URL" in str(error)
    except OSError:
        pass  # a file:// folder that cannot be made here
