"""In-memory notification preferences: each account's choices and phone confirmation."""

from __future__ import annotations

from iclient_adapters.memory.state import MemoryState
from iclient_core.notifications.preferences import NotificationPreferences


class MemoryNotificationPreferencesRepository:
    """The ``NotificationPreferencesRepository`` port over a memory store's state."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def get(self, account_id: str) -> NotificationPreferences | None:
        """The stored preferences of ``account_id``, or None."""
        return self._state.notification_preferences.get(account_id)

    def save(self, preferences: NotificationPreferences) -> None:
        """Store ``preferences`` in place of the account's previous ones."""
        self._state.notification_preferences[preferences.account_id] = preferences

    def remove(self, account_id: str) -> None:
        """Forget the account's preferences."""
        self._state.notification_preferences.pop(account_id, None)
