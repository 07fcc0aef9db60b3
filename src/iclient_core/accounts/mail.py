"""E-mail to an account's owner: a notification in their language, with the business's
branding, queued in the caller's transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from iclient_core.accounts.model import Account
from iclient_core.notifications.model import Kind, Notification
from iclient_core.notifications.outbox import branding, queue

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork


def message(
    services: Services,
    uow: UnitOfWork,
    account: Account,
    kind: Kind,
    context: dict[str, str] | None = None,
    *,
    to_address: str | None = None,
) -> Notification:
    """The notification ``kind`` for ``account`` in its language, not yet queued."""
    return Notification(
        kind=kind,
        to_address=to_address or account.email.address,
        to_name=account.profile.full_name,
        language=account.language,
        context={
            "first_name": account.profile.first_name,
            **branding(services, uow),
            **(context or {}),
        },
    )


def notify(
    services: Services,
    uow: UnitOfWork,
    account: Account,
    kind: Kind,
    context: dict[str, str] | None = None,
    *,
    to_address: str | None = None,
) -> None:
    """Queue ``kind`` for ``account`` in its language, to its stored address by default."""
    queue(services, uow, message(services, uow, account, kind, context, to_address=to_address))
