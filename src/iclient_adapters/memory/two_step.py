"""In-memory second sign-in steps: authenticator apps, recovery codes and passkeys."""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from datetime import datetime

from iclient_adapters.memory.state import MemoryState
from iclient_core.accounts.second_factor import Authenticator, Passkey, RecoveryCode
from iclient_core.shared.errors import AlreadyExists


class MemoryTwoStepRepository:
    """Authenticators by account id, recovery codes by account and digest, passkeys by id."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def get_authenticator(self, account_id: str) -> Authenticator | None:
        """The account's authenticator app, or None."""
        found = self._state.authenticators.get(account_id)
        return copy.deepcopy(found) if found else None

    def has_second_step(self, account_id: str) -> bool:
        """A confirmed authenticator or a passkey."""
        authenticator = self._state.authenticators.get(account_id)
        return (authenticator is not None and authenticator.confirmed) or any(
            p.account_id == account_id for p in self._state.passkeys.values()
        )

    def with_second_step(self, account_ids: Collection[str]) -> set[str]:
        """Which of them have a confirmed authenticator or a passkey."""
        return {a for a in account_ids if self.has_second_step(a)}

    def save_authenticator(self, authenticator: Authenticator) -> None:
        """Store it, replacing any earlier one."""
        self._state.authenticators[authenticator.account_id] = copy.deepcopy(authenticator)

    def delete_authenticator(self, account_id: str) -> None:
        """Forget the account's authenticator app."""
        self._state.authenticators.pop(account_id, None)

    def advance_step(self, account_id: str, step: int) -> bool:
        """Record ``step`` if later than the stored one."""
        found = self._state.authenticators.get(account_id)
        if found is None or found.last_step >= step:
            return False
        found.last_step = step
        return True

    def replace_recovery_codes(self, account_id: str, codes: Sequence[RecoveryCode]) -> None:
        """Drop the account's codes and store ``codes``."""
        for key in [k for k, c in self._state.recovery_codes.items() if c.account_id == account_id]:
            del self._state.recovery_codes[key]
        for code in codes:
            self._state.recovery_codes[f"{account_id}:{code.digest}"] = copy.deepcopy(code)

    def recovery_codes(self, account_id: str) -> Sequence[RecoveryCode]:
        """The account's codes."""
        return [
            copy.deepcopy(c)
            for c in self._state.recovery_codes.values()
            if c.account_id == account_id
        ]

    def use_recovery_code(self, account_id: str, digest: str, when: datetime) -> bool:
        """Mark an unused code used."""
        found = self._state.recovery_codes.get(f"{account_id}:{digest}")
        if found is None or found.used_at is not None:
            return False
        found.used_at = when
        return True

    def add_passkey(self, passkey: Passkey) -> None:
        """Store a new passkey."""
        if any(p.credential_id == passkey.credential_id for p in self._state.passkeys.values()):
            raise AlreadyExists("passkey")
        self._state.passkeys[passkey.id] = copy.deepcopy(passkey)

    def passkeys(self, account_id: str) -> Sequence[Passkey]:
        """The account's passkeys, oldest first."""
        found = [p for p in self._state.passkeys.values() if p.account_id == account_id]
        found.sort(key=lambda p: (p.created_at, p.id))
        return [copy.deepcopy(p) for p in found]

    def passkey_by_credential(self, credential_id: str) -> Passkey | None:
        """The passkey with this credential id, or None."""
        for passkey in self._state.passkeys.values():
            if passkey.credential_id == credential_id:
                return copy.deepcopy(passkey)
        return None

    def passkey_used(self, passkey_id: str, sign_count: int, when: datetime) -> None:
        """Record a use."""
        found = self._state.passkeys.get(passkey_id)
        if found is not None:
            found.sign_count, found.last_used_at = sign_count, when

    def delete_passkey(self, account_id: str, passkey_id: str) -> bool:
        """Remove one passkey of the account."""
        found = self._state.passkeys.get(passkey_id)
        if found is None or found.account_id != account_id:
            return False
        del self._state.passkeys[passkey_id]
        return True

    def delete_for_account(self, account_id: str) -> None:
        """Forget everything of the account."""
        self.delete_authenticator(account_id)
        self.replace_recovery_codes(account_id, [])
        for key in [k for k, p in self._state.passkeys.items() if p.account_id == account_id]:
            del self._state.passkeys[key]
