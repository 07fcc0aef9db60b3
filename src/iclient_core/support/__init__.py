"""Support requests: a client writes, staff answer, both follow one conversation.

- ``model``: ``Conversation``, ``Message``, ``Attachment``, ``CannedAnswer``, ``Status``,
  ``Side``.
- ``ports``: ``SupportRepository`` (``uow.support``), ``ConversationFilter``.
- ``conversations``: the client's ``open_request``, ``my_requests``, ``my_thread``,
  ``my_revision``, ``mark_seen``, ``reply_as_client``, ``close_as_client``,
  ``download_my_attachment``; staff's ``list_requests``, ``count_waiting``,
  ``client_requests``, ``staff_thread``, ``staff_revision``, ``staff_reply``,
  ``update_request``, ``download_staff_attachment`` and the canned answers.
- ``mail``: ``notify_client_of_reply`` (the one place the client's reply e-mail is queued),
  ``notify_staff_of_message``.
"""

from __future__ import annotations

from iclient_core.support.conversations import (
    Listed,
    RequestClosed,
    Thread,
    assignable_staff,
    canned_answer,
    canned_answers,
    client_requests,
    close_as_client,
    count_waiting,
    delete_canned,
    download_my_attachment,
    download_staff_attachment,
    erase_requests_of,
    list_requests,
    mark_seen,
    my_requests,
    my_revision,
    my_thread,
    open_request,
    reopen_period,
    reply_as_client,
    save_canned,
    staff_reply,
    staff_revision,
    staff_thread,
    update_request,
)
from iclient_core.support.files import store_files
from iclient_core.support.mail import notify_client_of_reply, notify_staff_of_message
from iclient_core.support.model import (
    Attachment,
    CannedAnswer,
    Conversation,
    Message,
    Side,
    Status,
)
from iclient_core.support.ports import ConversationFilter, SupportRepository

__all__ = [
    "Attachment",
    "CannedAnswer",
    "Conversation",
    "ConversationFilter",
    "Listed",
    "Message",
    "RequestClosed",
    "Side",
    "Status",
    "SupportRepository",
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
    "notify_client_of_reply",
    "notify_staff_of_message",
    "open_request",
    "reopen_period",
    "reply_as_client",
    "save_canned",
    "staff_reply",
    "staff_revision",
    "staff_thread",
    "store_files",
    "update_request",
]
