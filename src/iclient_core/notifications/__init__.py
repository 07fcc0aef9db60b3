"""Notifications: e-mails and SMS queued in an outbox in the same transaction as their cause, and
delivered after commit with retries.

The public names of the package, by module:

- :mod:`.delivery`: ``DeliveryReport``, ``deliver_outbox``, ``outbox_lag``
- :mod:`.model`: ``Channel``, ``Kind``, ``Notification``, ``OutboxMessage``
- :mod:`.ports`: ``Mailer``, ``OutboxRepository``, ``SmsSender``
- :mod:`.preferences`: ``Event``, ``NotificationPreferences``,
  ``NotificationPreferencesRepository``, ``PreferencesReader``, ``wants``
"""

from iclient_core.notifications.delivery import DeliveryReport, deliver_outbox, outbox_lag
from iclient_core.notifications.model import Channel, Kind, Notification, OutboxMessage
from iclient_core.notifications.ports import Mailer, OutboxRepository, SmsSender
from iclient_core.notifications.preferences import (
    Event,
    NotificationPreferences,
    NotificationPreferencesRepository,
    PreferencesReader,
    wants,
)

__all__ = [
    "Channel",
    "DeliveryReport",
    "Event",
    "Kind",
    "Mailer",
    "Notification",
    "NotificationPreferences",
    "NotificationPreferencesRepository",
    "OutboxMessage",
    "OutboxRepository",
    "PreferencesReader",
    "SmsSender",
    "deliver_outbox",
    "outbox_lag",
    "wants",
]
