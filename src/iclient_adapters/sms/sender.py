"""The ``SmsSender`` port: an outbox message rendered from a template and handed to a
gateway."""

from __future__ import annotations

import re
from functools import cache

import jinja2

from iclient_adapters.mail.render import template_language
from iclient_adapters.sms.gateways import SmsGateway
from iclient_core.notifications.model import Notification, OutboxMessage
from iclient_core.shared.errors import DeliveryFailed

_SPACES = re.compile(r"[ \t\r\n]+")  # not \s: a no-break space in "1.234,56 €" stays


@cache
def environment() -> jinja2.Environment:
    """The SMS templates, ``<language>/<kind>.txt``; plain text, no escaping."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("iclient_adapters.sms", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - text messages, never HTML
        keep_trailing_newline=False,
    )


def render_text(notification: Notification) -> str:
    """The text of ``notification`` in its language (Portuguese when there is none), on
    one line.

    Raises:
        jinja2.TemplateError: no SMS template for the kind, or a context key is missing.
    """
    name = f"{template_language(notification.language)}/{notification.kind.value}.txt"
    text = environment().get_template(name).render(dict(notification.context))
    return _SPACES.sub(" ", text).strip()


class TemplateSms:
    """Renders each queued SMS and hands it to ``gateway``.

    Args:
        gateway: where the text goes.
    """

    def __init__(self, gateway: SmsGateway) -> None:
        self.gateway = gateway

    def send(self, message: OutboxMessage) -> None:
        """Render ``message`` and hand it over.

        Raises:
            DeliveryFailed: the gateway failed, or the message cannot be rendered or has no
                phone number (permanent).
        """
        notification = message.notification
        if not re.fullmatch(r"\+[1-9][0-9]{6,14}", notification.to_address):
            raise DeliveryFailed(
                "permanent: the SMS has no phone number in international form", permanent=True
            )
        try:
            text = render_text(notification)
        except jinja2.TemplateError as error:
            raise DeliveryFailed(
                f"permanent: cannot render {notification.kind} SMS: {error}", permanent=True
            ) from error
        self.gateway.send(notification.to_address, text, message_id=message.message_id)
