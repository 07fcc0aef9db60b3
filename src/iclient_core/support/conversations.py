"""Use cases of support requests.

The client's side: open a request (with files), list their own, read one thread (staff's
internal notes are never read for them), reply (which reopens a closed request within the
business's reopening period), close it. Staff's side: the filtered inbox, a thread with its
notes, replies, internal notes, status and assignee, canned answers.

Anyone but the requester and staff gets ``NotFound`` for a request, as if it did not exist.

Concurrency: messages are rows of their own, so two people writing at once both keep their
message, ordered by the store's sequence. The conversation row (status, activity) is saved
with an optimistic version check; a message's use case that meets a concurrent change reads
the conversation again and applies itself on top (at most :data:`ATTEMPTS` times), so a
client replying while staff close it ends one clear way: the reply is kept and the request
reopened (within the reopening period) or refused as closed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

import attrs

from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import (
    ClientReading,
    Permission,
    Tally,
    active_staff,
    as_active_client,
    require,
    tally,
)
from iclient_core.shared import audit
from iclient_core.shared.downloads import Download
from iclient_core.shared.errors import (
    ConcurrentUpdate,
    DomainError,
    FieldError,
    InvalidInput,
    NotFound,
)
from iclient_core.shared.intake import Upload
from iclient_core.shared.limits import Limit, check_limit
from iclient_core.shared.paging import Page, page_number
from iclient_core.shared.text import clean_line, clean_markdown
from iclient_core.support.files import forget_files, open_attachment, store_files
from iclient_core.support.mail import notify_client_of_reply, notify_staff_of_message
from iclient_core.support.model import (
    AWAITING_STAFF,
    CATEGORIES,
    Attachment,
    CannedAnswer,
    Conversation,
    Message,
    Side,
    Status,
)
from iclient_core.support.ports import ConversationFilter

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

MAX_SUBJECT = 200
MAX_MESSAGE = 10000
MAX_TITLE = 120
PAGE_SIZE = 25
ATTEMPTS = 3
"""How many times a message's use case tries again after a concurrent change."""

MESSAGES_PER_CLIENT = Limit(30, timedelta(hours=1))
"""Requests and replies one client may send in an hour (each e-mails staff)."""

PERMISSION = Permission.CLIENTS_MANAGE
"""What staff need to work on support requests."""

T = TypeVar("T")


class RequestClosed(DomainError):
    """The request was closed longer ago than the reopening period: a new one is needed."""

    code = "support_closed"


@attrs.frozen
class Thread:
    """A conversation and the messages its reader may see, in order.

    Attributes:
        revision: changes whenever anything the reader sees changes (an ``ETag``).
        client: the client account (for staff's pages; None on the client's own).
    """

    conversation: Conversation
    messages: tuple[Message, ...]
    revision: str
    client: Account | None = None


@attrs.frozen
class Listed:
    """A conversation in a list, with whether it has a reply its client has not seen."""

    conversation: Conversation
    unread: bool


# --------------------------------------------------------------------------- helpers


def _retrying(work: Callable[[], T]) -> T:
    for _attempt in range(ATTEMPTS - 1):
        try:
            return work()
        except ConcurrentUpdate:
            continue
    return work()


def _client(uow: UnitOfWork, account_id: str) -> Account:
    return as_active_client(uow.accounts.get(account_id), FOR_CLIENTS)


FOR_CLIENTS = "support requests are for clients"


def _clients_conversation(uow: UnitOfWork, client: Account, conversation_id: str) -> Conversation:
    found = uow.support.get(conversation_id)
    if found is None or found.client_id != client.id:
        raise NotFound("support request")
    return found


def _staff_conversation(uow: UnitOfWork, conversation_id: str) -> Conversation:
    found = uow.support.get(conversation_id)
    if found is None:
        raise NotFound("support request")
    return found


def _revision(uow: UnitOfWork, conversation: Conversation, *, internal: bool) -> str:
    latest = uow.support.latest([conversation.id], internal=internal).get(conversation.id, 0)
    return f"{conversation.version}-{latest}"


def _author(account: Account) -> str:
    return account.profile.full_name or account.email.address


def _add_message(
    services: Services,
    uow: UnitOfWork,
    conversation: Conversation,
    author: Account,
    text: str,
    attachments: tuple[Attachment, ...],
    now: datetime,
    *,
    side: Side,
    internal: bool = False,
) -> Message:
    """Store a message of ``author`` in ``conversation`` (the store gives its place in order)."""
    return uow.support.add_message(
        Message(
            id=services.ids.new_id(),
            conversation_id=conversation.id,
            side=side,
            internal=internal,
            author_id=author.id,
            author_label=_author(author),
            text=text,
            attachments=attachments,
            created_at=now,
        )
    )


def _text(value: str | None, errors: list[FieldError], field: str = "message") -> str:
    text = clean_markdown(value, field, errors, max_length=MAX_MESSAGE)
    if not text and not any(e.field == field for e in errors):
        errors.append(FieldError(field, "required"))
    return text


def reopen_period(services: Services) -> timedelta:
    """How long after closing a client's reply reopens a request."""
    return timedelta(days=services.settings.support_reopen_days)


def _details(conversation: Conversation, **more: object) -> dict[str, object]:
    return {"subject": conversation.subject, "category": conversation.category, **more}


# --------------------------------------------------------------------------- the client


def open_request(
    *,
    services: Services,
    account_id: str,
    subject: str | None,
    category: str | None,
    message: str | None,
    files: Sequence[Upload] = (),
    max_size: int | None = None,
    ip: str,
) -> Conversation:
    """A client opens a support request; staff are told by e-mail.

    Raises:
        PermissionDenied: the account is not an active client.
        InvalidInput: a field is missing or bad, or a file is refused (``file``).
        RateLimited: the client sent :data:`MESSAGES_PER_CLIENT` already.
    """
    errors: list[FieldError] = []
    clean_subject = clean_line(subject, "subject", errors, max_length=MAX_SUBJECT)
    if not clean_subject and not any(e.field == "subject" for e in errors):
        errors.append(FieldError("subject", "required"))
    if category not in CATEGORIES:
        errors.append(FieldError("category", "invalid_choice"))
    text = _text(message, errors)
    with services.uow() as uow:
        client = _client(uow, account_id)
    if errors:
        raise InvalidInput(errors)
    check_limit(services.limiter, f"support:{client.id}", MESSAGES_PER_CLIENT, count=True)
    conversation_id = services.ids.new_id()
    attachments = store_files(
        services=services,
        uploads=files,
        client_id=client.id,
        conversation_id=conversation_id,
        max_size=max_size,
    )
    try:
        with services.uow() as uow:
            client = _client(uow, account_id)
            now = services.clock.now()
            conversation = Conversation.open(
                id=conversation_id,
                client_id=client.id,
                subject=clean_subject,
                category=str(category),
                now=now,
            )
            uow.support.add(conversation)
            first = _add_message(
                services, uow, conversation, client, text, attachments, now, side=Side.CLIENT
            )
            notify_staff_of_message(services, uow, conversation, first, client, new=True)
            audit.record(
                services,
                uow,
                actor=client,
                action="support.opened",
                target_type="support_request",
                target_id=conversation.id,
                subject_id=client.id,
                summary=conversation.category,
                details=_details(conversation, files=len(attachments)),
                ip=ip,
            )
            uow.commit()
    except BaseException:
        forget_files(services.storage, attachments)
        raise
    return conversation


def my_requests(
    *, services: Services, actor: Account, page: int | str | None = 1, size: int = PAGE_SIZE
) -> Page[Listed]:
    """The client's requests, latest activity first, each marked unread when it has a staff
    reply they have not seen.

    Raises:
        PermissionDenied: the actor is not an active client.
    """
    client = as_active_client(actor, FOR_CLIENTS)  # as read for this request
    with services.uow() as uow:
        where = ConversationFilter(client_id=client.id)
        total = uow.support.count(where)
        number = page_number(page, total, size)
        found = uow.support.conversations(where, limit=size, offset=(number - 1) * size)
        ids = [c.id for c in found]
        replies = uow.support.latest(ids, internal=False, side=Side.STAFF)
        seen = uow.support.seen(ids)
    items = tuple(Listed(c, replies.get(c.id, 0) > seen.get(c.id, 0)) for c in found)
    return Page(items=items, total=total, number=number, size=size)


def my_thread(*, services: Services, actor: Account, conversation_id: str) -> Thread:
    """One of the client's requests with the messages they see (never internal notes).

    Raises:
        PermissionDenied: the actor is not an active client.
        NotFound: no such request, or another client's.
    """
    client = as_active_client(actor, FOR_CLIENTS)  # as read for this request
    with services.uow() as uow:
        conversation = _clients_conversation(uow, client, conversation_id)
        messages = tuple(uow.support.messages(conversation.id, internal=False))
        revision = _revision(uow, conversation, internal=False)
    return Thread(conversation, messages, revision)


def my_revision(*, services: Services, actor: Account, conversation_id: str) -> str:
    """What the client's thread is at now, cheaply (for a poll's ``ETag``).

    Raises:
        PermissionDenied: the actor is not an active client.
        NotFound: no such request, or another client's.
    """
    client = as_active_client(actor, FOR_CLIENTS)  # as read for this request
    with services.uow() as uow:
        conversation = _clients_conversation(uow, client, conversation_id)
        return _revision(uow, conversation, internal=False)


def mark_seen(*, services: Services, actor: Account, conversation_id: str) -> None:
    """The client has seen the thread as it is now (best effort: a concurrent mark wins)."""
    client = as_active_client(actor, FOR_CLIENTS)  # as read for this request
    try:
        with services.uow() as uow:
            conversation = _clients_conversation(uow, client, conversation_id)
            latest = uow.support.latest([conversation.id], internal=False)
            uow.support.mark_seen(conversation.id, latest.get(conversation.id, 0))
            uow.commit()
    except ConcurrentUpdate:
        pass


def reply_as_client(
    *,
    services: Services,
    account_id: str,
    conversation_id: str,
    message: str | None,
    files: Sequence[Upload] = (),
    max_size: int | None = None,
    ip: str,
) -> Message:
    """The client writes in their request; staff are told. A closed request reopens when
    it was closed within the reopening period.

    Raises:
        PermissionDenied: the account is not an active client.
        NotFound: no such request, or another client's.
        RequestClosed: closed longer ago than the reopening period.
        InvalidInput: an empty or bad message, or a refused file.
        RateLimited: the client sent :data:`MESSAGES_PER_CLIENT` already.
    """
    errors: list[FieldError] = []
    text = _text(message, errors)
    with services.uow() as uow:
        client = _client(uow, account_id)
        conversation = _clients_conversation(uow, client, conversation_id)
    if errors:
        raise InvalidInput(errors)
    _check_reopenable(services, conversation)
    check_limit(services.limiter, f"support:{client.id}", MESSAGES_PER_CLIENT, count=True)
    attachments = store_files(
        services=services,
        uploads=files,
        client_id=client.id,
        conversation_id=conversation.id,
        max_size=max_size,
    )

    def work() -> Message:
        with services.uow() as uow:
            client = _client(uow, account_id)
            conversation = _clients_conversation(uow, client, conversation_id)
            _check_reopenable(services, conversation)
            reopened = conversation.status is Status.CLOSED
            now = services.clock.now()
            conversation.client_wrote(now)
            uow.support.save(conversation)
            added = _add_message(
                services, uow, conversation, client, text, attachments, now, side=Side.CLIENT
            )
            notify_staff_of_message(services, uow, conversation, added, client, new=False)
            audit.record(
                services,
                uow,
                actor=client,
                action="support.client_replied",
                target_type="support_request",
                target_id=conversation.id,
                subject_id=client.id,
                summary=str(len(text)),
                details=_details(conversation, reopened=reopened, files=len(attachments)),
                ip=ip,
            )
            uow.commit()
            return added

    try:
        return _retrying(work)
    except BaseException:
        forget_files(services.storage, attachments)
        raise


def _check_reopenable(services: Services, conversation: Conversation) -> None:
    if conversation.status is not Status.CLOSED:
        return
    closed_at = conversation.closed_at or conversation.updated_at
    if services.clock.now() - closed_at > reopen_period(services):
        raise RequestClosed(conversation.id)


def close_as_client(
    *, services: Services, account_id: str, conversation_id: str, ip: str
) -> Conversation:
    """The client says the request is solved: it is closed.

    Raises:
        PermissionDenied: the account is not an active client.
        NotFound: no such request, or another client's.
        ConcurrentUpdate: it changed meanwhile.
    """
    with services.uow() as uow:
        client = _client(uow, account_id)
        conversation = _clients_conversation(uow, client, conversation_id)
        if conversation.status is Status.CLOSED:
            return conversation
        before = conversation.status
        conversation.set_status(Status.CLOSED, services.clock.now())
        uow.support.save(conversation)
        audit.record(
            services,
            uow,
            actor=client,
            action="support.status_changed",
            target_type="support_request",
            target_id=conversation.id,
            subject_id=client.id,
            summary=Status.CLOSED.value,
            details=_details(conversation, **{"from": before.value, "to": Status.CLOSED.value}),
            ip=ip,
        )
        uow.commit()
    return conversation


def download_my_attachment(
    *, services: Services, account_id: str, conversation_id: str, message_id: str, index: int
) -> Download:
    """The client opens a file of a message of their own request (never of a note).

    Raises:
        PermissionDenied: the account is not an active client.
        NotFound: no such request, another client's, no such message or file.
        FileCorrupted: the stored bytes are missing or damaged (logged).
    """
    with services.uow() as uow:
        client = _client(uow, account_id)
        conversation = _clients_conversation(uow, client, conversation_id)
        messages = uow.support.messages(conversation.id, internal=False)
    return _download(services, conversation, messages, message_id, index)


def _download(
    services: Services,
    conversation: Conversation,
    messages: Sequence[Message],
    message_id: str,
    index: int,
) -> Download:
    message = next((m for m in messages if m.id == message_id), None)
    if message is None or not 0 <= index < len(message.attachments):
        raise NotFound("attachment")
    attachment: Attachment = message.attachments[index]
    return open_attachment(services.storage, conversation.id, attachment)


# --------------------------------------------------------------------------- staff


def _filter(
    services: Services,
    status: str | None,
    category: str | None,
    assignee_id: str | None,
    unanswered_hours: int | str | None,
    client_id: str | None = None,
) -> ConversationFilter:
    try:
        chosen = Status(status) if status else None
    except ValueError:
        chosen = None
    waiting_before = None
    try:
        hours = int(unanswered_hours) if unanswered_hours not in (None, "") else None
    except (TypeError, ValueError):
        hours = None
    if hours is not None and 0 <= hours <= 24 * 365:
        waiting_before = services.clock.now() - timedelta(hours=hours)
    return ConversationFilter(
        status=chosen,
        category=category if category in CATEGORIES else None,
        assignee_id=assignee_id or None,
        client_id=client_id or None,
        waiting_before=waiting_before,
    )


def list_requests(
    *,
    services: Services,
    actor: Account,
    status: str | None = None,
    category: str | None = None,
    assignee_id: str | None = None,
    unanswered_hours: int | str | None = None,
    client_id: str | None = None,
    page: int | str | None = 1,
    size: int = PAGE_SIZE,
) -> Page[Conversation]:
    """Staff's inbox of requests, latest activity first, filtered (unknown filters mean
    "any"; ``unanswered_hours``: clients waiting for an answer longer than that;
    ``client_id``: one client's requests).

    Raises:
        PermissionDenied: the actor may not manage clients.
    """
    where = _filter(services, status, category, assignee_id, unanswered_hours, client_id)
    with services.uow() as uow:
        require(uow, actor, PERMISSION)
        total = uow.support.count(where)
        number = page_number(page, total, size)
        items = uow.support.conversations(where, limit=size, offset=(number - 1) * size)
    return Page(items=tuple(items), total=total, number=number, size=size)


REQUESTS_WAITING = Tally(
    PERMISSION,
    lambda services, uow: sum(
        uow.support.count(ConversationFilter(status=s)) for s in AWAITING_STAFF
    ),
)
"""The staff dashboard's requests waiting for staff (open or waiting on staff)."""


def count_waiting(*, services: Services, actor: Account) -> int:
    """How many requests wait for staff (open or waiting on staff), for the dashboard.

    Raises:
        PermissionDenied: the actor may not manage clients.
    """
    return tally(services, actor, REQUESTS_WAITING)


def _requests_of(uow: UnitOfWork, client_id: str) -> list[Conversation]:
    return list(
        uow.support.conversations(ConversationFilter(client_id=client_id), limit=50, offset=0)
    )


CLIENT_REQUESTS = ClientReading(
    PERMISSION, lambda services, uow, client: _requests_of(uow, client.id)
)
"""A client's requests, latest activity first, for their page in the staff area (one
statement)."""


def client_requests(*, services: Services, actor: Account, client_id: str) -> list[Conversation]:
    """A client's requests, latest activity first, for their page in the staff area.

    Raises:
        PermissionDenied: the actor may not manage clients.
    """
    with services.uow() as uow:
        require(uow, actor, PERMISSION)
        return _requests_of(uow, client_id)


def staff_thread(*, services: Services, actor: Account, conversation_id: str) -> Thread:
    """A request for staff: every message and internal note, and the client.

    Raises:
        PermissionDenied: the actor may not manage clients.
        NotFound: no such request.
    """
    with services.uow() as uow:
        require(uow, actor, PERMISSION)
        conversation = _staff_conversation(uow, conversation_id)
        messages = tuple(uow.support.messages(conversation.id, internal=True))
        revision = _revision(uow, conversation, internal=True)
        client = uow.accounts.get(conversation.client_id)
    return Thread(conversation, messages, revision, client)


def staff_revision(*, services: Services, actor: Account, conversation_id: str) -> str:
    """What staff's thread is at now, cheaply (for a poll's ``ETag``).

    Raises:
        PermissionDenied: the actor may not manage clients.
        NotFound: no such request.
    """
    with services.uow() as uow:
        require(uow, actor, PERMISSION)
        conversation = _staff_conversation(uow, conversation_id)
        return _revision(uow, conversation, internal=True)


def assignable_staff(*, services: Services, actor: Account) -> list[Account]:
    """The active staff members a request may be given to.

    Raises:
        PermissionDenied: the actor may not manage clients.
    """
    with services.uow() as uow:
        require(uow, actor, PERMISSION)
        return active_staff(uow)


def staff_reply(
    *,
    services: Services,
    actor: Account,
    conversation_id: str,
    message: str | None,
    internal: bool = False,
    files: Sequence[Upload] = (),
    max_size: int | None = None,
    ip: str,
) -> Message:
    """Staff answer the client (who is told by e-mail), or add an internal note (``internal``:
    never shown to the client nor e-mailed, and no files). Two staff answering at once both
    keep their message.

    Raises:
        PermissionDenied: the actor may not manage clients.
        NotFound: no such request.
        InvalidInput: an empty or bad message, or a refused file.
    """
    errors: list[FieldError] = []
    text = _text(message, errors, "note" if internal else "message")
    with services.uow() as uow:
        actor = require(uow, actor, PERMISSION)
        conversation = _staff_conversation(uow, conversation_id)
    if errors:
        raise InvalidInput(errors)
    if internal and files:
        raise InvalidInput.single("file", "invalid_choice")
    attachments = store_files(
        services=services,
        uploads=files,
        client_id=conversation.client_id,
        conversation_id=conversation.id,
        max_size=max_size,
    )

    def work() -> Message:
        with services.uow() as uow:
            member = require(uow, actor, PERMISSION)
            conversation = _staff_conversation(uow, conversation_id)
            now = services.clock.now()
            if not internal:
                conversation.staff_replied(now)
                uow.support.save(conversation)
            added = _add_message(
                services,
                uow,
                conversation,
                member,
                text,
                attachments,
                now,
                side=Side.STAFF,
                internal=internal,
            )
            if not internal:
                notify_client_of_reply(services, uow, conversation, added)
            audit.record(
                services,
                uow,
                actor=member,
                action="support.note_added" if internal else "support.replied",
                target_type="support_request",
                target_id=conversation.id,
                subject_id=conversation.client_id,
                summary=str(len(text)),
                details=_details(conversation, length=len(text), files=len(attachments)),
                ip=ip,
            )
            uow.commit()
            return added

    try:
        return _retrying(work)
    except BaseException:
        forget_files(services.storage, attachments)
        raise


def update_request(
    *,
    services: Services,
    actor: Account,
    conversation_id: str,
    status: str | None = None,
    assignee_id: str | None = None,
    ip: str,
) -> Conversation:
    """Staff change a request's status or assignee (``""`` for nobody); each change is
    audited. ``None`` leaves that part as it is.

    Raises:
        PermissionDenied: the actor may not manage clients.
        NotFound: no such request.
        InvalidInput: an unknown status, or an assignee who is not active staff.
        ConcurrentUpdate: it changed meanwhile.
    """
    new_status: Status | None = None
    if status is not None:
        try:
            new_status = Status(status)
        except ValueError:
            raise InvalidInput.single("status", "invalid_choice") from None
    with services.uow() as uow:
        actor = require(uow, actor, PERMISSION)
        conversation = _staff_conversation(uow, conversation_id)
        now = services.clock.now()
        changes: list[tuple[str, str, dict[str, object]]] = []
        if new_status is not None and new_status is not conversation.status:
            before = conversation.status
            conversation.set_status(new_status, now)
            changes.append(
                (
                    "support.status_changed",
                    new_status.value,
                    {"from": before.value, "to": new_status.value},
                )
            )
        if assignee_id is not None and (assignee_id or None) != conversation.assignee_id:
            label = "-"
            if assignee_id:
                member = uow.accounts.get(assignee_id)
                if member is None or not member.role.is_staff or not member.is_active:
                    raise InvalidInput.single("assignee", "invalid_choice")
                label = member.audit_label
            conversation.assignee_id = assignee_id or None
            conversation.updated_at = now
            changes.append(("support.assigned", label, {"assignee": assignee_id or ""}))
        if not changes:
            return conversation
        uow.support.save(conversation)
        for action, summary, details in changes:
            audit.record(
                services,
                uow,
                actor=actor,
                action=action,
                target_type="support_request",
                target_id=conversation.id,
                subject_id=conversation.client_id,
                summary=summary,
                details=_details(conversation, **details),
                ip=ip,
            )
        uow.commit()
    return conversation


def download_staff_attachment(
    *, services: Services, actor: Account, conversation_id: str, message_id: str, index: int
) -> Download:
    """Staff open a file of a request's message.

    Raises:
        PermissionDenied: the actor may not manage clients.
        NotFound: no such request, message or file.
        FileCorrupted: the stored bytes are missing or damaged (logged).
    """
    with services.uow() as uow:
        require(uow, actor, PERMISSION)
        conversation = _staff_conversation(uow, conversation_id)
        messages = uow.support.messages(conversation.id, internal=True)
    return _download(services, conversation, messages, message_id, index)


# --------------------------------------------------------------------------- canned answers


def canned_answers(*, services: Services, actor: Account) -> list[CannedAnswer]:
    """The saved answers, by title.

    Raises:
        PermissionDenied: the actor may not manage clients.
    """
    with services.uow() as uow:
        require(uow, actor, PERMISSION)
        return list(uow.support.canned())


def canned_answer(*, services: Services, actor: Account, answer_id: str) -> CannedAnswer:
    """One saved answer.

    Raises:
        PermissionDenied: the actor may not manage clients.
        NotFound: no such answer.
    """
    with services.uow() as uow:
        require(uow, actor, PERMISSION)
        found = uow.support.get_canned(answer_id)
    if found is None:
        raise NotFound("canned answer")
    return found


def save_canned(
    *, services: Services, actor: Account, title: str | None, text: str | None, ip: str
) -> CannedAnswer:
    """Save an answer to reuse.

    Raises:
        PermissionDenied: the actor may not manage clients.
        InvalidInput: a missing or bad title or text.
    """
    errors: list[FieldError] = []
    clean_title = clean_line(title, "title", errors, max_length=MAX_TITLE)
    if not clean_title and not any(e.field == "title" for e in errors):
        errors.append(FieldError("title", "required"))
    body = _text(text, errors, "text")
    if errors:
        raise InvalidInput(errors)
    with services.uow() as uow:
        actor = require(uow, actor, PERMISSION)
        answer = CannedAnswer(
            id=services.ids.new_id(),
            title=clean_title,
            text=body,
            author_label=actor.audit_label,
            created_at=services.clock.now(),
        )
        uow.support.add_canned(answer)
        audit.record(
            services,
            uow,
            actor=actor,
            action="support.canned_saved",
            target_type="canned_answer",
            target_id=answer.id,
            summary=answer.title,
            details={"title": answer.title},
            ip=ip,
        )
        uow.commit()
    return answer


def delete_canned(*, services: Services, actor: Account, answer_id: str, ip: str) -> None:
    """Remove a saved answer.

    Raises:
        PermissionDenied: the actor may not manage clients.
        NotFound: no such answer.
    """
    with services.uow() as uow:
        actor = require(uow, actor, PERMISSION)
        found = uow.support.get_canned(answer_id)
        if found is None or not uow.support.delete_canned(answer_id):
            raise NotFound("canned answer")
        audit.record(
            services,
            uow,
            actor=actor,
            action="support.canned_deleted",
            target_type="canned_answer",
            target_id=answer_id,
            summary=found.title,
            details={"title": found.title},
            ip=ip,
        )
        uow.commit()


# --------------------------------------------------------------------------- accounts


def erase_requests_of(services: Services, uow: UnitOfWork, client_id: str) -> Sequence[str]:
    """Remove a client's requests, messages, notes and read marks in ``uow`` (their account
    is being erased); returns the storage keys whose bytes to remove after the commit."""
    return uow.support.delete_of_client(client_id)


__all__ = [
    "ATTEMPTS",
    "MESSAGES_PER_CLIENT",
    "PAGE_SIZE",
    "Listed",
    "RequestClosed",
    "Thread",
    "assignable_staff",
    "canned_answer",
    "canned_answers",
    "client_requests",
    "close_as_client",
    "count_waiting",
    "delete_canned",
    "download_my_attachment",
    "download_staff_attachment",
    "erase_requests_of",
    "list_requests",
    "mark_seen",
    "my_requests",
    "my_revision",
    "my_thread",
    "open_request",
    "reopen_period",
    "reply_as_client",
    "save_canned",
    "staff_reply",
    "staff_revision",
    "update_request",
]
