"""A person who lost the phone with the authenticator app and the recovery codes asks the
business for help: a manager turns their two-step sign-in off, they are signed out
everywhere and told by e-mail, and the password alone lets them in again."""

from __future__ import annotations

import pytest

from iclient_adapters.clock import FrozenClock
from iclient_core.accounts import authentication, two_step
from iclient_core.accounts.model import Account, Role
from iclient_core.notifications.model import Kind
from iclient_core.services import Services
from iclient_core.shared.business import BusinessSettings
from iclient_core.shared.errors import InvalidInput, NotFound, PermissionDenied
from iclient_core.staff import clients, members
from tests.unit.helpers import IP, active_client, deliver, only, sign_in
from tests.unit.staff_helpers import audit_trail, staff_member, with_passkey


@pytest.fixture
def manager(services: Services) -> Account:
    return staff_member(services)


def with_app(services: Services, clock: FrozenClock, account: Account) -> list[str]:
    """Turn on an authenticator app for ``account``; its recovery codes."""
    new = two_step.start_authenticator(services=services, account_id=account.id)
    code = services.one_time_codes.code_at(new.secret, clock.now())
    return two_step.confirm_authenticator(
        services=services, account_id=account.id, code=code, ip=IP
    )


def test_a_manager_turns_off_a_clients_lost_second_step_and_the_password_lets_them_in(
    services: Services, clock: FrozenClock, manager: Account
) -> None:
    ana = active_client(services)
    with_app(services, clock, ana)
    with_passkey(services, ana)
    assert sign_in(services).second_step  # the password alone is not enough
    deliver(services)
    before = clients.client_file(services=services, actor=manager, client_id=ana.id)
    assert before.two_step

    ended = clients.reset_client_two_step(
        services=services, actor=manager, client_id=ana.id, ip="198.51.100.7"
    )

    assert ended == 0  # a sign-in waiting for its second step is no session yet
    status = two_step.two_step_status(services=services, account_id=ana.id)
    assert not status.on and not status.passkeys and status.recovery_left == 0
    assert not clients.client_file(services=services, actor=manager, client_id=ana.id).two_step
    mail = only(deliver(services), Kind.TWO_STEP_RESET)
    assert mail.to_address == ana.email.address and mail.language == "pt"
    assert mail.context["link"] == services.links.sign_in("pt")
    [entry] = audit_trail(services, action="client.two_step_reset")
    assert (entry.actor_id, entry.target_id, entry.ip) == (manager.id, ana.id, "198.51.100.7")
    signed = sign_in(services)
    assert not signed.second_step and signed.session_secret


def test_turning_off_a_second_step_ends_every_session(services: Services, manager: Account) -> None:
    ana = active_client(services)
    secrets = [sign_in(services).session_secret for _ in range(2)]
    with_passkey(services, ana)
    ended = clients.reset_client_two_step(services=services, actor=manager, client_id=ana.id)
    assert ended == 2
    for secret in secrets:
        assert authentication.current_session(services=services, session_secret=secret) is None


def test_there_must_be_a_second_step_to_turn_off(services: Services, manager: Account) -> None:
    ana = active_client(services)
    with pytest.raises(InvalidInput) as refused:
        clients.reset_client_two_step(services=services, actor=manager, client_id=ana.id)
    assert refused.value.by_field() == {"account": ["two_step_not_on"]}
    assert not audit_trail(services, action="client.two_step_reset")
    assert not deliver(services)


def test_collaborators_may_not_turn_off_a_clients_second_step(services: Services) -> None:
    rui = staff_member(services, role=Role.STAFF, email="rui@oficina.pt", first_name="Rui")
    ana = with_passkey(services, active_client(services))
    with pytest.raises(PermissionDenied):
        clients.reset_client_two_step(services=services, actor=rui, client_id=ana.id)
    assert two_step.two_step_status(services=services, account_id=ana.id).passkeys


def test_the_client_use_case_reaches_no_staff_and_the_staff_one_no_clients(
    services: Services, manager: Account
) -> None:
    ana = with_passkey(services, active_client(services))
    rui = with_passkey(
        services,
        staff_member(services, role=Role.STAFF, email="rui@oficina.pt", first_name="Rui"),
    )
    with pytest.raises(NotFound):
        clients.reset_client_two_step(services=services, actor=manager, client_id=rui.id)
    with pytest.raises(NotFound):
        members.reset_staff_two_step(services=services, actor=manager, account_id=ana.id)
    with pytest.raises(NotFound):
        members.reset_staff_two_step(services=services, actor=manager, account_id="\x00")


def test_a_staff_member_required_to_sign_in_in_two_steps_sets_it_up_again(
    services: Services, clock: FrozenClock, manager: Account
) -> None:
    rui = staff_member(services, role=Role.STAFF, email="rui@oficina.pt", first_name="Rui")
    with_app(services, clock, rui)
    with services.uow() as uow:  # the business requires staff to sign in in two steps
        uow.settings.save(BusinessSettings(staff_two_step=True))
        uow.commit()
    assert members.list_staff(services=services, actor=manager).resettable == {rui.id}

    members.reset_staff_two_step(services=services, actor=manager, account_id=rui.id)

    assert members.list_staff(services=services, actor=manager).resettable == set()
    assert only(deliver(services), Kind.TWO_STEP_RESET).to_address == "rui@oficina.pt"
    assert two_step.setup_due(services=services, account_id=rui.id)
    assert [e.target_id for e in audit_trail(services, action="staff.two_step_reset")] == [rui.id]


def test_a_manager_turns_off_their_own_second_step_on_their_security_page(
    services: Services, manager: Account
) -> None:
    with_passkey(services, manager)
    with pytest.raises(InvalidInput) as refused:
        members.reset_staff_two_step(services=services, actor=manager, account_id=manager.id)
    assert refused.value.by_field() == {"account": ["two_step_own"]}
    assert two_step.two_step_status(services=services, account_id=manager.id).passkeys
    # and the staff list offers no button for it
    assert members.list_staff(services=services, actor=manager).resettable == set()
