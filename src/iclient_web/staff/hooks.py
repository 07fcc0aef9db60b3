"""How other areas plug into the staff pages without editing them.

- **Dashboard counts** — ``provide_attention(app, slot, count=..., endpoint=...)`` for one of
  :data:`ATTENTION_SLOTS`; ``count`` is the area's core ``Tally`` (its permission and how it
  is read), and the dashboard links the number to ``endpoint``. The dashboard reads every
  count in one unit of work (``iclient_core.staff.clients.attention``). A slot without a
  provider says so and shows no number (no invented data); a count the actor may not see is
  left out.
- **Sections of a client's page** — ``provide_client_section(app, area, template=...,
  reading=..., present=...)`` for one of :data:`CLIENT_SECTIONS`: ``reading`` is the area's
  core ``ClientReading``, which the client page reads with the rest of the page in one unit
  of work (``iclient_core.staff.clients.client_file``); ``present(found, client)`` turns what
  it read (None when the actor may not see it) into what ``template`` (one of the area's
  own) shows as ``section``. Until then the section shows a short "not available" line.
- **The admin menu** — ``provide_nav(app, _l("Quotes"), "quotes.admin.queue",
  Permission.QUOTES_MANAGE)``.

Call them from the area's ``init_app(app)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
from flask import Flask, current_app

from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import ClientReading, Permission, Tally

ATTENTION_SLOTS = (
    "quote_requests_waiting",
    "quotes_expiring",
    "documents_unopened",
    "documents_damaged",
    "inbox_new",
    "bookings_today",
    "support_waiting",
)
"""Dashboard counts that other areas provide."""

CLIENT_SECTIONS = ("consent", "documents", "quotes", "bookings", "support")
"""Sections of the client page that other areas provide."""


@attrs.frozen
class AttentionSlot:
    """A dashboard count: the area's tally and the list it links to."""

    count: Tally
    endpoint: str
    values: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class ClientSection:
    """A section of the client page: a template, what the core reads for it, and how that
    is shown (``present(found, client)``; ``found`` is None when the actor may not see it)."""

    template: str
    reading: ClientReading
    present: Callable[[Any, Account], Any]


@attrs.frozen
class ShownSection:
    """A section of one client's page, ready to render: the template and its ``section``."""

    template: str
    section: Any


@attrs.define
class AdminHooks:
    """What other areas registered for the staff pages."""

    attention: dict[str, AttentionSlot] = attrs.Factory(dict)
    client_sections: dict[str, ClientSection] = attrs.Factory(dict)
    nav: list[tuple[Any, str, Permission]] = attrs.Factory(list)


def hooks(app: Flask | None = None) -> AdminHooks:
    """The hooks of ``app`` (the current app by default)."""
    target = app or current_app
    found: AdminHooks = target.extensions.setdefault("iclient_admin", AdminHooks())
    return found


def provide_attention(app: Flask, slot: str, *, count: Tally, endpoint: str, **values: Any) -> None:
    """Give a dashboard slot its count and the page it links to."""
    if slot not in ATTENTION_SLOTS:
        raise ValueError(f"unknown dashboard slot {slot!r}; one of {ATTENTION_SLOTS}")
    hooks(app).attention[slot] = AttentionSlot(count=count, endpoint=endpoint, values=values)


def provide_client_section(
    app: Flask,
    area: str,
    *,
    template: str,
    reading: ClientReading,
    present: Callable[[Any, Account], Any],
) -> None:
    """Give a section of the client page its content: ``template`` shows ``section``, which
    is ``present(what reading read, client)``."""
    if area not in CLIENT_SECTIONS:
        raise ValueError(f"unknown client section {area!r}; one of {CLIENT_SECTIONS}")
    hooks(app).client_sections[area] = ClientSection(
        template=template, reading=reading, present=present
    )


def provide_nav(app: Flask, label: Any, endpoint: str, permission: Permission) -> None:
    """Add a link to the admin menu, shown to those with ``permission`` (label: ``_l(...)``)."""
    hooks(app).nav.append((label, endpoint, permission))


def attention_tallies() -> dict[str, Tally]:
    """The provided dashboard counts, by slot, for the core to read together."""
    return {slot: provided.count for slot, provided in hooks().attention.items()}


def attention_counts(
    counted: Mapping[str, int],
) -> list[tuple[str, AttentionSlot | None, int | None]]:
    """Every dashboard slot, its provider (or None) and its number in ``counted`` (what the
    core read of :func:`attention_tallies`); a provided slot the actor may not see is left
    out."""
    found: list[tuple[str, AttentionSlot | None, int | None]] = []
    for slot in ATTENTION_SLOTS:
        provided = hooks().attention.get(slot)
        if provided is None:
            found.append((slot, None, None))
        elif slot in counted:
            found.append((slot, provided, counted[slot]))
    return found


def client_readings() -> dict[str, ClientReading]:
    """What the provided sections of a client's page read, by area, for the core to read
    together."""
    return {area: provided.reading for area, provided in hooks().client_sections.items()}


def client_sections(found: Mapping[str, object], client: Account) -> dict[str, ShownSection]:
    """The provided sections of ``client``'s page, by area, from what the core read of
    :func:`client_readings` (an area missing from ``found`` is one the actor may not see)."""
    return {
        area: ShownSection(
            template=provided.template, section=provided.present(found.get(area), client)
        )
        for area, provided in hooks().client_sections.items()
    }
