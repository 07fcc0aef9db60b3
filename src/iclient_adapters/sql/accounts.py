"""Accounts and signed-in sessions on SQL, converted through the adapter's converter (no ORM).

Every statement is built with SQLAlchemy Core and bound parameters. The connection's
transaction belongs to the unit of work; repositories never commit.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import cattrs
import sqlalchemy as sa

from iclient_adapters.sql.connection import Executor
from iclient_adapters.sql.converters import Embedded, Row, same_named
from iclient_adapters.sql.engine import PLAN_EACH_TIME
from iclient_adapters.sql.guards import unique_guard
from iclient_adapters.sql.shared import PORTAL_REVISION
from iclient_adapters.sql.tables import UtcDateTime, accounts, sign_in_sessions
from iclient_core.accounts.model import Account, Role, Status
from iclient_core.accounts.search import search_text, search_words
from iclient_core.accounts.sessions import SignInSession
from iclient_core.shared.errors import ConcurrentUpdate
from iclient_core.shared.paging import Position

_EMAIL = Embedded({"address": "email", "key": "email_key"})
_PROFILE = Embedded.same_names("first_name", "last_name", "phone", "nif", "billing_address")
_NESTED = ("email", "profile")


def account_to_row(converter: cattrs.Converter, account: Account) -> dict[str, Any]:
    """The ``accounts`` columns of ``account`` (all but ``version``), with the text the staff
    search looks in."""
    fields = converter.unstructure(account)
    return {
        **same_named(fields, Account, besides=(*_NESTED, "version")),
        **_EMAIL.flatten(fields["email"]),
        **_PROFILE.flatten(fields["profile"]),
        "search_text": search_text(account),
    }


def account_from_row(converter: cattrs.Converter, row: Row) -> Account:
    """Rebuild an ``Account`` from an ``accounts`` row."""
    fields = {
        **same_named(row, Account, besides=_NESTED),
        "email": _EMAIL.nest(row),
        "profile": _PROFILE.nest(row),
    }
    return converter.structure(fields, Account)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def account_filters(
    *,
    text: str | None,
    roles: Collection[Role] | None,
    statuses: Collection[Status] | None,
    deletion_requested: bool | None,
) -> list[sa.ColumnElement[bool]]:
    """The WHERE conditions of an account search (see ``AccountRepository.search``).

    The words (lower-cased) are looked for in the ``search_text`` column, which holds the
    names lower-cased and the e-mail key, as the core's ``search_text`` makes them: the same
    comparison as the in-memory adapter's, and one PostgreSQL's trigram index serves.
    """
    found: list[sa.ColumnElement[bool]] = []
    if roles is not None:
        found.append(accounts.c.role.in_([role.value for role in roles]))
    if statuses is not None:
        found.append(accounts.c.status.in_([status.value for status in statuses]))
    if deletion_requested is not None:
        pending = sa.and_(
            accounts.c.deletion_requested_at.is_not(None),
            accounts.c.status != Status.DELETED.value,
        )
        found.append(pending if deletion_requested else sa.not_(pending))
    for word in search_words(text):
        matched: sa.ColumnElement[bool] = accounts.c.search_text.like(
            f"%{_escape_like(word.text)}%", escape="\\"
        )
        if word.digits is not None:
            matched = sa.or_(matched, accounts.c.phone.like(f"%{word.digits}%"))
        found.append(matched)
    return found


def _planned_for(query: sa.Select[Any], text: str | None) -> sa.Select[Any]:
    """``query``, planned for its words every time when it looks for some.

    Which plan is cheap depends on the words: a word found in one account in a hundred is
    cheapest found by walking the list newest first until the page is full (a few thousand
    rows at 100,000 accounts); a rarer word, by the trigram index (a few hundred); walking
    for a rare word reads the whole table, and the index reads every account a common one
    is in. A prepared statement's generic plan, made without the words, would be one of
    them for every search (at 100,000 accounts, two common words took 5 ms instead of 2.5).
    """
    if not search_words(text):
        return query
    return query.execution_options(**{PLAN_EACH_TIME: True})


_row_position = sa.tuple_(accounts.c.created_at, accounts.c.id)
"""The order of the staff lists (newest first is descending), compared as one row value."""


def _position(position: Position) -> sa.Tuple:
    return sa.tuple_(
        sa.literal(position.created_at, UtcDateTime()), sa.literal(position.id, sa.String())
    )


class SqlAccountRepository:
    """Accounts in the ``accounts`` table, saved with an optimistic version check."""

    def __init__(self, connection: Executor, converter: cattrs.Converter) -> None:
        self._db = connection
        self._converter = converter
        self._read: dict[str, tuple[int, str]] = {}
        """The version and e-mail key of each account read in this unit of work."""

    def _account(self, row: Row) -> Account:
        account = account_from_row(self._converter, row)
        self._read[account.id] = (account.version, account.email.key)
        return account

    def add(self, account: Account) -> None:
        """Store a new account.

        Raises:
            AlreadyExists: the e-mail key (or the id) is taken.
        """
        with unique_guard(self._db, account.email.address):
            # Values as parameters, not in the statement: one cached compilation for every
            # insert (a CSV import of 10 000 clients runs more than twice as fast).
            self._db.execute(
                sa.insert(accounts),
                {**account_to_row(self._converter, account), "version": account.version},
            )

    def get(self, account_id: str) -> Account | None:
        """The account with this id, or None."""
        return self._one(accounts.c.id == account_id)

    def get_many(self, account_ids: Collection[str]) -> dict[str, Account]:
        """The accounts with these ids, by id, in one statement."""
        if not account_ids:
            return {}
        query = sa.select(accounts).where(accounts.c.id.in_(sorted(set(account_ids))))
        found = (self._account(row) for row in self._db.execute(query).mappings())
        return {account.id: account for account in found}

    def get_by_email_key(self, key: str) -> Account | None:
        """The account whose e-mail key is ``key``, or None."""
        return self._one(accounts.c.email_key == key)

    def _one(self, condition: sa.ColumnElement[bool]) -> Account | None:
        row = self._db.execute(sa.select(accounts).where(condition)).mappings().first()
        return self._account(row) if row is not None else None

    def save(self, account: Account) -> None:
        """Write back a changed account and bump its version.

        Raises:
            ConcurrentUpdate: the stored version is not the one that was read.
            AlreadyExists: the account moved to an e-mail key another account has.
        """
        values = account_to_row(self._converter, account)
        del values["id"]
        statement = (
            sa.update(accounts)
            .where(accounts.c.id == account.id, accounts.c.version == account.version)
            .values(**values, version=account.version + 1)
        )
        if self._read.get(account.id) == (account.version, account.email.key):
            # The e-mail key is the one read: no unique constraint can fail, so no savepoint
            # (two round trips) is needed to keep the transaction usable.
            result = self._db.execute(statement)
        else:
            with unique_guard(self._db, account.email.address):
                result = self._db.execute(statement)
        if result.rowcount != 1:
            raise ConcurrentUpdate(account.id)
        account.version += 1
        self._read[account.id] = (account.version, account.email.key)

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
        return [self._account(row) for row in result]

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
        return [self._account(row) for row in self._db.execute(query).mappings()]

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
        """Accounts matching every filter, newest first, from either side of a position (one
        query; the ``(role, created_at, id)`` indexes give the order and the keyset range,
        and a search is planned for its words: :func:`_planned_for`)."""
        query = sa.select(accounts).where(
            *account_filters(
                text=text, roles=roles, statuses=statuses, deletion_requested=deletion_requested
            )
        )
        query = _planned_for(query, text)
        if after is not None:
            query = query.where(_row_position < _position(after))
        if before is not None:
            # The nearest accounts before the position: read towards it, then turn round.
            query = query.where(_row_position > _position(before)).order_by(
                accounts.c.created_at, accounts.c.id
            )
            found = [self._account(row) for row in self._db.execute(query.limit(limit)).mappings()]
            return found[::-1]
        query = query.order_by(accounts.c.created_at.desc(), accounts.c.id.desc()).limit(limit)
        return [self._account(row) for row in self._db.execute(query).mappings()]

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
        return int(self._db.execute(_planned_for(query, text)).scalar_one())

    def existing_email_keys(self, keys: Collection[str]) -> set[str]:
        """Those of ``keys`` that belong to an account (one query per 500 keys)."""
        wanted = sorted(set(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            query = sa.select(accounts.c.email_key).where(accounts.c.email_key.in_(chunk))
            found.update(self._db.execute(query).scalars())
        return found


_SESSION_WITH_ACCOUNT = (
    sa.select(
        *(c.label(f"s_{c.name}") for c in sign_in_sessions.c),
        accounts,
        PORTAL_REVISION.label("portal_revision"),
    )
    .join_from(sign_in_sessions, accounts, accounts.c.id == sign_in_sessions.c.account_id)
    .where(sign_in_sessions.c.id == sa.bindparam("session_id"))
)
"""Every signed-in request's first statement, built once."""


class SqlSessionRepository:
    """Signed-in sessions in the ``sign_in_sessions`` table."""

    def __init__(self, connection: Executor, converter: cattrs.Converter) -> None:
        self._db = connection
        self._converter = converter

    def add(self, session: SignInSession) -> None:
        """Store a new session."""
        self._db.execute(sa.insert(sign_in_sessions).values(**self._converter.unstructure(session)))

    def get(self, session_id: str) -> SignInSession | None:
        """The session with this id, or None."""
        query = sa.select(sign_in_sessions).where(sign_in_sessions.c.id == session_id)
        row = self._db.execute(query).mappings().first()
        return self._converter.structure(row, SignInSession) if row is not None else None

    def get_with_account(self, session_id: str) -> tuple[SignInSession, Account, int] | None:
        """The session, its account and the portal's revision, in one statement."""
        row = self._db.execute(_SESSION_WITH_ACCOUNT, {"session_id": session_id}).mappings().first()
        if row is None:
            return None
        session = {c.name: row[f"s_{c.name}"] for c in sign_in_sessions.c}
        return (
            self._converter.structure(session, SignInSession),
            account_from_row(self._converter, row),
            int(row["portal_revision"]),
        )

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

    def delete_of_account(self, account_id: str, session_id: str) -> bool:
        """End one session if it belongs to ``account_id``."""
        result = self._db.execute(
            sa.delete(sign_in_sessions).where(
                sign_in_sessions.c.id == session_id, sign_in_sessions.c.account_id == account_id
            )
        )
        return int(result.rowcount) == 1

    def list_for_account(self, account_id: str) -> Sequence[SignInSession]:
        """The account's sessions, newest first."""
        query = (
            sa.select(sign_in_sessions)
            .where(sign_in_sessions.c.account_id == account_id)
            .order_by(sign_in_sessions.c.created_at.desc(), sign_in_sessions.c.id.desc())
        )
        return [
            self._converter.structure(row, SignInSession)
            for row in self._db.execute(query).mappings()
        ]
