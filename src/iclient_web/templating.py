"""Pages compiled once per language: a fixed text is translated when its template is compiled.

Most of what a page says is fixed text (``{{ _('My documents') }}``, the menu, the footer);
looked up at every request, it made a signed-in page call gettext some fifty times. The
portal's templates are therefore compiled once per language: :class:`PageEnvironment` hands
each request the templates of its page's language, and :class:`FixedTexts` writes a fixed
text in at compile time, already translated, exactly as the running gettext would have
written it (marked safe, ``%%`` written ``%``). A text with values (``_('Due on %(date)s',
date=…)``), one that is not a literal, and every text outside a page's language (errors
outside ``/<lang>/``) are still translated as the page runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from babel.support import NullTranslations
from flask import Flask, g, has_request_context, request, url_for
from flask.templating import Environment
from flask_babel import force_locale, get_translations
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

#: The template functions whose one literal argument is translated at compile time.
GETTEXT_NAMES = frozenset({"_", "gettext"})

#: URLs the templates have built, by endpoint, language, mount point and values.
_URLS: dict[tuple[Any, ...], str] = {}
_URLS_KEPT = 4096


def init_app(app: Flask) -> None:
    """Compile the portal's templates per language, and keep the URLs they build.

    Runs before anything else touches ``app.jinja_env`` (which Flask makes on first use).
    """
    if "jinja_env" in app.__dict__:
        raise RuntimeError("templating.init_app must run before the template environment is made")
    app.jinja_environment = PageEnvironment
    app.jinja_env.globals["url_for"] = kept_url_for


def kept_url_for(endpoint: str, /, **values: Any) -> str:
    """Flask's ``url_for`` for templates, each URL built once per process.

    A page links to the same dozen places on every request (the menu, the footer); building
    a URL walks the URL map. The URL of a page depends only on its endpoint, its values,
    the page's language (added to every URL) and where the portal is mounted, so it is kept
    under those. External URLs, anchors and relative endpoints (``.index``) are built each
    time.
    """
    if endpoint[:1] == "." or not has_request_context() or any(k[:1] == "_" for k in values):
        return url_for(endpoint, **values)
    key = (endpoint, g.get("lang"), request.script_root, *sorted(values.items()))
    try:
        return _URLS[key]
    except KeyError:
        pass
    except TypeError:  # a value that cannot be a key (a list): built each time
        return url_for(endpoint, **values)
    built = _URLS[key] = url_for(endpoint, **values)
    if len(_URLS) > _URLS_KEPT:
        _URLS.clear()
    return built


class PageEnvironment(Environment):
    """Flask's template environment, with one compiled copy of each template per language."""

    #: The language this copy's fixed texts are written in; ``None`` for the shared one.
    language: str | None = None
    catalogue: NullTranslations | None = None

    def __init__(self, app: Any, **options: Any) -> None:
        super().__init__(app, **options)
        self.add_extension(FixedTexts)
        self._by_language: dict[str, PageEnvironment] = {}

    def in_language(self, language: str) -> PageEnvironment:
        """This environment with its fixed texts in ``language`` (made once, then kept)."""
        found = self._by_language.get(language)
        if found is None:
            app: Flask = self.app  # type: ignore[assignment]
            with app.app_context(), force_locale(language):  # a context of its own
                catalogue = get_translations()
            found = self.overlay()  # shares globals, filters and loader; a cache of its own
            found.language, found.catalogue = language, catalogue
            self._by_language[language] = found
        return found

    def _page_copy(self) -> PageEnvironment | None:
        if self.language is not None or not has_request_context():
            return None
        language = g.get("lang")
        return None if language is None else self.in_language(language)

    def get_template(self, name: Any, parent: str | None = None, globals: Any = None) -> Any:
        copy = self._page_copy()
        if copy is not None:
            return copy.get_template(name, parent, globals)
        return super().get_template(name, parent, globals)

    def select_template(self, names: Any, parent: str | None = None, globals: Any = None) -> Any:
        copy = self._page_copy()
        if copy is not None:
            return copy.select_template(names, parent, globals)
        return super().select_template(names, parent, globals)


class FixedTexts(Extension):
    """Writes ``_('literal')`` in the environment's language when a template is compiled."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        environment = self.environment
        catalogue = getattr(environment, "catalogue", None)
        autoescape = environment.autoescape
        escaped = autoescape(stream.name) if callable(autoescape) else autoescape
        if catalogue is None or not escaped:
            yield from stream
            return
        tokens = list(stream)  # compile time only: a template's tokens fit in memory
        at = 0
        while at < len(tokens):
            token = tokens[at]
            call = tokens[at : at + 4]
            if (
                token.type == "name"
                and token.value in GETTEXT_NAMES
                and [t.type for t in call] == ["name", "lparen", "string", "rparen"]
                and (at == 0 or tokens[at - 1].type != "dot")
            ):
                folded = _translated(catalogue, call[2].value)
                if folded is not None:
                    yield Token(token.lineno, "string", folded)
                    yield Token(token.lineno, "pipe", "|")
                    yield Token(token.lineno, "name", "safe")
                    at += 4
                    continue
            yield token
            at += 1


def _translated(catalogue: NullTranslations, text: str) -> str | None:
    """``text`` as the running gettext writes it, or ``None`` if only the running one can."""
    try:
        return str(catalogue.ugettext(text)) % {}
    except (KeyError, ValueError, TypeError):
        return None
