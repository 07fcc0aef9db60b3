"""Support requests: a client writes, staff answer, both follow one conversation.

A :class:`Conversation` is the request (its subject, category, status and assignee); its
:class:`Message` rows are the thread. Messages are stored apart from the conversation, each
with a sequence number the store hands out, so that two people writing at once both keep
their message, in a stable order. Staff's internal notes are messages too, marked
``internal``: they are never shown to the client nor sent by e-mail.
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs


class Status(enum.StrEnum):
    """Where a request is."""

    OPEN = "open"
    WAITING_ON_CLIENT = "waiting_on_client"
    WAITING_ON_STAFF = "waiting_on_staff"
    CLOSED = "closed"


AWAITING_STAFF = frozenset({Status.OPEN, Status.WAITING_ON_STAFF})
"""The statuses in which the client waits for an answer."""


class Side(enum.StrEnum):
    """Who wrote a message."""

    CLIENT = "client"
    STAFF = "staff"


CATEGORIES = ("question", "technical", "billing", "documents", "other")
"""The categories a client files a request under."""


@attrs.frozen
class Attachment:
    """A file sent with a message; the bytes are in the ``FileStorage`` under ``key``.

    Attributes:
        key: the server-made storage key (``support/<client>/<conversation>-<random>``).
        display_name: the uploader's file name, made safe (display only).
        content_type: the type told by the file's leading bytes.
        size: bytes.
        sha256: the checksum recorded while the bytes were stored.
    """

    key: str
    display_name: str
    content_type: str
    size: int
    sha256: str


@attrs.frozen
class Message:
    """One message of a conversation.

    Attributes:
        side: the client's or staff's.
        internal: an internal note of staff (never shown to the client).
        author_id: the account that wrote it (None once that account is gone).
        author_label: the name shown beside it.
        seq: the order of the thread, handed out by the store when the message is added
            (0 until then).
    """

    id: str
    conversation_id: str
    side: Side
    internal: bool
    author_id: str | None
    author_label: str
    text: str
    attachments: tuple[Attachment, ...]
    created_at: datetime
    seq: int = 0


@attrs.define
class Conversation:
    """A support request.

    Attributes:
        client_id: the client account that opened it.
        category: one of :data:`CATEGORIES`.
        assignee_id: the staff member who looks after it, if any.
        last_activity_at: when the last message the client sees was written.
        waiting_since: when the client's oldest unanswered message was written (None when
            staff answered last).
        closed_at: when it was last closed (None while it is not closed).
        version: bumped at every save (optimistic locking).
    """

    id: str
    client_id: str
    subject: str
    category: str
    status: Status
    assignee_id: str | None
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime
    waiting_since: datetime | None
    closed_at: datetime | None = None
    version: int = 1

    @classmethod
    def open(
        cls, *, id: str, client_id: str, subject: str, category: str, now: datetime
    ) -> Conversation:
        """A new request, waiting for staff."""
        return cls(
            id=id,
            client_id=client_id,
            subject=subject,
            category=category,
            status=Status.OPEN,
            assignee_id=None,
            created_at=now,
            updated_at=now,
            last_activity_at=now,
            waiting_since=now,
        )

    def client_wrote(self, now: datetime) -> None:
        """The client wrote: staff's move."""
        if self.status is not Status.OPEN:
            self.status = Status.WAITING_ON_STAFF
        self.closed_at = None
        self.waiting_since = self.waiting_since or now
        self.last_activity_at = now
        self.updated_at = now

    def staff_replied(self, now: datetime) -> None:
        """Staff answered: the client's move."""
        self.status = Status.WAITING_ON_CLIENT
        self.closed_at = None
        self.waiting_since = None
        self.last_activity_at = now
        self.updated_at = now

    def set_status(self, status: Status, now: datetime) -> None:
        """Staff (or the client closing it) set the status by hand."""
        self.status = status
        self.closed_at = now if status is Status.CLOSED else None
        if status is Status.CLOSED or status is Status.WAITING_ON_CLIENT:
            self.waiting_since = None
        elif self.waiting_since is None:
            self.waiting_since = now
        self.updated_at = now


@attrs.frozen
class CannedAnswer:
    """A reply staff saved to reuse."""

    id: str
    title: str
    text: str
    author_label: str
    created_at: datetime
