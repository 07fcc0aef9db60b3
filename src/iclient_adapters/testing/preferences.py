"""The notification preferences contract: each account's choices of events and channels,
and the state of its phone's confirmation (``uow.notification_preferences``).

Mix the suite into a test class that provides a ``uow_factory`` fixture (a zero-argument
callable returning a fresh unit of work over an *empty* store)::

    class TestMyPreferences(NotificationPreferencesContract):
        @pytest.fixture
        def uow_factory(self, tmp_path):
            return MyDatabase(tmp_path).unit_of_work

Needs pytest.
"""

from __future__ import annotations

from iclient_adapters.testing.samples import at, client
from iclient_core.notifications.model import Channel
from iclient_core.notifications.preferences import Event, NotificationPreferences
from iclient_core.unit_of_work import UnitOfWorkFactory


def preferences_with_accounts(uow_factory: UnitOfWorkFactory, *addresses: str) -> list[str]:
    """Store a client account per address (preferences belong to accounts); their ids."""
    accounts = [client(address) for address in addresses]
    with uow_factory() as uow:
        for account in accounts:
            uow.accounts.add(account)
        uow.commit()
    return [account.id for account in accounts]


class NotificationPreferencesContract:
    """Needs ``uow_factory``. Preferences per account: absent until saved, every field round
    trips (choices, the confirmed phone, a pending code's hash, expiry and attempts), saving
    again replaces, removing forgets one account only, and nothing without a commit."""

    def test_preferences_are_absent_until_saved(self, uow_factory: UnitOfWorkFactory) -> None:
        [account_id] = preferences_with_accounts(uow_factory, "ana@example.pt")
        with uow_factory() as uow:
            assert uow.notification_preferences.get(account_id) is None
            assert uow.notification_preferences.get("no-such-account") is None

    def test_preferences_every_field_round_trips(self, uow_factory: UnitOfWorkFactory) -> None:
        [account_id] = preferences_with_accounts(uow_factory, "ana@example.pt")
        saved = NotificationPreferences.defaults(account_id)
        saved.choose(Event.QUOTE_SENT, Channel.EMAIL, False, at(1))
        saved.choose(Event.BOOKING_REMINDER, Channel.SMS, True, at(2))
        saved.code_sent("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", "+351912345678", at(3))
        saved.code_attempts = 2
        saved.confirmed_phone = "+351934567890"
        saved.confirmed_at = at(0.5)
        with uow_factory() as uow:
            uow.notification_preferences.save(saved)
            uow.commit()
        with uow_factory() as uow:
            got = uow.notification_preferences.get(account_id)
        assert got == saved
        assert got is not None
        assert not got.allows(Event.QUOTE_SENT, Channel.EMAIL)
        assert got.allows(Event.BOOKING_REMINDER, Channel.SMS)
        assert got.allows(Event.NEW_DOCUMENT, Channel.EMAIL)
        assert not got.allows(Event.NEW_DOCUMENT, Channel.SMS)
        assert got.code_expires_at == saved.code_expires_at

    def test_preferences_saving_again_replaces(self, uow_factory: UnitOfWorkFactory) -> None:
        [account_id] = preferences_with_accounts(uow_factory, "ana@example.pt")
        first = NotificationPreferences.defaults(account_id)
        first.choose(Event.NEWS, Channel.EMAIL, False, at(1))
        with uow_factory() as uow:
            uow.notification_preferences.save(first)
            uow.commit()
        second = NotificationPreferences.defaults(account_id)
        second.confirm("+351912345678", at(2))
        with uow_factory() as uow:
            uow.notification_preferences.save(second)
            uow.commit()
        with uow_factory() as uow:
            assert uow.notification_preferences.get(account_id) == second

    def test_preferences_removing_forgets_one_account_only(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana, rui = preferences_with_accounts(uow_factory, "ana@example.pt", "rui@example.pt")
        with uow_factory() as uow:
            for account_id in (ana, rui):
                uow.notification_preferences.save(NotificationPreferences.defaults(account_id))
            uow.commit()
        with uow_factory() as uow:
            uow.notification_preferences.remove(ana)
            uow.notification_preferences.remove("no-such-account")
            uow.commit()
        with uow_factory() as uow:
            assert uow.notification_preferences.get(ana) is None
            assert uow.notification_preferences.get(rui) == NotificationPreferences.defaults(rui)

    def test_preferences_uncommitted_changes_are_discarded(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        [account_id] = preferences_with_accounts(uow_factory, "ana@example.pt")
        with uow_factory() as uow:
            uow.notification_preferences.save(NotificationPreferences.defaults(account_id))
        with uow_factory() as uow:
            assert uow.notification_preferences.get(account_id) is None
