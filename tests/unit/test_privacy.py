"""Privacy rights: a copy of everything held about a client, and account deletion (issue 3)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from iclient_adapters.clock import FrozenClock
from iclient_core.accounts import privacy
from iclient_core.accounts.model import Account, Role, Status
from iclient_core.consent import use_cases as consent
from iclient_core.services import Services
from iclient_core.shared.audit import AuditEntry
from iclient_core.shared.errors import (
    InvalidCredentials,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from iclient_core.staff import personal_data
from iclient_core.staff.members import create_staff
from tests.unit.helpers import IP, OTHER_IP, PASSWORD, USER_AGENT, active_client, sign_in, stored

EMAIL = "ana.silva@example.com"


@pytest.fixture
def seeded(services: Services) -> Services:
    """Services of a first install, with the example consent texts published."""
    consent.ensure_defaults(services=services)
    return services


@pytest.fixture
def client(seeded: Services) -> Account:
    """An active client who accepted the Terms and the Privacy Policy a minute later."""
    account = active_client(seeded, email=EMAIL)
    later(seeded, minutes=1)
    consent.accept(
        services=seeded,
        account_id=account.id,
        accepted={"terms", "privacy"},
        ip=IP,
        user_agent=USER_AGENT,
    )
    return account


@pytest.fixture
def collaborator(seeded: Services) -> Account:
    """A staff member (not an admin): staff may confirm deletions."""
    return create_staff(
        services=seeded,
        email="colaborador@example.pt",
        role=Role.STAFF,
        password=PASSWORD,
        first_name="Rui",
        last_name="Lopes",
    )


def later(services: Services, **delta: float) -> None:
    assert isinstance(services.clock, FrozenClock)
    services.clock.advance(timedelta(**delta))


def ask_for_deletion(services: Services, account: Account, password: str | None = PASSWORD) -> None:
    privacy.request_deletion(
        services=services, account_id=account.id, current_password=password, ip=OTHER_IP
    )


def audit(services: Services, action: str) -> list[AuditEntry]:
    with services.uow() as uow:
        return list(uow.audit.list(action=action, limit=1000))


# --------------------------------------------------------------------------------- the export


def test_a_client_downloads_everything_held_about_them_as_json(
    seeded: Services, client: Account
) -> None:
    sign_in(seeded, EMAIL)
    data = personal_data.export_data(services=seeded, account_id=client.id)

    assert json.loads(json.dumps(data)) == data
    account = stored(seeded, client.id)
    assert data["business"] == "Oficina Exemplo"
    assert data["exported_at"] == seeded.clock.now().isoformat()
    assert data["profile"] == {
        "id": client.id,
        "email": EMAIL,
        "first_name": "Ana",
        "last_name": "Silva",
        "phone": account.profile.phone,
        "nif": "",
        "billing_address": "",
        "language": "pt",
        "role": "client",
        "status": "active",
        "created_at": account.created_at.isoformat(),
        "activated_at": account.activated_at.isoformat() if account.activated_at else None,
        "last_sign_in_at": seeded.clock.now().isoformat(),
        "deletion_requested_at": None,
    }
    assert account.profile.phone

    with seeded.uow() as uow:
        titles = {v.id: v.title for v in uow.consent.versions()}
        evidence = list(uow.consent.records_for_account(client.id))
    assert sorted(data["consents"], key=lambda c: str(c["kind"])) == sorted(
        (
            {
                "kind": r.kind,
                "version": 1,
                "title": titles[r.version_id],
                "language": "pt",
                "content_hash": r.content_hash,
                "action": "accepted",
                "at": seeded.clock.now().isoformat(),
                "ip": IP,
                "user_agent": USER_AGENT,
                "method": "portal_form",
            }
            for r in evidence
        ),
        key=lambda c: str(c["kind"]),
    )
    assert {c["title"] for c in data["consents"]} == {
        "Termos e Condições de utilização",
        "Política de Privacidade",
    }
    assert data["sessions"] == [
        {
            "created_at": seeded.clock.now().isoformat(),
            "last_seen_at": seeded.clock.now().isoformat(),
            "ip": IP,
            "user_agent": USER_AGENT,
        }
    ]


def test_the_export_shows_a_pending_deletion_request(seeded: Services, client: Account) -> None:
    ask_for_deletion(seeded, client)
    data = personal_data.export_data(services=seeded, account_id=client.id)
    assert data["profile"]["deletion_requested_at"] == seeded.clock.now().isoformat()


def test_there_is_nothing_to_export_for_an_unknown_account(seeded: Services) -> None:
    with pytest.raises(NotFound):
        personal_data.export_data(services=seeded, account_id="nobody")


# ----------------------------------------------------------------------------- asking to delete


def test_asking_for_deletion_needs_the_current_password(seeded: Services, client: Account) -> None:
    for wrong in (None, "", "not the password at all"):
        with pytest.raises(InvalidInput) as refused:
            ask_for_deletion(seeded, client, wrong)
        assert refused.value.by_field() == {"current_password": ["password_wrong"]}
    assert stored(seeded, client.id).deletion_requested_at is None
    assert audit(seeded, "account.deletion_requested") == []


def test_a_client_asks_for_deletion_and_staff_see_the_request(
    seeded: Services, client: Account, collaborator: Account
) -> None:
    later(seeded, hours=2)
    ask_for_deletion(seeded, client)
    account = stored(seeded, client.id)
    assert account.deletion_requested_at == seeded.clock.now()
    assert account.status is Status.ACTIVE  # nothing is erased until confirmed or due
    assert sign_in(seeded, EMAIL).account.id == client.id

    (entry,) = audit(seeded, "account.deletion_requested")
    assert (entry.actor_id, entry.target_type, entry.target_id, entry.ip) == (
        client.id,
        "account",
        client.id,
        OTHER_IP,
    )
    listed = privacy.deletion_requests(services=seeded, actor=collaborator)
    assert [a.id for a in listed] == [client.id]
    with pytest.raises(PermissionDenied):
        privacy.deletion_requests(services=seeded, actor=client)

    later(seeded, days=1)
    ask_for_deletion(seeded, client)  # asking twice keeps the first date
    assert stored(seeded, client.id).deletion_requested_at == account.deletion_requested_at


def test_a_client_cancels_the_deletion_request(
    seeded: Services, client: Account, collaborator: Account
) -> None:
    ask_for_deletion(seeded, client)
    privacy.cancel_deletion(services=seeded, account_id=client.id, ip=IP)
    assert stored(seeded, client.id).deletion_requested_at is None
    assert privacy.deletion_requests(services=seeded, actor=collaborator) == []
    assert [e.target_id for e in audit(seeded, "account.deletion_cancelled")] == [client.id]
    with pytest.raises(NotFound):
        privacy.confirm_deletion(services=seeded, actor=collaborator, client_id=client.id, ip=IP)
    later(seeded, days=31)
    assert privacy.erase_due(services=seeded) == 0
    assert stored(seeded, client.id).status is Status.ACTIVE


# ------------------------------------------------------------------------------ the erasure


def test_staff_confirm_a_deletion_erasing_personal_data_and_keeping_the_consent_evidence(
    seeded: Services, client: Account, collaborator: Account
) -> None:
    sign_in(seeded, EMAIL)
    with seeded.uow() as uow:
        evidence = list(uow.consent.records_for_account(client.id))
    assert len(evidence) == 2
    ask_for_deletion(seeded, client)
    later(seeded, hours=3)

    privacy.confirm_deletion(services=seeded, actor=collaborator, client_id=client.id, ip=IP)

    erased = stored(seeded, client.id)
    assert erased.email.address == f"deleted-{client.id}@erased.invalid"
    assert (erased.profile.first_name, erased.profile.last_name, erased.profile.phone) == (
        "",
        "",
        "",
    )
    assert erased.status is Status.DELETED
    assert erased.deleted_at == seeded.clock.now()
    assert erased.password_hash is None
    with pytest.raises(InvalidCredentials):
        sign_in(seeded, EMAIL)
    with seeded.uow() as uow:
        assert list(uow.sessions.list_for_account(client.id)) == []
        assert list(uow.consent.records_for_account(client.id)) == evidence
    assert [e.record for e in consent.history(services=seeded, account_id=client.id)] == (
        evidence[::-1]
    )

    (entry,) = audit(seeded, "account.erased")
    assert (entry.actor_id, entry.target_id, entry.ip) == (collaborator.id, client.id, IP)
    assert "consent evidence" in entry.summary
    assert privacy.deletion_requests(services=seeded, actor=collaborator) == []
    with pytest.raises(NotFound):
        personal_data.export_data(services=seeded, account_id=client.id)
    with pytest.raises(NotFound):
        privacy.confirm_deletion(services=seeded, actor=collaborator, client_id=client.id, ip=IP)


def test_a_client_cannot_confirm_a_deletion(seeded: Services, client: Account) -> None:
    ask_for_deletion(seeded, client)
    with pytest.raises(PermissionDenied):
        privacy.confirm_deletion(services=seeded, actor=client, client_id=client.id, ip=IP)
    assert stored(seeded, client.id).status is Status.ACTIVE
    assert audit(seeded, "account.erased") == []


def test_confirming_a_deletion_nobody_asked_for_is_not_found(
    seeded: Services, client: Account, collaborator: Account
) -> None:
    admin = create_staff(
        services=seeded, email="gestora@example.pt", role=Role.ADMIN, password=PASSWORD
    )
    for target in (client.id, collaborator.id, "nobody"):
        with pytest.raises(NotFound):
            privacy.confirm_deletion(services=seeded, actor=admin, client_id=target, ip=IP)
    assert stored(seeded, client.id).status is Status.ACTIVE
    assert audit(seeded, "account.erased") == []


def test_a_requested_deletion_happens_by_itself_after_thirty_days_only(
    seeded: Services, client: Account
) -> None:
    other = active_client(seeded, email="bruno.costa@example.com", first_name="Bruno")
    ask_for_deletion(seeded, client)
    later(seeded, days=10)
    ask_for_deletion(seeded, other)

    later(seeded, days=20, seconds=-1)
    assert privacy.erase_due(services=seeded) == 0
    assert stored(seeded, client.id).status is Status.ACTIVE

    later(seeded, seconds=1)  # thirty days since the first request
    assert privacy.erase_due(services=seeded) == 1
    assert stored(seeded, client.id).status is Status.DELETED
    assert stored(seeded, other.id).status is Status.ACTIVE
    (entry,) = audit(seeded, "account.erased")
    assert (entry.actor_id, entry.actor_label, entry.target_id) == (None, "system", client.id)
    assert privacy.erase_due(services=seeded) == 0

    later(seeded, days=10)
    assert privacy.erase_due(services=seeded) == 1
    assert stored(seeded, other.id).status is Status.DELETED
    assert len(audit(seeded, "account.erased")) == 2
    with seeded.uow() as uow:
        assert len(uow.consent.records_for_account(client.id)) == 2


def test_an_erased_account_cannot_ask_again_or_cancel(seeded: Services, client: Account) -> None:
    ask_for_deletion(seeded, client)
    later(seeded, days=30)
    assert privacy.erase_due(services=seeded) == 1
    with pytest.raises(NotFound):
        ask_for_deletion(seeded, client)
    with pytest.raises(NotFound):
        privacy.cancel_deletion(services=seeded, account_id=client.id, ip=IP)
    assert stored(seeded, client.id).status is Status.DELETED
