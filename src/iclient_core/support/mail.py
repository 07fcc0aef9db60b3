"""The e-mails of support requests: the client is told of a staff reply; staff of a new
request or a client's reply. Each is in its reader's language with a link into the portal;
the message text may be quoted (shortened), attachments never. Internal notes are never
e-mailed: nothing here is given one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from iclient_core.accounts.events import notify_event
from iclient_core.accounts.mail import notify
from iclient_core.accounts.model import Account
from iclient_core.accounts.model import Status as AccountStatus
from iclient_core.notifications.model import Kind, Notification
from iclient_core.notifications.outbox import branding, queue
from iclient_core.notifications.preferences import Event
from iclient_core.support.model import Conversation, Message

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

QUOTE_UP_TO = 1000
"""How much of a message an e-mail quotes, in characters."""


def quoted(text: str) -> str:
    """The message text as an e-mail quotes it: at most :data:`QUOTE_UP_TO` characters."""
    if len(text) <= QUOTE_UP_TO:
        return text
    return text[: QUOTE_UP_TO - 1].rstrip() + "…"


def notify_client_of_reply(
    services: Services, uow: UnitOfWork, conversation: Conversation, message: Message
) -> bool:
    """Tell the client of a staff reply, in their language, with a link to the thread;
    returns False when nothing was sent.

    This is the one place the "support reply" message is queued: it goes on the channels
    the client chose for support replies (e-mail, SMS to a confirmed phone, both or none).
    """
    if message.internal:  # an internal note is never e-mailed
        return False
    client = uow.accounts.get(conversation.client_id)
    if client is None or client.status is not AccountStatus.ACTIVE:
        return False
    return bool(
        notify_event(
            services,
            uow,
            client,
            Event.SUPPORT_REPLY,
            Kind.SUPPORT_REPLY,
            {
                "request_subject": conversation.subject,
                "author": message.author_label,
                "message": quoted(message.text),
                "link": services.links.support(client.language, conversation.id),
            },
        )
    )


def notify_staff_of_message(
    services: Services,
    uow: UnitOfWork,
    conversation: Conversation,
    message: Message,
    client: Account,
    *,
    new: bool,
) -> bool:
    """Tell staff of a new request or a client's reply: the assignee if there is one, else
    the business's staff address. Returns False when there is nobody to tell."""
    context = {
        "request_subject": conversation.subject,
        "client_name": client.profile.full_name or client.email.address,
        "message": quoted(message.text),
        "new_request": "yes" if new else "",
    }
    assignee = uow.accounts.get(conversation.assignee_id) if conversation.assignee_id else None
    if assignee is not None and assignee.is_active and assignee.role.is_staff:
        link = services.links.staff_support(assignee.language, conversation.id)
        notify(services, uow, assignee, Kind.SUPPORT_MESSAGE, {**context, "link": link})
        return True
    brand = branding(services, uow)
    address = brand.get("contact_email", "")
    if not address:
        return False
    language = services.settings.language(None)
    queue(
        services,
        uow,
        Notification(
            kind=Kind.SUPPORT_MESSAGE,
            to_address=address,
            to_name=brand.get("business_name", ""),
            language=language,
            context={
                **brand,
                "first_name": "",
                **context,
                "link": services.links.staff_support(language, conversation.id),
            },
        ),
    )
    return True
