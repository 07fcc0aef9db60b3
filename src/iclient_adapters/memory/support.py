"""The support repository of the in-memory store (see ``iclient_adapters.memory``).

Messages are rows of their own, numbered by the store's sequence (outside the transactions,
like a database sequence), so that two units of work adding messages at once both keep
theirs in a stable order.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Mapping, Sequence

import attrs

from iclient_adapters.memory.state import MemoryState
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate
from iclient_core.support.model import AWAITING_STAFF, CannedAnswer, Conversation, Message, Side
from iclient_core.support.ports import ConversationFilter


def _matches(c: Conversation, where: ConversationFilter) -> bool:
    return (
        (where.status is None or c.status is where.status)
        and (where.category is None or c.category == where.category)
        and (where.assignee_id is None or c.assignee_id == where.assignee_id)
        and (where.client_id is None or c.client_id == where.client_id)
        and (
            where.waiting_before is None
            or (
                c.status in AWAITING_STAFF
                and c.waiting_since is not None
                and c.waiting_since <= where.waiting_before
            )
        )
    )


class MemorySupportRepository:
    """Conversations, messages, read marks and canned answers in dicts."""

    def __init__(self, state: MemoryState, take_seq: Callable[[], int]) -> None:
        self._state = state
        self._take_seq = take_seq

    def add(self, conversation: Conversation) -> None:
        """Store a new conversation."""
        if conversation.id in self._state.support_conversations:
            raise AlreadyExists(conversation.id)
        self._state.support_conversations[conversation.id] = copy.deepcopy(conversation)

    def get(self, conversation_id: str) -> Conversation | None:
        """The conversation, or None."""
        found = self._state.support_conversations.get(conversation_id)
        return copy.deepcopy(found) if found is not None else None

    def save(self, conversation: Conversation) -> None:
        """Write back a conversation, checking its version."""
        stored = self._state.support_conversations.get(conversation.id)
        if stored is None or stored.version != conversation.version:
            raise ConcurrentUpdate(conversation.id)
        conversation.version += 1
        self._state.support_conversations[conversation.id] = copy.deepcopy(conversation)

    def add_message(self, message: Message) -> Message:
        """Store a message with the next sequence number."""
        if message.id in self._state.support_messages:
            raise AlreadyExists(message.id)
        numbered = attrs.evolve(message, seq=self._take_seq())
        self._state.support_messages[message.id] = numbered
        return numbered

    def _of(self, conversation_id: str, internal: bool) -> list[Message]:
        return sorted(
            (
                m
                for m in self._state.support_messages.values()
                if m.conversation_id == conversation_id and (internal or not m.internal)
            ),
            key=lambda m: m.seq,
        )

    def messages(self, conversation_id: str, *, internal: bool) -> Sequence[Message]:
        """The conversation's messages in order."""
        return self._of(conversation_id, internal)

    def messages_of(
        self, conversation_ids: Collection[str], *, internal: bool
    ) -> Mapping[str, Sequence[Message]]:
        """The messages of several conversations, by conversation, in order."""
        found = {c: self._of(c, internal) for c in set(conversation_ids)}
        return {c: messages for c, messages in found.items() if messages}

    def latest(
        self, conversation_ids: Collection[str], *, internal: bool, side: Side | None = None
    ) -> Mapping[str, int]:
        """The highest sequence number of each conversation's messages."""
        wanted = set(conversation_ids)
        found: dict[str, int] = {}
        for m in self._state.support_messages.values():
            if m.conversation_id not in wanted or (m.internal and not internal):
                continue
            if side is not None and m.side is not side:
                continue
            found[m.conversation_id] = max(found.get(m.conversation_id, 0), m.seq)
        return found

    def conversations(
        self, where: ConversationFilter, *, limit: int, offset: int
    ) -> Sequence[Conversation]:
        """Matching conversations, latest activity first."""
        found = sorted(
            (c for c in self._state.support_conversations.values() if _matches(c, where)),
            key=lambda c: (c.last_activity_at, c.id),
            reverse=True,
        )
        return [copy.deepcopy(c) for c in found[offset : offset + limit]]

    def count(self, where: ConversationFilter) -> int:
        """How many conversations match."""
        return sum(1 for c in self._state.support_conversations.values() if _matches(c, where))

    def mark_seen(self, conversation_id: str, seq: int) -> None:
        """Raise the client's read mark."""
        if seq > self._state.support_seen.get(conversation_id, 0):
            self._state.support_seen[conversation_id] = seq

    def seen(self, conversation_ids: Collection[str]) -> Mapping[str, int]:
        """The client's read marks."""
        return {i: self._state.support_seen.get(i, 0) for i in conversation_ids}

    def delete_of_client(self, client_id: str) -> Sequence[str]:
        """Remove a client's conversations; return their attachments' keys."""
        ids = {k for k, c in self._state.support_conversations.items() if c.client_id == client_id}
        keys: list[str] = []
        for message_id, message in list(self._state.support_messages.items()):
            if message.conversation_id in ids:
                keys += [a.key for a in message.attachments]
                del self._state.support_messages[message_id]
        for conversation_id in ids:
            del self._state.support_conversations[conversation_id]
            self._state.support_seen.pop(conversation_id, None)
        return keys

    def add_canned(self, answer: CannedAnswer) -> None:
        """Store a canned answer."""
        if answer.id in self._state.support_canned:
            raise AlreadyExists(answer.id)
        self._state.support_canned[answer.id] = answer

    def get_canned(self, answer_id: str) -> CannedAnswer | None:
        """The canned answer, or None."""
        return self._state.support_canned.get(answer_id)

    def canned(self) -> Sequence[CannedAnswer]:
        """Every canned answer, by title."""
        return sorted(self._state.support_canned.values(), key=lambda a: (a.title.lower(), a.id))

    def delete_canned(self, answer_id: str) -> bool:
        """Remove a canned answer."""
        return self._state.support_canned.pop(answer_id, None) is not None
