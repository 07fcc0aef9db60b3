"""The contract of ``TwoStepRepository``: authenticator apps, recovery codes and passkeys.

Usage::

    class TestMyTwoStep(TwoStepContract):
        @pytest.fixture
        def uow_factory(self): ...
"""

from __future__ import annotations

from datetime import datetime

import pytest

from iclient_adapters.testing.samples import T0, at, client, new_id
from iclient_core.accounts.model import Account
from iclient_core.accounts.second_factor import (
    Authenticator,
    Passkey,
    RecoveryCode,
    recovery_digest,
)
from iclient_core.shared.errors import AlreadyExists
from iclient_core.unit_of_work import UnitOfWorkFactory


class TwoStepContract:
    """Needs ``uow_factory``. Checks the ``TwoStepRepository``: authenticator round trips and
    the time step that only moves forward, recovery codes spent once, passkeys unique by
    credential and kept per account, and forgetting everything of one account."""

    def twostep_accounts(self, uow_factory: UnitOfWorkFactory, *accounts: Account) -> None:
        """Commit ``accounts``."""
        with uow_factory() as uow:
            for account in accounts:
                uow.accounts.add(account)
            uow.commit()

    def twostep_passkey(
        self, account: Account, credential: str, *, now: datetime = T0, name: str = "Phone"
    ) -> Passkey:
        """A passkey of ``account`` with credential id ``credential``."""
        return Passkey(
            id=new_id(),
            account_id=account.id,
            credential_id=credential,
            public_key="pQECAyYgASFYIG" + credential,
            sign_count=0,
            name=name,
            created_at=now,
        )

    def test_twostep_authenticator_round_trip_and_replacement(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana = client()
        self.twostep_accounts(uow_factory, ana)
        first = Authenticator(account_id=ana.id, secret="JBSWY3DPEHPK3PXP", created_at=T0)
        with uow_factory() as uow:
            assert uow.two_step.get_authenticator(ana.id) is None
            assert not uow.two_step.has_second_step(ana.id)
            uow.two_step.save_authenticator(first)
            uow.commit()
        with uow_factory() as uow:
            assert uow.two_step.get_authenticator(ana.id) == first
            assert not uow.two_step.has_second_step(ana.id)  # not confirmed yet
            assert uow.two_step.with_second_step([ana.id]) == set()
            second = Authenticator(
                account_id=ana.id,
                secret="KRSXG5CTMVRXEZLU",
                created_at=at(1),
                confirmed_at=at(2),
                last_step=59_000_000,
            )
            uow.two_step.save_authenticator(second)
            uow.commit()
        with uow_factory() as uow:
            assert uow.two_step.get_authenticator(ana.id) == second
            assert uow.two_step.has_second_step(ana.id)
            assert uow.two_step.with_second_step([ana.id]) == {ana.id}
            uow.two_step.delete_authenticator(ana.id)
            uow.two_step.delete_authenticator(ana.id)  # twice: no error
            uow.commit()
        with uow_factory() as uow:
            assert uow.two_step.get_authenticator(ana.id) is None

    def test_twostep_time_step_only_moves_forward(self, uow_factory: UnitOfWorkFactory) -> None:
        ana = client()
        self.twostep_accounts(uow_factory, ana)
        with uow_factory() as uow:
            uow.two_step.save_authenticator(
                Authenticator(account_id=ana.id, secret="JBSWY3DPEHPK3PXP", created_at=T0)
            )
            assert uow.two_step.advance_step(ana.id, 100)
            assert not uow.two_step.advance_step(ana.id, 100)  # the same code again
            assert not uow.two_step.advance_step(ana.id, 99)  # an older one
            assert uow.two_step.advance_step(ana.id, 101)
            assert not uow.two_step.advance_step("no-such-account", 500)
            uow.commit()
        with uow_factory() as uow:
            found = uow.two_step.get_authenticator(ana.id)
            assert found is not None and found.last_step == 101

    def test_twostep_recovery_codes_are_spent_once(self, uow_factory: UnitOfWorkFactory) -> None:
        ana, bea = client("ana@example.pt"), client("bea@example.pt")
        self.twostep_accounts(uow_factory, ana, bea)
        codes = [
            RecoveryCode(account_id=ana.id, digest=recovery_digest(ana.id, f"c{n}"), created_at=T0)
            for n in range(3)
        ]
        with uow_factory() as uow:
            uow.two_step.replace_recovery_codes(ana.id, codes)
            uow.commit()
        digest = codes[1].digest
        with uow_factory() as uow:
            assert not uow.two_step.use_recovery_code(bea.id, digest, at(1))  # not bea's
            assert uow.two_step.use_recovery_code(ana.id, digest, at(1))
            assert not uow.two_step.use_recovery_code(ana.id, digest, at(2))
            uow.commit()
        with uow_factory() as uow:
            stored = {c.digest: c for c in uow.two_step.recovery_codes(ana.id)}
            assert stored[digest].used_at == at(1)
            assert sum(1 for c in stored.values() if c.used_at is None) == 2
            assert list(uow.two_step.recovery_codes(bea.id)) == []
            uow.two_step.replace_recovery_codes(ana.id, codes[:1])
            uow.commit()
        with uow_factory() as uow:
            assert [c.digest for c in uow.two_step.recovery_codes(ana.id)] == [codes[0].digest]

    def test_twostep_passkeys_are_unique_and_kept_per_account(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana, bea = client("ana@example.pt"), client("bea@example.pt")
        self.twostep_accounts(uow_factory, ana, bea)
        phone = self.twostep_passkey(ana, "Y3JlZC1waG9uZQ", now=at(1))
        laptop = self.twostep_passkey(ana, "Y3JlZC1sYXB0b3A", now=at(0), name="Laptop")
        hers = self.twostep_passkey(bea, "Y3JlZC1iZWE")
        with uow_factory() as uow:
            assert not uow.two_step.has_second_step(ana.id)
            uow.two_step.add_passkey(phone)
            uow.commit()
        with uow_factory() as uow:
            assert uow.two_step.has_second_step(ana.id) and not uow.two_step.has_second_step(bea.id)
            assert uow.two_step.with_second_step([ana.id, bea.id, "nobody"]) == {ana.id}
            assert uow.two_step.with_second_step([]) == set()
            for passkey in (laptop, hers):
                uow.two_step.add_passkey(passkey)
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.two_step.passkeys(ana.id)) == [laptop, phone]
            assert uow.two_step.passkey_by_credential(phone.credential_id) == phone
            assert uow.two_step.passkey_by_credential("bm9uZQ") is None
            uow.two_step.passkey_used(phone.id, 7, at(5))
            assert not uow.two_step.delete_passkey(bea.id, laptop.id)  # not hers
            assert uow.two_step.delete_passkey(ana.id, laptop.id)
            uow.commit()
        with uow_factory() as uow:
            used = uow.two_step.passkey_by_credential(phone.credential_id)
            assert used is not None and used.sign_count == 7 and used.last_used_at == at(5)
            assert [p.id for p in uow.two_step.passkeys(ana.id)] == [phone.id]
        with pytest.raises(AlreadyExists), uow_factory() as uow:
            uow.two_step.add_passkey(self.twostep_passkey(bea, phone.credential_id))
            uow.commit()

    def test_twostep_forgetting_an_account_leaves_the_others(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ana, bea = client("ana@example.pt"), client("bea@example.pt")
        self.twostep_accounts(uow_factory, ana, bea)
        with uow_factory() as uow:
            for account in (ana, bea):
                uow.two_step.save_authenticator(
                    Authenticator(account_id=account.id, secret="JBSWY3DPEHPK3PXP", created_at=T0)
                )
                uow.two_step.replace_recovery_codes(
                    account.id,
                    [RecoveryCode(account_id=account.id, digest="d" * 64, created_at=T0)],
                )
                uow.two_step.add_passkey(self.twostep_passkey(account, f"Y3JlZC0{account.id}"))
            uow.commit()
        with uow_factory() as uow:
            uow.two_step.delete_for_account(ana.id)
            uow.commit()
        with uow_factory() as uow:
            assert uow.two_step.get_authenticator(ana.id) is None
            assert list(uow.two_step.recovery_codes(ana.id)) == []
            assert list(uow.two_step.passkeys(ana.id)) == []
            assert uow.two_step.get_authenticator(bea.id) is not None
            assert len(uow.two_step.recovery_codes(bea.id)) == 1
            assert len(uow.two_step.passkeys(bea.id)) == 1
