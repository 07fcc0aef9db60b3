"""Queueing notifications: written to the outbox in the caller's transaction, delivered
after commit by :func:`iclient_core.notifications.delivery.deliver_outbox`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from iclient_core.notifications.model import Notification, OutboxMessage
from iclient_core.shared.business import BusinessSettings

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork


def queue(services: Services, uow: UnitOfWork, notification: Notification) -> OutboxMessage:
    """Put a notification in the outbox, inside the caller's transaction."""
    message = OutboxMessage.queue(
        id=services.ids.new_id(),
        notification=notification,
        now=services.clock.now(),
        domain=services.settings.mail_domain,
    )
    uow.outbox.add(message)
    return message


def branding(services: Services, uow: UnitOfWork) -> dict[str, str]:
    """The business's name and contact e-mail for messages, read in the caller's transaction.

    What an admin stored, else the configured values; plus ``logo_url``, the logo's absolute
    address, when an admin uploaded a logo.
    """
    stored = uow.settings.get()
    found = {
        "business_name": (stored.business_name if stored else "")
        or services.settings.business_name,
        "contact_email": (stored.contact_email if stored else "")
        or services.settings.contact_email,
    }
    logo = logo_url(services, stored)
    return {**found, "logo_url": logo} if logo else found


def logo_url(services: Services, stored: BusinessSettings | None) -> str:
    """The logo's absolute address for e-mails, or empty when there is none."""
    if stored is None or not stored.logo_key:
        return ""
    return services.links.logo(stored.logo_sha256[:16])
