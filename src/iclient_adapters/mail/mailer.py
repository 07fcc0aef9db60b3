"""The ``Mailer`` port on Jinja2 templates and a transport."""

from __future__ import annotations

from email.errors import MessageError

import jinja2

from iclient_adapters.mail.render import render
from iclient_adapters.mail.transports import Transport
from iclient_core.notifications.model import OutboxMessage
from iclient_core.shared.errors import DeliveryFailed


class TemplateMailer:
    """Renders each outbox message in its recipient's language and hands it to ``transport``.

    Args:
        transport: where the rendered e-mail goes.
        sender: the ``From`` header, e.g. ``"Oficina <no-reply@oficina.pt>"``.
    """

    def __init__(self, transport: Transport, *, sender: str) -> None:
        self.transport = transport
        self.sender = sender

    def send(self, message: OutboxMessage) -> None:
        """Render ``message`` with its outbox Message-ID and hand it to the transport.

        Raises:
            DeliveryFailed: the transport failed, or the message cannot be rendered (a
                permanent fault, reported the same way so that the outbox records it and
                eventually gives up instead of stopping every delivery round).
        """
        try:
            email = render(message.notification, sender=self.sender, message_id=message.message_id)
        except (jinja2.TemplateError, ValueError, MessageError) as error:
            raise DeliveryFailed(
                f"permanent: cannot render {message.notification.kind} mail: {error}",
                permanent=True,
            ) from error
        self.transport.send(email)
