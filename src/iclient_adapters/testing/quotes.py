"""The quotes persistence contract: what ``uow.quotes`` (a ``QuoteRepository``) must do.

Mix :class:`QuotesContract` into a test class that provides a ``uow_factory`` fixture (a
zero-argument callable returning a fresh unit of work over an *empty* store)::

    class TestMyQuotes(QuotesContract):
        @pytest.fixture
        def uow_factory(self, tmp_path):
            return MyDatabase(tmp_path).unit_of_work

Needs pytest.
"""

from __future__ import annotations

import itertools
import threading
from contextlib import ExitStack
from datetime import date, datetime, timedelta

import attrs
import pytest

from iclient_adapters.testing.samples import T0, at, client, new_id, staff
from iclient_core.accounts.model import Account
from iclient_core.quotes.common import actor_of
from iclient_core.quotes.model import (
    Action,
    Actor,
    Attachment,
    ProposalContent,
    Quote,
    QuoteNumber,
    QuoteState,
    Side,
    VisitorContact,
)
from iclient_core.quotes.ports import QuoteSummary
from iclient_core.quotes.pricing import Discount, DiscountKind, Line
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate
from iclient_core.shared.money import Money, Quantity
from iclient_core.unit_of_work import UnitOfWorkFactory

TODAY = date(2026, 1, 5)
"""The business's date at ``T0``."""


_SAMPLE_SEQUENCE = itertools.count(1)


def sample_number() -> QuoteNumber:
    """A number of ``TODAY``'s year no other sample has (the numbering tests use other years,
    so that these never meet the numbers a repository hands out)."""
    return QuoteNumber("ORC", TODAY.year, next(_SAMPLE_SEQUENCE))


def content(*, valid_until: date | None = date(2026, 2, 4), message: str = "") -> ProposalContent:
    """Two lines at different VAT rates with a 10 % discount, valid for a month."""
    return ProposalContent(
        lines=(
            Line("Pintura da fachada", Quantity(120_500), Money(1_250), 2300),
            Line("Livro técnico", Quantity.units(2), Money(1_999), 600),
        ),
        discount=Discount(DiscountKind.PERCENT, 1000),
        valid_until=valid_until,
        message=message,
    )


def requested(owner: Account, *, now: datetime = T0, subject: str = "Pintura") -> Quote:
    """A client's new request."""
    return Quote.request(
        id=new_id(),
        number=sample_number(),
        client=actor_of(owner),
        subject=subject,
        details="Fachada de 120 m²,\nduas demãos.",
        desired_date=date(2026, 3, 1),
        language="pt",
        now=now,
    )


def sent(owner: Account, worker: Account, *, now: datetime = T0, **kwargs: object) -> Quote:
    """A quote with version 1 sent to ``owner`` by ``worker``."""
    quote = requested(owner, now=now)
    quote.save_draft(content(**kwargs), actor_of(worker), now)  # type: ignore[arg-type]
    quote.send(actor_of(worker), now)
    return quote


def visitor_request(*, now: datetime = T0) -> Quote:
    """A request from the public form."""
    return Quote.request_by_visitor(
        id=new_id(),
        number=sample_number(),
        visitor=VisitorContact(
            name="Bruno Costa",
            email="bruno@example.pt",
            phone="+351912000111",
            contact_consent_at=now,
        ),
        subject="Orçamento de telhado",
        details="Telhado com infiltrações.",
        language="en",
        now=now,
    )


class QuotesContract:
    """Needs ``uow_factory``. Checks the ``QuoteRepository``: round trips of requests, versions,
    decisions, attachments and visitors' requests to the cent, optimistic versions (one of two
    decisions wins), sent versions never rewritten, and the lists on the *effective* state
    (expired by date), with their filters and pages."""

    @pytest.fixture
    def quotes_people(self, uow_factory: UnitOfWorkFactory) -> tuple[Account, Account, Account]:
        """Two clients and a staff member, stored."""
        ana, bea = client("ana@example.pt"), client("bea@example.pt")
        rui = staff("rui@example.pt")
        with uow_factory() as uow:
            for account in (ana, bea, rui):
                uow.accounts.add(account)
            uow.commit()
        return ana, bea, rui

    def quotes_store(self, uow_factory: UnitOfWorkFactory, *quotes: Quote) -> None:
        """Add ``quotes`` in one unit of work."""
        with uow_factory() as uow:
            for quote in quotes:
                uow.quotes.add(quote)
            uow.commit()

    def quotes_load(self, uow_factory: UnitOfWorkFactory, quote_id: str) -> Quote:
        """The stored quote (which must exist)."""
        with uow_factory() as uow:
            found = uow.quotes.get(quote_id)
        assert found is not None
        return found

    # ------------------------------------------------------------------ round trips

    def test_quotes_a_request_round_trips(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana, _, _ = quotes_people
        quote = requested(ana)
        self.quotes_store(uow_factory, quote)
        assert self.quotes_load(uow_factory, quote.id) == quote

    def test_quotes_several_whole_quotes_at_once(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana, _, rui = quotes_people
        asked = requested(ana)
        answered = sent(ana, rui, message="Com andaimes.")
        self.quotes_store(uow_factory, asked, answered)
        with uow_factory() as uow:
            found = uow.quotes.get_many([answered.id, asked.id, "no-such-quote"])
            assert found == {asked.id: asked, answered.id: answered}
            assert uow.quotes.get_many([]) == {}

    def test_quotes_a_decided_quote_round_trips_with_every_field(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana, _, rui = quotes_people
        quote = sent(ana, rui, message="Inclui andaimes.\nIVA à taxa legal.")
        quote.revise(actor_of(rui), at(5))
        quote.save_draft(content(message="Versão 2"), actor_of(rui), at(6))
        quote.send(actor_of(rui), at(7))
        quote.decide(
            Action.ACCEPT,
            actor_of(ana),
            proposal_number=2,
            ip="2001:db8::1",
            now=at(8),
            today=TODAY,
        )
        self.quotes_store(uow_factory, quote)
        loaded = self.quotes_load(uow_factory, quote.id)
        assert loaded == quote
        assert [p.number for p in loaded.proposals] == [1, 2]
        assert all(loaded.hash_is_intact(p) for p in loaded.proposals)
        assert loaded.decision is not None and loaded.decision.ip == "2001:db8::1"
        assert [e.action for e in loaded.events] == [
            Action.REQUEST,
            Action.DRAFT,
            Action.SEND,
            Action.REVISE,
            Action.SEND,
            Action.ACCEPT,
        ]
        for moment in (loaded.created_at, loaded.decision.at, *(e.at for e in loaded.events)):
            assert moment.utcoffset() == timedelta(0)

    def test_quotes_amounts_keep_every_cent_and_thousandth(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana, _, rui = quotes_people
        quote = requested(ana)
        big = ProposalContent(
            lines=(
                Line("Muito", Quantity(999_999_999), Money(99_999_999), 2300),
                Line("Pouco", Quantity(1), Money(1), 0),
            ),
            discount=Discount(DiscountKind.AMOUNT, 1),
            valid_until=None,
        )
        quote.save_draft(big, actor_of(rui), T0)
        self.quotes_store(uow_factory, quote)
        loaded = self.quotes_load(uow_factory, quote.id)
        assert loaded.current_proposal is not None
        assert loaded.current_proposal.content == big
        assert all(type(line.unit_price.cents) is int for line in big.lines)

    def test_quotes_a_request_with_and_without_an_attachment_round_trips(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana, _, rui = quotes_people
        with_file = requested(ana, subject="Com anexo")
        with_file.attachment = Attachment(
            key=f"quotes/{ana.id}/{with_file.id}-0123456789abcdef",
            display_name="planta da fachada — 2.º andar.pdf",
            content_type="application/pdf",
            size=5_000_000_000,  # past 32 bits
            sha256="ab" * 32,
        )
        without = requested(ana, subject="Sem anexo")
        self.quotes_store(uow_factory, with_file, without)
        loaded = self.quotes_load(uow_factory, with_file.id)
        assert loaded == with_file and loaded.attachment == with_file.attachment
        assert self.quotes_load(uow_factory, without.id).attachment is None
        # Saving the quote later keeps the attachment as it was.
        loaded.save_draft(content(), actor_of(rui), at(1))
        with uow_factory() as uow:
            uow.quotes.save(loaded)
            uow.commit()
        assert self.quotes_load(uow_factory, with_file.id).attachment == with_file.attachment

    def test_quotes_a_visitor_request_round_trips(self, uow_factory: UnitOfWorkFactory) -> None:
        quote = visitor_request()
        self.quotes_store(uow_factory, quote)
        loaded = self.quotes_load(uow_factory, quote.id)
        assert loaded == quote
        assert loaded.client_id is None and loaded.visitor is not None

    def test_quotes_unknown_ones_are_none(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            assert uow.quotes.get(new_id()) is None

    def test_quotes_nothing_is_stored_without_commit(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        quote = requested(quotes_people[0])
        with uow_factory() as uow:
            uow.quotes.add(quote)
        with uow_factory() as uow:
            assert uow.quotes.get(quote.id) is None

    # ------------------------------------------------------------------ saving

    def test_quotes_save_writes_the_draft_and_the_history_and_bumps_the_version(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana, _, rui = quotes_people
        quote = requested(ana)
        self.quotes_store(uow_factory, quote)
        for minute, text in ((1, "primeira"), (2, "segunda")):
            with uow_factory() as uow:
                loaded = uow.quotes.get(quote.id)
                assert loaded is not None
                loaded.save_draft(content(message=text), actor_of(rui), at(minute))
                uow.quotes.save(loaded)
                uow.commit()
        assert loaded is not None and loaded.version == 2
        stored = self.quotes_load(uow_factory, quote.id)
        assert stored == loaded
        assert stored.state is QuoteState.DRAFT
        assert stored.current_proposal is not None
        assert stored.current_proposal.content.message == "segunda"
        assert len(stored.proposals) == 1
        assert [e.seq for e in stored.events] == [1, 2]

    def test_quotes_a_draft_can_lose_its_lines(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana, _, rui = quotes_people
        quote = requested(ana)
        quote.save_draft(content(), actor_of(rui), T0)
        self.quotes_store(uow_factory, quote)
        with uow_factory() as uow:
            loaded = uow.quotes.get(quote.id)
            assert loaded is not None
            loaded.save_draft(ProposalContent(), actor_of(rui), at(1))
            uow.quotes.save(loaded)
            uow.commit()
        stored = self.quotes_load(uow_factory, quote.id)
        assert stored.current_proposal is not None
        assert stored.current_proposal.content.lines == ()

    def test_quotes_a_sent_version_cannot_be_rewritten(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana, _, rui = quotes_people
        quote = sent(ana, rui)
        self.quotes_store(uow_factory, quote)
        with uow_factory() as uow:
            loaded = uow.quotes.get(quote.id)
            assert loaded is not None
            tampered = attrs.evolve(
                loaded.proposals[0], content=content(message="outra coisa"), content_hash="f" * 64
            )
            loaded.proposals[0] = tampered
            with pytest.raises(ValueError, match="cannot change"):
                uow.quotes.save(loaded)
        assert self.quotes_load(uow_factory, quote.id) == quote

    def test_quotes_saving_a_stale_copy_raises(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana, _, rui = quotes_people
        quote = sent(ana, rui)
        self.quotes_store(uow_factory, quote)
        with uow_factory() as uow:
            fresh = uow.quotes.get(quote.id)
            assert fresh is not None
            fresh.decide(
                Action.DECLINE, actor_of(ana), proposal_number=1, ip="::1", now=at(1), today=TODAY
            )
            uow.quotes.save(fresh)
            uow.commit()
        quote.decide(
            Action.ACCEPT, actor_of(ana), proposal_number=1, ip="::1", now=at(2), today=TODAY
        )
        with uow_factory() as uow, pytest.raises(ConcurrentUpdate):
            uow.quotes.save(quote)
            uow.commit()
        assert self.quotes_load(uow_factory, quote.id).state is QuoteState.DECLINED

    def test_quotes_two_decisions_from_the_same_read_exactly_one_wins(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana, _, rui = quotes_people
        quote = sent(ana, rui)
        self.quotes_store(uow_factory, quote)
        outcomes: list[str] = []
        with ExitStack() as stack:
            first = stack.enter_context(uow_factory())
            second = stack.enter_context(uow_factory())
            mine, theirs = first.quotes.get(quote.id), second.quotes.get(quote.id)
            assert mine is not None and theirs is not None
            mine.decide(
                Action.ACCEPT, actor_of(ana), proposal_number=1, ip="::1", now=at(1), today=TODAY
            )
            theirs.revise(actor_of(rui), at(1))
            first.quotes.save(mine)
            first.commit()
            outcomes.append("first")
            try:
                second.quotes.save(theirs)
                second.commit()
                outcomes.append("second")
            except ConcurrentUpdate:
                second.rollback()
        assert outcomes == ["first"]
        stored = self.quotes_load(uow_factory, quote.id)
        assert stored.state is QuoteState.ACCEPTED
        assert len(stored.proposals) == 1  # the revision left nothing behind

    # ------------------------------------------------------------------ lists

    def test_quotes_lists_are_newest_first_and_filter_by_client(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana, bea, rui = quotes_people
        old = requested(ana, now=at(1))
        new = sent(ana, rui, now=at(3))
        other = requested(bea, now=at(2))
        stranger = visitor_request(now=at(4))
        self.quotes_store(uow_factory, old, new, other, stranger)
        with uow_factory() as uow:
            everything = uow.quotes.list(today=TODAY)
            anas = uow.quotes.list(today=TODAY, client_id=ana.id)
            assert uow.quotes.count(today=TODAY) == 4
            assert uow.quotes.count(today=TODAY, client_id=ana.id) == 2
        assert [q.id for q in everything] == [stranger.id, new.id, other.id, old.id]
        assert [q.id for q in anas] == [new.id, old.id]
        row = anas[0]
        assert row.subject == "Pintura"
        assert row.state is QuoteState.SENT and row.waiting_for is Side.CLIENT
        assert row.client_name == "Ana Sousa" and row.client_email == "ana@example.pt"
        assert row.total == new.proposals[0].totals.total
        assert row.valid_until == date(2026, 2, 4)
        assert anas[1].total is None and anas[1].waiting_for is Side.STAFF
        visitor_row = everything[0]
        assert visitor_row.is_visitor
        assert (visitor_row.client_name, visitor_row.client_email) == (
            "Bruno Costa",
            "bruno@example.pt",
        )

    def test_quotes_lists_page_through_every_row_once(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana = quotes_people[0]
        quotes = [requested(ana, now=at(i)) for i in range(7)]
        self.quotes_store(uow_factory, *quotes)
        seen: list[str] = []
        with uow_factory() as uow:
            for offset in range(0, 9, 3):
                seen += [q.id for q in uow.quotes.list(today=TODAY, limit=3, offset=offset)]
        assert seen == [q.id for q in reversed(quotes)]

    def test_quotes_a_page_carries_its_rows_and_the_total(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana, bea, _ = quotes_people
        quotes = [requested(ana, now=at(i)) for i in range(7)]
        self.quotes_store(uow_factory, *quotes, requested(bea, now=at(9)))
        with uow_factory() as uow:
            pages = [
                uow.quotes.page(today=TODAY, client_id=ana.id, number=n, size=3)
                for n in (1, 2, 3, 4)
            ]
            everything = uow.quotes.page(today=TODAY)
        assert [page.total for page in pages] == [7, 7, 7, 7]
        assert [q.id for page in pages for q in page.items] == [q.id for q in reversed(quotes)]
        assert pages[3].items == () and pages[2].has_next is False
        assert everything.total == 8 and len(everything.items) == 8
        with uow_factory() as uow:
            assert uow.quotes.page(today=TODAY, states=[]).total == 0

    def test_quotes_a_sent_quote_past_its_date_counts_as_expired(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana, _, rui = quotes_people
        current = sent(ana, rui, valid_until=date(2026, 1, 10))
        overdue = sent(ana, rui, valid_until=date(2026, 1, 4))
        expired = sent(ana, rui, valid_until=date(2026, 1, 3))
        expired.expire(at(1))
        draft = requested(ana)
        draft.save_draft(content(), actor_of(rui), T0)
        self.quotes_store(uow_factory, current, overdue, expired, draft)

        def ids(*states: QuoteState, today: date = TODAY) -> set[str]:
            with uow_factory() as uow:
                found = {q.id for q in uow.quotes.list(today=today, states=states)}
                assert uow.quotes.count(today=today, states=states) == len(found)
            return found

        assert ids(QuoteState.SENT) == {current.id}
        assert ids(QuoteState.EXPIRED) == {overdue.id, expired.id}
        assert ids(QuoteState.SENT, QuoteState.DRAFT) == {current.id, draft.id}
        assert ids(QuoteState.ACCEPTED) == set()
        assert ids() == set()
        assert ids(QuoteState.SENT, today=date(2026, 1, 11)) == set()
        with uow_factory() as uow:
            (row,) = [q for q in uow.quotes.list(today=TODAY) if q.id == overdue.id]
            assert row.state is QuoteState.EXPIRED and row.waiting_for is None
            assert set(uow.quotes.list_overdue(today=TODAY)) == {overdue.id}
            later = uow.quotes.list_overdue(today=date(2026, 1, 11))
            assert sorted(later) == sorted([current.id, overdue.id])

    def test_quotes_lists_filter_by_validity_date(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana, bea, rui = quotes_people
        soon = sent(ana, rui, valid_until=date(2026, 1, 8))
        later = sent(bea, rui, valid_until=date(2026, 1, 20))
        self.quotes_store(uow_factory, soon, later, requested(ana))
        with uow_factory() as uow:
            by_12th = uow.quotes.list(today=TODAY, valid_until_by=date(2026, 1, 12))
            assert [q.id for q in by_12th] == [soon.id]
            assert uow.quotes.count(today=TODAY, valid_until_by=date(2026, 1, 20)) == 2
            assert (
                uow.quotes.count(
                    today=TODAY,
                    client_id=bea.id,
                    states=[QuoteState.SENT],
                    valid_until_by=date(2026, 1, 12),
                )
                == 0
            )

    def test_quotes_a_visitor_request_given_to_a_client_shows_in_their_list(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana, _, rui = quotes_people
        quote = visitor_request()
        self.quotes_store(uow_factory, quote)
        with uow_factory() as uow:
            loaded = uow.quotes.get(quote.id)
            assert loaded is not None
            loaded.link_client(ana.id, actor_of(rui), at(1))
            uow.quotes.save(loaded)
            uow.commit()
        with uow_factory() as uow:
            (row,) = uow.quotes.list(today=TODAY, client_id=ana.id)
        assert row.id == quote.id and row.client_name == "Ana Sousa"
        stored = self.quotes_load(uow_factory, quote.id)
        assert stored.events[-1].action is Action.INVITE
        assert stored.events[-1].actor == Actor(Side.STAFF, rui.id, "Rui Lopes")

    # ------------------------------------------------------------------ numbers

    def quotes_numbered(self, uow_factory: UnitOfWorkFactory, owner: Account, year: int) -> Quote:
        """A request numbered by the repository in ``year`` and committed."""
        with uow_factory() as uow:
            number = QuoteNumber("ORC", year, uow.quotes.next_number(year))
            quote = attrs.evolve(requested(owner), number=number)
            uow.quotes.add(quote)
            uow.commit()
        return quote

    def test_quotes_numbers_follow_each_other_and_restart_each_year(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana = quotes_people[0]
        first = self.quotes_numbered(uow_factory, ana, 2030)
        second = self.quotes_numbered(uow_factory, ana, 2030)
        next_year = self.quotes_numbered(uow_factory, ana, 2031)
        assert [q.number.sequence for q in (first, second, next_year)] == [1, 2, 1]
        assert self.quotes_load(uow_factory, second.id).reference == "ORC 2030/0002"
        (row,) = [r for r in self.quotes_list(uow_factory) if r.id == next_year.id]
        assert row.number == next_year.number and row.reference == "ORC 2031/0001"

    def quotes_list(self, uow_factory: UnitOfWorkFactory) -> list[QuoteSummary]:
        """Every stored quote's list row."""
        with uow_factory() as uow:
            return list(uow.quotes.list(today=TODAY, limit=1000))

    def test_quotes_a_number_is_not_handed_out_twice_after_a_rollback(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana = quotes_people[0]
        with uow_factory() as uow:
            abandoned = uow.quotes.next_number(2032)
        kept = self.quotes_numbered(uow_factory, ana, 2032)
        after = self.quotes_numbered(uow_factory, ana, 2032)
        assert abandoned >= 1 and kept.number.sequence >= 1
        assert after.number.sequence > kept.number.sequence

    def test_quotes_two_quotes_with_one_number_are_refused(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        ana = quotes_people[0]
        first = self.quotes_numbered(uow_factory, ana, 2033)
        copy = attrs.evolve(requested(ana), number=first.number)
        with pytest.raises(AlreadyExists), uow_factory() as uow:
            uow.quotes.add(copy)
            uow.commit()

    def test_quotes_numbering_at_once_from_many_threads_never_collides(
        self, uow_factory: UnitOfWorkFactory, quotes_people: tuple[Account, Account, Account]
    ) -> None:
        """Six threads, each on its own unit of work (its own connection on SQL), number
        four quotes each, all starting at the same moment."""
        ana = quotes_people[0]
        start = threading.Barrier(6, timeout=30)
        numbers: list[int] = []
        failures: list[BaseException] = []
        lock = threading.Lock()

        def work() -> None:
            try:
                start.wait()
                for _ in range(4):
                    quote = self.quotes_numbered(uow_factory, ana, 2034)
                    with lock:
                        numbers.append(quote.number.sequence)
            except BaseException as error:  # reported below, with the numbers seen
                with lock:
                    failures.append(error)

        threads = [threading.Thread(target=work) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not failures, failures
        assert len(numbers) == 24 and len(set(numbers)) == 24, sorted(numbers)
        stored = [r.number for r in self.quotes_list(uow_factory) if r.number.year == 2034]
        assert len(stored) == 24 and len(set(stored)) == 24
