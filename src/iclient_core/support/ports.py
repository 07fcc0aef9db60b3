"""The port of support requests: conversations, their messages, read marks and the canned
answers staff reuse."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

import attrs

from iclient_core.support.model import CannedAnswer, Conversation, Message, Side, Status


@attrs.frozen
class ConversationFilter:
    """Which requests a list shows; None means any.

    Attributes:
        waiting_before: only requests whose client has waited for an answer since before
            this moment (open or waiting on staff).
    """

    status: Status | None = None
    category: str | None = None
    assignee_id: str | None = None
    client_id: str | None = None
    waiting_before: datetime | None = None


class SupportRepository(Protocol):
    """Stores support conversations, their messages and the canned answers."""

    def add(self, conversation: Conversation) -> None:
        """Store a new conversation.

        Raises:
            AlreadyExists: the id is taken.
        """

    def get(self, conversation_id: str) -> Conversation | None:
        """The conversation, or None."""

    def save(self, conversation: Conversation) -> None:
        """Write back a conversation changed since it was read, and bump its ``version``.

        Raises:
            ConcurrentUpdate: it changed since it was read.
        """

    def add_message(self, message: Message) -> Message:
        """Store a new message and return it with its ``seq``, higher than that of every
        message stored before (two writers at once both keep theirs).

        Raises:
            AlreadyExists: the id is taken.
        """

    def messages(self, conversation_id: str, *, internal: bool) -> Sequence[Message]:
        """The conversation's messages in ``seq`` order; internal notes only if
        ``internal``."""

    def messages_of(
        self, conversation_ids: Collection[str], *, internal: bool
    ) -> Mapping[str, Sequence[Message]]:
        """The messages of several conversations, by conversation, each in ``seq`` order
        (internal notes only if ``internal``; conversations without any are left out), in
        one query."""

    def latest(
        self, conversation_ids: Collection[str], *, internal: bool, side: Side | None = None
    ) -> Mapping[str, int]:
        """The highest ``seq`` of each conversation's messages (internal notes only if
        ``internal``; of ``side`` only, if given); conversations without any are left out.
        One query."""

    def conversations(
        self, where: ConversationFilter, *, limit: int, offset: int
    ) -> Sequence[Conversation]:
        """Matching conversations, latest activity first (one query)."""

    def count(self, where: ConversationFilter) -> int:
        """How many conversations match."""

    def mark_seen(self, conversation_id: str, seq: int) -> None:
        """Remember that the client has seen the conversation up to ``seq`` (never lowers
        the mark)."""

    def seen(self, conversation_ids: Collection[str]) -> Mapping[str, int]:
        """The client's read marks of the conversations (0 when never seen)."""

    def delete_of_client(self, client_id: str) -> Sequence[str]:
        """Remove every conversation of a client with its messages and read marks; return
        the storage keys of their attachments (the caller removes the bytes)."""

    def add_canned(self, answer: CannedAnswer) -> None:
        """Store a canned answer."""

    def get_canned(self, answer_id: str) -> CannedAnswer | None:
        """The canned answer, or None."""

    def canned(self) -> Sequence[CannedAnswer]:
        """Every canned answer, by title."""

    def delete_canned(self, answer_id: str) -> bool:
        """Remove a canned answer; False if there was none."""
