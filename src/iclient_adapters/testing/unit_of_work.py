"""The unit of work contract: one transaction over every repository, all or nothing.

Mix :class:`UnitOfWorkContract` into a test class that provides a ``uow_factory`` fixture (a
zero-argument callable returning a fresh unit of work over an *empty* store)::

    class TestMyUnitOfWork(UnitOfWorkContract):
        @pytest.fixture
        def uow_factory(self, tmp_path):
            return MyDatabase(tmp_path).unit_of_work

What each repository keeps is checked by its domain's suite (``accounts``, ``notifications``,
``shared``, ``consent``, ``documents``, ``quotes``). Needs pytest.
"""

from __future__ import annotations

import pytest

from iclient_adapters.testing.notifications import message
from iclient_adapters.testing.samples import T0, client
from iclient_core.accounts.sessions import SignInSession
from iclient_core.shared.errors import AlreadyExists
from iclient_core.unit_of_work import UnitOfWorkFactory


class UnitOfWorkContract:
    """Needs ``uow_factory``. Checks the ``UnitOfWork``: nothing is kept without ``commit()``
    (leaving the block, ``rollback()``, an exception), one commit covers every repository, a
    failed commit writes nothing, and work goes on after a commit."""

    def test_uow_leaving_without_commit_discards(self, uow_factory: UnitOfWorkFactory) -> None:
        account = client()
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.outbox.add(message())
        with uow_factory() as uow:
            uow.accounts.add(client("bea@example.pt"))
            uow.rollback()
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.get(account.id) is None
            assert uow.accounts.list() == []
            assert uow.outbox.pending_count() == 0

    def test_uow_an_error_in_the_block_rolls_back(self, uow_factory: UnitOfWorkFactory) -> None:
        account = client()
        with pytest.raises(RuntimeError), uow_factory() as uow:
            uow.accounts.add(account)
            raise RuntimeError("boom")
        with uow_factory() as uow:
            assert uow.accounts.get(account.id) is None

    def test_uow_commit_covers_every_repository_together(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        account, queued = client(), message()
        session, _secret = SignInSession.start(
            account_id=account.id, now=T0, ip="203.0.113.7", user_agent="Firefox/140"
        )
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.outbox.add(queued)
            uow.sessions.add(session)
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.get(account.id) == account
            assert uow.outbox.get(queued.id) == queued
            assert uow.sessions.get(session.id) == session

    def test_uow_a_failed_commit_writes_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.accounts.add(client("ana@example.pt"))
            uow.commit()
        queued = message()
        with uow_factory() as uow, pytest.raises(AlreadyExists):
            uow.outbox.add(queued)
            uow.accounts.add(client("ana@example.pt"))
            uow.commit()
        with uow_factory() as uow:
            assert uow.outbox.get(queued.id) is None
            assert uow.outbox.pending_count() == 0

    def test_uow_work_goes_on_after_a_commit(self, uow_factory: UnitOfWorkFactory) -> None:
        ana, bea = client("ana@example.pt"), client("bea@example.pt")
        with uow_factory() as uow:
            uow.accounts.add(ana)
            uow.commit()
            uow.accounts.add(bea)  # not committed: only this part is discarded
        with uow_factory() as uow:
            assert uow.accounts.get(ana.id) == ana
            assert uow.accounts.get(bea.id) is None
