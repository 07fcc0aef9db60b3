"""Security events (sign-ins, resets, activations…) written to the ``iclient.security`` logger.

Every line carries the event, the account and the client IP, in UTC. Values are escaped so
that a CR or LF in user input cannot forge a log line, and no password or token is ever
passed here.
"""

from __future__ import annotations

import logging

logger = logging.getLogger("iclient.security")


def _escape(value: object) -> str:
    text = str(value)
    return (
        text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    )[:200]


def security_event(
    event: str, *, account_id: str | None = None, ip: str = "-", **extra: object
) -> None:
    """Log one security event as ``event=… account=… ip=… key=value…``.

    The same escaped values go with the record as its fields (``extra={"iclient_fields":
    …}``), for log formats that keep them apart (JSON).
    """
    fields = {"event": event, "account": account_id or "-", "ip": ip, **extra}
    escaped = {key: _escape(value) for key, value in fields.items()}
    logger.info(
        " ".join(f"{key}={value}" for key, value in escaped.items()),
        extra={"iclient_fields": escaped},
    )
