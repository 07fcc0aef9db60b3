"""In-memory persistence: a real, transactional fake for tests, demos and embedding.

A ``MemoryStore`` holds the committed state. Each ``MemoryUnitOfWork`` works on a private
copy of the state committed at ``__enter__`` and swaps it in on ``commit()``; leaving without
committing discards it, exactly like a database transaction. Unique keys are enforced at
commit. The copy is made piecemeal: each aggregate's dict the first time the transaction
uses it (a unit of work that is entered, left or committed without using one copies
nothing); the state it copies from is kept by reference, and a committed state is never
changed in place.
"""

from __future__ import annotations

import copy
import threading
from types import TracebackType
from typing import Any

import attrs

from iclient_adapters.memory.accounts import MemoryAccountRepository, MemorySessionRepository
from iclient_adapters.memory.bookings import MemoryBookingRepository, first_overlap
from iclient_adapters.memory.consent import MemoryConsentRepository
from iclient_adapters.memory.documents import MemoryDocumentRepository
from iclient_adapters.memory.faq import MemoryFaqRepository
from iclient_adapters.memory.help import MemoryPageHelpRepository
from iclient_adapters.memory.inbox import MemoryInboxRepository
from iclient_adapters.memory.integrations import MemoryApiKeyRepository
from iclient_adapters.memory.notifications import MemoryOutboxRepository
from iclient_adapters.memory.preferences import MemoryNotificationPreferencesRepository
from iclient_adapters.memory.quotes import MemoryQuoteRepository
from iclient_adapters.memory.shared import MemoryAuditLog, MemorySettingsRepository
from iclient_adapters.memory.state import MemoryState
from iclient_adapters.memory.support import MemorySupportRepository
from iclient_adapters.memory.two_step import MemoryTwoStepRepository
from iclient_adapters.memory.webhooks import MemoryWebhookRepository
from iclient_core.accounts.ports import AccountRepository, SessionRepository, TwoStepRepository
from iclient_core.bookings.model import SlotTaken
from iclient_core.bookings.ports import BookingRepository
from iclient_core.consent.ports import ConsentRepository
from iclient_core.documents.ports import DocumentRepository
from iclient_core.help.faq_ports import FaqRepository
from iclient_core.help.page_ports import PageHelpRepository
from iclient_core.inbox.ports import InboxRepository
from iclient_core.integrations.ports import ApiKeyRepository
from iclient_core.notifications.ports import OutboxRepository
from iclient_core.notifications.preferences import NotificationPreferencesRepository
from iclient_core.quotes.ports import QuoteRepository
from iclient_core.shared.audit import AuditLog
from iclient_core.shared.business import SettingsRepository
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate
from iclient_core.support.ports import SupportRepository
from iclient_core.webhooks.ports import WebhookRepository


@attrs.define
class MemoryStore:
    """The committed state shared by every unit of work made from it."""

    state: MemoryState = attrs.Factory(MemoryState)
    lock: threading.RLock = attrs.Factory(threading.RLock)
    # The quote numbers handed out, by year: outside the transactions, like a database
    # sequence, so that two units of work numbering at once never get the same one.
    quote_numbers: dict[int, int] = attrs.Factory(dict)
    # The support messages' sequence, outside the transactions for the same reason.
    support_seq: int = 0

    def take_support_seq(self) -> int:
        """The next sequence number of a support message."""
        with self.lock:
            self.support_seq += 1
            return self.support_seq

    def take_quote_number(self, year: int) -> int:
        """The next quote number of ``year``, never handed out before by this store."""
        with self.lock:
            stored = (
                q.number.sequence for q in self.state.quotes.values() if q.number.year == year
            )
            number = max(self.quote_numbers.get(year, 0), *stored, 0) + 1
            self.quote_numbers[year] = number
            return number

    def unit_of_work(self) -> MemoryUnitOfWork:
        """A new unit of work over this store (use as the ``UnitOfWorkFactory``)."""
        return MemoryUnitOfWork(self)


def _unique_keys(state: MemoryState) -> dict[str, list[object]]:
    """The values that must stay unique across the whole store, like a database's UNIQUE."""
    return {
        "email": [a.email.key for a in state.accounts.values()],
        "consent version": [
            (v.kind, v.number, v.language) for v in state.consent_versions.values()
        ],
        "quote number": [(q.number.year, q.number.sequence) for q in state.quotes.values()],
        "faq anchor": [(e.language, e.anchor) for e in state.faq_entries.values()],
        "form slug": [f.slug for f in state.inbox_forms.values()],
        "passkey": [p.credential_id for p in state.passkeys.values()],
    }


class WorkingState(MemoryState):
    """A transaction's private state: each aggregate's dict is deep-copied from the snapshot
    the first time the transaction uses it (a page that reads the accounts and sessions
    copies those, not the audit log, the outbox and every text). The snapshot is a committed
    state, never changed in place, so a copy made later is the copy that would have been
    made at the start."""

    def __init__(self, snapshot: MemoryState) -> None:
        self.__dict__["_snapshot"] = snapshot
        self.generation = snapshot.generation

    def __getattr__(self, name: str) -> Any:
        # Called only for a field not set yet (an empty slot): copy it now.
        snapshot = self.__dict__.get("_snapshot")
        if snapshot is None or name.startswith("__") or name not in _FIELDS:
            raise AttributeError(name)
        value = copy.deepcopy(getattr(snapshot, name))
        setattr(self, name, value)
        return value


_FIELDS = frozenset(f.name for f in attrs.fields(MemoryState))


def settled(working: MemoryState) -> MemoryState:
    """``working`` as a committed state: the dicts the transaction never used are the
    snapshot's own (shared, as committed states are never changed in place)."""
    if not isinstance(working, WorkingState):
        return working
    snapshot: MemoryState = working.__dict__["_snapshot"]
    values = {}
    for field in attrs.fields(MemoryState):
        try:
            values[field.name] = object.__getattribute__(working, field.name)
        except AttributeError:  # never used: the snapshot's, uncopied
            values[field.name] = getattr(snapshot, field.name)
    return MemoryState(**values)


class MemoryUnitOfWork:
    """A transaction over a ``MemoryStore``: a private copy, swapped in on commit."""

    accounts: AccountRepository
    sessions: SessionRepository
    two_step: TwoStepRepository
    outbox: OutboxRepository
    audit: AuditLog
    quotes: QuoteRepository
    consent: ConsentRepository
    documents: DocumentRepository
    settings: SettingsRepository
    page_help: PageHelpRepository
    faq: FaqRepository
    inbox: InboxRepository
    notification_preferences: NotificationPreferencesRepository
    bookings: BookingRepository
    webhooks: WebhookRepository
    support: SupportRepository
    api_keys: ApiKeyRepository

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._begin()

    def _begin(self) -> None:
        with self._store.lock:
            # Committed states are replaced, never changed in place: a reference is a snapshot.
            self._snapshot = self._store.state
            self._base_generation = self._snapshot.generation
        # The private copy: each aggregate is copied when the transaction first uses it.
        self._working: MemoryState = WorkingState(self._snapshot)
        self.accounts = MemoryAccountRepository(self._working)
        self.sessions = MemorySessionRepository(self._working)
        self.two_step = MemoryTwoStepRepository(self._working)
        self.outbox = MemoryOutboxRepository(self._working)
        self.audit = MemoryAuditLog(self._working)
        self.quotes = MemoryQuoteRepository(self._working, self._store.take_quote_number)
        self.consent = MemoryConsentRepository(self._working)
        self.documents = MemoryDocumentRepository(self._working)
        self.settings = MemorySettingsRepository(self._working)
        self.page_help = MemoryPageHelpRepository(self._working)
        self.faq = MemoryFaqRepository(self._working)
        self.inbox = MemoryInboxRepository(self._working)
        self.notification_preferences = MemoryNotificationPreferencesRepository(self._working)
        self.bookings = MemoryBookingRepository(self._working)
        self.webhooks = MemoryWebhookRepository(self._working)
        self.support = MemorySupportRepository(self._working, self._store.take_support_seq)
        self.api_keys = MemoryApiKeyRepository(self._working)

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
            self._store.state = settled(self._working)
        self._begin()

    def _merge_into(self, current: MemoryState) -> None:
        """Replay our changes over state committed meanwhile (row-level, like a database)."""
        base = self._working
        merged = copy.deepcopy(current)
        for counter, count in base.counters.items():  # increments add up, like UPDATE n = n + 1
            merged.counters[counter] = (
                merged.counters.get(counter, 0) + count - self._snapshot.counters.get(counter, 0)
            )
        for name in (
            f.name for f in attrs.fields(MemoryState) if f.name not in {"generation", "counters"}
        ):
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
        if first_overlap(merged.bookings.values()) is not None:
            raise SlotTaken()
        self._working = merged

    def rollback(self) -> None:
        """Discard the working copy."""
        self._begin()
