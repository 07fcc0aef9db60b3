"""Render a notification to a complete e-mail: Jinja2 templates per kind and language.

Each kind has three templates per language under ``templates/<lang>/``: ``<kind>.subject.txt``,
``<kind>.txt`` (plain text, not escaped) and ``<kind>.html`` (autoescaped). The result is a
``multipart/alternative`` message in UTF-8 whose headers cannot be forged by the data in it:
names and addresses go through :class:`email.headerregistry.Address`, never string joins.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import UTC, datetime
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import format_datetime
from typing import TYPE_CHECKING

import jinja2

from iclient_core.notifications.model import Notification

if TYPE_CHECKING:
    # Loaded at the first e-mail rendered (in the worker, which sends them), not when the
    # portal starts: its header parser is a tenth of what building the mailer costs.
    from email.headerregistry import Address

LANGUAGES = ("pt", "en")
"""The languages there are templates for; the first is the fallback."""

_WHITESPACE = re.compile(r"\s+")


def full_stop(text: str) -> str:
    """``text`` ending a sentence: one full stop, not two after ``Lda.`` or ``Inc.``."""
    text = str(text)
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


@functools.cache
def environment() -> jinja2.Environment:
    """The shared Jinja2 environment over the package's templates (built on first use)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("iclient_adapters.mail", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["full_stop"] = full_stop
    return env


def template_language(language: str) -> str:
    """``language`` when there are templates for it, else the fallback (``pt``)."""
    return language if language in LANGUAGES else LANGUAGES[0]


def one_line(text: str) -> str:
    """``text`` with control characters dropped and every run of whitespace made one space.

    Used for everything that ends up in a header, so that no CR or LF can start a new one.
    """
    printable = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text
    )
    return _WHITESPACE.sub(" ", printable).strip()


def recipient(notification: Notification) -> Address:
    """The ``To`` address: the display name made one line, the address checked.

    Raises:
        ValueError: the address is not a valid ``local@domain``.
    """
    from email.headerregistry import Address

    try:
        address = Address(
            display_name=one_line(notification.to_name), addr_spec=notification.to_address
        )
    except (ValueError, IndexError, MessageError) as error:
        raise ValueError(f"invalid recipient address {notification.to_address!r}") from error
    if not address.username or not address.domain:
        raise ValueError(f"invalid recipient address {notification.to_address!r}")
    return address


def render_parts(notification: Notification) -> tuple[str, str, str]:
    """The subject, text and HTML of ``notification`` in its language (or the fallback).

    Raises:
        jinja2.TemplateError: no template for the kind, or a context key is missing.
    """
    env = environment()
    lang = template_language(notification.language)
    name = f"{lang}/{notification.kind.value}"
    context = dict(notification.context)
    subject = one_line(env.get_template(f"{name}.subject.txt").render(context))
    context["subject"] = subject
    text = env.get_template(f"{name}.txt").render(context)
    html = env.get_template(f"{name}.html").render(context)
    return subject, text, html


def render(
    notification: Notification, *, sender: str, message_id: str, date: datetime | None = None
) -> EmailMessage:
    """Build the e-mail for ``notification``.

    Args:
        notification: what to say to whom, in which language.
        sender: the ``From`` header, e.g. ``"Oficina <no-reply@oficina.pt>"``.
        message_id: the outbox's Message-ID (``<id@domain>``), kept across retries.
        date: the ``Date`` header; now by default.

    Returns:
        A ``multipart/alternative`` message (text, then HTML), UTF-8. A notification with an
        ``unsubscribe_link`` gets the RFC 8058 one-click headers ``List-Unsubscribe`` and
        ``List-Unsubscribe-Post``.

    Raises:
        ValueError: the recipient address, the sender or the Message-ID is malformed.
        jinja2.TemplateError: a template is missing or lacks a context key.
    """
    subject, text, html = render_parts(notification)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient(notification)
    message["Subject"] = subject
    message["Date"] = format_datetime(date or datetime.now(UTC))
    message["Message-ID"] = one_line(message_id)
    message["Auto-Submitted"] = "auto-generated"
    # Asks Exchange/Outlook not to answer with out-of-office replies.
    message["X-Auto-Response-Suppress"] = "All"
    message["X-Iclient-Kind"] = notification.kind.value
    unsubscribe = notification.context.get("unsubscribe_link", "")
    if unsubscribe:
        # RFC 8058 one-click: a mail client POSTs "List-Unsubscribe=One-Click" to the URL.
        if not unsubscribe.startswith("https://") and not unsubscribe.startswith("http://"):
            raise ValueError(f"unsubscribe link is not an http(s) URL: {unsubscribe!r}")
        message["List-Unsubscribe"] = f"<{one_line(unsubscribe)}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text, charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    calendar = calendar_file(notification)
    if calendar is not None:
        # The message becomes multipart/mixed: the text and HTML, then the .ics file.
        message.add_attachment(
            calendar,
            maintype="text",
            subtype="calendar",
            filename="booking.ics",
            params={"method": "PUBLISH"},
        )
    # After the parts: set_content() drops every Content-* header already there.
    message["Content-Language"] = template_language(notification.language)
    return message


def calendar_file(notification: Notification) -> bytes | None:
    """The iCalendar file (RFC 5545) of a notification about a booking, or None.

    A notification carries one when its context has ``ics_uid``, ``ics_start``, ``ics_end``
    (ISO 8601, UTC), ``ics_summary``, ``ics_sequence`` (bumped when the booking moves),
    ``ics_status`` (``CONFIRMED`` or ``CANCELLED``) and ``ics_stamp``; the organiser is the
    business (``business_name``, ``contact_email``) when known.
    """
    context = notification.context
    if not context.get("ics_uid"):
        return None
    import icalendar  # only e-mails about bookings need it

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//iclient//bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", context["ics_uid"])
    event.add("dtstamp", datetime.fromisoformat(context["ics_stamp"]).astimezone(UTC))
    event.add("dtstart", datetime.fromisoformat(context["ics_start"]).astimezone(UTC))
    event.add("dtend", datetime.fromisoformat(context["ics_end"]).astimezone(UTC))
    business = context.get("business_name", "")
    summary = context.get("ics_summary", "")
    event.add("summary", f"{summary} — {business}" if business else summary)
    event.add("sequence", int(context.get("ics_sequence", "0") or 0))
    event.add("status", context.get("ics_status", "CONFIRMED"))
    if context.get("manage_link"):
        event.add("url", context["manage_link"])
        event.add("description", context["manage_link"])
    if context.get("contact_email"):
        organizer = icalendar.vCalAddress(f"mailto:{context['contact_email']}")
        organizer.params["cn"] = icalendar.vText(business or context["contact_email"])
        event.add("organizer", organizer)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
