"""Help on SQL: the page help texts admins wrote (``page_help``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cattrs
import sqlalchemy as sa

from iclient_adapters.sql.connection import Executor
from iclient_adapters.sql.tables import page_help
from iclient_core.help.page_ports import PageHelpText


def _text(row: Any) -> PageHelpText:
    return PageHelpText(
        page=row.page, language=row.language, text=row.text, updated_at=row.updated_at
    )


class SqlPageHelpRepository:
    """The ``PageHelpRepository`` port on the ``page_help`` table."""

    def __init__(self, connection: Executor, converter: cattrs.Converter) -> None:
        self._db = connection

    def get(self, page: str, language: str) -> PageHelpText | None:
        """The text written for ``page`` in ``language``, or None."""
        row = self._db.execute(
            sa.select(page_help).where(page_help.c.page == page, page_help.c.language == language)
        ).first()
        return _text(row) if row is not None else None

    def list(self) -> Sequence[PageHelpText]:
        """Every text written, by page then language."""
        query = sa.select(page_help).order_by(page_help.c.page, page_help.c.language)
        return [_text(row) for row in self._db.execute(query)]

    def save(self, text: PageHelpText) -> None:
        """Store ``text`` in place of the one of the same page and language."""
        self.remove(text.page, text.language)
        self._db.execute(
            sa.insert(page_help).values(
                page=text.page, language=text.language, text=text.text, updated_at=text.updated_at
            )
        )

    def remove(self, page: str, language: str) -> None:
        """Forget the text of ``page`` in ``language``."""
        self._db.execute(
            sa.delete(page_help).where(page_help.c.page == page, page_help.c.language == language)
        )
