"""The ports: what the core needs from the outside world, stated as Protocols.

Implementations live in ``iclient_adapters`` (or in an embedding application) and do not
inherit from these classes; they only have to behave as documented here, which the contract
suites in ``iclient_adapters.testing`` check.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

import attrs

if TYPE_CHECKING:
    from iclient_core.accounts import Account, Role, Status
    from iclient_core.audit import AuditEntry
    from iclient_core.business import SettingsRepository
    from iclient_core.consent.ports import ConsentRepository
    from iclient_core.documents.ports import DocumentRepository
    from iclient_core.notifications import OutboxMessage
    from iclient_core.quotes.ports import QuoteRepository
    from iclient_core.sessions import SignInSession


# --------------------------------------------------------------------------- time and ids


class Clock(Protocol):
    """Tells the time; tests hand in one they can move."""

    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""


class IdGenerator(Protocol):
    """Makes new identifiers for aggregates and messages."""

    def new_id(self) -> str:
        """A new, unique, unguessable identifier (at most 36 characters)."""


# --------------------------------------------------------------------------- persistence


class AccountRepository(Protocol):
    """Stores accounts. Look-ups by e-mail compare ``EmailAddress.key``."""

    def add(self, account: Account) -> None:
        """Store a new account.

        Raises:
            AlreadyExists: the e-mail key is taken (possibly found only at commit).
        """

    def get(self, account_id: str) -> Account | None:
        """The account with this id, or None."""

    def get_by_email_key(self, key: str) -> Account | None:
        """The account whose e-mail key is ``key``, or None."""

    def get_many(self, account_ids: Collection[str]) -> dict[str, Account]:
        """The accounts with these ids, by id, in one look-up (missing ids are left out)."""

    def save(self, account: Account) -> None:
        """Write back an account changed since it was read."""

    def list(
        self,
        *,
        role: Role | None = None,
        status: Status | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Sequence[Account]:
        """Accounts, oldest first, optionally filtered by role and status."""

    def count_admins(self) -> int:
        """How many active accounts have the admin role."""

    def deletion_requested(self) -> Sequence[Account]:
        """Accounts (not yet erased) whose owner asked for deletion, oldest request first."""

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
        """Accounts matching every given filter, newest first (staff lists and searches).

        Args:
            text: cut into words by :func:`iclient_core.account_search.search_words`; every
                word must occur, ignoring case, in the first name, last name or e-mail key,
                or (a phone-like word's digits) in the phone.
            roles: only these roles.
            statuses: only these statuses.
            deletion_requested: True for accounts (not erased) whose owner asked for
                deletion; False for the others.
            limit: at most this many.
            offset: skip this many first.
        """

    def count(
        self,
        *,
        text: str | None = None,
        roles: Collection[Role] | None = None,
        statuses: Collection[Status] | None = None,
        deletion_requested: bool | None = None,
    ) -> int:
        """How many accounts :meth:`search` would find without a limit."""

    def existing_email_keys(self, keys: Collection[str]) -> set[str]:
        """Those of ``keys`` that belong to an account (one look-up for a whole import)."""


class SessionRepository(Protocol):
    """Stores signed-in sessions by the digest of their secret."""

    def add(self, session: SignInSession) -> None:
        """Store a new session."""

    def get(self, session_id: str) -> SignInSession | None:
        """The session with this id, or None."""

    def touch(self, session_id: str, when: datetime) -> None:
        """Record activity on a session."""

    def delete(self, session_id: str) -> None:
        """End one session (no error if it is already gone)."""

    def delete_for_account(self, account_id: str, *, keep: str | None = None) -> int:
        """End every session of an account except ``keep``; returns how many ended."""

    def list_for_account(self, account_id: str) -> Sequence[SignInSession]:
        """The account's sessions, newest first."""


class OutboxRepository(Protocol):
    """Holds notifications until they are delivered."""

    def add(self, message: OutboxMessage) -> None:
        """Queue a message (in the caller's transaction)."""

    def get(self, message_id: str) -> OutboxMessage | None:
        """The message with this outbox id, or None."""

    def claim_due(self, now: datetime, *, limit: int, lease: timedelta) -> Sequence[OutboxMessage]:
        """Reserve up to ``limit`` due messages for ``lease``, oldest first.

        Two deliverers running at once never claim the same message.
        """

    def save(self, message: OutboxMessage) -> None:
        """Write back a message after an attempt."""

    def pending_count(self) -> int:
        """How many messages are neither sent nor given up."""


class AuditLog(Protocol):
    """The append-only audit log. It has no way to change or remove an entry."""

    def append(self, entry: AuditEntry) -> None:
        """Add an entry (in the caller's transaction)."""

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
        """Entries matching every given filter, oldest first (``since`` ≤ at < ``until``)."""

    def count(
        self,
        *,
        action: str | None = None,
        actor_id: str | None = None,
        target_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        """How many entries match the filters."""


class UnitOfWork(Protocol):
    """One transaction over every repository: ``with uow: ...; uow.commit()``.

    Leaving the block without ``commit()`` rolls everything back.
    """

    @property
    def accounts(self) -> AccountRepository:
        """The accounts of this transaction."""

    @property
    def sessions(self) -> SessionRepository:
        """The signed-in sessions of this transaction."""

    @property
    def outbox(self) -> OutboxRepository:
        """The outbox of this transaction."""

    @property
    def audit(self) -> AuditLog:
        """The audit log of this transaction."""

    @property
    def quotes(self) -> QuoteRepository:
        """The quotes of this transaction."""

    @property
    def settings(self) -> SettingsRepository:
        """The business settings an admin edits, of this transaction."""

    @property
    def consent(self) -> ConsentRepository:
        """Consent kinds, versions and evidence records of this transaction."""

    @property
    def documents(self) -> DocumentRepository:
        """The clients' documents, their versions and download log, of this transaction."""

    def __enter__(self) -> UnitOfWork:
        """Begin the transaction."""

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed and release the connection."""

    def commit(self) -> None:
        """Make every change since ``__enter__`` durable, all or nothing.

        Raises:
            AlreadyExists: a unique constraint (an e-mail address) was hit.
            ConcurrentUpdate: the row changed under us.
        """

    def rollback(self) -> None:
        """Discard every change since the last commit."""


UnitOfWorkFactory = Callable[[], UnitOfWork]
"""Makes a fresh unit of work per use-case call."""


# --------------------------------------------------------------------------- security


class PasswordHasher(Protocol):
    """Hashes and verifies passwords (already normalised by the core)."""

    def hash(self, password: str) -> str:
        """A salted hash in the adapter's current default scheme."""

    def verify(self, password: str, hashed: str) -> bool:
        """True when ``password`` matches ``hashed`` (any scheme the adapter accepts)."""

    def needs_update(self, hashed: str) -> bool:
        """True when ``hashed`` uses an old scheme or weaker parameters."""

    def dummy_verify(self) -> None:
        """Spend the time a verification takes, for unknown users (same timing)."""


@attrs.frozen
class TokenClaims:
    """What a verified link token says."""

    account_id: str
    fingerprint: str
    data: dict[str, str] = attrs.field(factory=dict)


class TokenService(Protocol):
    """Signs and checks the tokens of e-mailed links.

    The time comes from the core's clock (``now``), so that tests and simulations age links
    exactly as they age sessions.
    """

    def issue(self, purpose: str, claims: TokenClaims, *, now: datetime) -> str:
        """A URL-safe signed token for ``purpose`` carrying ``claims`` and ``now``."""

    def verify(self, purpose: str, token: str, *, max_age: timedelta, now: datetime) -> TokenClaims:
        """Check the signature, purpose and age of ``token`` at ``now``; return its claims.

        Raises:
            TokenInvalid: bad signature, other purpose, malformed, or issued in the future.
            TokenExpired: genuine but older than ``max_age`` (carries the account id).
        """


class PasswordStrength(Protocol):
    """Judges whether a password is common or easy to guess."""

    def is_weak(self, password: str, *, user_inputs: Sequence[str]) -> bool:
        """True for common, breached-looking or easily guessed passwords.

        Args:
            password: the normalised candidate.
            user_inputs: words of the person's own data, to be treated as known to attackers.
        """


class RateLimiter(Protocol):
    """Counts attempts per key in a moving window."""

    def hit(self, key: str, *, amount: int, per: timedelta) -> bool:
        """Count one attempt; False when the key is now over ``amount`` per ``per``."""

    def test(self, key: str, *, amount: int, per: timedelta) -> bool:
        """True when one more attempt would still be within the limit (counts nothing)."""

    def clear(self, key: str, *, amount: int, per: timedelta) -> None:
        """Forget the attempts counted for ``key``."""


# --------------------------------------------------------------------------- contact data


class ContactValidator(Protocol):
    """Validates and normalises e-mail addresses and phone numbers."""

    def normalise_email(self, raw: str) -> str:
        """The address in normal form (domain lower-cased and IDNA-checked; no DNS look-up).

        Raises:
            ValueError: not a deliverable-looking address.
        """

    def normalise_phone(self, raw: str) -> str:
        """The number in international E.164 form (``+351912345678``).

        Raises:
            ValueError: not a valid phone number.
        """


# --------------------------------------------------------------------------- mail


class Mailer(Protocol):
    """Renders a queued notification and hands it to a mail transport."""

    def send(self, message: OutboxMessage) -> None:
        """Deliver one message, using ``message.message_id`` as its Message-ID.

        Raises:
            DeliveryFailed: a temporary failure; the outbox will try again later.
        """


class Links(Protocol):
    """Builds the absolute URLs put in e-mails, from the configured base URL only."""

    def activation(self, language: str, token: str) -> str:
        """Link to set the first password."""

    def password_reset(self, language: str, token: str) -> str:
        """Link to choose a new password."""

    def email_change(self, language: str, token: str) -> str:
        """Link to confirm a new e-mail address."""

    def sign_in(self, language: str) -> str:
        """Link to the sign-in page."""

    def forgot_password(self, language: str) -> str:
        """Link to ask for a password reset."""
