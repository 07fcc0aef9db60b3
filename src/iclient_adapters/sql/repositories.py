"""The persistence ports on a SQLAlchemy ``Connection``: accounts, sessions and the outbox.

Every statement is built with SQLAlchemy Core and bound parameters. The connection's
transaction belongs to the unit of work; repositories never commit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta

import sqlalchemy as sa

from iclient_adapters.sql import rows
from iclient_adapters.sql.staff_area import account_filters
from iclient_adapters.sql.tables import accounts, outbox, sign_in_sessions
from iclient_core.accounts.model import Account, Role, Status
from iclient_core.accounts.sessions import SignInSession
from iclient_core.notifications.model import MAX_ATTEMPTS, OutboxMessage
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate


def is_unique_violation(error: sa.exc.IntegrityError) -> bool:
    """True when ``error`` is a unique (or primary key) constraint violation."""
    if getattr(error.orig, "sqlstate", None) == "23505":  # PostgreSQL unique_violation
        return True
    return "UNIQUE constraint failed" in str(error.orig)  # SQLite


@contextmanager
def unique_guard(connection: sa.Connection, what: str) -> Iterator[None]:
    """Turn a unique violation inside the block into ``AlreadyExists(what)``.

    Where a failed statement aborts the whole transaction (PostgreSQL), the block runs in a
    savepoint so that the unit of work stays usable; SQLite only undoes the statement.
    """
    savepoint = connection.begin_nested() if connection.dialect.name != "sqlite" else None
    try:
        yield
    except sa.exc.IntegrityError as error:
        if savepoint is not None:
            savepoint.rollback()
        if is_unique_violation(error):
            raise AlreadyExists(what) from error
        raise
    if savepoint is not None:
        savepoint.commit()


class SqlAccountRepository:
    """Accounts in the ``accounts`` table, saved with an optimistic version check."""

    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def add(self, account: Account) -> None:
        """Store a new account.

        Raises:
            AlreadyExists: the e-mail key (or the id) is taken.
        """
        with unique_guard(self._db, account.email.address):
            # Values as parameters, not in the statement: one cached compilation for every
            # insert (a CSV import of 10 000 clients runs more than twice as fast).
            self._db.execute(
                sa.insert(accounts), {**rows.account_to_row(account), "version": account.version}
            )

    def get(self, account_id: str) -> Account | None:
        """The account with this id, or None."""
        return self._one(accounts.c.id == account_id)

    def get_many(self, account_ids: Collection[str]) -> dict[str, Account]:
        """The accounts with these ids, by id, in one statement."""
        if not account_ids:
            return {}
        query = sa.select(accounts).where(accounts.c.id.in_(sorted(set(account_ids))))
        found = (rows.account_from_row(row) for row in self._db.execute(query).mappings())
        return {account.id: account for account in found}

    def get_by_email_key(self, key: str) -> Account | None:
        """The account whose e-mail key is ``key``, or None."""
        return self._one(accounts.c.email_key == key)

    def _one(self, condition: sa.ColumnElement[bool]) -> Account | None:
        row = self._db.execute(sa.select(accounts).where(condition)).mappings().first()
        return rows.account_from_row(row) if row is not None else None

    def save(self, account: Account) -> None:
        """Write back a changed account and bump its version.

        Raises:
            ConcurrentUpdate: the stored version is not the one that was read.
            AlreadyExists: the account moved to an e-mail key another account has.
        """
        values = rows.account_to_row(account)
        del values["id"]
        statement = (
            sa.update(accounts)
            .where(accounts.c.id == account.id, accounts.c.version == account.version)
            .values(**values, version=account.version + 1)
        )
        with unique_guard(self._db, account.email.address):
            result = self._db.execute(statement)
        if result.rowcount != 1:
            raise ConcurrentUpdate(account.id)
        account.version += 1

    def list(
        self,
        *,
        role: Role | None = None,
        status: Status | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Sequence[Account]:
        """Accounts, oldest first, optionally filtered by role and status."""
        query = sa.select(accounts).order_by(accounts.c.created_at, accounts.c.id)
        if role is not None:
            query = query.where(accounts.c.role == role.value)
        if status is not None:
            query = query.where(accounts.c.status == status.value)
        result = self._db.execute(query.limit(limit).offset(offset)).mappings()
        return [rows.account_from_row(row) for row in result]

    def count_admins(self) -> int:
        """How many active accounts have the admin role."""
        query = sa.select(sa.func.count()).where(
            accounts.c.role == Role.ADMIN.value, accounts.c.status == Status.ACTIVE.value
        )
        return int(self._db.execute(query).scalar_one())

    def deletion_requested(self) -> Sequence[Account]:
        """Accounts not yet erased whose owner asked for deletion, oldest request first."""
        query = (
            sa.select(accounts)
            .where(
                accounts.c.deletion_requested_at.is_not(None),
                accounts.c.status != Status.DELETED.value,
            )
            .order_by(accounts.c.deletion_requested_at, accounts.c.id)
        )
        return [rows.account_from_row(row) for row in self._db.execute(query).mappings()]

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
        """Accounts matching every filter, newest first (one query)."""
        query = (
            sa.select(accounts)
            .where(
                *account_filters(
                    text=text, roles=roles, statuses=statuses, deletion_requested=deletion_requested
                )
            )
            .order_by(accounts.c.created_at.desc(), accounts.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [rows.account_from_row(row) for row in self._db.execute(query).mappings()]

    def count(
        self,
        *,
        text: str | None = None,
        roles: Collection[Role] | None = None,
        statuses: Collection[Status] | None = None,
        deletion_requested: bool | None = None,
    ) -> int:
        """How many accounts match (one query)."""
        query = (
            sa.select(sa.func.count())
            .select_from(accounts)
            .where(
                *account_filters(
                    text=text, roles=roles, statuses=statuses, deletion_requested=deletion_requested
                )
            )
        )
        return int(self._db.execute(query).scalar_one())

    def existing_email_keys(self, keys: Collection[str]) -> set[str]:
        """Those of ``keys`` that belong to an account (one query per 500 keys)."""
        wanted = sorted(set(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            query = sa.select(accounts.c.email_key).where(accounts.c.email_key.in_(chunk))
            found.update(self._db.execute(query).scalars())
        return found


class SqlSessionRepository:
    """Signed-in sessions in the ``sign_in_sessions`` table."""

    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def add(self, session: SignInSession) -> None:
        """Store a new session."""
        self._db.execute(sa.insert(sign_in_sessions).values(**rows.session_to_row(session)))

    def get(self, session_id: str) -> SignInSession | None:
        """The session with this id, or None."""
        query = sa.select(sign_in_sessions).where(sign_in_sessions.c.id == session_id)
        row = self._db.execute(query).mappings().first()
        return rows.session_from_row(row) if row is not None else None

    def touch(self, session_id: str, when: datetime) -> None:
        """Record activity on a session."""
        self._db.execute(
            sa.update(sign_in_sessions)
            .where(sign_in_sessions.c.id == session_id)
            .values(last_seen_at=when)
        )

    def delete(self, session_id: str) -> None:
        """End one session (no error if it is already gone)."""
        self._db.execute(sa.delete(sign_in_sessions).where(sign_in_sessions.c.id == session_id))

    def delete_for_account(self, account_id: str, *, keep: str | None = None) -> int:
        """End every session of an account except ``keep``; returns how many ended."""
        statement = sa.delete(sign_in_sessions).where(sign_in_sessions.c.account_id == account_id)
        if keep is not None:
            statement = statement.where(sign_in_sessions.c.id != keep)
        return int(self._db.execute(statement).rowcount)

    def list_for_account(self, account_id: str) -> Sequence[SignInSession]:
        """The account's sessions, newest first."""
        query = (
            sa.select(sign_in_sessions)
            .where(sign_in_sessions.c.account_id == account_id)
            .order_by(sign_in_sessions.c.created_at.desc(), sign_in_sessions.c.id.desc())
        )
        return [rows.session_from_row(row) for row in self._db.execute(query).mappings()]


class SqlOutboxRepository:
    """Queued notifications in the ``outbox`` table."""

    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def add(self, message: OutboxMessage) -> None:
        """Queue a message (in the caller's transaction)."""
        self._db.execute(sa.insert(outbox), rows.message_to_row(message))

    def get(self, message_id: str) -> OutboxMessage | None:
        """The message with this outbox id, or None."""
        row = self._db.execute(sa.select(outbox).where(outbox.c.id == message_id)).mappings()
        found = row.first()
        return rows.message_from_row(found) if found is not None else None

    def claim_due(self, now: datetime, *, limit: int, lease: timedelta) -> Sequence[OutboxMessage]:
        """Reserve up to ``limit`` due messages for ``lease``, oldest first.

        One ``UPDATE ... WHERE id IN (SELECT ...) RETURNING`` statement: on PostgreSQL the
        inner select takes the rows ``FOR UPDATE SKIP LOCKED``, so concurrent deliverers
        skip each other's rows; SQLite runs the whole statement under its single write lock.
        """
        due = (
            sa.select(outbox.c.id)
            .where(
                outbox.c.sent_at.is_(None),
                outbox.c.attempts < MAX_ATTEMPTS,
                outbox.c.next_attempt_at <= now,
                sa.or_(outbox.c.locked_until.is_(None), outbox.c.locked_until <= now),
            )
            .order_by(outbox.c.created_at, outbox.c.id)
            .limit(limit)
        )
        if self._db.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        claim = (
            sa.update(outbox)
            .where(outbox.c.id.in_(due.scalar_subquery()))
            .values(locked_until=now + lease)
            .returning(*outbox.c)
        )
        claimed = [rows.message_from_row(row) for row in self._db.execute(claim).mappings()]
        return sorted(claimed, key=lambda m: (m.created_at, m.id))

    def save(self, message: OutboxMessage) -> None:
        """Write back a message after an attempt."""
        self._db.execute(
            sa.update(outbox).where(outbox.c.id == message.id).values(**rows.message_state(message))
        )

    def pending_count(self) -> int:
        """How many messages are neither sent nor given up."""
        query = sa.select(sa.func.count()).where(
            outbox.c.sent_at.is_(None), outbox.c.attempts < MAX_ATTEMPTS
        )
        return int(self._db.execute(query).scalar_one())
