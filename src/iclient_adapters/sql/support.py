"""The support repository on SQL: conversations, their messages (numbered by the table's
own sequence, so that two writers at once both keep theirs in a stable order), the client's
read marks and the canned answers."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import cattrs
import sqlalchemy as sa

from iclient_adapters.sql.connection import Executor
from iclient_adapters.sql.guards import unique_guard
from iclient_adapters.sql.tables import (
    support_canned,
    support_conversations,
    support_messages,
    support_seen,
)
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate
from iclient_core.support.model import (
    AWAITING_STAFF,
    Attachment,
    CannedAnswer,
    Conversation,
    Message,
    Side,
    Status,
)
from iclient_core.support.ports import ConversationFilter


def _conversation_row(c: Conversation) -> dict[str, Any]:
    return {
        "id": c.id,
        "client_id": c.client_id,
        "subject": c.subject,
        "category": c.category,
        "status": c.status.value,
        "assignee_id": c.assignee_id,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "last_activity_at": c.last_activity_at,
        "waiting_since": c.waiting_since,
        "closed_at": c.closed_at,
        "version": c.version,
    }


def _conversation(row: sa.Row[Any]) -> Conversation:
    return Conversation(
        id=row.id,
        client_id=row.client_id,
        subject=row.subject,
        category=row.category,
        status=Status(row.status),
        assignee_id=row.assignee_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        last_activity_at=row.last_activity_at,
        waiting_since=row.waiting_since,
        closed_at=row.closed_at,
        version=row.version,
    )


def _message(row: sa.Row[Any]) -> Message:
    return Message(
        id=row.id,
        conversation_id=row.conversation_id,
        side=Side(row.side),
        internal=bool(row.internal),
        author_id=row.author_id,
        author_label=row.author_label,
        text=row.text,
        attachments=tuple(
            Attachment(
                key=a["key"],
                display_name=a["display_name"],
                content_type=a["content_type"],
                size=int(a["size"]),
                sha256=a["sha256"],
            )
            for a in row.attachments
        ),
        created_at=row.created_at,
        seq=row.seq,
    )


def _where(where: ConversationFilter) -> list[sa.ColumnElement[bool]]:
    c = support_conversations.c
    found: list[sa.ColumnElement[bool]] = []
    if where.status is not None:
        found.append(c.status == where.status.value)
    if where.category is not None:
        found.append(c.category == where.category)
    if where.assignee_id is not None:
        found.append(c.assignee_id == where.assignee_id)
    if where.client_id is not None:
        found.append(c.client_id == where.client_id)
    if where.waiting_before is not None:
        found.append(c.status.in_([s.value for s in AWAITING_STAFF]))
        found.append(c.waiting_since.is_not(None))
        found.append(c.waiting_since <= where.waiting_before)
    return found


class SqlSupportRepository:
    """The ``SupportRepository`` port on a connection."""

    def __init__(self, connection: Executor, converter: cattrs.Converter) -> None:
        self._db = connection

    def add(self, conversation: Conversation) -> None:
        """Insert a conversation."""
        with unique_guard(self._db, conversation.id):
            self._db.execute(support_conversations.insert(), _conversation_row(conversation))

    def get(self, conversation_id: str) -> Conversation | None:
        """The conversation, or None."""
        row = self._db.execute(
            sa.select(support_conversations).where(support_conversations.c.id == conversation_id)
        ).first()
        return _conversation(row) if row is not None else None

    def save(self, conversation: Conversation) -> None:
        """Write back a conversation and bump its version."""
        values = _conversation_row(conversation)
        del values["id"], values["version"]
        result = self._db.execute(
            sa.update(support_conversations)
            .where(
                support_conversations.c.id == conversation.id,
                support_conversations.c.version == conversation.version,
            )
            .values(**values, version=conversation.version + 1)
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate(conversation.id)
        conversation.version += 1

    def add_message(self, message: Message) -> Message:
        """Insert a message; the table numbers it."""
        with unique_guard(self._db, message.id):
            result = self._db.execute(
                support_messages.insert().returning(support_messages.c.seq),
                {
                    "id": message.id,
                    "conversation_id": message.conversation_id,
                    "side": message.side.value,
                    "internal": message.internal,
                    "author_id": message.author_id,
                    "author_label": message.author_label,
                    "text": message.text,
                    "attachments": [
                        {
                            "key": a.key,
                            "display_name": a.display_name,
                            "content_type": a.content_type,
                            "size": a.size,
                            "sha256": a.sha256,
                        }
                        for a in message.attachments
                    ],
                    "created_at": message.created_at,
                },
            )
            seq = int(result.scalar_one())
        return Message(
            id=message.id,
            conversation_id=message.conversation_id,
            side=message.side,
            internal=message.internal,
            author_id=message.author_id,
            author_label=message.author_label,
            text=message.text,
            attachments=message.attachments,
            created_at=message.created_at,
            seq=seq,
        )

    def messages(self, conversation_id: str, *, internal: bool) -> Sequence[Message]:
        """The conversation's messages in order: one query."""
        query = sa.select(support_messages).where(
            support_messages.c.conversation_id == conversation_id
        )
        if not internal:
            query = query.where(support_messages.c.internal == sa.false())
        rows = self._db.execute(query.order_by(support_messages.c.seq))
        return [_message(row) for row in rows]

    def messages_of(
        self, conversation_ids: Collection[str], *, internal: bool
    ) -> Mapping[str, Sequence[Message]]:
        """The messages of several conversations, by conversation, in order: one query."""
        ids = sorted(set(conversation_ids))
        if not ids:
            return {}
        query = sa.select(support_messages).where(support_messages.c.conversation_id.in_(ids))
        if not internal:
            query = query.where(support_messages.c.internal == sa.false())
        found: dict[str, list[Message]] = {}
        ordered = query.order_by(support_messages.c.conversation_id, support_messages.c.seq)
        for row in self._db.execute(ordered):
            message = _message(row)
            found.setdefault(message.conversation_id, []).append(message)
        return found

    def latest(
        self, conversation_ids: Collection[str], *, internal: bool, side: Side | None = None
    ) -> Mapping[str, int]:
        """The highest sequence number of each conversation's messages: one query."""
        ids = list(conversation_ids)
        if not ids:
            return {}
        m = support_messages.c
        query = (
            sa.select(m.conversation_id, sa.func.max(m.seq))
            .where(m.conversation_id.in_(ids))
            .group_by(m.conversation_id)
        )
        if not internal:
            query = query.where(m.internal == sa.false())
        if side is not None:
            query = query.where(m.side == side.value)
        return {row[0]: int(row[1]) for row in self._db.execute(query)}

    def conversations(
        self, where: ConversationFilter, *, limit: int, offset: int
    ) -> Sequence[Conversation]:
        """Matching conversations, latest activity first: one query."""
        c = support_conversations.c
        rows = self._db.execute(
            sa.select(support_conversations)
            .where(*_where(where))
            .order_by(c.last_activity_at.desc(), c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_conversation(row) for row in rows]

    def count(self, where: ConversationFilter) -> int:
        """How many conversations match: one query."""
        query = sa.select(sa.func.count()).select_from(support_conversations).where(*_where(where))
        return int(self._db.execute(query).scalar_one())

    def mark_seen(self, conversation_id: str, seq: int) -> None:
        """Raise the client's read mark (never lower it)."""
        s = support_seen.c
        updated = self._db.execute(
            sa.update(support_seen)
            .where(s.conversation_id == conversation_id, s.seq < seq)
            .values(seq=seq)
        )
        if updated.rowcount:
            return
        exists = self._db.execute(
            sa.select(s.seq).where(s.conversation_id == conversation_id)
        ).first()
        if exists is not None:
            return
        try:
            with unique_guard(self._db, conversation_id):
                self._db.execute(
                    support_seen.insert(), {"conversation_id": conversation_id, "seq": seq}
                )
        except AlreadyExists:
            raise ConcurrentUpdate(conversation_id) from None

    def seen(self, conversation_ids: Collection[str]) -> Mapping[str, int]:
        """The client's read marks: one query."""
        ids = list(conversation_ids)
        found = dict.fromkeys(ids, 0)
        if ids:
            rows = self._db.execute(
                sa.select(support_seen.c.conversation_id, support_seen.c.seq).where(
                    support_seen.c.conversation_id.in_(ids)
                )
            )
            found.update({row[0]: int(row[1]) for row in rows})
        return found

    def delete_of_client(self, client_id: str) -> Sequence[str]:
        """Remove a client's conversations (their messages and marks go with them)."""
        ids = sa.select(support_conversations.c.id).where(
            support_conversations.c.client_id == client_id
        )
        rows = self._db.execute(
            sa.select(support_messages.c.attachments).where(
                support_messages.c.conversation_id.in_(ids)
            )
        )
        keys = [a["key"] for row in rows for a in row.attachments]
        self._db.execute(
            sa.delete(support_messages).where(support_messages.c.conversation_id.in_(ids))
        )
        self._db.execute(sa.delete(support_seen).where(support_seen.c.conversation_id.in_(ids)))
        self._db.execute(
            sa.delete(support_conversations).where(support_conversations.c.client_id == client_id)
        )
        return keys

    def add_canned(self, answer: CannedAnswer) -> None:
        """Insert a canned answer."""
        with unique_guard(self._db, answer.id):
            self._db.execute(
                support_canned.insert(),
                {
                    "id": answer.id,
                    "title": answer.title,
                    "text": answer.text,
                    "author_label": answer.author_label,
                    "created_at": answer.created_at,
                },
            )

    def get_canned(self, answer_id: str) -> CannedAnswer | None:
        """The canned answer, or None."""
        row = self._db.execute(
            sa.select(support_canned).where(support_canned.c.id == answer_id)
        ).first()
        return _canned(row) if row is not None else None

    def canned(self) -> Sequence[CannedAnswer]:
        """Every canned answer, by title."""
        rows = self._db.execute(
            sa.select(support_canned).order_by(
                sa.func.lower(support_canned.c.title), support_canned.c.id
            )
        )
        return [_canned(row) for row in rows]

    def delete_canned(self, answer_id: str) -> bool:
        """Remove a canned answer."""
        result = self._db.execute(sa.delete(support_canned).where(support_canned.c.id == answer_id))
        return bool(result.rowcount)


def _canned(row: sa.Row[Any]) -> CannedAnswer:
    return CannedAnswer(
        id=row.id,
        title=row.title,
        text=row.text,
        author_label=row.author_label,
        created_at=row.created_at,
    )
