"""Mail transports: where a rendered e-mail goes (a list, a folder, the console, an SMTP server).

Every transport has one method, ``send(msg)``, and raises
:class:`~iclient_core.shared.errors.DeliveryFailed` when the hand-over did not happen, so the outbox
keeps the message and tries again later.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import smtplib
import ssl as _ssl
import sys
import tempfile
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol, TextIO

from iclient_core.shared.errors import DeliveryFailed

logger = logging.getLogger("iclient.mail")

_LINK = re.compile(r"https?://[^\s<>\"']+")
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+=-]")


class Transport(Protocol):
    """Hands a finished e-mail over to whatever delivers it."""

    def send(self, msg: EmailMessage) -> None:
        """Hand ``msg`` over; its To/Cc/Bcc headers name the recipients.

        Raises:
            DeliveryFailed: the message was not handed over; trying again later may work.
        """


class MemoryTransport:
    """Keeps every message in ``sent``, for tests and for embedding without mail."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, msg: EmailMessage) -> None:
        """Append ``msg`` to ``sent``."""
        self.sent.append(msg)


def text_links(msg: EmailMessage) -> list[str]:
    """Every http(s) link in the plain-text part of ``msg``, in order."""
    body = msg.get_body(preferencelist=("plain",))
    if not isinstance(body, EmailMessage):
        return []
    return _LINK.findall(str(body.get_content()))


def eml_name(message_id: str | None) -> str:
    """A safe file name for the message with this Message-ID (the same id, the same name)."""
    if not message_id:
        return f"no-message-id-{uuid.uuid4().hex}.eml"
    bare = message_id.strip().strip("<>")
    safe = _UNSAFE.sub("_", bare)[:120].lstrip(".")
    if safe != bare or not safe:
        # Two different ids must not collapse onto one name once made safe.
        safe = f"{safe}-{hashlib.sha256(message_id.encode()).hexdigest()[:12]}"
    return f"{safe}.eml"


class FileTransport:
    """Writes each message to ``<folder>/<message-id>.eml``; the development default.

    Files appear whole or not at all (written to a temporary file, then renamed), and
    sending the same Message-ID again replaces the file instead of adding a copy.

    Args:
        folder: where the ``.eml`` files go (created if missing).
        log_links: log the links of each message on ``iclient.mail`` at INFO, so that a
            developer can follow an activation link from the console.
    """

    def __init__(self, folder: str | os.PathLike[str], *, log_links: bool = True) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.log_links = log_links

    def send(self, msg: EmailMessage) -> None:
        """Write ``msg`` atomically as an ``.eml`` file named after its Message-ID."""
        target = self.folder / eml_name(msg["Message-ID"])
        try:
            fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(msg.as_bytes())
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temp, target)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as error:
            raise DeliveryFailed(f"cannot write {target}: {error}") from error
        if self.log_links:
            _log_links(msg)


def _log_links(msg: EmailMessage) -> None:
    to = ", ".join(str(a.addr_spec) for a in getattr(msg["To"], "addresses", ()))
    kind = msg.get("X-Iclient-Kind", "mail")
    for link in text_links(msg):
        logger.info("mail to %s: %s link %s", to, kind, link)


class ConsoleTransport:
    """Prints each message to standard output (or ``stream``), for quick demos."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def send(self, msg: EmailMessage) -> None:
        """Print the headers and the text part of ``msg``."""
        stream = self._stream or sys.stdout
        body = msg.get_body(preferencelist=("plain",))
        text = body.get_content() if isinstance(body, EmailMessage) else ""
        headers = "".join(f"{k}: {v}\n" for k, v in msg.items() if not k.startswith("Content-"))
        print(f"{'-' * 72}\n{headers}\n{text}{'-' * 72}", file=stream, flush=True)


class SmtpTransport:
    """Sends through an SMTP server: plain, STARTTLS (submission, 587) or SMTPS (465).

    Temporary trouble (no connection, timeout, disconnection, 4xx) raises ``DeliveryFailed``
    so the outbox retries. A 5xx rejection raises it too, with "permanent" in the message;
    the outbox then retries until it gives up.

    Args:
        host: the server's name or address.
        port: the server's port (25, 587 for STARTTLS, 465 for SMTPS).
        username: for SMTP AUTH (servers offer it only over TLS, as they should); ASCII.
        password: for SMTP AUTH; ASCII (a limit of smtplib).
        starttls: upgrade the connection with STARTTLS (refuses to go on without it).
        ssl: connect with TLS from the start (SMTPS).
        timeout: seconds for the connection and each command.
        local_hostname: the name said in EHLO (the machine's name by default).
        ssl_context: the TLS settings; a verifying default context when None.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        ssl: bool = False,
        timeout: float = 10,
        local_hostname: str | None = None,
        ssl_context: _ssl.SSLContext | None = None,
    ) -> None:
        if starttls and ssl:
            raise ValueError("choose STARTTLS or SMTPS (ssl), not both")
        if not f"{username or ''}{password or ''}".isascii():
            # smtplib sends AUTH credentials as ASCII only; fail at start-up, not per message.
            raise ValueError("the SMTP user name and password must be ASCII")
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.starttls = starttls
        self.ssl = ssl
        self.timeout = timeout
        self.local_hostname = local_hostname
        self._context = ssl_context

    def _connect(self) -> smtplib.SMTP:
        context = self._context or _ssl.create_default_context()
        if self.ssl:
            return smtplib.SMTP_SSL(
                self.host,
                self.port,
                local_hostname=self.local_hostname,
                timeout=self.timeout,
                context=context,
            )
        smtp = smtplib.SMTP(
            self.host, self.port, local_hostname=self.local_hostname, timeout=self.timeout
        )
        if self.starttls:
            try:
                smtp.starttls(context=context)
            except BaseException:
                smtp.close()
                raise
        return smtp

    def send(self, msg: EmailMessage) -> None:
        """Deliver ``msg`` to the server in one connection.

        Raises:
            DeliveryFailed: the server could not be reached or did not accept the message.
        """
        where = f"{self.host}:{self.port}"
        try:
            with self._connect() as smtp:
                if self.username is not None:
                    smtp.login(self.username, self.password or "")
                refused = smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            code = min(codes, default=550)
            raise DeliveryFailed(
                _refusal(where, code, error), permanent=500 <= code < 600
            ) from error
        except smtplib.SMTPResponseException as error:
            raise DeliveryFailed(
                _refusal(where, error.smtp_code, error), permanent=500 <= error.smtp_code < 600
            ) from error
        except (smtplib.SMTPException, OSError, UnicodeError) as error:
            raise DeliveryFailed(f"SMTP {where}: {type(error).__name__}: {error}") from error
        if refused:
            # Some recipients took it: retrying would send the others a second copy.
            logger.warning("SMTP %s refused some recipients: %s", where, refused)


def _refusal(where: str, code: int, error: Exception) -> str:
    kind = "permanent rejection" if 500 <= code < 600 else "temporary failure"
    return f"SMTP {where}: {kind} ({code}): {error}"
