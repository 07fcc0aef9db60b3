"""The FAQ repository on SQL."""

from __future__ import annotations

from collections.abc import Sequence

import cattrs
import sqlalchemy as sa

from iclient_adapters.sql.connection import Executor
from iclient_adapters.sql.guards import unique_guard
from iclient_adapters.sql.tables import faq_entries
from iclient_core.help.faq import FaqEntry
from iclient_core.shared.errors import NotFound


class SqlFaqRepository:
    """The ``FaqRepository`` port on a connection."""

    def __init__(self, connection: Executor, converter: cattrs.Converter) -> None:
        self._connection = connection
        self._converter = converter

    def add(self, entry: FaqEntry) -> None:
        """Insert an entry; (language, anchor) is unique."""
        with unique_guard(self._connection, f"faq {entry.language}#{entry.anchor}"):
            self._connection.execute(
                faq_entries.insert().values(self._converter.unstructure(entry))
            )

    def get(self, entry_id: str) -> FaqEntry | None:
        """One entry by id."""
        row = (
            self._connection.execute(sa.select(faq_entries).where(faq_entries.c.id == entry_id))
            .mappings()
            .first()
        )
        return self._converter.structure(row, FaqEntry) if row else None

    def update(self, entry: FaqEntry) -> None:
        """Write an entry's fields over its row."""
        values = self._converter.unstructure(entry)
        del values["id"]
        with unique_guard(self._connection, f"faq {entry.language}#{entry.anchor}"):
            result = self._connection.execute(
                faq_entries.update().where(faq_entries.c.id == entry.id).values(values)
            )
        if result.rowcount == 0:
            raise NotFound(entry.id)

    def delete(self, entry_id: str) -> None:
        """Delete an entry's row."""
        self._connection.execute(faq_entries.delete().where(faq_entries.c.id == entry_id))

    def list(
        self, *, language: str | None = None, published: bool | None = None
    ) -> Sequence[FaqEntry]:
        """Entries by language, position, question."""
        query = sa.select(faq_entries).order_by(
            faq_entries.c.language,
            faq_entries.c.position,
            faq_entries.c.question,
            faq_entries.c.id,
        )
        if language is not None:
            query = query.where(faq_entries.c.language == language)
        if published is not None:
            query = query.where(faq_entries.c.published == published)
        return [
            self._converter.structure(r, FaqEntry)
            for r in self._connection.execute(query).mappings()
        ]
