"""The mail adapter: every transport passes the one contract; rendering in every language."""

from __future__ import annotations

import datetime as dt
import logging
import re
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from iclient_adapters.mail import (
    ConsoleTransport,
    FileTransport,
    MemoryTransport,
    SmtpTransport,
    TemplateMailer,
    build_mailer,
    render,
)
from iclient_adapters.mail.render import LANGUAGES
from iclient_adapters.memory import MemoryMailer
from iclient_adapters.testing.mail import (
    Harness,
    MailerContract,
    MailerHarness,
    RecordingSmtpServer,
    TransportContract,
    free_port,
    parse,
    sample_message,
)
from iclient_core.notifications.model import Kind, Notification, OutboxMessage
from iclient_core.shared.errors import DeliveryFailed

# --------------------------------------------------------------------------- the contracts


class TestTemplateMailer(MailerContract):
    """MailerContract on the Jinja2 mailer, over the memory transport."""

    @pytest.fixture
    def mailer_harness(self) -> MailerHarness:
        transport = MemoryTransport()
        mailer = TemplateMailer(transport, sender="Oficina <no-reply@example.test>")
        return MailerHarness(mailer, collect=lambda: list(transport.sent))


class TestMemoryMailer(MailerContract):
    """MailerContract on the in-memory mailer; what it keeps is rendered as it would arrive."""

    @pytest.fixture
    def mailer_harness(self) -> MailerHarness:
        mailer = MemoryMailer()

        def collect() -> list[EmailMessage]:
            return [
                render(m.notification, sender="a <a@example.test>", message_id=m.message_id)
                for m in mailer.sent
            ]

        return MailerHarness(mailer, collect=collect)


class TestMemoryTransport(TransportContract):
    """TransportContract on the list in memory."""

    @pytest.fixture
    def transport_harness(self) -> Harness:
        transport = MemoryTransport()
        return Harness(transport, collect=lambda: list(transport.sent))


class TestFileTransport(TransportContract):
    """TransportContract on a folder of ``.eml`` files."""

    @pytest.fixture
    def transport_harness(self, tmp_path: Path) -> Harness:
        folder = tmp_path / "mail"

        def collect() -> list[EmailMessage]:
            return [parse(p.read_bytes()) for p in sorted(folder.iterdir())]

        return Harness(FileTransport(folder, log_links=False), collect=collect)


class TestSmtpTransport(TransportContract):
    """TransportContract on a real SMTP server (aiosmtpd) on 127.0.0.1."""

    @pytest.fixture
    def transport_harness(self) -> Iterator[Harness]:
        with RecordingSmtpServer() as server:
            yield Harness(
                SmtpTransport(server.host, server.port, timeout=5),
                collect=server.messages,
                envelopes=server.recipients,
            )


# --------------------------------------------------------------------------- transports


def test_file_transport_overwrites_a_resent_message_id(tmp_path: Path) -> None:
    transport = FileTransport(tmp_path, log_links=False)
    transport.send(sample_message(message_id="<same@example.test>"))
    transport.send(sample_message(message_id="<same@example.test>"))
    transport.send(sample_message(message_id="<../../etc/passwd@example.test>"))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2
    assert "same@example.test.eml" in names
    assert all("/" not in n and not n.startswith(".") for n in names)


def test_file_transport_names_a_message_without_message_id(tmp_path: Path) -> None:
    msg = sample_message()
    del msg["Message-ID"]
    FileTransport(tmp_path, log_links=False).send(msg)
    [written] = tmp_path.iterdir()
    assert written.suffix == ".eml"
    assert parse(written.read_bytes())["Subject"] == msg["Subject"]


def test_file_transport_logs_the_links(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="iclient.mail"):
        FileTransport(tmp_path).send(sample_message(to_address="ana@x.pt"))
    assert (
        "mail to ana@x.pt: activation link https://portal.example.test/pt/auth/activate/abc"
        in caplog.messages
    )


def test_file_transport_reports_an_unwritable_folder(tmp_path: Path) -> None:
    transport = FileTransport(tmp_path / "mail", log_links=False)
    (tmp_path / "mail").rmdir()
    (tmp_path / "mail").write_text("not a folder")
    with pytest.raises(DeliveryFailed):
        transport.send(sample_message())


def test_console_transport_prints_the_message(capsys: pytest.CaptureFixture[str]) -> None:
    ConsoleTransport().send(sample_message())
    out = capsys.readouterr().out
    assert "Subject: Ativação da sua conta em Oficina Exemplo" in out
    assert "https://portal.example.test/pt/auth/activate/abc" in out


def test_smtp_down_is_a_delivery_failure() -> None:
    transport = SmtpTransport("127.0.0.1", free_port(), timeout=2)
    with pytest.raises(DeliveryFailed, match=r"127\.0\.0\.1"):
        transport.send(sample_message())


class _Rejecting:
    def __init__(self, code: str) -> None:
        self.code = code

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        return self.code


@pytest.mark.parametrize(
    ("reply", "words"),
    [("450 4.2.0 mailbox busy", "temporary"), ("550 5.1.1 no such user", "permanent")],
)
def test_smtp_rejections_are_delivery_failures(reply: str, words: str) -> None:
    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(
        _Rejecting(reply), hostname="127.0.0.1", port=port, server_hostname="smtp.test"
    )
    controller.start()
    try:
        with pytest.raises(DeliveryFailed, match=words):
            SmtpTransport("127.0.0.1", port, timeout=5).send(sample_message())
    finally:
        controller.stop()


def _self_signed(tmp_path: Path) -> ssl.SSLContext:
    """A server TLS context on a certificate for 127.0.0.1 made for this test."""
    pytest.importorskip("cryptography")
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


def _insecure_client_context() -> ssl.SSLContext:
    # Only here: the test's certificate is self-signed.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
    from aiosmtpd.smtp import AuthResult

    ok = (auth_data.login, auth_data.password) == (b"portal", b"p ss:w/rd")
    return AuthResult(success=ok, handled=False)


def test_smtp_auth_over_starttls(tmp_path: Path) -> None:
    server = RecordingSmtpServer(
        tls_context=_self_signed(tmp_path),
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
    )
    with server:
        mailer = build_mailer(
            f"smtp://portal:p%20ss%3Aw%2Frd@127.0.0.1:{server.port}?starttls=1&timeout=5",
            sender="Oficina <no-reply@example.test>",
            instance_path=tmp_path,
        )
        parsed = mailer.transport
        assert isinstance(parsed, SmtpTransport)
        transport = SmtpTransport(
            parsed.host,
            parsed.port,
            username=parsed.username,
            password=parsed.password,
            starttls=parsed.starttls,
            timeout=parsed.timeout,
            ssl_context=_insecure_client_context(),
        )
        TemplateMailer(transport, sender=mailer.sender).send(_outbox(Kind.PASSWORD_RESET))
        wrong = SmtpTransport(
            "127.0.0.1",
            server.port,
            username="portal",
            password="wrong",
            starttls=True,
            ssl_context=_insecure_client_context(),
            timeout=5,
        )
        with pytest.raises(DeliveryFailed, match="permanent"):
            wrong.send(sample_message())
    assert server.recipients() == [["ana@example.pt"]]


def test_smtps(tmp_path: Path) -> None:
    with RecordingSmtpServer(ssl_context=_self_signed(tmp_path)) as server:
        transport = SmtpTransport(
            "127.0.0.1", server.port, ssl=True, ssl_context=_insecure_client_context(), timeout=5
        )
        transport.send(sample_message())
        verifying = SmtpTransport("127.0.0.1", server.port, ssl=True, timeout=5)
        with pytest.raises(DeliveryFailed, match="CERTIFICATE_VERIFY_FAILED"):
            verifying.send(sample_message())
    assert server.recipients() == [["joao@example.pt"]]


# --------------------------------------------------------------------------- build_mailer


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("memory://", MemoryTransport),
        ("console://", ConsoleTransport),
        ("smtp://mail.example.test:25", SmtpTransport),
    ],
)
def test_build_mailer_picks_the_transport(url: str, expected: type, tmp_path: Path) -> None:
    mailer = build_mailer(url, sender="x <x@example.test>", instance_path=tmp_path)
    assert isinstance(mailer.transport, expected)


def test_build_mailer_file_url_creates_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "mail"
    mailer = build_mailer(folder.as_uri(), sender="x <x@example.test>", instance_path=tmp_path)
    assert isinstance(mailer.transport, FileTransport)
    assert folder.is_dir()
    default = build_mailer("file://", sender="x <x@example.test>", instance_path=tmp_path)
    assert isinstance(default.transport, FileTransport)
    assert default.transport.folder == tmp_path / "mail"


def test_build_mailer_reads_smtp_urls(tmp_path: Path) -> None:
    def transport(url: str) -> SmtpTransport:
        built = build_mailer(url, sender="x <x@example.test>", instance_path=tmp_path).transport
        assert isinstance(built, SmtpTransport)
        return built

    submission = transport("smtp://me%40x.pt:p%2Fw%3Ad@mail.example.test:587?starttls=1")
    assert (submission.host, submission.port) == ("mail.example.test", 587)
    assert (submission.username, submission.password) == ("me@x.pt", "p/w:d")
    assert submission.starttls and not submission.ssl
    smtps = transport("smtps://u:p@mail.example.test?timeout=3.5")
    assert (smtps.port, smtps.ssl, smtps.starttls, smtps.timeout) == (465, True, False, 3.5)
    relay = transport("smtp://relay.example.test")
    assert (relay.port, relay.username, relay.password) == (25, None, None)
    assert transport("smtp://relay.example.test?starttls").starttls


@pytest.mark.parametrize(
    "url",
    [
        "gopher://x",
        "smtp://",
        "smtp://h?starttls=maybe",
        "smtp://h?colour=blue",
        "smtps://h?starttls=1",
        "",
    ],
)
def test_build_mailer_refuses_what_it_does_not_know(url: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="ICLIENT_MAIL_URL"):
        build_mailer(url, sender="x <x@example.test>", instance_path=tmp_path)


def test_smtp_credentials_must_be_ascii(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="ASCII"):
        build_mailer("smtps://u:p%C3%A1ss@h", sender="x <x@example.test>", instance_path=tmp_path)


def test_build_mailer_error_never_shows_the_password(tmp_path: Path) -> None:
    with pytest.raises(ValueError) as caught:
        build_mailer(
            "smtp://u:hunter2@h:587?oops=1", sender="x <x@example.test>", instance_path=tmp_path
        )
    assert "hunter2" not in str(caught.value)


# --------------------------------------------------------------------------- rendering

BOOKING = {
    "service_name": "Consulta",
    "when": "2026-01-06 10:00 (Europe/Lisbon)",
    "change": "",
    "manage_link": "https://p.example.test/l/book/manage/T9",
    "ics_uid": "b1-booking",
    "ics_start": "2026-01-06T10:00:00+00:00",
    "ics_end": "2026-01-06T10:30:00+00:00",
    "ics_summary": "Consulta",
    "ics_sequence": "0",
    "ics_status": "CONFIRMED",
    "ics_stamp": "2026-01-05T09:00:00+00:00",
}

CONTEXTS: dict[Kind, dict[str, str]] = {
    Kind.INVITATION: {
        "link": "https://p.example.test/l/auth/activate/T4",
        "hours": "48",
        "inviter": "Rui Lopes",
    },
    Kind.STAFF_INVITATION: {
        "link": "https://p.example.test/l/auth/activate/T5",
        "hours": "48",
        "inviter": "Rui Lopes",
        "role": "staff",
    },
    Kind.ACTIVATION: {"link": "https://p.example.test/l/activate/T1", "hours": "48"},
    Kind.ALREADY_REGISTERED: {
        "sign_in_link": "https://p.example.test/l/auth/sign-in",
        "reset_link": "https://p.example.test/l/auth/forgot-password",
    },
    Kind.PASSWORD_RESET: {"link": "https://p.example.test/l/reset/T2", "minutes": "60"},
    Kind.PASSWORD_CHANGED: {"reset_link": "https://p.example.test/l/auth/forgot-password"},
    Kind.EMAIL_CHANGE_CONFIRM: {
        "link": "https://p.example.test/l/account/email/T3",
        "new_email": "nova@example.pt",
    },
    Kind.EMAIL_CHANGED: {"old_email": "antiga@example.pt", "new_email": "nova@example.pt"},
    Kind.FORM_RECEIVED: {
        "form_title": "Pedido de contacto",
        "sender_name": "Bruno Costa",
        "sender_email": "bruno@example.pt",
    },
    Kind.FORM_ACKNOWLEDGED: {"form_title": "Pedido de contacto"},
    Kind.PHONE_CODE: {"code": "042917"},
    Kind.BOOKING_CONFIRMED: BOOKING,
    Kind.BOOKING_CHANGED: {**BOOKING, "change": "moved", "ics_sequence": "1"},
    Kind.BOOKING_REMINDER: BOOKING,
    Kind.NEW_DEVICE_SIGN_IN: {
        "link": "https://p.example.test/l/account/sessions",
        "ip": "203.0.113.9",
        "device": "Firefox on Linux",
    },
    Kind.TWO_STEP_DISABLED: {"link": "https://p.example.test/l/account/sessions"},
    Kind.TWO_STEP_RESET: {"link": "https://p.example.test/l/auth/sign-in"},
    Kind.DELETION_REQUESTED: {
        "sign_in_link": "https://p.example.test/l/auth/sign-in",
        "erase_by": "04/02/2026",
    },
    Kind.DOCUMENT_PUBLISHED: {
        "link": "https://p.example.test/l/documents",
        "count": "2",
        "titles": "Fatura 2026/14\nContrato de manutenção",
    },
    Kind.QUOTE_REQUESTED: {
        "link": "https://p.example.test/l/admin/quotes/Q1",
        "quote_subject": "Pintura da fachada",
        "reference": "Q1",
        "requester": "Ana Silva",
        "event": "new",
        "visitor": "no",
    },
    Kind.QUOTE_RECEIVED: {
        "link": "https://p.example.test/l/quotes/Q1",
        "quote_subject": "Pintura da fachada",
        "reference": "ORC 2026/0001",
        "visitor": "no",
    },
    Kind.QUOTE_ANSWERED: {
        "link": "https://p.example.test/l/admin/quotes/Q1",
        "quote_subject": "Pintura da fachada",
        "reference": "Q1",
        "event": "accepted",
        "client_name": "Ana Silva",
        "reason": "",
        "total": "1.234,56\u00a0€",
    },
    Kind.QUOTE_SENT: {
        "link": "https://p.example.test/l/quotes/Q1",
        "quote_subject": "Pintura da fachada",
        "reference": "Q1",
        "version": "1",
        "revised": "no",
        "total": "1.234,56\u00a0€",
        "valid_until": "31/01/2026",
    },
    Kind.QUOTE_EXPIRING: {
        "link": "https://p.example.test/l/quotes/Q1",
        "quote_subject": "Pintura da fachada",
        "reference": "Q1",
        "total": "1.234,56\u00a0€",
        "valid_until": "31/01/2026",
    },
    Kind.QUOTE_ACCEPTED: {
        "link": "https://p.example.test/l/quotes/Q1",
        "quote_subject": "Pintura da fachada",
        "reference": "Q1",
        "version": "1",
        "total": "1.234,56\u00a0€",
        "accepted_at": "05/01/2026 09:00",
        "content_hash": "0" * 64,
    },
    Kind.QUOTE_UPDATE: {
        "link": "https://p.example.test/l/quotes/Q1",
        "quote_subject": "Pintura da fachada",
        "reference": "Q1",
        "event": "cancelled",
        "reason": "Sem disponibilidade este mês.",
        "valid_until": "",
    },
    Kind.WEBHOOK_PAUSED: {
        "link": "https://p.example.test/l/admin/webhooks/W1",
        "url": "https://invoicing.example.pt/hooks/iclient",
        "failures": "5",
    },
    Kind.SUPPORT_REPLY: {
        "link": "https://p.example.test/l/support/S1",
        "request_subject": "A impressora não imprime",
        "author": "Rui Lopes",
        "message": "Experimente desligar e voltar a ligar.\nDiga-nos se resultou.",
    },
    Kind.SUPPORT_MESSAGE: {
        "link": "https://p.example.test/l/admin/support/S1",
        "request_subject": "A impressora não imprime",
        "client_name": "Ana Silva",
        "message": "Continua sem imprimir.",
        "new_request": "yes",
    },
}
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _notification(kind: Kind, language: str, first_name: str = "Ana") -> Notification:
    return Notification(
        kind=kind,
        to_address="ana@example.pt",
        to_name="Ana Silva",
        language=language,
        context={"first_name": first_name, "business_name": "Oficina Exemplo", **CONTEXTS[kind]},
    )


def _outbox(kind: Kind, language: str = "pt") -> OutboxMessage:
    now = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    return OutboxMessage.queue(
        id="m1", notification=_notification(kind, language), now=now, domain="example.test"
    )


def _parts(msg: EmailMessage) -> tuple[str, str]:
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    assert isinstance(text, EmailMessage) and isinstance(html, EmailMessage)
    return str(text.get_content()), str(html.get_content())


def test_every_kind_has_a_context_here() -> None:
    assert set(CONTEXTS) == set(Kind)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_renders_in_every_language(kind: Kind, language: str) -> None:
    msg = render(
        _notification(kind, language), sender="Oficina <no-reply@example.test>", message_id="<m@x>"
    )
    text, html = _parts(msg)
    assert msg["Subject"].strip()
    assert "\n" not in msg["Subject"]
    assert msg["Message-ID"] == "<m@x>"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["Date"]
    assert msg["Content-Language"] == language
    calendar = "ics_uid" in CONTEXTS[kind]
    assert msg.get_content_type() == ("multipart/mixed" if calendar else "multipart/alternative")
    for value in CONTEXTS[kind].values():
        if value.startswith("https://"):
            assert value in text
            assert f'href="{value}"' in html
        elif "@" in value:
            assert value in text and value in html
    assert "Ana" in text and "Ana" in html
    assert "Oficina Exemplo" in text.split("-- \n", 1)[1]  # the footer
    assert not TAG.search(text), text
    assert f'<html lang="{language}">' in html


def test_a_booking_e_mail_carries_a_calendar_file_that_parses_back() -> None:
    import icalendar

    msg = render(_notification(Kind.BOOKING_CHANGED, "pt"), sender="a <a@x.pt>", message_id="<1@x>")
    [part] = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "booking.ics"
    raw = part.get_payload(decode=True)
    assert isinstance(raw, bytes)
    calendar = icalendar.Calendar.from_ical(raw)
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == "b1-booking"
    assert event.decoded("DTSTART") == dt.datetime(2026, 1, 6, 10, 0, tzinfo=dt.UTC)
    assert event.decoded("DTEND") == dt.datetime(2026, 1, 6, 10, 30, tzinfo=dt.UTC)
    assert int(event["SEQUENCE"]) == 1
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Consulta — Oficina Exemplo"
    assert str(event["URL"]) == "https://p.example.test/l/book/manage/T9"


def test_the_two_languages_differ() -> None:
    pt = render(_notification(Kind.ACTIVATION, "pt"), sender="a <a@x.pt>", message_id="<1@x>")
    en = render(_notification(Kind.ACTIVATION, "en"), sender="a <a@x.pt>", message_id="<1@x>")
    assert "palavra-passe" in _parts(pt)[0]
    assert "password" in _parts(en)[0]
    assert pt["Subject"] != en["Subject"]


def test_an_unknown_language_falls_back_to_portuguese() -> None:
    msg = render(_notification(Kind.PASSWORD_RESET, "xx"), sender="a <a@x.pt>", message_id="<1@x>")
    assert "palavra-passe" in _parts(msg)[0]
    assert msg["Content-Language"] == "pt"


def test_html_escapes_the_first_name_and_text_keeps_it() -> None:
    notification = _notification(Kind.ACTIVATION, "pt", first_name="<script>alert(1)</script>")
    text, html = _parts(render(notification, sender="a <a@x.pt>", message_id="<1@x>"))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" in text


@pytest.mark.parametrize(
    "name",
    [
        "Ana\r\nBcc: evil@x.example",
        "Ana\nBcc: evil@x.example",
        'Ana "the boss" Silva, <evil@x.example>',
        "Ana\x00\x0b\u2028Bcc: evil@x.example",
    ],
)
def test_a_recipient_name_can_never_add_a_header_or_a_recipient(name: str) -> None:
    notification = Notification(
        kind=Kind.PASSWORD_CHANGED,
        to_address="ana@example.pt",
        to_name=name,
        language="pt",
        context={
            "first_name": "Ana",
            "business_name": "Oficina Exemplo",
            **CONTEXTS[Kind.PASSWORD_CHANGED],
        },
    )
    raw = render(notification, sender="a <a@x.pt>", message_id="<1@x>").as_bytes()
    again = parse(raw)
    assert again["Bcc"] is None
    assert [a.addr_spec for a in again["To"].addresses] == ["ana@example.pt"]
    assert b"\nBcc:" not in raw and b"\nbcc:" not in raw.lower()


def test_the_mailer_renders_with_the_outbox_message_id() -> None:
    transport = MemoryTransport()
    mailer = TemplateMailer(transport, sender="Oficina <no-reply@example.test>")
    message = _outbox(Kind.ACTIVATION, "en")
    mailer.send(message)
    [sent] = transport.sent
    assert sent["Message-ID"] == message.message_id == "<m1@example.test>"
    assert sent["From"].addresses[0].addr_spec == "no-reply@example.test"
    assert sent["Subject"] == "Activate your account at Oficina Exemplo"


def test_the_mailer_reports_a_message_it_cannot_render() -> None:
    mailer = TemplateMailer(MemoryTransport(), sender="a <a@x.pt>")
    broken = _outbox(Kind.ACTIVATION)
    broken.notification.context.pop("link")
    with pytest.raises(DeliveryFailed, match="permanent"):
        mailer.send(broken)
    bad_address = _outbox(Kind.ACTIVATION)
    bad_address.notification = Notification(
        kind=Kind.ACTIVATION, to_address="nobody", to_name="x", language="pt", context={}
    )
    with pytest.raises(DeliveryFailed, match="permanent"):
        mailer.send(bad_address)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(Kind))
def test_a_business_name_ending_in_a_stop_ends_its_sentence_once(kind: Kind, language: str) -> None:
    notification = _notification(kind, language)
    notification = Notification(
        kind=notification.kind,
        to_address=notification.to_address,
        to_name=notification.to_name,
        language=language,
        context={**notification.context, "business_name": "Canalizações Ribeiro, Lda."},
    )
    text, html = _parts(render(notification, sender="a <a@x.pt>", message_id="<1@x>"))
    assert "Lda.." not in text
    assert "Lda.." not in html
