"""The page help contract: the texts admins wrote in place of the shipped help of a page
(``uow.page_help``).

Mix the suite into a test class that provides a ``uow_factory`` fixture (a zero-argument
callable returning a fresh unit of work over an *empty* store)::

    class TestMyPageHelp(PageHelpContract):
        @pytest.fixture
        def uow_factory(self, tmp_path):
            return MyDatabase(tmp_path).unit_of_work

Needs pytest.
"""

from __future__ import annotations

from iclient_adapters.testing.samples import at
from iclient_core.help.page_ports import PageHelpText
from iclient_core.unit_of_work import UnitOfWorkFactory


def pagehelp_text(page: str, language: str, text: str = "", minutes: float = 0) -> PageHelpText:
    """A help text of ``page`` in ``language``, written ``minutes`` after ``T0``."""
    return PageHelpText(
        page=page,
        language=language,
        text=text or f"**{page}** em {language}: lê-se *assim*.\n\n- um\n- dois — ção",
        updated_at=at(minutes),
    )


class PageHelpContract:
    """Needs ``uow_factory``. Texts per page and language: stored, replaced, listed in
    order, removed, and only when committed."""

    def test_pagehelp_nothing_is_written_at_first(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            assert uow.page_help.list() == []
            assert uow.page_help.get("documents.index", "pt") is None

    def test_pagehelp_texts_round_trip_per_page_and_language(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        written = [
            pagehelp_text("quotes.client.show", "pt", minutes=3),
            pagehelp_text("documents.index", "en", minutes=2),
            pagehelp_text("documents.index", "pt", "Os seus documentos.", minutes=1),
        ]
        with uow_factory() as uow:
            for text in written:
                uow.page_help.save(text)
            uow.commit()
        with uow_factory() as uow:
            assert uow.page_help.get("documents.index", "pt") == written[2]
            assert uow.page_help.get("documents.index", "en") == written[1]
            assert uow.page_help.get("quotes.client.show", "en") is None
            assert list(uow.page_help.list()) == [written[1], written[2], written[0]]

    def test_pagehelp_saving_again_replaces_the_text(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.page_help.save(pagehelp_text("account.show", "en", "First."))
            uow.commit()
        second = pagehelp_text("account.show", "en", "Second.", minutes=5)
        with uow_factory() as uow:
            uow.page_help.save(second)
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.page_help.list()) == [second]

    def test_pagehelp_removing_forgets_one_language_only(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        kept = pagehelp_text("account.show", "pt")
        with uow_factory() as uow:
            uow.page_help.save(kept)
            uow.page_help.save(pagehelp_text("account.show", "en"))
            uow.commit()
        with uow_factory() as uow:
            uow.page_help.remove("account.show", "en")
            uow.page_help.remove("never.written", "en")
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.page_help.list()) == [kept]

    def test_pagehelp_uncommitted_changes_are_discarded(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        kept = pagehelp_text("home.dashboard", "pt")
        with uow_factory() as uow:
            uow.page_help.save(kept)
            uow.commit()
        with uow_factory() as uow:
            uow.page_help.save(pagehelp_text("home.dashboard", "en"))
            uow.page_help.remove("home.dashboard", "pt")
        with uow_factory() as uow:
            assert list(uow.page_help.list()) == [kept]
