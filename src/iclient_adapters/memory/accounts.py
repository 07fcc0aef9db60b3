"""In-memory accounts and signed-in sessions."""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from iclient_adapters.memory.shared import REVISION
from iclient_adapters.memory.state import MemoryState
from iclient_core.accounts.model import Account, Role, Status
from iclient_core.accounts.search import matches, search_words
from iclient_core.accounts.sessions import SignInSession
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate
from iclient_core.shared.paging import Position


class MemoryAccountRepository:
    """Accounts in a dict, looked up by id or e-mail key."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add(self, account: Account) -> None:
        """Store a new account."""
        if any(a.email.key == account.email.key for a in self._state.accounts.values()):
            raise AlreadyExists(account.email.address)
        self._state.accounts[account.id] = copy.deepcopy(account)

    def get(self, account_id: str) -> Account | None:
        """The account with this id, or None."""
        found = self._state.accounts.get(account_id)
        return copy.deepcopy(found) if found else None

    def get_many(self, account_ids: Collection[str]) -> dict[str, Account]:
        """The accounts with these ids, by id."""
        return {
            i: copy.deepcopy(self._state.accounts[i])
            for i in set(account_ids)
            if i in self._state.accounts
        }

    def get_by_email_key(self, key: str) -> Account | None:
        """The account whose e-mail key is ``key``, or None."""
        for account in self._state.accounts.values():
            if account.email.key == key:
                return copy.deepcopy(account)
        return None

    def save(self, account: Account) -> None:
        """Write back a changed account (optimistic version check)."""
        stored = self._state.accounts.get(account.id)
        if stored is None or stored.version != account.version:
            raise ConcurrentUpdate(account.id)
        clash = self.get_by_email_key(account.email.key)
        if clash is not None and clash.id != account.id:
            raise AlreadyExists(account.email.address)
        account.version += 1
        self._state.accounts[account.id] = copy.deepcopy(account)

    def list(
        self,
        *,
        role: Role | None = None,
        status: Status | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Sequence[Account]:
        """Accounts, oldest first, optionally filtered."""
        found = [
            a
            for a in self._state.accounts.values()
            if (role is None or a.role is role) and (status is None or a.status is status)
        ]
        found.sort(key=lambda a: (a.created_at, a.id))
        return [copy.deepcopy(a) for a in found[offset : offset + limit]]

    def count_admins(self) -> int:
        """How many active admins there are."""
        return sum(
            1
            for a in self._state.accounts.values()
            if a.role is Role.ADMIN and a.status is Status.ACTIVE
        )

    def deletion_requested(self) -> Sequence[Account]:
        """Accounts not yet erased whose owner asked for deletion, oldest request first."""
        found = [
            a
            for a in self._state.accounts.values()
            if a.deletion_requested_at is not None and a.status is not Status.DELETED
        ]
        found.sort(key=lambda a: (a.deletion_requested_at, a.id))
        return [copy.deepcopy(a) for a in found]

    def search(
        self,
        *,
        text: str | None = None,
        roles: Collection[Role] | None = None,
        statuses: Collection[Status] | None = None,
        deletion_requested: bool | None = None,
        after: Position | None = None,
        before: Position | None = None,
        limit: int = 50,
    ) -> Sequence[Account]:
        """Accounts matching every filter, newest first, from either side of a position."""
        found = [
            a
            for a in search_accounts(
                self._state.accounts.values(),
                text=text,
                roles=roles,
                statuses=statuses,
                deletion_requested=deletion_requested,
            )
            if (after is None or Position.of(a) < after)
            and (before is None or Position.of(a) > before)
        ]
        if before is not None:
            return copies(found[-limit:] if limit > 0 else [])
        return copies(found[:limit])

    def count(
        self,
        *,
        text: str | None = None,
        roles: Collection[Role] | None = None,
        statuses: Collection[Status] | None = None,
        deletion_requested: bool | None = None,
    ) -> int:
        """How many accounts match."""
        return len(
            search_accounts(
                self._state.accounts.values(),
                text=text,
                roles=roles,
                statuses=statuses,
                deletion_requested=deletion_requested,
            )
        )

    def existing_email_keys(self, keys: Collection[str]) -> set[str]:
        """Those of ``keys`` that belong to an account."""
        wanted = set(keys)
        return {a.email.key for a in self._state.accounts.values() if a.email.key in wanted}


class MemorySessionRepository:
    """Sessions in a dict keyed by the digest of their secret."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add(self, session: SignInSession) -> None:
        """Store a new session."""
        self._state.sessions[session.id] = copy.deepcopy(session)

    def get(self, session_id: str) -> SignInSession | None:
        """The session, or None."""
        found = self._state.sessions.get(session_id)
        return copy.deepcopy(found) if found else None

    def get_with_account(self, session_id: str) -> tuple[SignInSession, Account, int] | None:
        """The session, its account and the portal's revision, or None."""
        found = self._state.sessions.get(session_id)
        account = self._state.accounts.get(found.account_id) if found else None
        if found is None or account is None:
            return None
        revision = self._state.counters.get(REVISION, 0)
        return copy.deepcopy(found), copy.deepcopy(account), revision

    def touch(self, session_id: str, when: datetime) -> None:
        """Record activity."""
        if session_id in self._state.sessions:
            self._state.sessions[session_id].last_seen_at = when

    def delete(self, session_id: str) -> None:
        """End one session."""
        self._state.sessions.pop(session_id, None)

    def delete_for_account(self, account_id: str, *, keep: str | None = None) -> int:
        """End every session of an account except ``keep``."""
        doomed = [
            s.id
            for s in self._state.sessions.values()
            if s.account_id == account_id and s.id != keep
        ]
        for session_id in doomed:
            del self._state.sessions[session_id]
        return len(doomed)

    def list_for_account(self, account_id: str) -> Sequence[SignInSession]:
        """The account's sessions, newest first."""
        found = [s for s in self._state.sessions.values() if s.account_id == account_id]
        found.sort(key=lambda s: (s.created_at, s.id), reverse=True)
        return [copy.deepcopy(s) for s in found]

    def delete_of_account(self, account_id: str, session_id: str) -> bool:
        """End one session if it belongs to ``account_id``."""
        found = self._state.sessions.get(session_id)
        if found is None or found.account_id != account_id:
            return False
        del self._state.sessions[session_id]
        return True


def search_accounts(
    accounts: Iterable[Account],
    *,
    text: str | None,
    roles: Collection[Role] | None,
    statuses: Collection[Status] | None,
    deletion_requested: bool | None,
) -> list[Account]:
    """The accounts matching every filter, newest first (copies)."""
    words = search_words(text)
    found = [
        a
        for a in accounts
        if (roles is None or a.role in roles)
        and (statuses is None or a.status in statuses)
        and (
            deletion_requested is None
            or deletion_requested
            == (a.deletion_requested_at is not None and a.status is not Status.DELETED)
        )
        and matches(a, words)
    ]
    found.sort(key=Position.of, reverse=True)
    return found


def copies(accounts: Iterable[Account]) -> list[Account]:
    """Deep copies, so that callers cannot change the store behind its back."""
    return [copy.deepcopy(a) for a in accounts]
