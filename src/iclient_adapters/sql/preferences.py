"""Notification preferences on SQL (``notification_preferences``)."""

from __future__ import annotations

import cattrs
import sqlalchemy as sa

from iclient_adapters.sql.connection import Executor
from iclient_adapters.sql.converters import same_named
from iclient_adapters.sql.tables import notification_preferences as table
from iclient_core.notifications.preferences import NotificationPreferences


class SqlNotificationPreferencesRepository:
    """The ``NotificationPreferencesRepository`` port on the ``notification_preferences``
    table."""

    def __init__(self, connection: Executor, converter: cattrs.Converter) -> None:
        self._db = connection
        self._converter = converter

    def get(self, account_id: str) -> NotificationPreferences | None:
        """The stored preferences of ``account_id``, or None."""
        row = self._db.execute(sa.select(table).where(table.c.account_id == account_id)).first()
        if row is None:
            return None
        fields = same_named(row._mapping, NotificationPreferences)
        return self._converter.structure(fields, NotificationPreferences)

    def save(self, preferences: NotificationPreferences) -> None:
        """Store ``preferences`` in place of the account's previous ones."""
        values = same_named(self._converter.unstructure(preferences), NotificationPreferences)
        self.remove(preferences.account_id)
        self._db.execute(sa.insert(table).values(**values))

    def remove(self, account_id: str) -> None:
        """Forget the account's preferences."""
        self._db.execute(sa.delete(table).where(table.c.account_id == account_id))
