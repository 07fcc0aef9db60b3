"""The staff tutorials: step-by-step guides for the staff's jobs, shipped as Markdown files
beside this module, ``guides/<language>/<slug>.md`` (first line ``# Title``, then a one-line
summary, then the steps)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import attrs
from markupsafe import Markup

from iclient_core.accounts.model import LANGUAGES
from iclient_web.markdown import render_markdown

FOLDER = Path(__file__).with_name("guides")

GUIDES = (
    "invite-or-import-clients",
    "upload-documents",
    "answer-a-quote-request",
    "publish-new-terms",
    "handle-a-deletion-request",
    "read-the-audit-log",
    "manage-staff",
    "settings",
)
"""The guides, in the order the index lists them."""


@attrs.frozen
class Guide:
    """A tutorial in one language: title, one-line summary, and the steps as safe HTML."""

    title: str
    summary: str
    source: str

    @property
    def html(self) -> Markup:
        """The steps, rendered."""
        return render_markdown(self.source)


@cache
def guide(slug: str, language: str) -> Guide | None:
    """The guide ``slug`` in ``language``, or None when there is no such file."""
    if slug not in GUIDES or language not in LANGUAGES:
        return None
    try:
        text = (FOLDER / language / f"{slug}.md").read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    first, _, rest = text.partition("\n")
    summary, _, steps = rest.strip().partition("\n\n")
    return Guide(title=first.removeprefix("# ").strip(), summary=summary.strip(), source=steps)
