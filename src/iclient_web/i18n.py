"""Languages: every page lives under ``/<lang>/``; texts come from gettext catalogues, and
dates, amounts, phones and sizes are written the page's language's way (by
:mod:`iclient_web.formats`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.support import NullTranslations
from flask import Flask, abort, g, request, url_for
from flask_babel import Babel, get_translations

from iclient_core.accounts.model import LANGUAGES
from iclient_core.shared.money import Money
from iclient_web import formats
from iclient_web.deps import portal, services
from iclient_web.markdown import render_markdown

babel = Babel()


def current_language() -> str:
    """The language of the current page (the URL's), ``pt`` outside any page."""
    return str(g.get("lang", LANGUAGES[0]))


def init_app(app: Flask) -> None:
    """Wire Flask-Babel and the ``<lang>`` URL prefix."""
    babel.init_app(app, locale_selector=current_language)
    # A page calls gettext dozens of times; the catalogue is looked up once per request.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda text: page_translations().ugettext(text),
        lambda singular, plural, n: page_translations().ungettext(singular, plural, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(format_date=format_day, format_datetime=format_moment)
    app.jinja_env.filters.update(
        markdown=render_markdown, filesize=filesize, money=money, phone=formats.phone
    )

    @app.url_value_preprocessor
    def take_language(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values is None or "lang" not in values:
            g.lang = _guess_language()
            return
        lang = values.pop("lang")
        if lang not in LANGUAGES:
            g.lang = _guess_language()
            abort(404)
        g.lang = lang

    @app.url_defaults
    def add_language(endpoint: str, values: dict[str, Any]) -> None:
        if "lang" in values or not app.url_map.is_endpoint_expecting(endpoint, "lang"):
            return
        values["lang"] = current_language()

    @app.context_processor
    def page_context() -> dict[str, Any]:
        return {
            "languages": LANGUAGES,
            "lang": current_language(),
            "switch_language": switch_language,
            "min_password_length": portal().services.settings.password_policy.min_length,
        }


def page_translations() -> NullTranslations:
    """The current request's message catalogue, found once and kept on ``g``."""
    found: NullTranslations | None = g.get("iclient_translations")
    if found is None:
        found = g.iclient_translations = get_translations()
    return found


def N_(text: str) -> str:
    """Mark ``text`` for the catalogues where it is defined; :func:`translate` writes it out.

    For labels a page shows many times (a category on every row): a lazy text looks the
    catalogue up again each time it is shown, this costs one dictionary look-up.
    """
    return text


def translate(text: str) -> str:
    """``text`` (marked with :func:`N_`) in the page's language."""
    return str(page_translations().ugettext(text))


def switch_language(code: str) -> str:
    """The current page in another language (its GET form)."""
    endpoint = request.endpoint
    if endpoint and request.url_rule is not None and "lang" in request.url_rule.arguments:
        return url_for(endpoint, **{**(request.view_args or {}), "lang": code})
    return f"/{code}/"


def _guess_language() -> str:
    """For pages outside ``/<lang>/`` (errors on unknown URLs): the URL's first segment or pt."""
    first = request.path.strip("/").split("/", 1)[0]
    return first if first in LANGUAGES else LANGUAGES[0]


def format_day(value: date | datetime | None = None, format: str | None = None) -> str:
    """A day in the page's language (``29/11/2026``); a time's day in the business's zone.

    ``format`` (a Babel format name, as Flask-Babel's function takes) is accepted and
    ignored: the portal writes every day one way.
    """
    if isinstance(value, datetime):
        return formats.local_day(value, current_language(), services().settings.quotes.zone())
    return formats.day(value, current_language())


def format_moment(value: datetime | None = None, format: str | None = None) -> str:
    """A time in the page's language, in the business's zone (``29/11/2026 17:05``);
    ``format`` is accepted and ignored, as for :func:`format_day`."""
    return formats.moment(value, current_language(), services().settings.quotes.zone())


def filesize(size: int | None) -> str:
    """``2,4 MB`` (in the page's language)."""
    return formats.filesize(size, current_language())


def money(amount: Money | None) -> str:
    """An amount in the page's language, from integer cents (no float on the way)."""
    return formats.money(amount, current_language())
