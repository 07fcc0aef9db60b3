"""Use cases: the signed-in person's list of their sessions, and ending them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.sessions import SignInSession
from iclient_core.shared import audit
from iclient_core.shared.errors import NotFound
from iclient_core.shared.security_log import security_event
from iclient_core.shared.text import counted

if TYPE_CHECKING:
    from iclient_core.services import Services


@attrs.frozen
class SessionRow:
    """One session as its owner sees it; ``current`` marks the browser asking."""

    session: SignInSession
    current: bool


def my_sessions(*, services: Services, account_id: str, current_id: str) -> list[SessionRow]:
    """The account's live sessions, newest first, the asking one marked (expired sessions
    are left out: they no longer open anything)."""
    settings = services.settings
    now = services.clock.now()
    with services.uow() as uow:
        found: Sequence[SignInSession] = uow.sessions.list_for_account(account_id)
    return [
        SessionRow(session=s, current=s.id == current_id)
        for s in found
        if s.id == current_id
        or not s.expired(now, idle=settings.session_idle, absolute=settings.session_absolute)
    ]


def end_my_session(*, services: Services, account_id: str, session_id: str, ip: str) -> None:
    """End one of the account's sessions (any, the asking one included).

    Raises:
        NotFound: the account has no such session.
    """
    with services.uow() as uow:
        account = uow.accounts.get(account_id)
        if account is None or not uow.sessions.delete_of_account(account_id, session_id):
            raise NotFound()
        audit.record(
            services,
            uow,
            actor=account,
            action="account.session_ended",
            target_type="account",
            target_id=account_id,
            ip=ip,
        )
        uow.commit()
    security_event("session_ended", account_id=account_id, ip=ip)


def end_other_sessions(*, services: Services, account_id: str, keep: str, ip: str) -> int:
    """End every session of the account but ``keep`` (the asking one); how many ended."""
    with services.uow() as uow:
        account = uow.accounts.get(account_id)
        if account is None:
            raise NotFound()
        ended = uow.sessions.delete_for_account(account_id, keep=keep)
        audit.record(
            services,
            uow,
            actor=account,
            action="account.other_sessions_ended",
            target_type="account",
            target_id=account_id,
            summary=f"Signed out everywhere else; {counted(ended, 'session')} ended",
            ip=ip,
            details={"sessions": ended},
        )
        uow.commit()
    security_event("other_sessions_ended", account_id=account_id, ip=ip, sessions_ended=ended)
    return ended
