"""The webhook sender's protection against server-side request forgery, against real local
servers: what is refused is never connected to; what is allowed goes to the checked address
with the name kept for the Host header and the certificate; no redirect is followed, the
answer is capped and slow servers time out."""

from __future__ import annotations

import datetime as dt
import http.server
import ipaddress
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iclient_adapters.webhooks import HttpWebhookSender, Resolver
from iclient_core.webhooks import (
    DestinationRefused,
    WebhookRequest,
    check_url,
    is_public_address,
    literal_address,
)
from iclient_core.webhooks.destinations import IpAddress

NAME = "hooks.example.pt"


class Server(http.server.ThreadingHTTPServer):
    """A local receiver answering every POST as ``mode`` says."""

    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode
        self.received: list[dict[str, str]] = []
        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class Handler(http.server.BaseHTTPRequestHandler):
    server: Server

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["content-length"]))
        self.server.received.append({k.lower(): v for k, v in self.headers.items()})
        if self.server.mode == "redirect":
            self.send_response(302)
            self.send_header("location", "http://169.254.169.254/latest/meta-data")
            self.send_header("content-length", "0")
            self.end_headers()
        elif self.server.mode == "huge":
            self.send_response(200)
            self.send_header("content-length", str(4 * 1024 * 1024))
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b"x" * 65536)
            except OSError:
                pass  # the sender stopped reading, as it should
        elif self.server.mode == "slow":
            time.sleep(1.5)
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()
        else:
            self.send_response(200)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def running(server: Server) -> Iterator[Server]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def server() -> Iterator[Server]:
    yield from running(Server())


def resolving(*addresses: str) -> tuple[list[str], Resolver]:
    """A resolver giving ``addresses`` for any name, and the names it was asked."""
    asked: list[str] = []

    def resolve(host: str, port: int) -> Sequence[str]:
        asked.append(host)
        return list(addresses)

    return asked, resolve


def post(url: str) -> WebhookRequest:
    return WebhookRequest(url=url, headers=(("content-type", "application/json"),), body=b"{}")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/hook",
        "http://10.0.0.7:{port}/hook",
        "http://169.254.169.254:{port}/latest/meta-data",
        "http://[::1]:{port}/hook",
        "http://[::ffff:127.0.0.1]:{port}/hook",
        "http://[64:ff9b::7f00:1]:{port}/hook",
        "http://localhost:{port}/hook",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused_unconnected(
    server: Server, url: str
) -> None:
    sender = HttpWebhookSender(allow_http=True, allow_private=False)
    with pytest.raises(DestinationRefused):
        sender.send(post(url.format(port=server.port)))
    assert server.received == []


@pytest.mark.parametrize(
    "addresses",
    [("10.1.2.3",), ("203.0.113.9", "127.0.0.1"), ("fe80::1",), ("100.64.0.1",), ("::1",)],
)
def test_a_name_resolving_to_any_non_public_address_is_refused(
    server: Server, addresses: tuple[str, ...]
) -> None:
    asked, resolve = resolving(*addresses)
    sender = HttpWebhookSender(allow_http=True, resolver=resolve)
    with pytest.raises(DestinationRefused, match="not a public internet address"):
        sender.send(post(f"http://{NAME}:{server.port}/hook"))
    assert asked == [NAME]
    assert server.received == []


def test_http_is_refused_in_production_before_any_lookup() -> None:
    asked, resolve = resolving("93.184.215.14")
    sender = HttpWebhookSender(allow_http=False, resolver=resolve)
    with pytest.raises(DestinationRefused, match="https"):
        sender.send(post(f"http://{NAME}/hook"))
    assert asked == []


def test_with_private_addresses_allowed_it_connects_to_the_checked_address(
    server: Server,
) -> None:
    asked, resolve = resolving("127.0.0.1")
    sender = HttpWebhookSender(allow_http=True, allow_private=True, resolver=resolve)
    answer = sender.send(post(f"http://{NAME}:{server.port}/hook?x=1"))
    assert (answer.status, answer.body) == (200, "ok")
    assert asked == [NAME]
    assert server.received[0]["host"] == f"{NAME}:{server.port}"


def test_redirects_are_not_followed() -> None:
    for redirecting in running(Server("redirect")):
        sender = HttpWebhookSender(allow_http=True, allow_private=True)
        answer = sender.send(post(f"http://127.0.0.1:{redirecting.port}/hook"))
        assert answer.status == 302
        assert len(redirecting.received) == 1


def test_a_huge_answer_is_read_no_further_than_the_cap() -> None:
    for huge in running(Server("huge")):
        sender = HttpWebhookSender(allow_http=True, allow_private=True, max_response=1000)
        started = time.monotonic()
        answer = sender.send(post(f"http://127.0.0.1:{huge.port}/hook"))
        assert answer.status == 200 and len(answer.body) <= 500
        assert time.monotonic() - started < 5


def test_a_slow_receiver_times_out() -> None:
    for slow in running(Server("slow")):
        sender = HttpWebhookSender(allow_http=True, allow_private=True, timeout=0.3)
        with pytest.raises(TimeoutError):
            sender.send(post(f"http://127.0.0.1:{slow.port}/hook"))


def test_https_checks_the_certificate_for_the_name_at_the_checked_address(
    tmp_path: Path,
) -> None:
    server_context, cert_file = certificate_for(NAME, tmp_path)
    for secure in running(Server()):
        secure.socket = server_context.wrap_socket(secure.socket, server_side=True)
        _, resolve = resolving("127.0.0.1")
        trusting = ssl.create_default_context(cafile=str(cert_file))
        sender = HttpWebhookSender(allow_private=True, resolver=resolve, context=trusting)
        assert sender.send(post(f"https://{NAME}:{secure.port}/hook")).status == 200
        assert secure.received[0]["host"] == f"{NAME}:{secure.port}"
        # The same address under another name: the certificate does not match it.
        with pytest.raises(ssl.SSLCertVerificationError):
            sender.send(post(f"https://other.example.pt:{secure.port}/hook"))
        # Not trusted at all: the system's authorities do not know the certificate.
        untrusting = HttpWebhookSender(allow_private=True, resolver=resolve)
        with pytest.raises(ssl.SSLCertVerificationError):
            untrusting.send(post(f"https://{NAME}:{secure.port}/hook"))


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:10.0.0.1", False),
        ("2002:0a00:0001::1", False),
    ],
)
def test_public_addresses_are_told_apart(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


def certificate_for(name: str, tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context on a self-signed certificate for ``name``, and the certificate file."""
    pytest.importorskip("cryptography")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
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
    return context, cert_file


@given(st.text(max_size=300))
def test_any_typed_url_is_either_refused_or_public_https(typed: str) -> None:
    try:
        clean = check_url(typed, allow_http=False, allow_private=False)
    except DestinationRefused:
        return
    parts = urlsplit(clean)
    assert parts.scheme == "https" and parts.hostname
    address = literal_address(parts.hostname)
    assert address is None or is_public_address(address)


@given(st.ip_addresses())
def test_an_address_literal_is_accepted_only_when_public(address: IpAddress) -> None:
    host = f"[{address}]" if address.version == 6 else str(address)
    try:
        check_url(f"https://{host}/hook", allow_http=False, allow_private=False)
    except DestinationRefused:
        assert not is_public_address(address)
    else:
        assert is_public_address(address)


@pytest.mark.parametrize(
    ("env", "allow_http", "allow_private"),
    [
        ({}, True, False),
        ({"ICLIENT_WEBHOOKS_ALLOW_PRIVATE": "1"}, True, True),
        ({"ICLIENT_ENV": "production", "ICLIENT_SECRET_KEY": "k" * 40}, False, False),
    ],
)
def test_the_configuration_decides_where_webhooks_may_go(
    tmp_path: Path, env: dict[str, str], allow_http: bool, allow_private: bool
) -> None:
    from iclient_adapters.compose import settings_from, webhook_sender
    from iclient_adapters.config import Config

    config = Config.from_env(env, instance_path=tmp_path)
    settings, sender = settings_from(config), webhook_sender(config)
    assert (settings.webhooks_allow_http, settings.webhooks_allow_private) == (
        allow_http,
        allow_private,
    )
    assert (sender.allow_http, sender.allow_private) == (allow_http, allow_private)
