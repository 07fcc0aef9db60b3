"""The FAQ persistence contract: what every ``FaqRepository`` adapter must do.

Mix :class:`FaqContract` into a test class that provides a ``uow_factory`` fixture (a
zero-argument callable returning a fresh unit of work over an *empty* store). Needs pytest.
"""

from __future__ import annotations

import attrs
import pytest

from iclient_adapters.testing.samples import at, new_id
from iclient_core.help.faq import FaqEntry
from iclient_core.shared.errors import AlreadyExists, NotFound
from iclient_core.unit_of_work import UnitOfWorkFactory


def faq_sample(
    question: str = "Como me registo?",
    *,
    language: str = "pt",
    anchor: str | None = None,
    position: int = 1,
    published: bool = True,
    category: str = "Área reservada",
) -> FaqEntry:
    """An entry written at ``T0``, with Markdown and accents in its texts."""
    return FaqEntry.write(
        id=new_id(),
        language=language,
        anchor=anchor or f"q-{new_id()[:8]}",
        question=question,
        answer="1. Abra *Registar*\n2. Escreva o e-mail & <nome>.\n",
        category=category,
        published=published,
        position=position,
        now=at(0),
    )


class FaqContract:
    """Needs ``uow_factory``. What every ``FaqRepository`` must do."""

    def test_faq_entry_round_trips_every_field(self, uow_factory: UnitOfWorkFactory) -> None:
        entry = faq_sample()
        with uow_factory() as uow:
            uow.faq.add(entry)
            uow.commit()
        with uow_factory() as uow:
            assert uow.faq.get(entry.id) == entry
            assert uow.faq.get(new_id()) is None

    def test_faq_list_orders_by_position_and_filters(self, uow_factory: UnitOfWorkFactory) -> None:
        second = faq_sample("B", position=2)
        first = faq_sample("A", position=1)
        hidden = faq_sample("C", position=3, published=False)
        english = faq_sample("D", language="en", position=1)
        with uow_factory() as uow:
            for entry in (second, hidden, english, first):
                uow.faq.add(entry)
            uow.commit()
        with uow_factory() as uow:
            assert [e.question for e in uow.faq.list(language="pt")] == ["A", "B", "C"]
            assert [e.id for e in uow.faq.list(language="pt", published=True)] == [
                first.id,
                second.id,
            ]
            assert [e.id for e in uow.faq.list(published=False)] == [hidden.id]
            assert {e.id for e in uow.faq.list()} == {first.id, second.id, hidden.id, english.id}

    def test_faq_anchor_is_unique_within_a_language(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.faq.add(faq_sample(anchor="registo"))
            uow.faq.add(faq_sample(anchor="registo", language="en"))
            uow.commit()
        with pytest.raises(AlreadyExists), uow_factory() as uow:
            uow.faq.add(faq_sample(anchor="registo"))
            uow.commit()
        with uow_factory() as uow:
            assert len(uow.faq.list()) == 2

    def test_faq_update_changes_fields_and_keeps_others(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        entry = faq_sample()
        with uow_factory() as uow:
            uow.faq.add(entry)
            uow.commit()
        changed = attrs.evolve(
            entry, question="Outra?", published=False, position=7, updated_at=at(5)
        )
        with uow_factory() as uow:
            uow.faq.update(changed)
            uow.commit()
        with uow_factory() as uow:
            assert uow.faq.get(entry.id) == changed
            with pytest.raises(NotFound):
                uow.faq.update(faq_sample())

    def test_faq_delete_and_rollback(self, uow_factory: UnitOfWorkFactory) -> None:
        kept, gone = faq_sample("kept"), faq_sample("gone")
        with uow_factory() as uow:
            uow.faq.add(kept)
            uow.faq.add(gone)
            uow.commit()
        with uow_factory() as uow:
            uow.faq.delete(kept.id)  # not committed: rolled back
        with uow_factory() as uow:
            uow.faq.delete(gone.id)
            uow.faq.delete(new_id())  # nothing there: no error
            uow.commit()
        with uow_factory() as uow:
            assert [e.id for e in uow.faq.list()] == [kept.id]
