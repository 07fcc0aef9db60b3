"""The webhook sender: a signed POST over the standard library's ``http.client``, guarded
against server-side request forgery.

Why ``http.client`` and not httpx or urllib3: the protection needs the connection made to
the very address that was checked (resolving the name a second time would let a DNS answer
change between the check and the connection), while TLS still verifies the certificate
against the name. With ``http.client`` that is one overridden ``connect()``; nothing else
is needed (no pool, no redirects, no proxies, no cookies), so no dependency is added.

Each request:

- goes only to ``https`` URLs (``http`` too when ``allow_http``: development);
- resolves the name once, refuses it when any of its addresses is not on the public
  internet (private, loopback, link-local such as 169.254.169.254, shared, reserved…,
  unless ``allow_private``), and connects to a checked address;
- verifies the server's certificate for the name (SNI);
- has a timeout on connecting and on each read, and an overall deadline;
- follows no redirect (a 3xx is a failed attempt) and reads at most ``max_response`` bytes
  of the answer.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from iclient_core.webhooks.destinations import check_url, is_public_address
from iclient_core.webhooks.model import DestinationRefused, WebhookRequest, WebhookResponse

Resolver = Callable[[str, int], Sequence[str]]
"""Gives the addresses of a name (and port), as text."""

TIMEOUT = 10.0
"""Seconds allowed to connect, and for each read."""

DEADLINE = 30.0
"""Seconds allowed for a whole request, answer included."""

MAX_RESPONSE = 64 * 1024
"""Bytes of an answer read at most (the rest is not read)."""

MAX_ADDRESSES = 4
"""Addresses of a name tried at most."""


def system_resolver(host: str, port: int) -> list[str]:
    """The name's addresses from the system's resolver, without repeats, in its order."""
    found: list[str] = []
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        address = str(sockaddr[0])
        if address not in found:
            found.append(address)
    return found


def _connect(addresses: Sequence[str], port: int, timeout: float | None) -> socket.socket:
    error: OSError | None = None
    for address in addresses[:MAX_ADDRESSES]:
        try:
            return socket.create_connection((address, port), timeout=timeout)
        except OSError as problem:
            error = problem
    raise error or OSError("no address to connect to")


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to checked addresses (the Host header keeps the name)."""

    def __init__(self, host: str, port: int, addresses: Sequence[str], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._addresses = addresses

    def connect(self) -> None:
        self.sock = _connect(self._addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to checked addresses; the certificate is checked for the name."""

    def __init__(
        self,
        host: str,
        port: int,
        addresses: Sequence[str],
        timeout: float,
        context: ssl.SSLContext,
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._addresses = addresses
        self._tls = context

    def connect(self) -> None:
        raw = _connect(self._addresses, self.port, self.timeout)
        try:
            self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


class HttpWebhookSender:
    """The ``WebhookSender`` port over ``http.client``.

    Args:
        allow_http: send to ``http://`` URLs too (never in production).
        allow_private: send to addresses that are not on the public internet (development
            and tests: ``ICLIENT_WEBHOOKS_ALLOW_PRIVATE``).
        resolver: the name resolver (the system's by default).
        context: the TLS settings (the system's trusted certificates by default).
    """

    def __init__(
        self,
        *,
        allow_http: bool = False,
        allow_private: bool = False,
        timeout: float = TIMEOUT,
        deadline: float = DEADLINE,
        max_response: int = MAX_RESPONSE,
        resolver: Resolver | None = None,
        context: ssl.SSLContext | None = None,
    ) -> None:
        self.allow_http = allow_http
        self.allow_private = allow_private
        self.timeout = timeout
        self.deadline = deadline
        self.max_response = max_response
        self._resolve = resolver or system_resolver
        # The system's trusted certificates are read at the first https delivery, not here:
        # every Portal builds a sender, and most never send (commands, tests).
        self._context = context

    def addresses(self, host: str, port: int) -> list[str]:
        """The checked addresses of ``host``.

        Raises:
            DestinationRefused: the name has no address, or one of them is not on the
                public internet (and private addresses are not allowed).
        """
        try:
            found = list(self._resolve(host, port))
        except OSError as error:  # a failure like any other: retried
            raise OSError(f"{host} cannot be resolved: {error}") from None
        if not found:
            raise DestinationRefused(f"{host} has no address")
        checked = []
        for text in found:
            address = ipaddress.ip_address(text.split("%", 1)[0])
            if not self.allow_private and not is_public_address(address):
                raise DestinationRefused(f"{host} is {address}, not a public internet address")
            checked.append(str(address))
        return checked

    def _tls(self) -> ssl.SSLContext:
        """The TLS settings: those given, or the system's trusted certificates."""
        if self._context is None:
            self._context = ssl.create_default_context()
        return self._context

    def send(self, request: WebhookRequest) -> WebhookResponse:
        """POST the request to a checked address of its URL's host; see the module."""
        url = check_url(request.url, allow_http=self.allow_http, allow_private=self.allow_private)
        parts = urlsplit(url)
        host = parts.hostname or ""
        secure = parts.scheme == "https"
        port = parts.port or (443 if secure else 80)
        addresses = self.addresses(host, port)
        connection: http.client.HTTPConnection = (
            _PinnedHTTPSConnection(host, port, addresses, self.timeout, self._tls())
            if secure
            else _PinnedHTTPConnection(host, port, addresses, self.timeout)
        )
        started = time.monotonic()
        try:
            connection.request(
                "POST",
                (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                body=request.body,
                headers=dict(request.headers),
            )
            response = connection.getresponse()
            body = bytearray()
            while len(body) < self.max_response:
                if time.monotonic() - started > self.deadline:
                    raise TimeoutError("the answer took too long")
                chunk = response.read(min(8192, self.max_response - len(body)))
                if not chunk:
                    break
                body += chunk
            return WebhookResponse(
                status=response.status, body=body[:500].decode("utf-8", "replace")
            )
        finally:
            connection.close()
