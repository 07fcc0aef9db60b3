"""Every staff use case checks the actor's role in the core, whatever calls it (item 32).

The table below names every use case of the staff area with the least role that may run it;
a new use case that takes an ``actor`` and is missing here fails
``test_every_staff_use_case_is_in_the_table``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

import attrs
import pytest

from iclient_core.accounts.model import Account, Role
from iclient_core.consent.use_cases import add_kind
from iclient_core.services import Services
from iclient_core.shared.errors import PermissionDenied
from iclient_core.staff import (
    audit as audit_admin,
)
from iclient_core.staff import (
    client_import,
    clients,
)
from iclient_core.staff import (
    members as staff_admin,
)
from iclient_core.staff import (
    settings as business,
)
from tests.unit.helpers import IP, active_client, sign_in
from tests.unit.staff_helpers import new_client, staff_member, with_passkey

CSV = b"first_name,last_name,email\nRui,Costa,rui.costa@example.com\n"


@attrs.frozen
class World:
    """Who is there: an admin, a collaborator, a client who can act, and targets."""

    admin: Account
    collaborator: Account
    client: Account
    target_client: Account
    target_staff: Account


Call = Callable[[Services, Account, World], Any]

CASES: dict[str, tuple[Role, Call]] = {
    # clients: collaborators and managers
    "clients.find_clients": (Role.STAFF, lambda s, a, w: clients.find_clients(services=s, actor=a)),
    "clients.attention": (Role.STAFF, lambda s, a, w: clients.attention(services=s, actor=a)),
    "clients.client_file": (
        Role.STAFF,
        lambda s, a, w: clients.client_file(services=s, actor=a, client_id=w.target_client.id),
    ),
    "clients.create_client": (
        Role.STAFF,
        lambda s, a, w: clients.create_client(
            services=s, actor=a, first_name="Rui", last_name="Costa", email="rui@example.com"
        ),
    ),
    "clients.resend_invitation": (
        Role.STAFF,
        lambda s, a, w: clients.resend_invitation(
            services=s, actor=a, client_id=w.target_client.id
        ),
    ),
    "clients.update_client": (
        Role.STAFF,
        lambda s, a, w: clients.update_client(
            services=s,
            actor=a,
            client_id=w.target_client.id,
            first_name="Ana",
            last_name="Sousa",
            email="alvo@example.com",
        ),
    ),
    "clients.disable_client": (
        Role.STAFF,
        lambda s, a, w: clients.disable_client(services=s, actor=a, client_id=w.target_client.id),
    ),
    "clients.enable_client": (
        Role.STAFF,
        lambda s, a, w: clients.enable_client(services=s, actor=a, client_id=w.target_client.id),
    ),
    "clients.end_client_sessions": (
        Role.STAFF,
        lambda s, a, w: clients.end_client_sessions(
            services=s, actor=a, client_id=w.target_client.id
        ),
    ),
    "clients.reset_client_two_step": (
        Role.ADMIN,
        lambda s, a, w: clients.reset_client_two_step(
            services=s, actor=a, client_id=with_passkey(s, w.target_client).id
        ),
    ),
    "client_import.check_import": (
        Role.STAFF,
        lambda s, a, w: client_import.check_import(services=s, actor=a, data=CSV),
    ),
    "client_import.import_clients": (
        Role.STAFF,
        lambda s, a, w: client_import.import_clients(services=s, actor=a, data=CSV),
    ),
    # staff accounts, audit log and settings: managers only
    "members.list_staff": (
        Role.ADMIN,
        lambda s, a, w: staff_admin.list_staff(services=s, actor=a),
    ),
    "members.invite_staff": (
        Role.ADMIN,
        lambda s, a, w: staff_admin.invite_staff(
            services=s,
            actor=a,
            email="nova@example.pt",
            first_name="Nova",
            last_name="Pessoa",
            role="admin",
        ),
    ),
    "members.resend_staff_invitation": (
        Role.ADMIN,
        lambda s, a, w: staff_admin.resend_staff_invitation(
            services=s, actor=a, account_id=w.target_staff.id
        ),
    ),
    "members.change_role": (
        Role.ADMIN,
        lambda s, a, w: staff_admin.change_role(
            services=s, actor=a, account_id=w.target_staff.id, role="admin"
        ),
    ),
    "members.disable_staff": (
        Role.ADMIN,
        lambda s, a, w: staff_admin.disable_staff(
            services=s, actor=a, account_id=w.target_staff.id
        ),
    ),
    "members.enable_staff": (
        Role.ADMIN,
        lambda s, a, w: staff_admin.enable_staff(services=s, actor=a, account_id=w.target_staff.id),
    ),
    "members.end_staff_sessions": (
        Role.ADMIN,
        lambda s, a, w: staff_admin.end_staff_sessions(
            services=s, actor=a, account_id=w.target_staff.id
        ),
    ),
    "members.reset_staff_two_step": (
        Role.ADMIN,
        lambda s, a, w: staff_admin.reset_staff_two_step(
            services=s, actor=a, account_id=with_passkey(s, w.target_staff).id
        ),
    ),
    "audit.audit_page": (
        Role.ADMIN,
        lambda s, a, w: audit_admin.audit_page(services=s, actor=a),
    ),
    "audit.export_audit": (
        Role.ADMIN,
        lambda s, a, w: list(audit_admin.export_audit(services=s, actor=a)),
    ),
    "settings.settings_for_editing": (
        Role.ADMIN,
        lambda s, a, w: business.settings_for_editing(services=s, actor=a),
    ),
    "settings.save_settings": (
        Role.ADMIN,
        lambda s, a, w: business.save_settings(
            services=s,
            actor=a,
            business_name="Outra",
            contact_email="",
            contact_phone="",
            default_language="",
            vat_rates="23",
            upload_limit_mb="10",
        ),
    ),
}

MODULES: list[ModuleType] = [clients, client_import, staff_admin, audit_admin, business]


@pytest.fixture
def world(services: Services) -> World:
    admin = staff_member(services)
    collaborator = staff_member(
        services, role=Role.STAFF, email="colaborador@example.pt", first_name="Rui"
    )
    client = active_client(services)
    target_client = new_client(services, admin, email="alvo@example.com", first_name="Alvo")
    target_staff = staff_admin.invite_staff(
        services=services,
        actor=admin,
        email="convidado@example.pt",
        first_name="Convidado",
        last_name="Exemplo",
        role="staff",
        ip=IP,
    )
    return World(admin, collaborator, client, target_client, target_staff)


def snapshot(services: Services) -> tuple[int, int, list[tuple[str, str, int]]]:
    """Audit entries, outbox messages and every account's state: what a refusal must keep."""
    with services.uow() as uow:
        accounts = uow.accounts.search(limit=1000)
        return (
            uow.audit.count(),
            uow.outbox.pending_count(),
            sorted((a.id, a.status.value + a.role.value, a.version) for a in accounts),
        )


def test_every_staff_use_case_is_in_the_table() -> None:
    found = {
        f"{module.__name__.rsplit('.', 1)[1]}.{name}"
        for module in MODULES
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__
        and not name.startswith("_")
        and "actor" in inspect.signature(function).parameters
        and "uow" not in inspect.signature(function).parameters  # a step inside a use case
    }
    assert found == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_client_is_refused_every_staff_use_case(
    services: Services, world: World, name: str
) -> None:
    before = snapshot(services)
    with pytest.raises(PermissionDenied):
        CASES[name][1](services, world.client, world)
    assert snapshot(services) == before


@pytest.mark.parametrize("name", sorted(n for n, (role, _) in CASES.items() if role is Role.ADMIN))
def test_a_collaborator_is_refused_what_only_managers_do(
    services: Services, world: World, name: str
) -> None:
    before = snapshot(services)
    with pytest.raises(PermissionDenied):
        CASES[name][1](services, world.collaborator, world)
    assert snapshot(services) == before


@pytest.mark.parametrize("name", sorted(n for n, (role, _) in CASES.items() if role is Role.STAFF))
def test_a_collaborator_may_run_the_client_use_cases(
    services: Services, world: World, name: str
) -> None:
    CASES[name][1](services, world.collaborator, world)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_manager_may_run_every_staff_use_case(
    services: Services, world: World, name: str
) -> None:
    CASES[name][1](services, world.admin, world)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_stale_copy_of_a_disabled_manager_or_no_one_is_refused(
    services: Services, world: World, name: str
) -> None:
    stale = attrs.evolve(world.admin)  # as a request loaded it, a moment before
    other = staff_member(services, email="segunda@example.pt", first_name="Segunda")
    staff_admin.disable_staff(services=services, actor=other, account_id=world.admin.id)
    assert stale.is_active
    with pytest.raises(PermissionDenied):
        CASES[name][1](services, stale, world)
    with pytest.raises(PermissionDenied):
        CASES[name][1](services, None, world)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(n for n, (role, _) in CASES.items() if role is Role.ADMIN))
def test_a_stale_copy_of_a_demoted_manager_is_refused_what_only_managers_do(
    services: Services, world: World, name: str
) -> None:
    stale = attrs.evolve(world.admin)
    other = staff_member(services, email="segunda@example.pt", first_name="Segunda")
    staff_admin.change_role(services=services, actor=other, account_id=world.admin.id, role="staff")
    assert stale.role is Role.ADMIN
    with pytest.raises(PermissionDenied):
        CASES[name][1](services, stale, world)


def test_a_stale_copy_of_a_disabled_manager_cannot_add_a_consent_kind(
    services: Services, world: World
) -> None:
    stale = attrs.evolve(world.admin)
    other = staff_member(services, email="segunda@example.pt", first_name="Segunda")
    staff_admin.disable_staff(services=services, actor=other, account_id=world.admin.id)
    with pytest.raises(PermissionDenied):
        add_kind(services=services, actor=stale, key="newsletter", required=False)
    with services.uow() as uow:
        assert "newsletter" not in {k.key for k in uow.consent.kinds()}


def test_a_demoted_manager_loses_the_manager_use_cases_at_once(
    services: Services, world: World
) -> None:
    second = staff_member(services, email="segunda@example.pt", first_name="Segunda")
    staff_admin.change_role(
        services=services, actor=world.admin, account_id=second.id, role="staff"
    )
    # the account as the next request loads it, through a real sign-in
    reloaded = sign_in(services, "segunda@example.pt").account
    assert reloaded.role is Role.STAFF
    with pytest.raises(PermissionDenied):
        staff_admin.list_staff(services=services, actor=reloaded)
    clients.find_clients(services=services, actor=reloaded)
