"""API keys in the core: a secret shown once and kept as its SHA-256, scopes, expiry,
revocation, the owner's role as the limit, and the answers kept for idempotent requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iclient_adapters.clock import FrozenClock
from iclient_core.accounts.model import Account, Role
from iclient_core.integrations import (
    IdempotencyKeyReused,
    KeyRefused,
    Scope,
    ScopeMissing,
    authenticate,
    create_key,
    fingerprint,
    forget_old_responses,
    hash_secret,
    list_keys,
    recall,
    remember,
    require_scope,
    revoke_key,
)
from iclient_core.integrations.model import split_secret
from iclient_core.jobs.housekeeping import FORGET_API_ANSWERS, housekeeping
from iclient_core.services import Services
from iclient_core.shared.errors import InvalidInput, NotFound, PermissionDenied
from iclient_core.staff.members import create_staff

PASSWORD = "um passeio longo pela ribeira ao fim da tarde"


@pytest.fixture
def admin(services: Services) -> Account:
    return create_staff(
        services=services, email="gestora@example.pt", role=Role.ADMIN, password=PASSWORD
    )


def test_the_secret_is_shown_once_and_only_its_hash_is_kept(
    services: Services, admin: Account
) -> None:
    new = create_key(services=services, actor=admin, name=" Faturação ", scopes=["clients:read"])
    assert new.secret.startswith("ick_") and len(new.secret) > 40
    (stored,) = list_keys(services=services, actor=admin)
    assert stored.name == "Faturação"
    assert stored.secret_hash == hash_secret(new.secret) != new.secret
    assert new.secret not in repr(stored)
    assert stored.hint == new.secret[-4:]
    caller = authenticate(services=services, secret=new.secret, ip="203.0.113.4")
    assert caller.account.id == admin.id
    assert require_scope(caller, Scope.CLIENTS_READ).id == admin.id
    with pytest.raises(ScopeMissing):
        require_scope(caller, Scope.DOCUMENTS_WRITE)
    (used,) = list_keys(services=services, actor=admin)
    assert used.last_used_at == services.clock.now() and used.last_used_ip == "203.0.113.4"


def test_keys_are_refused_once_revoked_expired_or_their_owner_disabled(
    services: Services, admin: Account, clock: FrozenClock
) -> None:
    tomorrow = (clock.now() + timedelta(days=1)).date().isoformat()
    expiring = create_key(
        services=services, actor=admin, name="a", scopes=["clients:read"], expires_on=tomorrow
    )
    revoked = create_key(services=services, actor=admin, name="b", scopes=["clients:read"])
    revoke_key(services=services, actor=admin, key_id=revoked.key.id)
    revoke_key(services=services, actor=admin, key_id=revoked.key.id)  # twice: no change
    with pytest.raises(KeyRefused):
        authenticate(services=services, secret=revoked.secret)
    authenticate(services=services, secret=expiring.secret)
    clock.advance(timedelta(days=1))
    with pytest.raises(KeyRefused):
        authenticate(services=services, secret=expiring.secret)
    with pytest.raises(NotFound):
        revoke_key(services=services, actor=admin, key_id="nope")


def test_only_managers_manage_keys_and_bad_input_is_refused(
    services: Services, admin: Account, clock: FrozenClock
) -> None:
    rui = create_staff(
        services=services, email="rui@example.pt", role=Role.STAFF, password=PASSWORD
    )
    with pytest.raises(PermissionDenied):
        create_key(services=services, actor=rui, name="x", scopes=["clients:read"])
    with pytest.raises(PermissionDenied):
        list_keys(services=services, actor=rui)
    past = clock.now().date().isoformat()
    far = (clock.now() + timedelta(days=4 * 366)).date().isoformat()
    for name, scopes, expires, codes in [
        ("", ["clients:read"], None, {("name", "required")}),
        ("x", [], None, {("scopes", "required")}),
        ("x", ["clients:delete"], None, {("scopes", "invalid_choice")}),
        ("x", ["clients:read"], past, {("expires_on", "date_in_past")}),
        ("x", ["clients:read"], far, {("expires_on", "date_invalid")}),
        ("x", ["clients:read"], "31/12/2026", {("expires_on", "date_invalid")}),
    ]:
        with pytest.raises(InvalidInput) as refused:
            create_key(services=services, actor=admin, name=name, scopes=scopes, expires_on=expires)
        assert {(e.field, e.code) for e in refused.value.errors} == codes


@given(st.text(max_size=300))
def test_any_text_is_either_a_well_formed_secret_or_refused(text: str) -> None:
    key_id = split_secret(text)
    if key_id is not None:
        assert text.startswith(f"ick_{key_id}.") and 0 < len(key_id) <= 36


def test_an_answer_is_recalled_for_the_same_request_only_and_forgotten_after_a_day(
    services: Services, admin: Account, clock: FrozenClock
) -> None:
    new = create_key(services=services, actor=admin, name="a", scopes=["clients:write"])
    caller = authenticate(services=services, secret=new.secret)
    digest = fingerprint("POST", "/api/v1/clients", b'{"a": 1}', "application/json")
    assert digest != fingerprint("POST", "/api/v1/clients", b'{"a": 2}', "application/json")
    assert (
        recall(services=services, caller=caller, idempotency_key="k", request_fingerprint=digest)
        is None
    )
    kept = remember(
        services=services,
        caller=caller,
        idempotency_key="k",
        request_fingerprint=digest,
        status=201,
        body="{}",
    )
    assert (
        recall(services=services, caller=caller, idempotency_key="k", request_fingerprint=digest)
        == kept
    )
    with pytest.raises(IdempotencyKeyReused):
        recall(services=services, caller=caller, idempotency_key="k", request_fingerprint="x")
    twin = remember(
        services=services,
        caller=caller,
        idempotency_key="k",
        request_fingerprint=digest,
        status=201,
        body='{"second": true}',
    )
    assert twin == kept  # a concurrent twin gets the first answer
    clock.advance(timedelta(hours=25))
    assert forget_old_responses(services=services) == 1
    job = {j.name: j for j in housekeeping()}[FORGET_API_ANSWERS]
    assert job.run(services) == "0 kept API answers forgotten"
