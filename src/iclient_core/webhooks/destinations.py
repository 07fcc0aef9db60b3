"""Where webhooks may go: ``https`` URLs of names on the public internet.

The protection against server-side request forgery: a portal that posts to any URL an
admin types could be made to reach the services beside it (a cloud's metadata address, a
database on the private network). :func:`check_url` refuses such URLs when an endpoint is
saved; the sender checks again every address the name resolves to at each request, and
connects to the address it checked (see ``iclient_adapters.webhooks``).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from iclient_core.webhooks.model import DestinationRefused

MAX_URL = 2000
"""The longest endpoint URL."""

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public_address(address: IpAddress) -> bool:
    """Whether ``address`` is on the public internet: not private, loopback, link-local,
    multicast, reserved, shared (carrier-grade NAT) or otherwise not global, IPv4 seen
    through IPv6 (``::ffff:10.0.0.1``, NAT64's ``64:ff9b::/96``) included."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public_address(address.ipv4_mapped)
        if address in ipaddress.IPv6Network("64:ff9b::/96"):
            return is_public_address(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.sixtofour is not None and not is_public_address(address.sixtofour):
            return False
    return address.is_global and not address.is_multicast


def literal_address(host: str) -> IpAddress | None:
    """The address when ``host`` is an IP literal (``[::1]`` included), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def check_url(url: str, *, allow_http: bool, allow_private: bool) -> str:
    """The URL, trimmed, when webhooks may be sent to it.

    Names are not resolved here (the sender resolves and checks them at each request);
    an IP literal is checked at once.

    Raises:
        DestinationRefused: not ``https`` (nor ``http`` when ``allow_http``), no host,
            credentials in it, a fragment, too long, or an address not on the public
            internet (unless ``allow_private``).
    """
    clean = url.strip()
    if len(clean) > MAX_URL or any(ord(c) < 33 or ord(c) == 127 for c in clean):
        raise DestinationRefused("not a usable URL")
    try:
        parts = urlsplit(clean)
        port = parts.port
    except ValueError:
        raise DestinationRefused("not a usable URL") from None
    if parts.scheme not in (("https", "http") if allow_http else ("https",)):
        raise DestinationRefused("only https URLs are allowed")
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise DestinationRefused("the URL needs a host and no credentials")
    if parts.fragment or port == 0:
        raise DestinationRefused("not a usable URL")
    address = literal_address(parts.hostname)
    if address is not None and not allow_private and not is_public_address(address):
        raise DestinationRefused(f"{address} is not a public internet address")
    if parts.hostname.rstrip(".").lower() == "localhost" and not allow_private:
        raise DestinationRefused("localhost is not a public internet address")
    return clean
