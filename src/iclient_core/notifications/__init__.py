"""Notifications: e-mails queued in an outbox in the same transaction as their cause, and
delivered after commit with retries.

The public names of the package, by module:

- :mod:`.delivery`: ``DeliveryReport``, ``deliver_outbox``, ``outbox_lag``
- :mod:`.model`: ``Kind``, ``Notification``, ``OutboxMessage``
- :mod:`.ports`: ``Mailer``, ``OutboxRepository``
"""

from iclient_core.notifications.delivery import DeliveryReport, deliver_outbox, outbox_lag
from iclient_core.notifications.model import Kind, Notification, OutboxMessage
from iclient_core.notifications.ports import Mailer, OutboxRepository

__all__ = [
    "DeliveryReport",
    "Kind",
    "Mailer",
    "Notification",
    "OutboxMessage",
    "OutboxRepository",
    "deliver_outbox",
    "outbox_lag",
]
