"""The SMS gateway contract: what every ``SmsGateway`` must do, to the far end.

Mix :class:`SmsGatewayContract` into a test class that provides an ``sms_harness`` fixture,
an :class:`SmsHarness` around the gateway under test::

    class TestMyGateway(SmsGatewayContract):
        @pytest.fixture
        def sms_harness(self):
            gateway = MyGateway(...)
            return SmsHarness(gateway=gateway, collect=lambda: ..., outage=...)

:class:`FakeTwilio` is a local HTTP server that answers like Twilio's Messages API (started
in a thread by the tests), for :class:`~iclient_adapters.sms.TwilioGateway`.

Needs pytest.
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import attrs
import pytest

from iclient_adapters.sms.gateways import SentSms, SmsGateway
from iclient_core.shared.errors import DeliveryFailed


@attrs.define
class SmsHarness:
    """What the ``sms_harness`` fixture gives :class:`SmsGatewayContract`.

    Attributes:
        gateway: the gateway under test.
        collect: the messages that arrived at the far end, oldest first.
        outage: a context manager during which the far end cannot take messages.
    """

    gateway: SmsGateway
    collect: Callable[[], list[SentSms]]
    outage: Callable[[], contextlib.AbstractContextManager[None]]

    def received(self) -> list[SentSms]:
        """The messages that arrived."""
        return self.collect()


PORTUGUESE = "Oficina Exemplo: o seu código é 042917 — válido 10 minutos. Ação não pedida? Ignore."


class SmsGatewayContract:
    """Needs ``sms_harness``: an :class:`SmsHarness` around the gateway under test. Checks
    that a message arrives whole (number, accented text, long text), one send is one
    message, and a far end that cannot take it is a ``DeliveryFailed``, never another
    error, after which the gateway works again."""

    def test_sms_a_message_arrives_whole(self, sms_harness: SmsHarness) -> None:
        sms_harness.gateway.send("+351912345678", PORTUGUESE, message_id="<s1@example.test>")
        [got] = sms_harness.received()
        assert got.to == "+351912345678"
        assert got.text == PORTUGUESE

    def test_sms_two_sends_are_two_messages_in_order(self, sms_harness: SmsHarness) -> None:
        sms_harness.gateway.send("+351912345678", "um", message_id="<s1@example.test>")
        sms_harness.gateway.send("+447700900123", "two", message_id="<s2@example.test>")
        got = sms_harness.received()
        assert [(m.to, m.text) for m in got] == [("+351912345678", "um"), ("+447700900123", "two")]

    def test_sms_a_long_text_is_not_cut(self, sms_harness: SmsHarness) -> None:
        text = "Lembrete: " + "marcação às 15h00 na Oficina Exemplo; " * 12
        sms_harness.gateway.send("+351912345678", text, message_id="<long@example.test>")
        [got] = sms_harness.received()
        assert got.text == text

    def test_sms_an_unreachable_far_end_is_a_delivery_failure(
        self, sms_harness: SmsHarness
    ) -> None:
        with sms_harness.outage(), pytest.raises(DeliveryFailed):
            sms_harness.gateway.send("+351912345678", "perdida", message_id="<x@example.test>")
        sms_harness.gateway.send("+351912345678", "entregue", message_id="<y@example.test>")
        assert [m.text for m in sms_harness.received()] == ["entregue"]


@attrs.define
class TwilioRequest:
    """One request the fake Twilio received."""

    path: str
    user: str
    password: str
    form: dict[str, str]


class FakeTwilio:
    """A local HTTP server that answers ``POST /2010-04-01/Accounts/<sid>/Messages.json``
    as Twilio does: 201 with a JSON message resource, 401 for other credentials, 400 with
    Twilio's error 21211 for a ``To`` that is not E.164, and ``status`` (e.g. 503) for every
    request while :attr:`failing` is set.

    Args:
        account_sid: the account whose credentials it accepts, with ``auth_token``.
    """

    def __init__(
        self,
        account_sid: str = "AC" + "0" * 32,
        auth_token: str = "s3cr3t",  # noqa: S107 - the fake's own, for tests
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.requests: list[TwilioRequest] = []
        self.failing: int | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        assert self._server is not None, "start() first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        """The ``ICLIENT_SMS_URL`` that points at this server."""
        port = self.base_url.rsplit(":", 1)[1]
        return (
            f"twilio+http://{self.account_sid}:{self.auth_token}@127.0.0.1:{port}"
            "?from=%2B351300000000&timeout=5"
        )

    def messages(self) -> list[SentSms]:
        """The messages accepted (answered 201), oldest first."""
        return [
            SentSms(to=r.form["To"], text=r.form["Body"], message_id="")
            for r in self.requests
            if r.form.get("_accepted") == "yes"
        ]

    @contextlib.contextmanager
    def outage(self, status: int = 503) -> Iterator[None]:
        """Answer ``status`` to everything inside the block."""
        self.failing = status
        try:
            yield
        finally:
            self.failing = None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length).decode("utf-8")
                form = {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
                auth = self.headers.get("Authorization", "")
                user = password = ""
                if auth.startswith("Basic "):
                    user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
                request = TwilioRequest(self.path, user, password, form)
                fake.requests.append(request)
                expected = f"/2010-04-01/Accounts/{fake.account_sid}/Messages.json"
                if fake.failing is not None:
                    self._answer(fake.failing, {"code": 20500, "message": "Unavailable"})
                elif self.path != expected:
                    self._answer(404, {"code": 20404, "message": "Not found"})
                elif (user, password) != (fake.account_sid, fake.auth_token):
                    self._answer(401, {"code": 20003, "message": "Authenticate"})
                elif not form.get("To", "").startswith("+") or not form.get("Body"):
                    self._answer(400, {"code": 21211, "message": "Invalid 'To' Phone Number"})
                else:
                    form["_accepted"] = "yes"
                    self._answer(201, {"sid": f"SM{len(fake.requests):032d}", "status": "queued"})

        return Handler

    def start(self) -> FakeTwilio:
        """Listen on a free local port, in a thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
