"""Privacy rights: account deletion (the copy of everything held about a person is
:func:`iclient_core.staff.personal_data.export_data`, which reads every domain)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from iclient_core.accounts.mail import notify
from iclient_core.accounts.model import Account, Status
from iclient_core.accounts.permissions import Permission, require
from iclient_core.accounts.profile import check_current_password, load_active
from iclient_core.notifications.model import Kind
from iclient_core.shared import audit
from iclient_core.shared.errors import ConcurrentUpdate, NotFound
from iclient_core.shared.intake import forget_stored
from iclient_core.shared.security_log import security_event
from iclient_core.shared.wording import format_date

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

DELETION_DELAY = timedelta(days=30)
"""Without a staff decision, a requested deletion happens after this long."""


def request_deletion(
    *, services: Services, account_id: str, current_password: str | None, ip: str
) -> Account:
    """The owner asks for the account to be deleted (password required).

    Staff may confirm it at once; otherwise it happens after :data:`DELETION_DELAY`. The
    owner gets a receipt by e-mail, saying by when and how to cancel the request meanwhile.

    Raises:
        InvalidInput: wrong password (``current_password``).
        NotFound: no such active account.
    """
    with services.uow() as uow:
        account = load_active(uow, account_id)
        check_current_password(services, account, current_password)
        now = services.clock.now()
        account.request_deletion(now)
        uow.accounts.save(account)
        erase_by = (now + DELETION_DELAY).astimezone(services.settings.quotes.zone()).date()
        notify(
            services,
            uow,
            account,
            Kind.DELETION_REQUESTED,
            {
                "erase_by": format_date(erase_by, account.language),
                "sign_in_link": services.links.sign_in(account.language),
            },
        )
        audit.record(
            services,
            uow,
            actor=account,
            action="account.deletion_requested",
            target_type="account",
            target_id=account.id,
            ip=ip,
        )
        uow.commit()
    security_event("deletion_requested", account_id=account.id, ip=ip)
    return account


def cancel_deletion(*, services: Services, account_id: str, ip: str) -> None:
    """The owner withdraws a deletion request."""
    with services.uow() as uow:
        account = load_active(uow, account_id)
        account.cancel_deletion()
        uow.accounts.save(account)
        audit.record(
            services,
            uow,
            actor=account,
            action="account.deletion_cancelled",
            target_type="account",
            target_id=account.id,
            ip=ip,
        )
        uow.commit()


def _erase(
    services: Services, uow: UnitOfWork, account: Account, actor: Account | None, ip: str
) -> list[str]:
    """Erase the account's personal data in ``uow``; returns the storage keys of files to
    remove once it is committed (their support requests' attachments)."""
    account.erase(services.clock.now())
    uow.accounts.save(account)
    uow.sessions.delete_for_account(account.id)
    uow.notification_preferences.remove(account.id)
    uow.two_step.delete_for_account(account.id)
    removed = uow.inbox.delete_submissions_of_account(account.id)
    bookings_removed = uow.bookings.delete_bookings_of_account(account.id)
    uow.webhooks.delete_deliveries_about(account.id)  # their bodies carry personal data
    # Support requests are the person's own words: erased whole, messages, staff's notes and
    # files. The audit entries (who did what, when, with the request's subject) remain.
    files = list(uow.support.delete_of_client(account.id))
    audit.record(
        services,
        uow,
        actor=actor,
        action="account.erased",
        target_type="account",
        target_id=account.id,
        summary="Personal data erased; consent evidence and issued documents are kept.",
        details={
            k: v
            for k, v in (("messages_removed", removed), ("bookings_removed", bookings_removed))
            if v
        }
        or None,
        ip=ip,
    )
    return files


def confirm_deletion(*, services: Services, actor: Account, client_id: str, ip: str) -> None:
    """Staff confirm a client's deletion request: personal data is erased now.

    Consent records and issued invoices are kept, referring to the pseudonymous id.

    Raises:
        PermissionDenied: the actor may not manage clients.
        NotFound: no such client with a pending deletion request.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CLIENTS_MANAGE)
        account = uow.accounts.get(client_id)
        if (
            account is None
            or account.role.is_staff
            or account.status is Status.DELETED
            or account.deletion_requested_at is None
        ):
            raise NotFound()
        files = _erase(services, uow, account, actor, ip)
        uow.commit()
    forget_stored(services.storage, files)


def deletion_requests(*, services: Services, actor: Account) -> list[Account]:
    """Clients who asked for deletion, oldest request first.

    Raises:
        PermissionDenied: the actor may not view clients.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CLIENTS_VIEW)
        return list(uow.accounts.deletion_requested())


def erase_due(*, services: Services, delay: timedelta = DELETION_DELAY) -> int:
    """Erase every account whose deletion request is older than ``delay``; returns how many.

    Each account is erased in a transaction of its own: one changed meanwhile (the client
    cancelled, staff confirmed) is left for the next run, and the others are still erased.
    """
    cutoff = services.clock.now() - delay
    with services.uow() as uow:
        due = [
            account.id
            for account in uow.accounts.deletion_requested()
            if account.deletion_requested_at is not None and account.deletion_requested_at <= cutoff
        ]
    erased = 0
    for account_id in due:
        with services.uow() as uow:
            account = uow.accounts.get(account_id)
            if (
                account is None
                or account.status is Status.DELETED
                or account.deletion_requested_at is None
                or account.deletion_requested_at > cutoff
            ):
                continue
            try:
                files = _erase(services, uow, account, None, "-")
                uow.commit()
            except ConcurrentUpdate:
                continue
        forget_stored(services.storage, files)
        erased += 1
    return erased
