"""Log lines, configured in one place: plain text (the default) or one JSON object per line.

:func:`configure` is called by ``create_app`` (so ``iclient serve``, the worker and any WSGI
server that builds the app get it) with ``ICLIENT_LOG_FORMAT`` (``text`` or ``json``) and
``ICLIENT_LOG_LEVEL`` (``INFO``). It installs one handler on the root logger, writing to
standard error, and replaces it when called again; handlers that others installed (a test
runner's, gunicorn's) are left alone.

- ``text``: ``2026-01-05T09:00:00Z iclient.security event=sign_in account=… ip=…``, the time
  in UTC, then ``request_id=…`` at the end of the lines written while a request was served.
- ``json``: ``{"time": "2026-01-05T09:00:00.123Z", "level": "INFO", "logger": "…",
  "message": "…", "request_id": "…", …}``: the fields a line was given (``method``,
  ``endpoint``, ``status``, ``duration_ms`` for request lines; ``event``, ``account``,
  ``ip`` for security events) at the top level, and ``exception`` with the traceback.
  Everything is ASCII-escaped, so no value can break a line in two.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

FORMATS = ("text", "json")
"""The values ``ICLIENT_LOG_FORMAT`` takes."""

FIELDS_ATTRIBUTE = "iclient_fields"
"""The ``extra=`` key under which a log call passes the structured fields of its line:
``logger.info(msg, extra={"iclient_fields": {...}})``."""

_BASE_KEYS = ("time", "level", "logger", "message")
_OURS = "_iclient_handler"

current_request_id: ContextVar[str | None] = ContextVar("iclient_request_id", default=None)
"""The id of the request being served on this thread, for the lines it logs."""


class RequestIdFilter(logging.Filter):
    """Gives every record a ``request_id`` attribute: the current request's, or None."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Stamp the record (never drops it)."""
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id.get()
        return True


class TextFormatter(logging.Formatter):
    """``<UTC time> <logger> <message>[ request_id=…]``."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(name)s %(message)s", datefmt="%Y-%m-%dT%H:%M:%SZ")
        self.converter = time.gmtime

    def format(self, record: logging.LogRecord) -> str:
        """The line, with the request id when there is one."""
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        return f"{line} request_id={request_id}" if request_id else line


def text_formatter() -> logging.Formatter:
    """The text format: time in UTC (ISO 8601), logger, message.

    The security log (``iclient.security``) must say when in UTC, whatever the server's zone.
    """
    return TextFormatter()


def utc_timestamp(created: float) -> str:
    """``2026-01-05T09:00:00.123Z`` for a record's ``created`` time."""
    moment = datetime.fromtimestamp(created, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class JsonFormatter(logging.Formatter):
    """One JSON object per line (see the module's docstring for its keys)."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of ASCII JSON."""
        entry: dict[str, Any] = {
            "time": utc_timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            entry["request_id"] = request_id
        fields = getattr(record, FIELDS_ATTRIBUTE, None)
        if isinstance(fields, dict):
            for key, value in fields.items():
                if key not in _BASE_KEYS:
                    entry.setdefault(str(key), value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # ensure_ascii: every control character and line separator (U+2028, NEL…) is
        # written as an escape, so one record is always exactly one line.
        return json.dumps(entry, ensure_ascii=True, default=str, separators=(",", ":"))


class _StandardError(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (as :data:`logging.lastResort`
    does), so a replaced standard error (a test runner's capture) is always followed."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> IO[str]:
        """The current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, value: IO[str]) -> None:
        """Ignored: the stream is always the current standard error."""


def _level(level: str | int) -> int:
    if isinstance(level, int):
        return level
    found = logging.getLevelNamesMapping().get(level.strip().upper())
    if found is None:
        raise ValueError(f"unknown log level {level!r}")
    return found


def configure(
    log_format: str = "text", level: str | int = "INFO", *, stream: IO[str] | None = None
) -> logging.Handler:
    """Send log lines to ``stream`` (standard error) in ``log_format``, from ``level`` up.

    Calling it again replaces the handler it installed before; other handlers stay.

    Args:
        log_format: ``text`` or ``json``.
        level: the root logger's level (``INFO``, ``WARNING``…).
        stream: where lines go (standard error by default).

    Returns:
        The installed handler.

    Raises:
        ValueError: an unknown format or level.
    """
    if log_format not in FORMATS:
        raise ValueError(f"unknown log format {log_format!r} (use one of {', '.join(FORMATS)})")
    root = logging.getLogger()
    for installed in list(root.handlers):
        if getattr(installed, _OURS, False):
            root.removeHandler(installed)
    handler: logging.Handler = (
        logging.StreamHandler(stream) if stream is not None else _StandardError()
    )
    handler.setFormatter(JsonFormatter() if log_format == "json" else text_formatter())
    handler.addFilter(RequestIdFilter())
    setattr(handler, _OURS, True)
    root.addHandler(handler)
    root.setLevel(_level(level))
    return handler
