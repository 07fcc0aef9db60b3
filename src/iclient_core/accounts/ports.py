"""The ports of accounts: where accounts and sessions are stored, and the security and
contact-data services the use cases need."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Protocol

import attrs

from iclient_core.accounts.model import Account, Role, Status
from iclient_core.accounts.second_factor import Authenticator, NewPasskey, Passkey, RecoveryCode
from iclient_core.accounts.sessions import SignInSession
from iclient_core.shared.paging import Position


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
        after: Position | None = None,
        before: Position | None = None,
        limit: int = 50,
    ) -> Sequence[Account]:
        """Accounts matching every given filter, newest first (staff lists and searches).

        Newest first means by ``(created_at, id)`` descending; a page is found from the
        position of an account at its edge (keyset paging), never by counting rows to skip.

        Args:
            text: cut into words by :func:`iclient_core.accounts.search.search_words`; every
                word must occur, ignoring case, in the first name, last name or e-mail key,
                or (a phone-like word's digits) in the phone.
            roles: only these roles.
            statuses: only these statuses.
            deletion_requested: True for accounts (not erased) whose owner asked for
                deletion; False for the others.
            after: only accounts listed after this position (older, or as old with a
                smaller id): the next page.
            before: only accounts listed before this position: the previous page. Then
                ``limit`` keeps the accounts nearest to ``before`` (still newest first).
            limit: at most this many.
        """

    def count(
        self,
        *,
        text: str | None = None,
        roles: Collection[Role] | None = None,
        statuses: Collection[Status] | None = None,
        deletion_requested: bool | None = None,
    ) -> int:
        """How many accounts :meth:`search` would find without a limit.

        Counting reads every match: for small filtered sets (the dashboard's accounts to
        activate, deletion requests), not for the pages of a search.
        """

    def existing_email_keys(self, keys: Collection[str]) -> set[str]:
        """Those of ``keys`` that belong to an account (one look-up for a whole import)."""


class SessionRepository(Protocol):
    """Stores signed-in sessions by the digest of their secret."""

    def add(self, session: SignInSession) -> None:
        """Store a new session."""

    def get(self, session_id: str) -> SignInSession | None:
        """The session with this id, or None."""

    def get_with_account(self, session_id: str) -> tuple[SignInSession, Account, int] | None:
        """The session with this id, its account and the portal's revision (as
        ``SettingsRepository.revision`` reads it), in one look-up: every signed-in request
        starts here. None when there is no such session."""

    def touch(self, session_id: str, when: datetime) -> None:
        """Record activity on a session."""

    def delete(self, session_id: str) -> None:
        """End one session (no error if it is already gone)."""

    def delete_for_account(self, account_id: str, *, keep: str | None = None) -> int:
        """End every session of an account except ``keep``; returns how many ended."""

    def list_for_account(self, account_id: str) -> Sequence[SignInSession]:
        """The account's sessions, newest first."""

    def delete_of_account(self, account_id: str, session_id: str) -> bool:
        """End one session if it belongs to ``account_id``; False when there was none."""


SessionLookUp = tuple[SignInSession, Account, int]
"""What ``SessionRepository.get_with_account`` finds: the session, its account, the revision."""


class SessionCache(Protocol):
    """A process's memory of the sessions it looked up, so that a signed-in request need not
    ask the database again: it keeps a look-up only while the database has told it of no
    change to that session, its account or the portal's revision since the look-up began.

    The use case reads through it (:func:`~iclient_core.accounts.authentication.current_session`):
    ``ticket()`` before reading the database, ``keep(..., ticket)`` after; a change the cache
    heard of in between (anywhere, in any process) makes ``keep`` forget the look-up instead.
    What it returns is the caller's own copy.
    """

    def recall(self, session_id: str) -> SessionLookUp | None:
        """The look-up kept for ``session_id``, or None."""

    def ticket(self) -> object | None:
        """Taken before a look-up in the database; None when nothing can be kept now."""

    def keep(self, session_id: str, found: SessionLookUp, ticket: object | None) -> None:
        """Keep ``found`` if nothing changed since ``ticket`` was taken."""

    def forget(self, session_id: str) -> None:
        """Forget ``session_id``'s look-up (this process just changed or ended it)."""


@attrs.frozen
class NoSessionCache:
    """Keeps nothing: every signed-in request reads its session from the database (the
    default, and the right one where no change notices reach the process)."""

    def recall(self, session_id: str) -> SessionLookUp | None:
        """Nothing is kept."""
        return None

    def ticket(self) -> object | None:
        """Nothing can be kept."""
        return None

    def keep(self, session_id: str, found: SessionLookUp, ticket: object | None) -> None:
        """Keeps nothing."""

    def forget(self, session_id: str) -> None:
        """Nothing to forget."""


class TwoStepRepository(Protocol):
    """Stores the second sign-in steps of accounts: authenticator apps, recovery codes and
    passkeys."""

    def get_authenticator(self, account_id: str) -> Authenticator | None:
        """The account's authenticator app (confirmed or not), or None."""

    def has_second_step(self, account_id: str) -> bool:
        """Whether the account signs in with a second step: a confirmed authenticator app or
        a passkey (one look-up: every password sign-in asks)."""

    def with_second_step(self, account_ids: Collection[str]) -> set[str]:
        """Which of ``account_ids`` sign in with a second step, in one look-up (a page of
        accounts asks once, not once per account)."""

    def save_authenticator(self, authenticator: Authenticator) -> None:
        """Store the account's authenticator app, replacing any earlier one."""

    def delete_authenticator(self, account_id: str) -> None:
        """Forget the account's authenticator app (no error if there is none)."""

    def advance_step(self, account_id: str, step: int) -> bool:
        """Record ``step`` as the last accepted time step, only if it is later than the one
        stored: False when it is not (the code was used already), in one atomic write, so
        two requests racing with the same code cannot both win."""

    def replace_recovery_codes(self, account_id: str, codes: Sequence[RecoveryCode]) -> None:
        """Drop the account's recovery codes and store ``codes`` instead."""

    def recovery_codes(self, account_id: str) -> Sequence[RecoveryCode]:
        """The account's recovery codes, used ones included."""

    def use_recovery_code(self, account_id: str, digest: str, when: datetime) -> bool:
        """Mark the unused code with ``digest`` used at ``when``; False when there is no such
        unused code. One atomic write: a code works once, even for racing requests."""

    def add_passkey(self, passkey: Passkey) -> None:
        """Store a new passkey.

        Raises:
            AlreadyExists: the credential id is registered already (possibly at commit).
        """

    def passkeys(self, account_id: str) -> Sequence[Passkey]:
        """The account's passkeys, oldest first."""

    def passkey_by_credential(self, credential_id: str) -> Passkey | None:
        """The passkey with this credential id, whoever owns it, or None."""

    def passkey_used(self, passkey_id: str, sign_count: int, when: datetime) -> None:
        """Record a use of a passkey and the authenticator's new signature counter."""

    def delete_passkey(self, account_id: str, passkey_id: str) -> bool:
        """Remove one passkey of ``account_id``; False when it had no such passkey."""

    def delete_for_account(self, account_id: str) -> None:
        """Forget the account's authenticator, recovery codes and passkeys."""


class OneTimeCodes(Protocol):
    """Time-based one-time passwords of authenticator apps (RFC 6238: SHA-1, six digits,
    30-second steps)."""

    def new_secret(self) -> str:
        """A fresh random base32 secret."""

    def provisioning_uri(self, secret: str, *, account_name: str, issuer: str) -> str:
        """The ``otpauth://`` address an app reads from the QR code."""

    def code_at(self, secret: str, when: datetime) -> str:
        """The code an app shows at ``when``."""

    def matching_step(self, secret: str, code: str, *, now: datetime, window: int) -> int | None:
        """The time step (Unix time // 30) whose code is ``code``, looking ``window`` steps
        either side of ``now`` (clocks drift), or None when none matches."""


class PasskeyVerifier(Protocol):
    """The WebAuthn ceremonies: options for the browser and checks of its answers.

    Challenges are base64url text; the caller keeps the one it handed out and passes it back.
    """

    def registration_options(
        self,
        *,
        rp_id: str,
        rp_name: str,
        user_id: str,
        user_name: str,
        display_name: str,
        exclude: Sequence[str],
    ) -> tuple[str, str]:
        """The options JSON for ``navigator.credentials.create`` and its challenge."""

    def verify_registration(
        self, *, response: str, challenge: str, rp_id: str, origin: str
    ) -> NewPasskey:
        """Check the browser's answer to a registration.

        Raises:
            InvalidInput: ``passkey``: ``passkey_rejected``.
        """

    def authentication_options(self, *, rp_id: str, allow: Sequence[str]) -> tuple[str, str]:
        """The options JSON for ``navigator.credentials.get`` and its challenge (an empty
        ``allow`` lets the browser offer any passkey of this site)."""

    def credential_id(self, response: str) -> str | None:
        """The credential id a browser's answer names, or None when it is malformed."""

    def verify_authentication(
        self,
        *,
        response: str,
        challenge: str,
        rp_id: str,
        origin: str,
        public_key: str,
        sign_count: int,
    ) -> int:
        """Check a browser's signed answer against a stored passkey; the new counter.

        Raises:
            InvalidCredentials: bad signature, other site, other challenge, replayed counter.
        """


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
