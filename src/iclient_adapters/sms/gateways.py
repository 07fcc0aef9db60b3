"""SMS gateways: where a rendered text message goes (memory, console, a folder, Twilio).

A gateway takes a phone number in international E.164 form, the text, and the outbox's
message id (the same across retries), and either hands the message over or raises
:class:`~iclient_core.shared.errors.DeliveryFailed` (``permanent`` when retrying cannot help).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol, TextIO
from urllib.parse import quote, urlencode

import attrs

from iclient_core.shared.errors import DeliveryFailed

logger = logging.getLogger("iclient.sms")

_UNSAFE = re.compile(r"[^A-Za-z0-9._@-]")


def file_name(message_id: str) -> str:
    """A safe file name for a message id (the same id, the same name; two ids, two names)."""
    bare = message_id.strip().strip("<>")
    safe = _UNSAFE.sub("_", bare)[:120].lstrip(".")
    if safe != bare or not safe:
        safe = f"{safe}-{hashlib.sha256(message_id.encode()).hexdigest()[:12]}"
    return f"{safe}.json"


class SmsGateway(Protocol):
    """Hands one text message to a provider (or a stand-in)."""

    def send(self, to: str, text: str, *, message_id: str) -> None:
        """Send ``text`` to ``to`` (E.164, e.g. ``+351912345678``).

        Raises:
            DeliveryFailed: the provider refused or could not be reached.
        """


@attrs.frozen
class SentSms:
    """One text message as a gateway handed it over."""

    to: str
    text: str
    message_id: str


@attrs.define
class MemoryGateway:
    """Keeps each message in :attr:`sent` (tests, embedding); while :attr:`down` is set,
    fails as an unreachable provider does."""

    sent: list[SentSms] = attrs.Factory(list)
    down: bool = False

    def send(self, to: str, text: str, *, message_id: str) -> None:
        """Keep the message.

        Raises:
            DeliveryFailed: :attr:`down` is set.
        """
        if self.down:
            raise DeliveryFailed("the memory SMS gateway is down")
        self.sent.append(SentSms(to=to, text=text, message_id=message_id))

    def texts(self, to: str | None = None) -> list[str]:
        """The texts sent (to ``to`` when given), oldest first."""
        return [m.text for m in self.sent if to is None or m.to == to]


class ConsoleGateway:
    """Prints each message to standard output (or ``stream``), for quick demos."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, to: str, text: str, *, message_id: str) -> None:
        """Print the message."""
        stream = self.stream or sys.stdout
        try:
            print(f"{'-' * 72}\nSMS to {to} ({message_id})\n{text}\n{'-' * 72}", file=stream)
            stream.flush()
        except (OSError, ValueError) as error:
            raise DeliveryFailed(f"cannot print the SMS: {error}") from error


class FileGateway:
    """Writes each message to ``<folder>/<message-id>.json`` (``to``, ``text``,
    ``message_id``); the development default.

    Files appear whole or not at all, and the same message id replaces its file.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def send(self, to: str, text: str, *, message_id: str) -> None:
        """Write the message atomically."""
        target = self.folder / file_name(message_id)
        data = json.dumps({"to": to, "text": text, "message_id": message_id}, ensure_ascii=False)
        try:
            fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temp, target)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as error:
            raise DeliveryFailed(f"cannot write {target}: {error}") from error
        logger.info("SMS to %s: %s", to, text)

    def messages(self) -> list[SentSms]:
        """Every message in the folder, oldest file first."""
        files = sorted(self.folder.glob("*.json"), key=lambda p: (p.stat().st_mtime_ns, p.name))
        return [SentSms(**json.loads(p.read_text(encoding="utf-8"))) for p in files]


class TwilioGateway:
    """Twilio's Programmable Messaging API: ``POST /2010-04-01/Accounts/{sid}/Messages.json``
    with the form fields ``To``, ``From`` (or ``MessagingServiceSid``) and ``Body``, HTTP
    basic authentication with the account SID and auth token.

    201 is a hand-over; 400–499 but 408 and 429 are refusals that retrying cannot change
    (a bad number, bad credentials); anything else, and no answer, is temporary.

    Args:
        account_sid: the account (``AC…``), also the user name.
        auth_token: the password.
        sender: a Twilio number (``+351…``) or a messaging service id (``MG…``).
        base_url: ``https://api.twilio.com`` (another for a test double).
        timeout: seconds to wait for an answer.
    """

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        sender: str,
        base_url: str = "https://api.twilio.com",
        timeout: float = 10.0,
    ) -> None:
        self.account_sid = account_sid
        self._token = auth_token
        self.sender = sender
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    @property
    def endpoint(self) -> str:
        """The Messages resource of the account."""
        return f"{self.base_url}/2010-04-01/Accounts/{quote(self.account_sid)}/Messages.json"

    def send(self, to: str, text: str, *, message_id: str) -> None:
        """POST the message; raise ``DeliveryFailed`` unless Twilio answers 201."""
        field = "MessagingServiceSid" if self.sender.startswith("MG") else "From"
        body = urlencode({"To": to, field: self.sender, "Body": text}).encode()
        credentials = base64.b64encode(f"{self.account_sid}:{self._token}".encode()).decode()
        # The URL is the configured https base (http only for a local test double).
        request = urllib.request.Request(  # noqa: S310
            self.endpoint,
            data=body,
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "Accept": "application/json",
                # Twilio ignores it; a proxy or a log may tie retries together by it.
                "X-Iclient-Message-Id": message_id,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                status = answer.status
        except urllib.error.HTTPError as error:
            status = error.code
            detail = _detail(error)
            permanent = 400 <= status < 500 and status not in (408, 429)
            raise DeliveryFailed(
                f"{'permanent: ' if permanent else ''}Twilio answered {status}{detail}",
                permanent=permanent,
            ) from None
        except (urllib.error.URLError, OSError, TimeoutError) as error:
            raise DeliveryFailed(f"cannot reach Twilio: {error}") from None
        if status != 201:
            raise DeliveryFailed(f"Twilio answered {status}")


def _detail(error: urllib.error.HTTPError) -> str:
    """Twilio's error code and message, when the body says them (never the credentials)."""
    try:
        found = json.loads(error.read(4096) or b"{}")
    except (ValueError, OSError):
        return ""
    if not isinstance(found, dict):
        return ""
    code, message = found.get("code"), str(found.get("message", ""))[:200]
    return f" ({code}: {message})" if code or message else ""
