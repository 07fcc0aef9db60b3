"""In-memory pieces of the staff area: the business settings and the account search."""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from iclient_core.accounts.model import Account, Role, Status
from iclient_core.accounts.search import matches, search_words
from iclient_core.shared.business import BusinessSettings

if TYPE_CHECKING:
    from iclient_adapters.memory import _State

_KEY = "business"


class MemorySettingsRepository:
    """The ``SettingsRepository`` port over a memory store's state."""

    def __init__(self, state: _State) -> None:
        self._state = state

    def get(self) -> BusinessSettings | None:
        """The stored settings, or None."""
        return self._state.settings.get(_KEY)

    def save(self, settings: BusinessSettings) -> None:
        """Replace the stored settings."""
        self._state.settings[_KEY] = settings


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
    found.sort(key=lambda a: (a.created_at, a.id), reverse=True)
    return found


def copies(accounts: Iterable[Account]) -> list[Account]:
    """Deep copies, so that callers cannot change the store behind its back."""
    return [copy.deepcopy(a) for a in accounts]
