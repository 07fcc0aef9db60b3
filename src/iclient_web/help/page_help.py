"""Help on every page: the explanation behind the help button at the bottom right of every
page of the client and staff areas.

The shipped texts are Markdown files beside this module, ``texts/<language>/<endpoint>.md``,
one per page (endpoint) and language; the first line, ``# Title``, names the page in the
staff's list, the rest is the explanation. An admin may write another explanation of a page
in either language (:mod:`iclient_core.help.pages`); what admins wrote is kept in each
process's memory with the portal's revision it was read at, like the business settings, so
a page costs no query for its help while nobody changes one.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import attrs
from flask import Flask, current_app, g, request
from markupsafe import Markup

from iclient_core.accounts.model import LANGUAGES
from iclient_core.help.pages import page_help_overrides
from iclient_web.business import revision
from iclient_web.deps import services
from iclient_web.i18n import current_language
from iclient_web.markdown import render_markdown
from iclient_web.security import is_public

TEXTS = Path(__file__).with_name("texts")

FILES = frozenset(
    {
        "account.data_export",
        "admin_audit.export",
        "admin_documents.download",
        "documents.download",
        "inbox.admin.export",
        "quotes.admin.attachment",
        "quotes.admin.pdf",
        "quotes.client.attachment",
        "quotes.client.pdf",
        "support.admin.file",
        "support.admin.poll",
        "support.client.file",
        "support.client.poll",
    }
)
"""Private GET endpoints that answer with a file or a fragment of a page (a live thread's
update), not a page: they have no help button."""

SIGNED_IN_PUBLIC = frozenset({"home.dashboard"})
"""Public endpoints that show a signed-in person a page of their area (the home page is the
landing page for visitors and the dashboard once signed in)."""


def help_pages(app: Flask) -> list[str]:
    """Every page a signed-in client or staff member can open: each must have help."""
    found = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or set())
        and rule.endpoint not in FILES
        and (not is_public(rule.endpoint, app) or rule.endpoint in SIGNED_IN_PUBLIC)
    }
    return sorted(found)


@attrs.frozen
class ShippedHelp:
    """A page's shipped help in one language: its title and the explanation (Markdown)."""

    title: str
    body: str


@cache
def shipped(page: str, language: str) -> ShippedHelp | None:
    """The shipped help of ``page`` in ``language``, or None when there is no file."""
    if language not in LANGUAGES or "/" in page or page.startswith("."):
        return None
    path = TEXTS / language / f"{page}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    first, _, rest = text.partition("\n")
    if first.startswith("# "):
        return ShippedHelp(title=first[2:].strip(), body=rest.strip())
    return ShippedHelp(title=page, body=text.strip())


@attrs.define
class HelpCache:
    """What admins wrote, as last read, and the portal revision it was read at."""

    revision: int = -1
    texts: Mapping[tuple[str, str], str] | None = None
    lock: threading.Lock = attrs.Factory(threading.Lock)

    def get(self, at: int) -> Mapping[tuple[str, str], str]:
        """The texts at revision ``at``, read again only if it moved on."""
        with self.lock:
            if self.texts is not None and self.revision == at:
                return self.texts
        found = page_help_overrides(services=services())
        with self.lock:
            self.revision, self.texts = at, found
        return found


def written_texts() -> Mapping[tuple[str, str], str]:
    """What admins wrote, by ``(page, language)``, from memory while the revision holds."""
    cache_: HelpCache = current_app.extensions["iclient_page_help"]
    return cache_.get(revision())


@attrs.frozen
class PageHelp:
    """The help a page shows: its title and the explanation as safe HTML."""

    title: str
    html: Markup


def help_for(page: str, language: str) -> PageHelp | None:
    """The help of ``page`` in ``language``: an admin's text, else the shipped one."""
    found = shipped(page, language)
    if found is None:
        return None
    text = written_texts().get((page, language)) or found.body
    return PageHelp(title=found.title, html=render_markdown(text))


def page_help() -> PageHelp | None:
    """The help of the page being shown to a signed-in person (None for others)."""
    if g.get("account") is None or request.endpoint is None or request.endpoint in FILES:
        return None
    return help_for(request.endpoint, current_language())


def init_app(app: Flask) -> None:
    """Keep the written texts in memory and give every template ``page_help()``."""
    app.extensions["iclient_page_help"] = HelpCache()
    app.jinja_env.globals["page_help"] = page_help
