"""Admins invite, change the role of, and disable staff; the last admin stays (issue 6)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from iclient_adapters.clock import FrozenClock
from iclient_core.accounts import authentication, registration
from iclient_core.accounts.model import Account, Role, Status
from iclient_core.notifications.model import Kind
from iclient_core.services import Services
from iclient_core.shared.errors import InvalidInput, NotFound
from iclient_core.staff import members as staff_admin
from tests.unit.helpers import (
    IP,
    PASSWORD,
    active_client,
    deliver,
    only,
    sign_in,
    stored,
    token_in,
)
from tests.unit.staff_helpers import actions, audit_trail, invitation_token, staff_member


@pytest.fixture
def admin(services: Services) -> Account:
    return staff_member(services)


def invite(services: Services, admin: Account, role: str = "staff", **kw: str) -> Account:
    return staff_admin.invite_staff(
        services=services,
        actor=admin,
        email=kw.get("email", "rui@oficina.pt"),
        first_name=kw.get("first_name", "Rui"),
        last_name="Costa",
        role=role,
        language="en",
        ip=IP,
    )


def test_an_admin_invites_a_collaborator_who_sets_a_password_and_signs_in(
    services: Services, clock: FrozenClock, admin: Account
) -> None:
    rui = invite(services, admin)
    assert (rui.role, rui.status) == (Role.STAFF, Status.PENDING_ACTIVATION)
    mail = only(deliver(services))
    assert mail.kind is Kind.STAFF_INVITATION and mail.to_address == "rui@oficina.pt"
    assert mail.context["role"] == "staff" and mail.context["inviter"] == "Gestora Exemplo"
    assert mail.language == "en"
    token = token_in(mail, path="auth/activate")
    clock.advance(timedelta(minutes=1))
    registration.activate_account(
        services=services, token=token, password=PASSWORD, password_confirm=PASSWORD, ip=IP
    )
    signed = sign_in(services, "rui@oficina.pt")
    assert signed.account.role is Role.STAFF and signed.account.is_active
    assert actions(services, target_id=rui.id) == [
        "staff.invited",
        "account.activated",
        "auth.sign_in",
    ]


def test_an_invitation_needs_a_staff_role_and_a_free_address(
    services: Services, admin: Account
) -> None:
    with pytest.raises(InvalidInput) as error:
        invite(services, admin, role="client")
    assert error.value.by_field() == {"role": ["invalid_choice"]}
    with pytest.raises(InvalidInput) as error:
        invite(services, admin, email="GESTORA@example.pt")
    assert error.value.by_field() == {"email": ["email_taken"]}
    assert deliver(services) == []


def test_the_last_active_admin_can_be_neither_demoted_nor_disabled(
    services: Services, admin: Account
) -> None:
    for attempt in (
        lambda: staff_admin.change_role(
            services=services, actor=admin, account_id=admin.id, role="staff"
        ),
        lambda: staff_admin.disable_staff(services=services, actor=admin, account_id=admin.id),
    ):
        with pytest.raises(InvalidInput) as error:
            attempt()
        assert error.value.by_field() == {"account": ["last_admin"]}
    assert stored(services, admin.id).role is Role.ADMIN
    assert stored(services, admin.id).status is Status.ACTIVE


def test_with_two_admins_one_may_step_down_and_then_the_other_is_protected(
    services: Services, admin: Account
) -> None:
    second = staff_member(services, email="segunda@example.pt", first_name="Segunda")
    pending_admin = invite(services, admin, role="admin", email="pendente@example.pt")
    staff_admin.change_role(services=services, actor=second, account_id=admin.id, role="staff")
    assert stored(services, admin.id).role is Role.STAFF
    # an invited admin who never chose a password does not count as a safeguard
    assert stored(services, pending_admin.id).role is Role.ADMIN
    with pytest.raises(InvalidInput):
        staff_admin.disable_staff(services=services, actor=second, account_id=second.id)
    staff_admin.disable_staff(services=services, actor=second, account_id=pending_admin.id)


def test_a_role_change_takes_effect_at_the_next_request(services: Services, admin: Account) -> None:
    rui = staff_member(services, role=Role.STAFF, email="rui@oficina.pt", first_name="Rui")
    secret = sign_in(services, "rui@oficina.pt").session_secret
    staff_admin.change_role(services=services, actor=admin, account_id=rui.id, role="admin")
    found = authentication.current_session(services=services, session_secret=secret)
    assert found is not None and found.account.role is Role.ADMIN  # same session, new role
    staff_admin.list_staff(services=services, actor=found.account)


def test_role_changes_are_audited_and_logged_without_secrets(
    services: Services, admin: Account, caplog: pytest.LogCaptureFixture
) -> None:
    rui = staff_member(services, role=Role.STAFF, email="rui@oficina.pt", first_name="Rui")
    with caplog.at_level(logging.INFO, logger="iclient.security"):
        staff_admin.change_role(
            services=services, actor=admin, account_id=rui.id, role="admin", ip="198.51.100.9"
        )
    [entry] = [e for e in audit_trail(services) if e.action == "staff.role_changed"]
    assert (entry.actor_id, entry.actor_label, entry.ip) == (
        admin.id,
        "gestora@example.pt",
        "198.51.100.9",
    )
    assert entry.target_id == rui.id and entry.summary == "Role staff -> admin"
    assert entry.at.tzinfo is not None and entry.at.utcoffset() == timedelta(0)
    [line] = [r.getMessage() for r in caplog.records if "role_changed" in r.getMessage()]
    assert f"account={rui.id}" in line and "ip=198.51.100.9" in line and f"by={admin.id}" in line


def test_disabling_a_staff_member_ends_their_sessions(services: Services, admin: Account) -> None:
    rui = staff_member(services, role=Role.STAFF, email="rui@oficina.pt", first_name="Rui")
    secret = sign_in(services, "rui@oficina.pt").session_secret
    assert staff_admin.disable_staff(services=services, actor=admin, account_id=rui.id) == 1
    assert authentication.current_session(services=services, session_secret=secret) is None
    staff_admin.enable_staff(services=services, actor=admin, account_id=rui.id)
    sign_in(services, "rui@oficina.pt")


def test_staff_use_cases_never_touch_clients(services: Services, admin: Account) -> None:
    ana = active_client(services)
    for use_case in (
        staff_admin.disable_staff,
        staff_admin.enable_staff,
        staff_admin.end_staff_sessions,
        staff_admin.resend_staff_invitation,
    ):
        with pytest.raises(NotFound):
            use_case(services=services, actor=admin, account_id=ana.id)
    with pytest.raises(NotFound):
        staff_admin.change_role(services=services, actor=admin, account_id=ana.id, role="admin")
    assert stored(services, ana.id).role is Role.CLIENT


def test_a_pending_staff_member_can_get_the_invitation_again(
    services: Services, admin: Account
) -> None:
    rui = invite(services, admin)
    first = invitation_token(services, Kind.STAFF_INVITATION)
    staff_admin.resend_staff_invitation(services=services, actor=admin, account_id=rui.id)
    second = invitation_token(services, Kind.STAFF_INVITATION)
    for token in (first, second):  # until one is used, every link works
        assert registration.check_activation(services=services, token=token).id == rui.id
    with pytest.raises(InvalidInput):
        staff_admin.resend_staff_invitation(services=services, actor=admin, account_id=admin.id)


def test_the_staff_list_has_staff_and_admins_only(services: Services, admin: Account) -> None:
    active_client(services)
    rui = invite(services, admin)
    page = staff_admin.list_staff(services=services, actor=admin).window
    assert {a.id for a in page.items} == {rui.id, admin.id}
    assert page.is_whole
