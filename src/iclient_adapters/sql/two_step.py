"""Second sign-in steps on SQL: authenticator apps, recovery codes and passkeys."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

import cattrs
import sqlalchemy as sa

from iclient_adapters.sql.connection import Executor
from iclient_adapters.sql.guards import unique_guard
from iclient_adapters.sql.tables import passkeys, two_step_authenticators, two_step_recovery_codes
from iclient_core.accounts.second_factor import Authenticator, Passkey, RecoveryCode

_HAS_SECOND_STEP = sa.select(
    sa.or_(
        sa.exists().where(
            two_step_authenticators.c.account_id == sa.bindparam("account_id"),
            two_step_authenticators.c.confirmed_at.is_not(None),
        ),
        sa.exists().where(passkeys.c.account_id == sa.bindparam("account_id")),
    )
)
"""Every password sign-in's question, built once."""


class SqlTwoStepRepository:
    """The ``two_step_authenticators``, ``two_step_recovery_codes`` and ``passkeys`` tables."""

    def __init__(self, connection: Executor, converter: cattrs.Converter) -> None:
        self._db = connection
        self._converter = converter

    def get_authenticator(self, account_id: str) -> Authenticator | None:
        """The account's authenticator app, or None."""
        table = two_step_authenticators
        row = self._db.execute(sa.select(table).where(table.c.account_id == account_id))
        found = row.mappings().first()
        return self._converter.structure(dict(found), Authenticator) if found else None

    def has_second_step(self, account_id: str) -> bool:
        """A confirmed authenticator or a passkey, in one statement of two ``EXISTS``."""
        return bool(self._db.execute(_HAS_SECOND_STEP, {"account_id": account_id}).scalar())

    def with_second_step(self, account_ids: Collection[str]) -> set[str]:
        """Which of them have a confirmed authenticator or a passkey, in one statement."""
        if not account_ids:
            return set()
        wanted = sorted(set(account_ids))
        authenticators, keys = two_step_authenticators, passkeys
        query = sa.union(
            sa.select(authenticators.c.account_id).where(
                authenticators.c.account_id.in_(wanted), authenticators.c.confirmed_at.is_not(None)
            ),
            sa.select(keys.c.account_id).where(keys.c.account_id.in_(wanted)),
        )
        return set(self._db.execute(query).scalars())

    def save_authenticator(self, authenticator: Authenticator) -> None:
        """Store it, replacing any earlier one."""
        self.delete_authenticator(authenticator.account_id)
        self._db.execute(
            sa.insert(two_step_authenticators).values(**self._converter.unstructure(authenticator))
        )

    def delete_authenticator(self, account_id: str) -> None:
        """Forget the account's authenticator app."""
        table = two_step_authenticators
        self._db.execute(sa.delete(table).where(table.c.account_id == account_id))

    def advance_step(self, account_id: str, step: int) -> bool:
        """Record ``step`` if later than the stored one, in one conditional UPDATE."""
        table = two_step_authenticators
        result = self._db.execute(
            sa.update(table)
            .where(table.c.account_id == account_id, table.c.last_step < step)
            .values(last_step=step)
        )
        return int(result.rowcount) == 1

    def replace_recovery_codes(self, account_id: str, codes: Sequence[RecoveryCode]) -> None:
        """Drop the account's codes and store ``codes``."""
        table = two_step_recovery_codes
        self._db.execute(sa.delete(table).where(table.c.account_id == account_id))
        if codes:
            self._db.execute(
                sa.insert(table), [self._converter.unstructure(code) for code in codes]
            )

    def recovery_codes(self, account_id: str) -> Sequence[RecoveryCode]:
        """The account's codes."""
        table = two_step_recovery_codes
        query = sa.select(table).where(table.c.account_id == account_id).order_by(table.c.digest)
        return [
            self._converter.structure(dict(row), RecoveryCode)
            for row in self._db.execute(query).mappings()
        ]

    def use_recovery_code(self, account_id: str, digest: str, when: datetime) -> bool:
        """Mark an unused code used, in one conditional UPDATE."""
        table = two_step_recovery_codes
        result = self._db.execute(
            sa.update(table)
            .where(
                table.c.account_id == account_id,
                table.c.digest == digest,
                table.c.used_at.is_(None),
            )
            .values(used_at=when)
        )
        return int(result.rowcount) == 1

    def add_passkey(self, passkey: Passkey) -> None:
        """Store a new passkey."""
        with unique_guard(self._db, "passkey"):
            self._db.execute(sa.insert(passkeys).values(**self._converter.unstructure(passkey)))

    def passkeys(self, account_id: str) -> Sequence[Passkey]:
        """The account's passkeys, oldest first."""
        query = (
            sa.select(passkeys)
            .where(passkeys.c.account_id == account_id)
            .order_by(passkeys.c.created_at, passkeys.c.id)
        )
        return [
            self._converter.structure(dict(row), Passkey)
            for row in self._db.execute(query).mappings()
        ]

    def passkey_by_credential(self, credential_id: str) -> Passkey | None:
        """The passkey with this credential id, or None."""
        query = sa.select(passkeys).where(passkeys.c.credential_id == credential_id)
        found = self._db.execute(query).mappings().first()
        return self._converter.structure(dict(found), Passkey) if found else None

    def passkey_used(self, passkey_id: str, sign_count: int, when: datetime) -> None:
        """Record a use."""
        self._db.execute(
            sa.update(passkeys)
            .where(passkeys.c.id == passkey_id)
            .values(sign_count=sign_count, last_used_at=when)
        )

    def delete_passkey(self, account_id: str, passkey_id: str) -> bool:
        """Remove one passkey of the account."""
        result = self._db.execute(
            sa.delete(passkeys).where(
                passkeys.c.id == passkey_id, passkeys.c.account_id == account_id
            )
        )
        return int(result.rowcount) == 1

    def delete_for_account(self, account_id: str) -> None:
        """Forget everything of the account."""
        self.delete_authenticator(account_id)
        self.replace_recovery_codes(account_id, [])
        self._db.execute(sa.delete(passkeys).where(passkeys.c.account_id == account_id))
