"""Public forms and the staff inbox, through the core's use cases."""

from __future__ import annotations

import attrs
import pytest

from iclient_adapters.clock import FrozenClock
from iclient_adapters.testing import make_services
from iclient_core.accounts.model import Role
from iclient_core.inbox import (
    FieldInput,
    Status,
    count_new,
    ensure_default_forms,
    export_submissions,
    list_forms,
    list_submissions,
    published_form,
    save_form,
    set_published,
    submit,
    update_submission,
)
from iclient_core.inbox.submissions import network_of
from iclient_core.notifications.model import Kind
from iclient_core.services import Services
from iclient_core.settings import Settings
from iclient_core.shared.errors import InvalidInput, NotFound, PermissionDenied, RateLimited
from tests.unit.helpers import IP, OTHER_IP, deliver, only
from tests.unit.staff_helpers import staff_member

CONTACT = {"subject": "Orçamento", "message": "Queria saber preços.", "preferred_time": ""}


@pytest.fixture
def services(clock: FrozenClock) -> Services:
    settings = Settings(
        business_name="Oficina Exemplo",
        mail_domain="example.test",
        contact_email="geral@oficina.pt",
    )
    services = make_services(clock=clock, settings=settings)
    ensure_default_forms(services=services)
    return services


def send(services: Services, slug: str = "contact", **changes: object) -> str:
    fields: dict[str, object] = {
        "slug": slug,
        "values": CONTACT,
        "name": "Bruno Costa",
        "email": "bruno@example.pt",
        "phone": "912 000 111",
        "contact_consent": True,
        "language": "en",
        "account_id": None,
        "ip": IP,
        **changes,
    }
    return submit(services=services, **fields).id  # type: ignore[arg-type]


def test_a_new_portal_has_the_contact_and_demo_forms_once(services: Services) -> None:
    assert ensure_default_forms(services=services) == 0
    contact = published_form(services=services, slug="contact")
    assert [f.name for f in contact.fields] == ["subject", "message", "preferred_time"]
    assert published_form(services=services, slug="demo").title("pt") == "Pedido de demonstração"


def test_a_visitor_sends_the_contact_form_staff_and_the_visitor_are_told(
    services: Services,
) -> None:
    send(services)
    admin = staff_member(services)
    page = list_submissions(services=services, actor=admin)
    (row,) = page.items
    assert row.values == CONTACT | {"preferred_time": ""}
    assert (row.name, row.email, row.phone, row.status) == (
        "Bruno Costa",
        "bruno@example.pt",
        "+351912000111",
        Status.NEW,
    )
    mail = deliver(services)
    staff_mail = only(mail, Kind.FORM_RECEIVED)
    assert staff_mail.to_address == "geral@oficina.pt"
    ack = only(mail, Kind.FORM_ACKNOWLEDGED)
    assert (ack.to_address, ack.language) == ("bruno@example.pt", "en")
    assert "Orçamento" not in str(ack.context) and "preços" not in str(ack.context)


def test_every_field_kind_is_checked(services: Services) -> None:
    admin = staff_member(services)
    kinds = ["text", "long_text", "email", "phone", "choice", "date", "checkbox"]
    fields = [
        FieldInput(name=f"q_{k}", kind=k, required=True, label_pt=k, label_en=k, choices="A\nB")
        for k in kinds
    ]
    save_form(
        services=services,
        actor=admin,
        form_id=None,
        slug="all-kinds",
        title_pt="Todos",
        title_en="All",
        intro_pt="",
        intro_en="",
        fields=fields,
        published=True,
        ip=IP,
    )
    bad = {
        "q_text": "a\x00b",
        "q_long_text": "x" * 6000,
        "q_email": "not-an-address",
        "q_phone": "abc",
        "q_choice": "C",
        "q_date": "2026-13-45",
        "q_checkbox": "",
    }
    with pytest.raises(InvalidInput) as refused:
        send(services, "all-kinds", values=bad)
    assert set(refused.value.by_field()) == set(bad)
    good = {
        "q_text": "  Olá   mundo ",
        "q_long_text": "Linha\r\noutra",
        "q_email": "Eva@Example.PT",
        "q_phone": "912 345 678",
        "q_choice": "B",
        "q_date": "2026-12-24",
        "q_checkbox": "y",
    }
    sub_id = send(services, "all-kinds", values=good)
    (row,) = [s for s in list_submissions(services=services, actor=admin).items if s.id == sub_id]
    assert row.values["q_text"] == "Olá mundo"
    assert row.values["q_long_text"] == "Linha\noutra"
    assert row.values["q_phone"] == "+351912345678"
    assert (row.values["q_choice"], row.values["q_date"], row.values["q_checkbox"]) == (
        "B",
        "2026-12-24",
        "yes",
    )


def test_consent_to_be_contacted_and_the_person_fields_are_required(services: Services) -> None:
    with pytest.raises(InvalidInput) as refused:
        send(services, name="", email="", contact_consent=False, values={})
    assert set(refused.value.by_field()) == {
        "name",
        "email",
        "contact_consent",
        "subject",
        "message",
    }


def test_an_unpublished_or_unknown_form_is_not_found(services: Services) -> None:
    admin = staff_member(services)
    demo = published_form(services=services, slug="demo")
    set_published(services=services, actor=admin, form_id=demo.id, published=False, ip=IP)
    with pytest.raises(NotFound):
        send(services, "demo", values={})
    with pytest.raises(NotFound):
        send(services, "nope")


def test_one_address_and_one_network_are_rate_limited(services: Services) -> None:
    for _ in range(5):
        send(services)
    with pytest.raises(RateLimited):
        send(services)
    for n in range(15):  # the same /24, other addresses: the network's limit is 20
        send(services, email=f"p{n}@example.pt", ip=f"203.0.113.{n + 10}")
    with pytest.raises(RateLimited):
        send(services, email="late@example.pt", ip="203.0.113.250")
    send(services, email="late@example.pt", ip=OTHER_IP)
    assert network_of("2001:db8:1:2::5") == "2001:db8:1::/48"


def test_one_address_gets_few_acknowledgements(services: Services) -> None:
    for _ in range(5):
        send(services)
    mail = deliver(services)
    assert len([n for n in mail if n.kind is Kind.FORM_ACKNOWLEDGED]) == 3
    assert len([n for n in mail if n.kind is Kind.FORM_RECEIVED]) == 5


def test_staff_change_status_assign_and_note_and_each_change_is_audited(
    services: Services,
) -> None:
    sub_id = send(services)
    admin = staff_member(services)
    rui = staff_member(services, role=Role.STAFF, email="rui@example.pt", first_name="Rui")
    assert count_new(services=services, actor=admin) == 1
    done = update_submission(
        services=services,
        actor=rui,
        submission_id=sub_id,
        status="in_progress",
        assignee_id=rui.id,
        note="Liguei, volta a ligar amanhã.",
        ip=IP,
    )
    assert done.status is Status.IN_PROGRESS and done.assignee_id == rui.id
    assert [n.text for n in done.notes] == ["Liguei, volta a ligar amanhã."]
    assert count_new(services=services, actor=admin) == 0
    mine = list_submissions(services=services, actor=admin, assignee_id=rui.id)
    assert [s.id for s in mine.items] == [sub_id]
    with services.uow() as uow:
        actions = [e.action for e in uow.audit.list(target_id=sub_id, limit=10, offset=0)]
    assert set(actions) == {
        "inbox.received",
        "inbox.status_changed",
        "inbox.assigned",
        "inbox.note_added",
    }
    with pytest.raises(InvalidInput):
        update_submission(services=services, actor=rui, submission_id=sub_id, status="x", ip=IP)
    with pytest.raises(NotFound):
        update_submission(services=services, actor=rui, submission_id="no", status="done", ip=IP)


def test_clients_may_not_see_the_inbox_nor_build_forms(services: Services) -> None:
    send(services)
    rui = staff_member(services, role=Role.STAFF, email="rui@example.pt")
    with pytest.raises(PermissionDenied):
        list_forms(services=services, actor=rui)  # collaborators do not build forms
    export = export_submissions(services=services, actor=rui, ip=IP)
    assert len(export) == 1
    client = attrs.evolve(rui, role=Role.CLIENT)
    with services.uow() as uow:
        uow.accounts.save(client)
        uow.commit()
    with pytest.raises(PermissionDenied):
        list_submissions(services=services, actor=client)


def test_an_admin_builds_a_form_with_checked_fields(services: Services) -> None:
    admin = staff_member(services)
    with pytest.raises(InvalidInput) as refused:
        save_form(
            services=services,
            actor=admin,
            form_id=None,
            slug="Bad slug!",
            title_pt="",
            title_en="T",
            intro_pt="",
            intro_en="",
            fields=[
                FieldInput("email", "text", False, "a", "a"),
                FieldInput("ok", "nope", False, "a", "a"),
                FieldInput("size", "choice", False, "a", "a", ""),
            ],
            published=True,
            ip=IP,
        )
    assert set(refused.value.by_field()) == {
        "slug",
        "title_pt",
        "fields-0-name",
        "fields-1-kind",
        "fields-2-choices",
    }


def test_a_clients_own_messages_are_in_their_data_export(services: Services) -> None:
    from iclient_core.staff import personal_data
    from tests.unit.staff_helpers import new_client

    admin = staff_member(services)
    ana = new_client(services, admin, email="ana@example.pt")
    send(services, account_id=ana.id, email="ana@example.pt", name="Ana Silva")
    send(services, email="other@example.pt")  # someone else's: not in Ana's export
    update_submission(
        services=services,
        actor=admin,
        submission_id=send(services, account_id=ana.id),
        note="Internal only.",
        ip=IP,
    )
    data = personal_data.export_data(services=services, account_id=ana.id)
    messages = data["messages"]
    assert [m["form"] for m in messages] == ["contact", "contact"]
    assert messages[0]["values"]["subject"] == "Orçamento"
    assert "Internal only." not in str(messages)


def test_erasing_a_clients_data_removes_the_messages_they_sent_signed_in(
    services: Services,
) -> None:
    from iclient_core.accounts.privacy import confirm_deletion, request_deletion
    from tests.unit.helpers import PASSWORD, active_client

    admin = staff_member(services)
    ana = active_client(services)
    send(services, account_id=ana.id, email="ana@example.pt", name="Ana Silva")
    send(services, email="other@example.pt")
    request_deletion(services=services, account_id=ana.id, current_password=PASSWORD, ip=IP)
    assert list_submissions(services=services, actor=admin).total == 2
    confirm_deletion(services=services, actor=admin, client_id=ana.id, ip=IP)
    assert list_submissions(services=services, actor=admin).total == 1
