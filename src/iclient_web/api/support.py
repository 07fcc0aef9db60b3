"""The API's support requests, read only: the filtered list (numbered pages, as staff's
inbox) and one request with its conversation. The key acts as its owner, a staff member, so
staff's internal notes are there too, each marked ``internal: true``; files are described
(name, type, size, SHA-256), never sent."""

from __future__ import annotations

from werkzeug.wrappers import Response

from iclient_core.integrations import Scope
from iclient_core.support import list_requests, staff_thread
from iclient_web.api.http import caller, json_answer, read_query
from iclient_web.api.schemas import (
    SupportMessage,
    SupportRequest,
    SupportRequestList,
    SupportRequestQuery,
    SupportRequestSummary,
)
from iclient_web.api.spec import operation
from iclient_web.deps import services

TAG = "support"


@operation(
    "GET",
    "/support/requests",
    summary="List support requests",
    scope=Scope.SUPPORT_READ,
    tag=TAG,
    query=SupportRequestQuery,
    responses={200: SupportRequestList},
)
def list_support_requests() -> Response:
    """Support requests, latest activity first, 25 a page; of one client with
    ``client_id``."""
    query = read_query(SupportRequestQuery)
    assert isinstance(query, SupportRequestQuery)
    page = list_requests(
        services=services(),
        actor=caller().account,
        status=query.status,
        category=query.category,
        client_id=query.client_id or None,
        page=query.page,
    )
    return json_answer(
        SupportRequestList(
            items=[SupportRequestSummary.of(c) for c in page.items],
            page=page.number,
            pages=page.pages,
            total=page.total,
        )
    )


@operation(
    "GET",
    "/support/requests/{request_id}",
    summary="Read a support request and its messages",
    scope=Scope.SUPPORT_READ,
    tag=TAG,
    responses={200: SupportRequest},
)
def read_support_request(request_id: str) -> Response:
    """One request and every message, in the order written. Staff's internal notes are
    included, marked ``internal: true`` (the client never sees them): a program that shows
    the conversation to the client must leave them out. Attachments are described by name,
    type, size and SHA-256; their bytes are not served by the API."""
    thread = staff_thread(services=services(), actor=caller().account, conversation_id=request_id)
    return json_answer(
        SupportRequest.with_messages(
            thread.conversation, [SupportMessage.of(m) for m in thread.messages]
        )
    )
