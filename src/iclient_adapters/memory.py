"""In-memory persistence: a real, transactional fake for tests, demos and embedding.

A ``MemoryStore`` holds the committed state. Each ``MemoryUnitOfWork`` works on a private
copy taken at ``__enter__`` and swaps it in on ``commit()``; leaving without committing
discards it, exactly like a database transaction. Unique e-mail keys are enforced at commit.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from types import TracebackType

import attrs

from iclient_adapters.memory_consent import MemoryConsentRepository
from iclient_adapters.memory_documents import MemoryDocumentRepository
from iclient_adapters.memory_quotes import MemoryQuoteRepository
from iclient_adapters.memory_staff import MemorySettingsRepository, copies, search_accounts
from iclient_core.accounts.model import Account, Role, Status
from iclient_core.accounts.ports import AccountRepository, SessionRepository
from iclient_core.accounts.sessions import SignInSession
from iclient_core.consent.model import ConsentKind, ConsentRecord, ConsentVersion
from iclient_core.consent.ports import ConsentRepository
from iclient_core.documents.model import Document, DownloadRecord
from iclient_core.documents.ports import DocumentRepository
from iclient_core.notifications.model import OutboxMessage
from iclient_core.notifications.ports import OutboxRepository
from iclient_core.quotes.model import Quote
from iclient_core.quotes.ports import QuoteRepository
from iclient_core.shared.audit import AuditEntry, AuditLog
from iclient_core.shared.business import BusinessSettings, SettingsRepository
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate


@attrs.define
class _State:
    accounts: dict[str, Account] = attrs.Factory(dict)
    sessions: dict[str, SignInSession] = attrs.Factory(dict)
    outbox: dict[str, OutboxMessage] = attrs.Factory(dict)
    audit: dict[str, AuditEntry] = attrs.Factory(dict)
    consent_kinds: dict[str, ConsentKind] = attrs.Factory(dict)
    consent_versions: dict[str, ConsentVersion] = attrs.Factory(dict)
    consent_records: dict[str, ConsentRecord] = attrs.Factory(dict)
    settings: dict[str, BusinessSettings] = attrs.Factory(dict)
    documents: dict[str, Document] = attrs.Factory(dict)
    document_downloads: dict[str, DownloadRecord] = attrs.Factory(dict)
    quotes: dict[str, Quote] = attrs.Factory(dict)
    # New aggregates add a dict here, a repository class below, and a line in _begin().
    generation: int = 0


@attrs.define
class MemoryStore:
    """The committed state shared by every unit of work made from it."""

    state: _State = attrs.Factory(_State)
    lock: threading.RLock = attrs.Factory(threading.RLock)

    def unit_of_work(self) -> MemoryUnitOfWork:
        """A new unit of work over this store (use as the ``UnitOfWorkFactory``)."""
        return MemoryUnitOfWork(self)


class MemoryAccountRepository:
    """Accounts in a dict, looked up by id or e-mail key."""

    def __init__(self, state: _State) -> None:
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
        limit: int = 50,
        offset: int = 0,
    ) -> Sequence[Account]:
        """Accounts matching every filter, newest first."""
        found = search_accounts(
            self._state.accounts.values(),
            text=text,
            roles=roles,
            statuses=statuses,
            deletion_requested=deletion_requested,
        )
        return copies(found[offset : offset + limit])

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

    def __init__(self, state: _State) -> None:
        self._state = state

    def add(self, session: SignInSession) -> None:
        """Store a new session."""
        self._state.sessions[session.id] = copy.deepcopy(session)

    def get(self, session_id: str) -> SignInSession | None:
        """The session, or None."""
        found = self._state.sessions.get(session_id)
        return copy.deepcopy(found) if found else None

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
        found.sort(key=lambda s: s.created_at, reverse=True)
        return [copy.deepcopy(s) for s in found]


class MemoryOutboxRepository:
    """Outbox messages in a dict."""

    def __init__(self, state: _State) -> None:
        self._state = state

    def add(self, message: OutboxMessage) -> None:
        """Queue a message."""
        self._state.outbox[message.id] = copy.deepcopy(message)

    def get(self, message_id: str) -> OutboxMessage | None:
        """The message, or None."""
        found = self._state.outbox.get(message_id)
        return copy.deepcopy(found) if found else None

    def claim_due(self, now: datetime, *, limit: int, lease: timedelta) -> Sequence[OutboxMessage]:
        """Reserve up to ``limit`` due messages, oldest first."""
        due = sorted(
            (m for m in self._state.outbox.values() if m.is_due(now)),
            key=lambda m: (m.created_at, m.id),
        )[:limit]
        for message in due:
            message.claim(now, lease)
        return [copy.deepcopy(m) for m in due]

    def save(self, message: OutboxMessage) -> None:
        """Write back a message."""
        self._state.outbox[message.id] = copy.deepcopy(message)

    def pending_count(self) -> int:
        """Messages neither sent nor given up."""
        return sum(1 for m in self._state.outbox.values() if m.sent_at is None and not m.given_up)


class MemoryAuditLog:
    """The audit log in a dict; append and read, nothing else."""

    def __init__(self, state: _State) -> None:
        self._state = state

    def append(self, entry: AuditEntry) -> None:
        """Add an entry."""
        self._state.audit[entry.id] = entry

    def _matching(
        self,
        action: str | None,
        actor_id: str | None,
        target_id: str | None,
        since: datetime | None,
        until: datetime | None,
    ) -> list[AuditEntry]:
        found = [
            e
            for e in self._state.audit.values()
            if (action is None or e.action == action)
            and (actor_id is None or e.actor_id == actor_id)
            and (target_id is None or e.target_id == target_id)
            and (since is None or e.at >= since)
            and (until is None or e.at < until)
        ]
        found.sort(key=lambda e: (e.at, e.id))
        return found

    def list(
        self,
        *,
        action: str | None = None,
        actor_id: str | None = None,
        target_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Sequence[AuditEntry]:
        """Matching entries, oldest first."""
        return self._matching(action, actor_id, target_id, since, until)[offset : offset + limit]

    def count(
        self,
        *,
        action: str | None = None,
        actor_id: str | None = None,
        target_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        """How many entries match."""
        return len(self._matching(action, actor_id, target_id, since, until))


def _unique_keys(state: _State) -> dict[str, list[object]]:
    """The values that must stay unique across the whole store, like a database's UNIQUE."""
    return {
        "email": [a.email.key for a in state.accounts.values()],
        "consent version": [
            (v.kind, v.number, v.language) for v in state.consent_versions.values()
        ],
    }


class MemoryUnitOfWork:
    """A transaction over a ``MemoryStore``: a private copy, swapped in on commit."""

    accounts: AccountRepository
    sessions: SessionRepository
    outbox: OutboxRepository
    audit: AuditLog
    quotes: QuoteRepository
    consent: ConsentRepository
    documents: DocumentRepository
    settings: SettingsRepository

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._begin()

    def _begin(self) -> None:
        with self._store.lock:
            # Committed states are replaced, never changed in place: a reference is a snapshot.
            self._snapshot = self._store.state
            self._base_generation = self._snapshot.generation
            self._working = copy.deepcopy(self._snapshot)
        self.accounts = MemoryAccountRepository(self._working)
        self.sessions = MemorySessionRepository(self._working)
        self.outbox = MemoryOutboxRepository(self._working)
        self.audit = MemoryAuditLog(self._working)
        self.quotes = MemoryQuoteRepository(self._working)
        self.consent = MemoryConsentRepository(self._working)
        self.documents = MemoryDocumentRepository(self._working)
        self.settings = MemorySettingsRepository(self._working)

    def __enter__(self) -> MemoryUnitOfWork:
        self._begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        """Swap the working copy in; refuse if another commit changed a row we changed."""
        with self._store.lock:
            current = self._store.state
            if current.generation != self._base_generation:
                self._merge_into(current)
            self._working.generation = current.generation + 1
            self._store.state = self._working
        self._begin()

    def _merge_into(self, current: _State) -> None:
        """Replay our changes over state committed meanwhile (row-level, like a database)."""
        base = self._working
        merged = copy.deepcopy(current)
        for name in (f.name for f in attrs.fields(_State) if f.name != "generation"):
            ours: dict[str, object] = getattr(base, name)
            theirs: dict[str, object] = getattr(merged, name)
            original: dict[str, object] = getattr(self._snapshot, name)
            for key, value in ours.items():
                if original.get(key) != value:
                    if key in theirs and theirs[key] != original.get(key):
                        raise ConcurrentUpdate(key)
                    theirs[key] = value
            for key in original:
                if key not in ours:
                    theirs.pop(key, None)
        for what, keys in _unique_keys(merged).items():
            if len(keys) != len(set(keys)):
                raise AlreadyExists(what)
        self._working = merged

    def rollback(self) -> None:
        """Discard the working copy."""
        self._begin()


@attrs.define
class MemoryMailer:
    """The ``Mailer`` port in memory: it keeps what it was handed, in order.

    A test reads the messages as the core queued them (``sent``) and the links each carries,
    by name, without parsing any text (:meth:`links`).
    """

    sent: list[OutboxMessage] = attrs.Factory(list)

    def send(self, message: OutboxMessage) -> None:
        """Keep the message as delivered."""
        self.sent.append(message)

    def messages(self, *, to: str | None = None, kind: str | None = None) -> list[OutboxMessage]:
        """The messages sent, oldest first, to ``to`` and of ``kind`` when given."""
        return [
            m
            for m in self.sent
            if (to is None or m.notification.to_address == to)
            and (kind is None or m.notification.kind == kind)
        ]

    def links(self, *, to: str | None = None, kind: str | None = None) -> dict[str, str]:
        """The links of the newest matching message, by name (``link``, ``reset_link``…).

        Raises:
            LookupError: no message matches.
        """
        found = self.messages(to=to, kind=kind)
        if not found:
            raise LookupError(f"no message to {to!r} of kind {kind!r}")
        return found[-1].notification.links
