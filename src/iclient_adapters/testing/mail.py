"""The mail contracts (transports, and the ``Mailer`` port), and a real SMTP server to test
against.

To check a transport of your own, mix :class:`TransportContract` into a test class that
provides a ``transport_harness`` fixture; for a ``Mailer`` of your own, :class:`MailerContract`
with a ``mailer_harness`` fixture::

    class TestMyTransport(TransportContract):
        @pytest.fixture
        def transport_harness(self):
            transport = MyTransport(...)
            yield Harness(transport, collect=lambda: fetch_what_arrived())

    class TestMyMailer(MailerContract):
        @pytest.fixture
        def mailer_harness(self):
            outbox = []
            return MailerHarness(MyMailer(outbox), collect=lambda: list(outbox))

:class:`RecordingSmtpServer` (needs ``aiosmtpd``, from the ``test`` extra) is an SMTP server on
127.0.0.1 that keeps what it receives.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import TracebackType
from typing import Any, Protocol

import attrs
import pytest

from iclient_adapters.mail.render import render
from iclient_adapters.mail.transports import Transport
from iclient_core.notifications.model import Kind, Notification, OutboxMessage
from iclient_core.notifications.ports import Mailer

SENDER = "Oficina Exemplo <no-reply@example.test>"


class TransportHarness(Protocol):
    """What the ``transport_harness`` fixture gives the contract."""

    transport: Transport

    def received(self) -> list[EmailMessage]:
        """The messages that actually arrived at the far end, oldest first."""

    def envelope_recipients(self) -> list[list[str]] | None:
        """The envelope recipients of each message, where the transport has an envelope."""


@attrs.define
class Harness:
    """A ready ``TransportHarness``: a transport and functions that read the far end.

    Attributes:
        transport: the transport under test.
        collect: returns what arrived.
        envelopes: returns the envelope recipients per message (None: no envelope).
    """

    transport: Transport
    collect: Callable[[], list[EmailMessage]]
    envelopes: Callable[[], list[list[str]]] | None = None

    def received(self) -> list[EmailMessage]:
        """The messages that arrived."""
        return self.collect()

    def envelope_recipients(self) -> list[list[str]] | None:
        """The envelope recipients per message, or None."""
        return self.envelopes() if self.envelopes else None


def parse(raw: bytes) -> EmailMessage:
    """Parse raw RFC 5322 bytes the way the tests read messages."""
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def sample_message(
    *,
    to_name: str = "João Araújo",
    to_address: str = "joao@example.pt",
    message_id: str = "<contract-1@example.test>",
    link: str = "https://portal.example.test/pt/auth/activate/abc",
    unsubscribe_link: str = "",
) -> EmailMessage:
    """A rendered Portuguese activation e-mail, as the portal sends it (with one-click
    unsubscribe headers when ``unsubscribe_link`` is given, as a non-essential one is)."""
    notification = Notification(
        kind=Kind.ACTIVATION,
        to_address=to_address,
        to_name=to_name,
        language="pt",
        context={
            "first_name": "João",
            "business_name": "Oficina Exemplo",
            "link": link,
            "hours": "48",
            **({"unsubscribe_link": unsubscribe_link} if unsubscribe_link else {}),
        },
    )
    return render(notification, sender=SENDER, message_id=message_id)


def header_recipients(msg: EmailMessage) -> list[str]:
    """Every address in the To, Cc and Bcc headers of ``msg``."""
    found: list[str] = []
    for name in ("To", "Cc", "Bcc"):
        for header in msg.get_all(name, []):
            found.extend(a.addr_spec for a in getattr(header, "addresses", ()))
    return found


def _text(msg: EmailMessage, subtype: str) -> str:
    part = msg.get_body(preferencelist=(subtype,))
    assert isinstance(part, EmailMessage), f"no text/{subtype} part"
    assert part.get_content_charset() == "utf-8"
    return str(part.get_content())


class TransportContract:
    """Needs ``transport_harness``: a :class:`TransportHarness` (use :class:`Harness`) around
    the transport under test. Checks that a rendered message arrives whole (headers, both
    parts, UTF-8), one send is one message, and a recipient's name cannot add a header."""

    def test_transport_a_rendered_message_arrives_whole(
        self, transport_harness: TransportHarness
    ) -> None:
        """Subject, both parts, UTF-8 accents, Message-ID and recipient survive the trip."""
        sent = sample_message()
        transport_harness.transport.send(sent)
        [got] = transport_harness.received()
        assert got["Subject"] == sent["Subject"] == "Ativação da sua conta em Oficina Exemplo"
        assert got["Message-ID"] == "<contract-1@example.test>"
        assert header_recipients(got) == ["joao@example.pt"]
        assert got["To"].addresses[0].display_name == "João Araújo"
        assert got.get_content_type() == "multipart/alternative"
        text, html = _text(got, "plain"), _text(got, "html")
        assert "Olá, João" in text
        assert "ativação" in text
        assert "https://portal.example.test/pt/auth/activate/abc" in text
        assert "Olá, João" in html
        assert 'href="https://portal.example.test/pt/auth/activate/abc"' in html

    def test_transport_two_messages_arrive_as_two(
        self, transport_harness: TransportHarness
    ) -> None:
        """Each send is one message at the far end, in order."""
        transport_harness.transport.send(sample_message(message_id="<one@example.test>"))
        transport_harness.transport.send(
            sample_message(message_id="<two@example.test>", to_address="ana@example.pt")
        )
        got = transport_harness.received()
        assert sorted(m["Message-ID"] for m in got) == ["<one@example.test>", "<two@example.test>"]
        by_id = {m["Message-ID"]: header_recipients(m) for m in got}
        assert by_id["<two@example.test>"] == ["ana@example.pt"]

    def test_transport_extra_headers_arrive(self, transport_harness: TransportHarness) -> None:
        """The one-click unsubscribe headers (RFC 8058) survive the trip unchanged."""
        link = "https://portal.example.test/pt/unsubscribe/eyJhIjoiMDEifQ.Zx-_y8.AbC-d_E0f"
        transport_harness.transport.send(sample_message(unsubscribe_link=link))
        [got] = transport_harness.received()
        # A long value may be folded onto a second line: unfolded, it is the same.
        assert str(got["List-Unsubscribe"]).strip() == f"<{link}>"
        assert got["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert link in _text(got, "plain")
        assert f'href="{link}"' in _text(got, "html")

    def test_transport_a_name_cannot_add_a_header(
        self, transport_harness: TransportHarness
    ) -> None:
        """A CR/LF in the recipient's name adds no Bcc: the mail goes to them alone."""
        transport_harness.transport.send(
            sample_message(to_name='Ana "A" Silva\r\nBcc: evil@x.example')
        )
        [got] = transport_harness.received()
        assert got["Bcc"] is None
        assert all(not line.lower().startswith(b"bcc:") for line in got.as_bytes().splitlines())
        assert header_recipients(got) == ["joao@example.pt"]
        envelopes = transport_harness.envelope_recipients()
        if envelopes is not None:
            assert envelopes == [["joao@example.pt"]]


@attrs.define
class MailerHarness:
    """What the ``mailer_harness`` fixture gives :class:`MailerContract`.

    Attributes:
        mailer: the ``Mailer`` under test.
        collect: returns the e-mails that arrived at the far end, oldest first.
    """

    mailer: Mailer
    collect: Callable[[], list[EmailMessage]]

    def received(self) -> list[EmailMessage]:
        """The e-mails that arrived."""
        return self.collect()


def queued(
    *,
    outbox_id: str = "c0ffee01",
    to_address: str = "joao@example.pt",
    language: str = "pt",
    link: str = "https://portal.example.test/pt/auth/activate/abc",
) -> OutboxMessage:
    """An activation e-mail waiting in the outbox, with what its templates need."""
    notification = Notification(
        kind=Kind.ACTIVATION,
        to_address=to_address,
        to_name="João Araújo",
        language=language,
        context={
            "first_name": "João",
            "business_name": "Oficina Exemplo",
            "link": link,
            "hours": "48",
        },
    )
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    return OutboxMessage.queue(id=outbox_id, notification=notification, now=now, domain="x.test")


def _body_text(msg: EmailMessage) -> str:
    """Every text part of ``msg``, joined."""
    return "\n".join(
        str(part.get_content()) for part in msg.walk() if part.get_content_maintype() == "text"
    )


class MailerContract:
    """Needs ``mailer_harness``: a :class:`MailerHarness` around the ``Mailer`` under test.
    Checks that each outbox message arrives once, to its recipient alone, under the outbox's
    Message-ID, carrying the notification's link."""

    def test_mailer_sends_the_message_under_its_outbox_message_id(
        self, mailer_harness: MailerHarness
    ) -> None:
        message = queued()
        mailer_harness.mailer.send(message)
        [got] = mailer_harness.received()
        assert got["Message-ID"] == message.message_id
        assert header_recipients(got) == ["joao@example.pt"]
        assert got["Subject"] and got["From"]

    def test_mailer_the_email_carries_the_link(self, mailer_harness: MailerHarness) -> None:
        for language in ("pt", "en"):
            link = f"https://portal.example.test/{language}/auth/activate/t0k3n-{language}"
            mailer_harness.mailer.send(queued(outbox_id=language, language=language, link=link))
        english = [m for m in mailer_harness.received() if "t0k3n-en" in _body_text(m)]
        portuguese = [m for m in mailer_harness.received() if "t0k3n-pt" in _body_text(m)]
        assert len(english) == len(portuguese) == 1

    def test_mailer_a_non_essential_message_carries_one_click_unsubscribe(
        self, mailer_harness: MailerHarness
    ) -> None:
        essential = queued(outbox_id="essential")
        optional = queued(outbox_id="optional")
        link = "https://portal.example.test/en/unsubscribe/t0k3n"
        optional.notification.context["unsubscribe_link"] = link
        mailer_harness.mailer.send(essential)
        mailer_harness.mailer.send(optional)
        by_id = {m["Message-ID"]: m for m in mailer_harness.received()}
        assert by_id["<essential@x.test>"]["List-Unsubscribe"] is None
        assert by_id["<essential@x.test>"]["List-Unsubscribe-Post"] is None
        assert str(by_id["<optional@x.test>"]["List-Unsubscribe"]).strip() == f"<{link}>"
        assert by_id["<optional@x.test>"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    def test_mailer_a_booking_arrives_with_its_calendar_file(
        self, mailer_harness: MailerHarness
    ) -> None:
        notification = Notification(
            kind=Kind.BOOKING_CONFIRMED,
            to_address="ana@example.pt",
            to_name="Ana Silva",
            language="en",
            context={
                "first_name": "Ana",
                "business_name": "Oficina Exemplo",
                "service_name": "Consultation",
                "when": "2026-01-06 10:00 (Europe/Lisbon)",
                "change": "",
                "manage_link": "https://portal.example.test/en/book/manage/t0k3n",
                "ics_uid": "b1@iclient",
                "ics_start": "2026-01-06T10:00:00+00:00",
                "ics_end": "2026-01-06T10:30:00+00:00",
                "ics_summary": "Consultation",
                "ics_sequence": "0",
                "ics_status": "CONFIRMED",
                "ics_stamp": "2026-01-05T09:00:00+00:00",
            },
        )
        now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        mailer_harness.mailer.send(
            OutboxMessage.queue(id="ics", notification=notification, now=now, domain="x.test")
        )
        [got] = mailer_harness.received()
        [calendar] = [p for p in got.walk() if p.get_content_type() == "text/calendar"]
        assert calendar.get_filename() == "booking.ics"
        content = calendar.get_content()
        text = content.decode() if isinstance(content, bytes) else str(content)
        assert "UID:b1@iclient" in text
        assert "DTSTART:20260106T100000Z" in text
        assert "t0k3n" in _body_text(got)

    def test_mailer_each_message_goes_to_its_recipient_alone(
        self, mailer_harness: MailerHarness
    ) -> None:
        mailer_harness.mailer.send(queued(outbox_id="one", to_address="ana@example.pt"))
        mailer_harness.mailer.send(queued(outbox_id="two", to_address="rui@example.pt"))
        got = mailer_harness.received()
        assert len(got) == 2
        by_id = {m["Message-ID"]: header_recipients(m) for m in got}
        assert by_id == {"<one@x.test>": ["ana@example.pt"], "<two@x.test>": ["rui@example.pt"]}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the moment of asking)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@attrs.frozen
class Envelope:
    """One SMTP transaction as the server saw it."""

    mail_from: str
    rcpt_tos: list[str]
    content: bytes


class _Collector:
    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(
            Envelope(
                mail_from=str(envelope.mail_from),
                rcpt_tos=list(envelope.rcpt_tos),
                content=bytes(envelope.original_content or envelope.content),
            )
        )
        return "250 Message accepted for delivery"


class RecordingSmtpServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it accepts.

    Use as a context manager or call ``start()``/``stop()``. Extra keyword arguments go to
    aiosmtpd's ``Controller`` (``tls_context``, ``authenticator``, ``ssl_context``…).

    Args:
        port: the port to listen on; a free one by default.
    """

    host = "127.0.0.1"

    def __init__(self, port: int | None = None, **options: Any) -> None:
        self.port = port or free_port()
        self._options = options
        self._collector = _Collector()
        self._controller: Any = None

    @property
    def envelopes(self) -> list[Envelope]:
        """Every accepted transaction, oldest first."""
        return list(self._collector.envelopes)

    def messages(self) -> list[EmailMessage]:
        """Every accepted message, parsed."""
        return [parse(e.content) for e in self._collector.envelopes]

    def recipients(self) -> list[list[str]]:
        """The envelope recipients of every accepted message."""
        return [list(e.rcpt_tos) for e in self._collector.envelopes]

    def start(self) -> RecordingSmtpServer:
        """Start listening (in a thread of its own)."""
        controller_module = pytest.importorskip("aiosmtpd.controller")
        self._controller = controller_module.Controller(
            self._collector,
            hostname=self.host,
            port=self.port,
            server_hostname="smtp.iclient.test",
            **self._options,
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> RecordingSmtpServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
