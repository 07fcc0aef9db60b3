"""E-mail: notifications rendered with Jinja2 and handed to a transport chosen by URL.

``ICLIENT_MAIL_URL`` forms understood by :func:`build_mailer`:

- ``memory://``: kept in a list (tests, embedding).
- ``console://``: printed to standard output.
- ``file:///abs/folder``: one ``.eml`` per message; links logged (``?log_links=0`` to stop).
  ``file://`` alone means ``<instance>/mail``.
- ``smtp://host:25``, ``smtp://user:pw@host:587?starttls=1``, ``smtps://user:pw@host:465``;
  user and password percent-decoded; ``?timeout=`` in seconds (10 by default).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from urllib.request import url2pathname

from iclient_adapters.extras import needs_extra

try:
    import jinja2  # noqa: F401
except ImportError as error:  # a plain install: say which extra brings it
    raise needs_extra("mail", error) from error

from iclient_adapters.mail.mailer import TemplateMailer
from iclient_adapters.mail.render import render
from iclient_adapters.mail.transports import (
    ConsoleTransport,
    FileTransport,
    MemoryTransport,
    SmtpTransport,
    Transport,
)

__all__ = [
    "ConsoleTransport",
    "FileTransport",
    "MemoryTransport",
    "SmtpTransport",
    "TemplateMailer",
    "Transport",
    "build_mailer",
    "build_transport",
    "render",
]

logger = logging.getLogger("iclient.mail")

_TRUE = {"1", "true", "yes", "on", ""}  # a bare "?starttls" means yes
_FALSE = {"0", "false", "no", "off"}
_SCHEMES = "memory://, console://, file:///folder, smtp://host:port or smtps://host:port"


def _flag(options: dict[str, str], name: str, default: bool) -> bool:
    raw = options.pop(name, None)
    if raw is None:
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ValueError(f"ICLIENT_MAIL_URL: {name}={raw!r} is not a yes/no value (use 1 or 0)")


def _options(query: str) -> dict[str, str]:
    parsed = parse_qs(query, keep_blank_values=True)
    return {key: values[-1] for key, values in parsed.items()}


def _smtp(scheme: str, url: str, options: dict[str, str]) -> SmtpTransport:
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"ICLIENT_MAIL_URL: {scheme}:// needs a host, e.g. {scheme}://host:25")
    try:
        port = parts.port
        timeout = float(options.pop("timeout", "10"))
    except ValueError as error:
        raise ValueError(f"ICLIENT_MAIL_URL: bad port or timeout ({error})") from None
    secure = scheme == "smtps"
    starttls = _flag(options, "starttls", False)
    if secure and starttls:
        raise ValueError("ICLIENT_MAIL_URL: smtps:// is already TLS; drop starttls=1")
    username = unquote(parts.username) if parts.username is not None else None
    if username and not (secure or starttls) and parts.hostname not in ("localhost", "127.0.0.1"):
        logger.warning("mail: SMTP password sent to %s without TLS", parts.hostname)
    return SmtpTransport(
        parts.hostname,
        port or (465 if secure else 587 if starttls else 25),
        username=username,
        password=unquote(parts.password) if parts.password is not None else None,
        starttls=starttls,
        ssl=secure,
        timeout=timeout,
    )


def build_transport(url: str, *, instance_path: str | os.PathLike[str]) -> Transport:
    """The transport named by a mail URL (see the module's documentation).

    Raises:
        ValueError: an unknown scheme, a missing host, a bad option. The message never
            repeats the URL, which may hold a password.
    """
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    parts = urlsplit(url)
    options = _options(parts.query)
    transport: Transport
    if scheme == "memory":
        transport = MemoryTransport()
    elif scheme == "console":
        transport = ConsoleTransport()
    elif scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError("ICLIENT_MAIL_URL: use file:///absolute/folder (three slashes)")
        folder = Path(url2pathname(parts.path)) if parts.path else Path(instance_path) / "mail"
        transport = FileTransport(folder, log_links=_flag(options, "log_links", True))
    elif scheme in ("smtp", "smtps"):
        transport = _smtp(scheme, url, options)
    else:
        raise ValueError(f"ICLIENT_MAIL_URL: unknown scheme {scheme!r}; use one of {_SCHEMES}")
    if options:
        noun = "option" if len(options) == 1 else "options"
        raise ValueError(f"ICLIENT_MAIL_URL: unknown {noun} {', '.join(sorted(options))}")
    return transport


def build_mailer(url: str, *, sender: str, instance_path: str | os.PathLike[str]) -> TemplateMailer:
    """The mailer for ``ICLIENT_MAIL_URL``: templates plus the transport the URL names.

    Args:
        url: the mail URL (``memory://``, ``console://``, ``file:///…``, ``smtp(s)://…``).
        sender: the ``From`` header of every message.
        instance_path: the instance folder; ``file://`` without a path writes in its ``mail``.

    Raises:
        ValueError: the URL is not understood.
    """
    return TemplateMailer(build_transport(url, instance_path=instance_path), sender=sender)
