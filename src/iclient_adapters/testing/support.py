"""The support persistence contract: what ``uow.support`` (a ``SupportRepository``) must do.

Mix :class:`SupportContract` into a test class that provides a ``uow_factory`` fixture (a
zero-argument callable returning a fresh unit of work over an *empty* store)::

    class TestMySupport(MemoryBackend, SupportContract):
        pass

Needs pytest.
"""

from __future__ import annotations

import attrs
import pytest

from iclient_adapters.testing.samples import T0, at, client, new_id, staff
from iclient_core.accounts.model import Account
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate
from iclient_core.support.model import (
    Attachment,
    CannedAnswer,
    Conversation,
    Message,
    Side,
    Status,
)
from iclient_core.support.ports import ConversationFilter
from iclient_core.unit_of_work import UnitOfWorkFactory


def support_sample_conversation(
    client_id: str, *, minutes: float = 0, category: str = "technical"
) -> Conversation:
    """A new request of ``client_id`` opened ``minutes`` after ``T0``."""
    return Conversation.open(
        id=new_id(),
        client_id=client_id,
        subject="A impressora não imprime — ç",
        category=category,
        now=at(minutes),
    )


def support_sample_message(
    conversation: Conversation,
    *,
    side: Side = Side.CLIENT,
    internal: bool = False,
    text: str = "Olá\nLinha 2",
    author_id: str | None = None,
    minutes: float = 0,
    files: int = 0,
) -> Message:
    """A message of ``conversation``."""
    return Message(
        id=new_id(),
        conversation_id=conversation.id,
        side=side,
        internal=internal,
        author_id=author_id,
        author_label="Ana Silva" if side is Side.CLIENT else "Rui Staff",
        text=text,
        attachments=tuple(
            Attachment(
                key=f"support/{conversation.client_id}/{conversation.id}-{n}",
                display_name=f"foto-{n}.jpg",
                content_type="image/jpeg",
                size=1000 + n,
                sha256="ab" * 32,
            )
            for n in range(files)
        ),
        created_at=at(minutes),
    )


class SupportContract:
    """Needs ``uow_factory``. Support requests: round trips, optimistic saves, messages in a
    stable order (two writers at once both kept), internal notes left out for clients,
    filtered lists, read marks, a client's requests removed, canned answers."""

    def support_people(self, uow_factory: UnitOfWorkFactory) -> tuple[Account, Account]:
        """A client and a staff member, stored."""
        ana, rui = client(), staff("rui@example.pt")
        with uow_factory() as uow:
            uow.accounts.add(ana)
            uow.accounts.add(rui)
            uow.commit()
        return ana, rui

    def test_support_a_conversation_round_trips_and_saves_once_per_version(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana, rui = self.support_people(uow_factory)
        conversation = support_sample_conversation(ana.id)
        with uow_factory() as uow:
            uow.support.add(conversation)
            uow.commit()
        with uow_factory() as uow, pytest.raises(AlreadyExists):
            uow.support.add(conversation)
        with uow_factory() as uow:
            found = uow.support.get(conversation.id)
            assert found == conversation
            assert uow.support.get(new_id()) is None
            assert found is not None
            found.assignee_id = rui.id
            found.set_status(Status.CLOSED, at(5))
            uow.support.save(found)
            uow.commit()
        assert found.version == 2
        with uow_factory() as uow:
            again = uow.support.get(conversation.id)
            assert again == found
            assert again is not None and again.closed_at == at(5)
            with pytest.raises(ConcurrentUpdate):
                uow.support.save(conversation)  # still version 1

    def test_support_messages_keep_their_order_text_and_files(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana, rui = self.support_people(uow_factory)
        conversation = support_sample_conversation(ana.id)
        first = support_sample_message(conversation, author_id=ana.id, files=2)
        reply = support_sample_message(conversation, side=Side.STAFF, author_id=rui.id)
        note = support_sample_message(
            conversation, side=Side.STAFF, internal=True, author_id=rui.id, text="Só nós."
        )
        with uow_factory() as uow:
            uow.support.add(conversation)
            stored = [uow.support.add_message(m) for m in (first, reply, note)]
            uow.commit()
        assert stored[0].seq < stored[1].seq < stored[2].seq
        assert stored[0] == attrs.evolve(first, seq=stored[0].seq)
        with uow_factory() as uow:
            everything = uow.support.messages(conversation.id, internal=True)
            public = uow.support.messages(conversation.id, internal=False)
            assert list(everything) == stored
            assert list(public) == stored[:2]
            assert uow.support.latest([conversation.id], internal=True) == {
                conversation.id: stored[2].seq
            }
            assert uow.support.latest([conversation.id], internal=False) == {
                conversation.id: stored[1].seq
            }
            assert uow.support.latest([conversation.id], internal=False, side=Side.CLIENT) == {
                conversation.id: stored[0].seq
            }
            assert uow.support.latest([new_id()], internal=True) == {}
            with pytest.raises(AlreadyExists):
                uow.support.add_message(first)

    def test_support_messages_of_several_conversations_at_once(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana, rui = self.support_people(uow_factory)
        first, second, quiet = (support_sample_conversation(ana.id) for _ in range(3))
        with uow_factory() as uow:
            for conversation in (first, second, quiet):
                uow.support.add(conversation)
            asked = uow.support.add_message(support_sample_message(first, author_id=ana.id))
            note = uow.support.add_message(
                support_sample_message(
                    first, side=Side.STAFF, internal=True, author_id=rui.id, text="Só nós."
                )
            )
            other = uow.support.add_message(support_sample_message(second, author_id=ana.id))
            uow.commit()
        with uow_factory() as uow:
            ids = [first.id, second.id, quiet.id, "no-such-request"]
            assert uow.support.messages_of(ids, internal=True) == {
                first.id: [asked, note],
                second.id: [other],
            }
            assert uow.support.messages_of(ids, internal=False) == {
                first.id: [asked],
                second.id: [other],
            }
            assert uow.support.messages_of([], internal=True) == {}

    def test_support_two_staff_replying_at_once_both_keep_their_reply_in_order(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana, _rui = self.support_people(uow_factory)
        conversation = support_sample_conversation(ana.id)
        with uow_factory() as uow:
            uow.support.add(conversation)
            uow.support.add_message(support_sample_message(conversation, author_id=ana.id))
            uow.commit()
        one = support_sample_message(conversation, side=Side.STAFF, text="Primeira", minutes=1)
        two = support_sample_message(conversation, side=Side.STAFF, text="Segunda", minutes=1)
        first, second = uow_factory(), uow_factory()
        with first, second:
            # Both read the thread as it was before either wrote.
            assert len(first.support.messages(conversation.id, internal=True)) == 1
            assert len(second.support.messages(conversation.id, internal=True)) == 1
            a = first.support.add_message(one)
            first.commit()
            b = second.support.add_message(two)
            second.commit()
        with uow_factory() as uow:
            thread = uow.support.messages(conversation.id, internal=False)
        assert [m.text for m in thread[1:]] == ["Primeira", "Segunda"]
        assert [m.seq for m in thread[1:]] == [a.seq, b.seq]
        assert a.seq < b.seq

    def test_support_a_client_replying_while_staff_close_ends_one_way(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana, _rui = self.support_people(uow_factory)
        conversation = support_sample_conversation(ana.id)
        with uow_factory() as uow:
            uow.support.add(conversation)
            uow.commit()
        replying, closing = uow_factory(), uow_factory()
        refused = 0
        with replying, closing:
            theirs = replying.support.get(conversation.id)
            ours = closing.support.get(conversation.id)
            assert theirs is not None and ours is not None
            theirs.client_wrote(at(3))
            replying.support.save(theirs)
            replying.support.add_message(support_sample_message(conversation, minutes=3))
            replying.commit()
            ours.set_status(Status.CLOSED, at(3))
            try:
                closing.support.save(ours)
                closing.commit()
            except ConcurrentUpdate:
                refused += 1
        assert refused == 1
        with uow_factory() as uow:
            final = uow.support.get(conversation.id)
            assert final is not None
            assert final.status is Status.OPEN
            assert final.closed_at is None
            assert final.version == 2
            assert len(uow.support.messages(conversation.id, internal=False)) == 1

    def test_support_lists_latest_activity_first_filtered_and_counted(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana, rui = self.support_people(uow_factory)
        old = support_sample_conversation(ana.id, minutes=0, category="billing")
        new = support_sample_conversation(ana.id, minutes=60)
        answered = support_sample_conversation(ana.id, minutes=30)
        answered.staff_replied(at(90))
        answered.assignee_id = rui.id
        with uow_factory() as uow:
            for item in (old, new, answered):
                uow.support.add(item)
            uow.commit()
        with uow_factory() as uow:
            every = uow.support.conversations(ConversationFilter(), limit=10, offset=0)
            assert [c.id for c in every] == [answered.id, new.id, old.id]
            assert [
                c.id for c in uow.support.conversations(ConversationFilter(), limit=1, offset=1)
            ] == [new.id]
            assert uow.support.count(ConversationFilter()) == 3
            assert uow.support.count(ConversationFilter(status=Status.OPEN)) == 2
            assert uow.support.count(ConversationFilter(category="billing")) == 1
            assert uow.support.count(ConversationFilter(assignee_id=rui.id)) == 1
            assert uow.support.count(ConversationFilter(client_id=ana.id)) == 3
            assert uow.support.count(ConversationFilter(client_id=rui.id)) == 0
            waiting = uow.support.conversations(
                ConversationFilter(waiting_before=at(30)), limit=10, offset=0
            )
            assert [c.id for c in waiting] == [old.id]
            assert uow.support.count(ConversationFilter(waiting_before=at(60))) == 2

    def test_support_read_marks_only_rise(self, uow_factory: UnitOfWorkFactory) -> None:
        ana, _rui = self.support_people(uow_factory)
        one, two = support_sample_conversation(ana.id), support_sample_conversation(ana.id)
        with uow_factory() as uow:
            uow.support.add(one)
            uow.support.add(two)
            uow.commit()
        with uow_factory() as uow:
            assert uow.support.seen([one.id, two.id]) == {one.id: 0, two.id: 0}
            uow.support.mark_seen(one.id, 5)
            uow.commit()
        with uow_factory() as uow:
            uow.support.mark_seen(one.id, 3)
            uow.support.mark_seen(two.id, 2)
            uow.commit()
        with uow_factory() as uow:
            assert uow.support.seen([one.id, two.id]) == {one.id: 5, two.id: 2}

    def test_support_a_clients_requests_are_removed_with_their_files_named(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana, rui = self.support_people(uow_factory)
        bia = client("bia@example.pt")
        mine = support_sample_conversation(ana.id)
        theirs = support_sample_conversation(bia.id)
        with uow_factory() as uow:
            uow.accounts.add(bia)
            uow.support.add(mine)
            uow.support.add(theirs)
            uow.support.add_message(support_sample_message(mine, files=2))
            uow.support.add_message(
                support_sample_message(mine, side=Side.STAFF, internal=True, author_id=rui.id)
            )
            uow.support.add_message(support_sample_message(theirs, files=1))
            uow.support.mark_seen(mine.id, 1)
            uow.commit()
        with uow_factory() as uow:
            keys = uow.support.delete_of_client(ana.id)
            uow.commit()
        assert sorted(keys) == sorted(f"support/{ana.id}/{mine.id}-{n}" for n in range(2))
        with uow_factory() as uow:
            assert uow.support.get(mine.id) is None
            assert list(uow.support.messages(mine.id, internal=True)) == []
            assert uow.support.seen([mine.id]) == {mine.id: 0}
            assert uow.support.get(theirs.id) is not None
            assert len(uow.support.messages(theirs.id, internal=True)) == 1

    def test_support_canned_answers(self, uow_factory: UnitOfWorkFactory) -> None:
        hello = CannedAnswer(new_id(), "Olá", "Obrigado pelo contacto.", "rui@example.pt", T0)
        bye = CannedAnswer(new_id(), "adeus", "Até breve.", "rui@example.pt", at(1))
        with uow_factory() as uow:
            uow.support.add_canned(hello)
            uow.support.add_canned(bye)
            uow.commit()
        with uow_factory() as uow:
            assert [a.id for a in uow.support.canned()] == [bye.id, hello.id]
            assert uow.support.get_canned(hello.id) == hello
            assert uow.support.delete_canned(hello.id) is True
            assert uow.support.delete_canned(hello.id) is False
            uow.commit()
        with uow_factory() as uow:
            assert uow.support.get_canned(hello.id) is None
            assert [a.id for a in uow.support.canned()] == [bye.id]

    def test_support_nothing_stays_without_commit(self, uow_factory: UnitOfWorkFactory) -> None:
        ana, _rui = self.support_people(uow_factory)
        conversation = support_sample_conversation(ana.id)
        with uow_factory() as uow:
            uow.support.add(conversation)
            uow.support.add_message(support_sample_message(conversation))
        with uow_factory() as uow:
            assert uow.support.get(conversation.id) is None
            assert list(uow.support.messages(conversation.id, internal=True)) == []
