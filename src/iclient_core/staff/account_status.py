"""What staff do to an account they may manage: close it, reopen it, sign it out everywhere,
turn off its two-step sign-in.

Shared by the client and the staff use cases, which only differ in who may act and which
accounts they may touch. Each function finishes the caller's unit of work (commit) and logs
the security event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from iclient_core.accounts.mail import notify
from iclient_core.accounts.model import Account, Status
from iclient_core.notifications.model import Kind
from iclient_core.shared import audit
from iclient_core.shared.errors import InvalidInput
from iclient_core.shared.security_log import security_event
from iclient_core.shared.text import counted

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork


def end_sessions(
    services: Services,
    uow: UnitOfWork,
    *,
    actor: Account,
    account: Account,
    action: str,
    ip: str,
    done: str = "",
    event: str = "sessions_ended",
) -> int:
    """End every session of ``account`` at once, audit it (after ``done``, what else was done
    to the account in this unit of work), commit and log the security ``event``; returns how
    many sessions ended."""
    ended = uow.sessions.delete_for_account(account.id)
    sessions = f"{counted(ended, 'session')} ended"
    audit.record(
        services,
        uow,
        actor=actor,
        action=action,
        target_type="account",
        target_id=account.id,
        summary=f"{done}; {sessions}" if done else sessions,
        ip=ip,
        details={"sessions": ended},
    )
    uow.commit()
    security_event(event, account_id=account.id, ip=ip, by=actor.id, sessions=ended)
    return ended


def close(
    services: Services, uow: UnitOfWork, *, actor: Account, account: Account, action: str, ip: str
) -> int:
    """Disable ``account`` and end its sessions in the same transaction; returns how many."""
    account.disable()
    uow.accounts.save(account)
    return end_sessions(
        services,
        uow,
        actor=actor,
        account=account,
        action=action,
        ip=ip,
        done="Account disabled",
        event="account_disabled",
    )


def reopen(
    services: Services, uow: UnitOfWork, *, actor: Account, account: Account, action: str, ip: str
) -> Account:
    """Re-enable a disabled ``account`` (nothing happens to one that is not disabled)."""
    if account.status is not Status.DISABLED:
        return account
    account.enable()
    uow.accounts.save(account)
    audit.record(
        services,
        uow,
        actor=actor,
        action=action,
        target_type="account",
        target_id=account.id,
        ip=ip,
    )
    uow.commit()
    security_event("account_enabled", account_id=account.id, ip=ip, by=actor.id)
    return account


def reset_two_step(
    services: Services, uow: UnitOfWork, *, actor: Account, account: Account, action: str, ip: str
) -> int:
    """Turn off ``account``'s two-step sign-in for an owner who lost every way to finish it
    (the phone with the authenticator app, the recovery codes, the passkeys): all of them
    are forgotten, every session ends and the owner is told by e-mail. They sign in with
    the password alone and may set up a second step again (staff whom the business
    requires to have one are asked to at their next sign-in). Returns how many sessions
    ended.

    Staff check who is asking outside the portal first: the password alone opens the
    account afterwards.

    Raises:
        InvalidInput: ``account``: ``two_step_own`` (the actor's own account: they turn it
            off on their security page, with a code) or ``two_step_not_on`` (nothing to
            turn off).
    """
    if account.id == actor.id:
        raise InvalidInput.single("account", "two_step_own")
    if not uow.two_step.has_second_step(account.id):
        raise InvalidInput.single("account", "two_step_not_on")
    uow.two_step.delete_for_account(account.id)
    notify(
        services,
        uow,
        account,
        Kind.TWO_STEP_RESET,
        {"link": services.links.sign_in(account.language)},
    )
    return end_sessions(
        services,
        uow,
        actor=actor,
        account=account,
        action=action,
        ip=ip,
        done="Two-step sign-in turned off",
        event="two_step_reset",
    )
