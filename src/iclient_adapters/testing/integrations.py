"""The API key persistence contract: what ``uow.api_keys`` (an ``ApiKeyRepository``) must do.

Mix :class:`ApiKeysContract` into a test class that provides a ``uow_factory`` fixture (a
zero-argument callable returning a fresh unit of work over an *empty* store)::

    class TestMyApiKeys(MemoryBackend, ApiKeysContract):
        pass

Needs pytest.
"""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from iclient_adapters.testing.samples import T0, at, new_id, staff
from iclient_core.accounts.model import Account, Role
from iclient_core.integrations.model import ApiKey, KeptResponse, Scope
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate
from iclient_core.unit_of_work import UnitOfWorkFactory


def api_keys_sample_key(owner: Account, *, minutes: float = 0, name: str = "Invoicing") -> ApiKey:
    """A key of ``owner`` with two scopes, created ``minutes`` after ``T0``."""
    return ApiKey.issue(
        id=new_id(),
        name=name,
        scopes=frozenset({Scope.CLIENTS_READ, Scope.DOCUMENTS_WRITE}),
        secret=f"ick_x.{new_id()}",
        owner_id=owner.id,
        now=at(minutes),
        expires_at=T0 + timedelta(days=30),
    )


def api_keys_sample_response(key: ApiKey, idempotency_key: str = "k-1") -> KeptResponse:
    """An answer kept for ``key``'s ``idempotency_key``."""
    return KeptResponse(
        key_id=key.id,
        idempotency_key=idempotency_key,
        fingerprint="f" * 64,
        status=201,
        body='{"id": "x", "title": "Fatura — março"}',
        location="/api/v1/documents/x",
        created_at=T0,
    )


class ApiKeysContract:
    """Needs ``uow_factory``. API keys: round trips, newest-first lists, optimistic saves,
    last use noted without a version check; kept answers once per key and idempotency key,
    forgotten when old."""

    def api_keys_owner(self, uow_factory: UnitOfWorkFactory) -> Account:
        """An admin stored to own keys."""
        owner = staff(f"{new_id()}@example.pt", role=Role.ADMIN)
        with uow_factory() as uow:
            uow.accounts.add(owner)
            uow.commit()
        return owner

    def api_keys_store(self, uow_factory: UnitOfWorkFactory, *keys: ApiKey) -> None:
        """Add keys in one unit of work."""
        with uow_factory() as uow:
            for key in keys:
                uow.api_keys.add(key)
            uow.commit()

    def test_api_keys_a_key_round_trips(self, uow_factory: UnitOfWorkFactory) -> None:
        key = api_keys_sample_key(self.api_keys_owner(uow_factory))
        self.api_keys_store(uow_factory, key)
        with uow_factory() as uow:
            assert uow.api_keys.get(key.id) == key
            assert uow.api_keys.get("nope") is None

    def test_api_keys_an_id_is_unique(self, uow_factory: UnitOfWorkFactory) -> None:
        key = api_keys_sample_key(self.api_keys_owner(uow_factory))
        self.api_keys_store(uow_factory, key)
        with pytest.raises(AlreadyExists), uow_factory() as uow:
            uow.api_keys.add(key)
            uow.commit()

    def test_api_keys_are_listed_newest_first(self, uow_factory: UnitOfWorkFactory) -> None:
        owner = self.api_keys_owner(uow_factory)
        keys = [api_keys_sample_key(owner, minutes=m, name=f"k{m}") for m in (1, 3, 2)]
        self.api_keys_store(uow_factory, *keys)
        with uow_factory() as uow:
            assert [k.name for k in uow.api_keys.list()] == ["k3", "k2", "k1"]

    def test_api_keys_a_key_saves_once_per_version(self, uow_factory: UnitOfWorkFactory) -> None:
        key = api_keys_sample_key(self.api_keys_owner(uow_factory))
        self.api_keys_store(uow_factory, key)
        with uow_factory() as uow:
            first = uow.api_keys.get(key.id)
            assert first is not None
        stale = attrs.evolve(first)
        first.revoke(at(5))
        with uow_factory() as uow:
            uow.api_keys.save(first)
            uow.commit()
        assert first.version == key.version + 1
        with uow_factory() as uow:
            assert uow.api_keys.get(key.id) == first
            with pytest.raises(ConcurrentUpdate):
                uow.api_keys.save(stale)

    def test_api_keys_a_use_is_noted_without_a_version_check(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        key = api_keys_sample_key(self.api_keys_owner(uow_factory))
        self.api_keys_store(uow_factory, key)
        with uow_factory() as uow:
            uow.api_keys.touch(key.id, at(7), "203.0.113.9")
            uow.api_keys.touch("nope", at(7), "203.0.113.9")
            uow.commit()
        with uow_factory() as uow:
            found = uow.api_keys.get(key.id)
        assert found is not None
        assert (found.last_used_at, found.last_used_ip, found.version) == (
            at(7),
            "203.0.113.9",
            key.version,
        )

    def test_api_keys_a_touch_rolls_back_with_the_unit_of_work(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        key = api_keys_sample_key(self.api_keys_owner(uow_factory))
        self.api_keys_store(uow_factory, key)
        with uow_factory() as uow:
            uow.api_keys.touch(key.id, at(7), "203.0.113.9")
        with uow_factory() as uow:
            found = uow.api_keys.get(key.id)
        assert found is not None and found.last_used_at is None

    def test_api_keys_an_answer_is_kept_once_per_key_and_idempotency_key(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        owner = self.api_keys_owner(uow_factory)
        one, two = api_keys_sample_key(owner), api_keys_sample_key(owner, minutes=1)
        self.api_keys_store(uow_factory, one, two)
        kept = api_keys_sample_response(one)
        with uow_factory() as uow:
            uow.api_keys.keep_response(kept)
            uow.api_keys.keep_response(api_keys_sample_response(two))
            uow.commit()
        with uow_factory() as uow:
            assert uow.api_keys.kept_response(one.id, "k-1") == kept
            assert uow.api_keys.kept_response(one.id, "k-2") is None
        with pytest.raises(AlreadyExists), uow_factory() as uow:
            uow.api_keys.keep_response(attrs.evolve(kept, status=400))
            uow.commit()

    def test_api_keys_old_answers_are_forgotten(self, uow_factory: UnitOfWorkFactory) -> None:
        key = api_keys_sample_key(self.api_keys_owner(uow_factory))
        self.api_keys_store(uow_factory, key)
        old = api_keys_sample_response(key, "old")
        new = attrs.evolve(api_keys_sample_response(key, "new"), created_at=at(60))
        with uow_factory() as uow:
            uow.api_keys.keep_response(old)
            uow.api_keys.keep_response(new)
            uow.commit()
        with uow_factory() as uow:
            assert uow.api_keys.forget_responses(at(30)) == 1
            uow.commit()
        with uow_factory() as uow:
            assert uow.api_keys.kept_response(key.id, "old") is None
            assert uow.api_keys.kept_response(key.id, "new") == new
