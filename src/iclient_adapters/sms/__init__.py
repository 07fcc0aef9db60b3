"""SMS: notifications rendered from short templates and handed to a gateway chosen by URL.

``ICLIENT_SMS_URL`` forms understood by :func:`build_sms`:

- ``memory://``: kept in a list (tests, embedding).
- ``console://``: printed to standard output.
- ``file:///abs/folder``: one ``.json`` per message (``to``, ``text``, ``message_id``), and
  logged; ``file://`` alone means ``<instance>/sms``. The development default.
- ``twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com?from=+351912345678``: Twilio's Messages
  API over https (``from=MG…`` for a messaging service); ``?timeout=`` in seconds.
  ``twilio+http://…@127.0.0.1:8025?from=…`` speaks plain http to a local test double.
- ``none://``: no SMS; clients cannot confirm a phone and SMS choices do nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from urllib.request import url2pathname

from iclient_adapters.extras import needs_extra

try:
    import jinja2  # noqa: F401
except ImportError as error:  # a plain install: say which extra brings it
    raise needs_extra("mail", error) from error

from iclient_adapters.sms.gateways import (
    ConsoleGateway,
    FileGateway,
    MemoryGateway,
    SentSms,
    SmsGateway,
    TwilioGateway,
)
from iclient_adapters.sms.sender import TemplateSms, render_text

__all__ = [
    "ConsoleGateway",
    "FileGateway",
    "MemoryGateway",
    "SentSms",
    "SmsGateway",
    "TemplateSms",
    "TwilioGateway",
    "build_gateway",
    "build_sms",
    "render_text",
]

_SCHEMES = (
    "memory://, console://, file:///folder, twilio://SID:TOKEN@api.twilio.com?from=… or none://"
)


def _twilio(scheme: str, url: str, options: dict[str, str]) -> TwilioGateway:
    parts = urlsplit(url)
    if not parts.hostname or parts.username is None or parts.password is None:
        raise ValueError(
            "ICLIENT_SMS_URL: twilio:// needs the account SID, the auth token and the host, "
            "e.g. twilio://AC…:TOKEN@api.twilio.com?from=+351912345678"
        )
    sender = options.pop("from", "")
    if not sender:
        raise ValueError("ICLIENT_SMS_URL: twilio:// needs ?from=+351… (or ?from=MG…)")
    try:
        timeout = float(options.pop("timeout", "10"))
        port = parts.port
    except ValueError:
        raise ValueError("ICLIENT_SMS_URL: bad port or timeout") from None
    http = "http" if scheme == "twilio+http" else "https"
    host = parts.hostname if port is None else f"{parts.hostname}:{port}"
    return TwilioGateway(
        account_sid=unquote(parts.username),
        auth_token=unquote(parts.password),
        sender=sender,
        base_url=f"{http}://{host}",
        timeout=timeout,
    )


def build_gateway(url: str, *, instance_path: str | os.PathLike[str]) -> SmsGateway | None:
    """The gateway named by an SMS URL (see the module's documentation); None for
    ``none://``.

    Raises:
        ValueError: an unknown scheme or option, a missing part. The message never repeats
            the URL, which may hold a token.
    """
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    try:
        parts = urlsplit(url)
        options = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    except ValueError:  # e.g. an unbalanced [ of an IPv6 host
        raise ValueError("ICLIENT_SMS_URL: this is not a URL") from None
    gateway: SmsGateway | None
    if scheme == "none":
        gateway = None
    elif scheme == "memory":
        gateway = MemoryGateway()
    elif scheme == "console":
        gateway = ConsoleGateway()
    elif scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError("ICLIENT_SMS_URL: use file:///absolute/folder (three slashes)")
        folder = Path(url2pathname(parts.path)) if parts.path else Path(instance_path) / "sms"
        gateway = FileGateway(folder)
    elif scheme in ("twilio", "twilio+http"):
        gateway = _twilio(scheme, url, options)
    else:
        raise ValueError(f"ICLIENT_SMS_URL: unknown scheme {scheme!r}; use one of {_SCHEMES}")
    if options:
        raise ValueError(f"ICLIENT_SMS_URL: unknown options {', '.join(sorted(options))}")
    return gateway


def build_sms(url: str, *, instance_path: str | os.PathLike[str]) -> TemplateSms | None:
    """The ``SmsSender`` for ``ICLIENT_SMS_URL``, or None for ``none://``.

    Raises:
        ValueError: the URL is not understood.
    """
    gateway = build_gateway(url, instance_path=instance_path)
    return TemplateSms(gateway) if gateway is not None else None
