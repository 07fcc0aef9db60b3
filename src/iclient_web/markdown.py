"""Safe Markdown for texts staff write (consent documents): CommonMark, raw HTML disabled.

markdown-it escapes any HTML in the source and refuses ``javascript:``/``vbscript:``/
``data:`` links, so the output can be trusted in a page.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # loaded by the first text shown, not at start-up

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


@lru_cache(maxsize=256)
def render_markdown(text: str) -> Markup:
    """``text`` as sanitised HTML.

    The same text always gives the same HTML, so each text is rendered once per process
    (the page help shown on every signed-in page, the consent documents) and kept while
    it is among the 256 last used.
    """
    return Markup(_parser().render(text))  # noqa: S704 - raw HTML is disabled in the parser
