"""Staff run the client relationship: find, create and invite, edit, disable (issue 6, item 28)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from iclient_adapters.clock import FrozenClock
from iclient_adapters.sql import SqlDatabase
from iclient_adapters.testing import make_services
from iclient_core.accounts import authentication, registration
from iclient_core.accounts.model import Account, Role, Status
from iclient_core.accounts.permissions import Permission, Tally, tally
from iclient_core.notifications.model import Kind
from iclient_core.services import Services
from iclient_core.shared.audit import AuditEntry
from iclient_core.shared.errors import InvalidInput, NotFound, PermissionDenied, RateLimited
from iclient_core.staff import clients
from iclient_core.staff.clients import ClientFilter
from iclient_core.unit_of_work import UnitOfWork
from tests.unit.helpers import (
    IP,
    PASSWORD,
    active_client,
    deliver,
    only,
    register,
    sign_in,
    stored,
    token_in,
)
from tests.unit.staff_helpers import actions, invitation_token, new_client, staff_member


@pytest.fixture
def collaborator(services: Services) -> Account:
    return staff_member(services, role=Role.STAFF, email="rui@oficina.pt", first_name="Rui")


def test_staff_create_a_client_who_is_invited_and_activates(
    services: Services, clock: FrozenClock, collaborator: Account
) -> None:
    account = clients.create_client(
        services=services,
        actor=collaborator,
        first_name=" Ana ",
        last_name="Silva",
        email="Ana.Silva@Example.com",
        phone="912 345 678",
        language="en",
        ip=IP,
    )
    assert account.status is Status.PENDING_ACTIVATION and account.role is Role.CLIENT
    assert account.profile.phone == "+351912345678" and account.language == "en"
    [mail] = deliver(services)
    assert mail.kind is Kind.INVITATION and mail.to_address == "Ana.Silva@example.com"
    assert mail.context["inviter"] == "Rui Exemplo"
    assert mail.context["business_name"] == "Oficina Exemplo"
    token = token_in(mail, path="auth/activate")  # the sign-up's own activation page
    clock.advance(timedelta(minutes=5))
    registration.activate_account(
        services=services, token=token, password=PASSWORD, password_confirm=PASSWORD, ip=IP
    )
    assert sign_in(services, "ana.silva@example.com").account.id == account.id
    assert actions(services, target_id=account.id) == [
        "client.created",
        "account.activated",
        "auth.sign_in",
    ]


def test_staff_are_told_when_the_address_already_has_an_account(
    services: Services, collaborator: Account
) -> None:
    active_client(services)
    with pytest.raises(InvalidInput) as error:
        new_client(services, collaborator, email="ANA.SILVA@example.com")
    assert error.value.by_field() == {"email": ["email_taken"]}


def test_a_new_client_needs_names_and_a_valid_address_but_the_phone_is_optional(
    services: Services, collaborator: Account
) -> None:
    with pytest.raises(InvalidInput) as error:
        clients.create_client(
            services=services,
            actor=collaborator,
            first_name="",
            last_name="Silva\r\nBcc: x",
            email="not-an-address",
            phone="12",
        )
    assert error.value.by_field() == {
        "first_name": ["required"],
        "last_name": ["invalid_characters"],
        "phone": ["phone_invalid"],
        "email": ["email_invalid"],
    }
    account = new_client(services, collaborator, phone=None)
    assert account.profile.phone == ""


def test_clients_are_found_by_name_email_or_phone_and_by_status_page_by_page(
    services: Services, clock: FrozenClock, collaborator: Account
) -> None:
    made = []
    for n in range(30):
        clock.advance(timedelta(minutes=1))
        made.append(
            new_client(
                services,
                collaborator,
                email=f"cliente{n:02}@example.com",
                first_name="Ana" if n % 3 == 0 else "Rui",
                last_name=f"Sousa{n:02}",
                phone=f"91234{n:04}",
            )
        )
    first = clients.find_clients(services=services, actor=collaborator)
    assert len(first.items) == 25 and first.has_next and not first.has_previous
    assert first.items[0].id == made[-1].id  # newest first
    second = clients.find_clients(services=services, actor=collaborator, cursor=first.next_cursor)
    assert [a.id for a in second.items] == [a.id for a in reversed(made[:5])]
    assert second.has_previous and not second.has_next
    back = clients.find_clients(
        services=services, actor=collaborator, cursor=second.previous_cursor
    )
    assert back == first
    for nonsense in ("99", "n", "pAAAA", "x" * 500, "n" + "A" * 40):
        assert clients.find_clients(services=services, actor=collaborator, cursor=nonsense) == first
    anas = clients.find_clients(services=services, actor=collaborator, text="ana")
    assert len(anas.items) == 10 and anas.is_whole
    by_phone = clients.find_clients(services=services, actor=collaborator, text="912 340 007")
    assert [a.id for a in by_phone.items] == [made[7].id]
    by_mail = clients.find_clients(services=services, actor=collaborator, text="CLIENTE12@")
    assert [a.id for a in by_mail.items] == [made[12].id]

    clients.disable_client(services=services, actor=collaborator, client_id=made[3].id)
    disabled = clients.find_clients(
        services=services,
        actor=collaborator,
        status=ClientFilter.DISABLED,
    )
    assert [a.id for a in disabled.items] == [made[3].id]
    pending = clients.find_clients(
        services=services,
        actor=collaborator,
        status=ClientFilter.PENDING_ACTIVATION,
    )
    assert len(pending.items) == 25 and pending.has_next
    rest = clients.find_clients(
        services=services,
        actor=collaborator,
        status=ClientFilter.PENDING_ACTIVATION,
        cursor=pending.next_cursor,
    )
    assert len(rest.items) == 4 and made[3].id not in {a.id for a in pending.items + rest.items}


def test_deletion_requests_are_a_filter_and_a_dashboard_count(
    services: Services, clock: FrozenClock, collaborator: Account
) -> None:
    ana = new_client(services, collaborator)
    active_client(services, email="eva@example.com", first_name="Eva", last_name="Lopes")
    with services.uow() as uow:
        account = uow.accounts.get(ana.id)
        assert account is not None
        account.request_deletion(clock.now())
        uow.accounts.save(account)
        uow.commit()
    asked = clients.find_clients(
        services=services,
        actor=collaborator,
        status=ClientFilter.DELETION_REQUESTED,
    )
    assert [a.id for a in asked.items] == [ana.id]
    counts = clients.attention(services=services, actor=collaborator)
    assert counts == clients.Attention(pending_activation=1, deletion_requested=1)


def test_the_dashboard_reads_other_areas_tallies_with_its_own_counts(
    services: Services, collaborator: Account
) -> None:
    new_client(services, collaborator)
    seen: list[object] = []

    def pending_again(services: Services, uow: UnitOfWork) -> int:
        seen.append(uow)
        return uow.accounts.count(roles={Role.CLIENT}, statuses={Status.PENDING_ACTIVATION})

    counts = clients.attention(
        services=services,
        actor=collaborator,
        tallies={
            "pending_again": Tally(Permission.CLIENTS_VIEW, pending_again),
            "for_managers": Tally(Permission.STAFF_MANAGE, pending_again),
        },
    )
    # A collaborator may not manage staff: that tally is left out, not read, not an error.
    assert counts.tallies == {"pending_again": 1}
    assert len(seen) == 1
    assert tally(services, collaborator, Tally(Permission.CLIENTS_VIEW, pending_again)) == 1
    with pytest.raises(PermissionDenied):
        tally(services, collaborator, Tally(Permission.STAFF_MANAGE, pending_again))


def test_a_collaborator_disabled_a_moment_ago_reads_no_tally(
    services: Services, collaborator: Account
) -> None:
    with services.uow() as uow:
        stored = uow.accounts.get(collaborator.id)
        assert stored is not None
        stored.disable()
        uow.accounts.save(stored)
        uow.commit()
    counted = Tally(Permission.CLIENTS_VIEW, lambda services, uow: 1)
    with pytest.raises(PermissionDenied):
        clients.attention(services=services, actor=collaborator, tallies={"n": counted})
    with pytest.raises(PermissionDenied):
        tally(services, collaborator, counted)


def test_the_client_list_takes_two_queries_whatever_the_page_size(tmp_path: Path) -> None:
    database = SqlDatabase.from_url(f"sqlite:///{tmp_path / 'count.db'}")
    database.upgrade()
    statements: list[str] = []
    sa.event.listen(
        database.engine, "before_cursor_execute", lambda *args: statements.append(args[2])
    )
    try:
        services = make_services(uow=database.unit_of_work)
        admin = staff_member(services)
        for n in range(40):
            new_client(services, admin, email=f"c{n}@example.com", phone=None)
        counts = []
        for size in (5, 40):
            statements.clear()
            page = clients.find_clients(services=services, actor=admin, text="example", size=size)
            assert len(page.items) == size
            counts.append(sum(1 for s in statements if s.lstrip().upper().startswith("SELECT")))
        assert counts == [2, 2]  # the actor as stored now, the page: nothing is counted
    finally:
        database.dispose()


def test_disabling_a_client_ends_every_session_at_once(
    services: Services, collaborator: Account
) -> None:
    ana = active_client(services)
    phone = sign_in(services).session_secret
    laptop = sign_in(services).session_secret
    ended = clients.disable_client(
        services=services,
        actor=collaborator,
        client_id=ana.id,
        ip=IP,
    )
    assert ended == 2
    for secret in (phone, laptop):
        assert authentication.current_session(services=services, session_secret=secret) is None
    assert stored(services, ana.id).status is Status.DISABLED
    entry = next(e for e in _trail(services, ana.id) if e.action == "client.disabled")
    assert entry.actor_id == collaborator.id and entry.ip == IP
    assert "2 sessions ended" in entry.summary

    clients.enable_client(services=services, actor=collaborator, client_id=ana.id)
    assert stored(services, ana.id).status is Status.ACTIVE
    sign_in(services)


def test_staff_end_a_clients_sessions_without_disabling(
    services: Services, collaborator: Account
) -> None:
    ana = active_client(services)
    secret = sign_in(services).session_secret
    ended = clients.end_client_sessions(
        services=services,
        actor=collaborator,
        client_id=ana.id,
    )
    assert ended == 1
    assert authentication.current_session(services=services, session_secret=secret) is None
    assert stored(services, ana.id).status is Status.ACTIVE


def test_resend_sends_an_invitation_to_invited_clients_and_an_activation_to_the_others(
    services: Services, collaborator: Account
) -> None:
    invited = new_client(services, collaborator)
    register(services, email="eva@example.com", first_name="Eva", last_name="Lopes")
    deliver(services)
    eva = clients.find_clients(services=services, actor=collaborator, text="eva").items[0]
    assert (
        clients.resend_invitation(services=services, actor=collaborator, client_id=invited.id)
        is Kind.INVITATION
    )
    assert (
        clients.resend_invitation(services=services, actor=collaborator, client_id=eva.id)
        is Kind.ACTIVATION
    )
    assert sorted(m.kind for m in deliver(services)) == [Kind.ACTIVATION, Kind.INVITATION]
    for _ in range(2):
        clients.resend_invitation(services=services, actor=collaborator, client_id=eva.id)
    with pytest.raises(RateLimited):
        clients.resend_invitation(services=services, actor=collaborator, client_id=eva.id)


def test_an_active_client_gets_no_new_link(services: Services, collaborator: Account) -> None:
    ana = active_client(services)
    with pytest.raises(InvalidInput) as error:
        clients.resend_invitation(services=services, actor=collaborator, client_id=ana.id)
    assert error.value.by_field() == {"account": ["not_pending"]}
    assert deliver(services) == []


def test_staff_correct_contact_data_and_the_old_address_is_told(
    services: Services, collaborator: Account
) -> None:
    ana = active_client(services)
    clients.update_client(
        services=services,
        actor=collaborator,
        client_id=ana.id,
        first_name="Ana",
        last_name="Silva Sousa",
        email="ana.sousa@example.com",
        phone="+351 961 111 222",
        language="en",
        ip=IP,
    )
    account = stored(services, ana.id)
    assert account.profile.last_name == "Silva Sousa"
    assert account.profile.phone == "+351961111222" and account.language == "en"
    assert account.email.address == "ana.sousa@example.com"
    notice = only(deliver(services), Kind.EMAIL_CHANGED)
    assert notice.to_address == "ana.silva@example.com"
    assert sign_in(services, "ana.sousa@example.com").account.id == ana.id
    [entry] = [e for e in _trail(services, ana.id) if e.action == "client.updated"]
    assert entry.summary == "Changed last_name, phone, language, email"
    assert "sousa@" not in entry.summary  # no personal data in the log


def test_a_new_address_for_a_pending_client_voids_the_old_invitation(
    services: Services, collaborator: Account
) -> None:
    clients.create_client(
        services=services,
        actor=collaborator,
        first_name="Ana",
        last_name="Silva",
        email="ana@exmaple.com",  # a typo
    )
    old_token = invitation_token(services)
    ana = clients.find_clients(services=services, actor=collaborator).items[0]
    clients.update_client(
        services=services,
        actor=collaborator,
        client_id=ana.id,
        first_name="Ana",
        last_name="Silva",
        email="ana@example.com",
    )
    mail = only(deliver(services), Kind.INVITATION)
    assert mail.to_address == "ana@example.com"
    with pytest.raises(Exception, match="token_invalid"):
        registration.check_activation(services=services, token=old_token)
    registration.check_activation(services=services, token=token_in(mail, path="auth/activate"))


def test_the_new_address_cannot_be_another_accounts(
    services: Services, collaborator: Account
) -> None:
    ana = new_client(services, collaborator)
    with pytest.raises(InvalidInput) as error:
        clients.update_client(
            services=services,
            actor=collaborator,
            client_id=ana.id,
            first_name="Ana",
            last_name="Silva",
            email="RUI@oficina.pt",
        )
    assert error.value.by_field() == {"email": ["email_taken"]}


def test_client_use_cases_never_reach_staff_accounts(
    services: Services, collaborator: Account
) -> None:
    admin = staff_member(services, email="gestora2@example.pt")
    for use_case in (
        clients.client_file,
        clients.disable_client,
        clients.enable_client,
        clients.end_client_sessions,
        clients.resend_invitation,
    ):
        with pytest.raises(NotFound):
            use_case(services=services, actor=collaborator, client_id=admin.id)
        with pytest.raises(NotFound):
            use_case(services=services, actor=collaborator, client_id="nope")
    assert stored(services, admin.id).status is Status.ACTIVE


def test_the_client_page_shows_the_latest_events_newest_first(
    services: Services, clock: FrozenClock, collaborator: Account
) -> None:
    ana = active_client(services)
    other = active_client(services, email="eva@example.com", first_name="Eva", last_name="Lopes")
    for _ in range(3):
        clock.advance(timedelta(minutes=1))
        sign_in(services)
    sign_in(services, "eva@example.com")
    clock.advance(timedelta(minutes=1))
    clients.disable_client(services=services, actor=collaborator, client_id=ana.id)
    page = clients.client_file(services=services, actor=collaborator, client_id=ana.id)
    assert [e.action for e in page.timeline.items] == ["client.disabled"] + ["auth.sign_in"] * 3 + [
        "account.activated",
        "account.registered",
    ]
    assert page.timeline.total == 6 and page.open_sessions == 0 and not page.invited
    assert all(e.target_id == ana.id for e in page.timeline.items)
    assert other.id not in {e.target_id for e in page.timeline.items}


def _trail(services: Services, target_id: str) -> list[AuditEntry]:
    with services.uow() as uow:
        return list(uow.audit.list(target_id=target_id))


def test_ids_no_account_could_have_are_not_found_without_asking_the_database(
    services: Services, collaborator: Account
) -> None:
    for odd in ("", "\x00", "a\x00b", "x" * 37, "\u202e1"):
        with pytest.raises(NotFound):
            clients.client_file(services=services, actor=collaborator, client_id=odd)
