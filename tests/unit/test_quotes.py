"""The quote use cases on in-memory adapters: requests, proposals, decisions, e-mails, lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import attrs
import pytest

from iclient_adapters.clock import FrozenClock
from iclient_adapters.mail import MemoryTransport, TemplateMailer
from iclient_adapters.testing.samples import client, staff
from iclient_core.accounts.model import Account, Role, Status
from iclient_core.notifications.delivery import deliver_outbox
from iclient_core.quotes.decisions import (
    accept_quote,
    decline_quote,
    expire_overdue_quotes,
    withdraw_quote,
)
from iclient_core.quotes.model import (
    Action,
    InvalidTransition,
    ProposalChanged,
    QuoteExpired,
    QuoteState,
    Side,
)
from iclient_core.quotes.proposals import (
    LineInput,
    ProposalInput,
    cancel_quote,
    revise_proposal,
    save_draft,
    send_proposal,
)
from iclient_core.quotes.queries import (
    get_client_quote,
    get_staff_quote,
    list_client_quotes,
    list_quote_queue,
)
from iclient_core.quotes.requests import (
    invite_requester,
    request_quote,
    request_quote_as_visitor,
    request_renewal,
)
from iclient_core.services import Services
from iclient_core.shared.errors import (
    ConcurrentUpdate,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
)
from iclient_core.unit_of_work import UnitOfWork

IP = "203.0.113.5"
TWO_LINES = ProposalInput(
    lines=(
        LineInput("Pintura da fachada", "120,5", "12,50", "2300"),
        LineInput("Manual de manutenção", "2", "19,99", "600"),
        LineInput("", "", "", "2300"),  # a blank row of the form
    ),
    valid_until="2026-02-04",
    message="Inclui andaimes.",
    language="pt",
)


class World:
    """Services on in-memory adapters, a mailbox, and the people of the story."""

    def __init__(self, services: Services, clock: FrozenClock) -> None:
        self.services = services
        self.clock = clock
        self.transport = MemoryTransport()
        self.mailer = TemplateMailer(self.transport, sender="Oficina <no-reply@example.test>")
        self.ana = self.add(self.active(client("ana@example.pt")))
        self.bea = self.add(self.active(client("bea@example.pt")))
        self.rui = self.add(staff("rui@example.pt"))
        self.eva = self.add(staff("eva@example.pt", role=Role.ADMIN))

    @staticmethod
    def active(account: Account) -> Account:
        account.activate(password_hash="$argon2id$x", now=datetime(2026, 1, 1, tzinfo=UTC))
        return account

    def add(self, account: Account) -> Account:
        with self.services.uow() as uow:
            uow.accounts.add(account)
            uow.commit()
        return account

    def mail(self) -> list[EmailMessage]:
        """Deliver the outbox (rendering every template) and return what was sent."""
        deliver_outbox(services=attrs.evolve(self.services, mailer=self.mailer))
        sent = list(self.transport.sent)
        self.transport.sent.clear()
        return sent

    def request(self, subject: str = "Pintura da fachada") -> str:
        quote = request_quote(
            services=self.services,
            account_id=self.ana.id,
            subject=subject,
            details="Fachada de 120 m².\r\nDuas demãos.",
            desired_date="2026-03-01",
            ip=IP,
        )
        return quote.id

    def sent(self, proposal: ProposalInput = TWO_LINES) -> str:
        quote_id = self.request()
        send_proposal(services=self.services, actor=self.rui, quote_id=quote_id, proposal=proposal)
        return quote_id


@pytest.fixture
def world(services: Services, clock: FrozenClock) -> World:
    return World(services, clock)


def _to(messages: list[EmailMessage], address: str) -> list[EmailMessage]:
    return [m for m in messages if address in str(m["To"])]


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


# ----------------------------------------------------------------------------- requests


def test_a_client_asks_for_a_quote_and_every_staff_member_is_told(world: World) -> None:
    quote_id = world.request()
    view = get_staff_quote(services=world.services, actor=world.rui, quote_id=quote_id)
    quote = view.quote
    assert quote.state is QuoteState.REQUESTED and view.waiting_for is Side.STAFF
    assert quote.details == "Fachada de 120 m².\nDuas demãos."
    assert quote.client_id == world.ana.id and view.client_name == "Ana Sousa"
    assert quote.events[0].action is Action.REQUEST and quote.events[0].actor.id == world.ana.id
    mail = world.mail()
    staff_mail = [m for m in mail if m["X-Iclient-Kind"] == "quote_requested"]
    assert sorted(str(m["To"]) for m in staff_mail) == [
        "Rui Lopes <eva@example.pt>",
        "Rui Lopes <rui@example.pt>",
    ]
    assert f"/admin/quotes/{quote_id}" in _text(staff_mail[0])
    (receipt,) = _to(mail, "ana@example.pt")
    assert receipt["X-Iclient-Kind"] == "quote_received"


def test_a_request_needs_a_subject_and_details_and_a_sensible_date(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        request_quote(
            services=world.services,
            account_id=world.ana.id,
            subject=" ",
            details="\x00",
            desired_date="2025-12-31",
            ip=IP,
        )
    assert refused.value.by_field() == {
        "subject": ["required"],
        "details": ["invalid_characters"],
        "desired_date": ["date_in_past"],
    }
    with pytest.raises(InvalidInput) as refused:
        request_quote(
            services=world.services,
            account_id=world.ana.id,
            subject="x" * 201,
            details="ok",
            desired_date="31/12/2026",
            ip=IP,
        )
    assert refused.value.by_field() == {"subject": ["too_long"], "desired_date": ["date_invalid"]}


def test_staff_cannot_ask_for_quotes_as_clients(world: World) -> None:
    with pytest.raises(PermissionDenied):
        request_quote(
            services=world.services,
            account_id=world.rui.id,
            subject="x",
            details="y",
            desired_date=None,
            ip=IP,
        )


def test_a_visitor_asks_through_the_public_form_and_must_agree_to_be_contacted(
    world: World,
) -> None:
    form = {
        "name": "Bruno Costa",
        "email": "Bruno@Example.PT",
        "phone": "912 000 111",
        "subject": "Telhado",
        "details": "Infiltrações.",
        "language": "en",
        "ip": IP,
    }
    with pytest.raises(InvalidInput) as refused:
        request_quote_as_visitor(services=world.services, contact_consent=False, **form)
    assert refused.value.by_field() == {"contact_consent": ["consent_required"]}
    request_quote_as_visitor(services=world.services, contact_consent=True, **form)
    (row,) = list_quote_queue(services=world.services, actor=world.rui).items
    assert row.is_visitor and row.client_name == "Bruno Costa"
    quote = get_staff_quote(services=world.services, actor=world.rui, quote_id=row.id).quote
    assert quote.visitor is not None
    assert quote.visitor.phone == "+351912000111"
    assert quote.visitor.contact_consent_at == world.clock.now()
    mail = world.mail()
    assert len(mail) == 3
    (receipt,) = _to(mail, "Bruno@example.pt")  # a receipt, repeating nothing typed in the form
    assert receipt["X-Iclient-Kind"] == "quote_received"


def test_the_public_form_is_rate_limited_per_ip(world: World) -> None:
    for _ in range(5):
        request_quote_as_visitor(
            services=world.services,
            name="Bruno",
            email="bruno@example.pt",
            phone="912000111",
            subject="s",
            details="d",
            contact_consent=True,
            language="pt",
            ip="198.51.100.1",
        )
    with pytest.raises(RateLimited):
        request_quote_as_visitor(
            services=world.services,
            name="Bruno",
            email="bruno@example.pt",
            phone="912000111",
            subject="s",
            details="d",
            contact_consent=True,
            language="pt",
            ip="198.51.100.1",
        )


def test_staff_turn_a_visitor_into_a_client_who_activates_and_sees_the_request(
    world: World,
) -> None:
    request_quote_as_visitor(
        services=world.services,
        name="Bruno Miguel Costa",
        email="bruno@example.pt",
        phone="912000111",
        subject="Telhado",
        details="Infiltrações.",
        contact_consent=True,
        language="en",
        ip=IP,
    )
    world.mail()
    (row,) = list_quote_queue(services=world.services, actor=world.rui).items
    invited = invite_requester(services=world.services, actor=world.rui, quote_id=row.id, ip=IP)
    assert invited.status is Status.PENDING_ACTIVATION and invited.role is Role.CLIENT
    assert (invited.profile.first_name, invited.profile.last_name) == ("Bruno", "Miguel Costa")
    assert invited.language == "en"
    (activation,) = world.mail()
    assert activation["X-Iclient-Kind"] == "activation" and "bruno@example.pt" in activation["To"]
    again = invite_requester(services=world.services, actor=world.rui, quote_id=row.id, ip=IP)
    assert again.id == invited.id and world.mail() == []  # once is enough
    quote = get_staff_quote(services=world.services, actor=world.rui, quote_id=row.id).quote
    assert quote.client_id == invited.id and quote.events[-1].action is Action.INVITE


def test_a_visitor_request_cannot_be_sent_before_the_invitation(world: World) -> None:
    request_quote_as_visitor(
        services=world.services,
        name="Bruno",
        email="bruno@example.pt",
        phone="912000111",
        subject="Telhado",
        details="d",
        contact_consent=True,
        language="pt",
        ip=IP,
    )
    (row,) = list_quote_queue(services=world.services, actor=world.rui).items
    with pytest.raises(InvalidInput) as refused:
        send_proposal(services=world.services, actor=world.rui, quote_id=row.id, proposal=TWO_LINES)
    assert refused.value.by_field() == {"client": ["quote_needs_client"]}


def test_inviting_a_visitor_who_typed_a_staff_address_is_refused(world: World) -> None:
    request_quote_as_visitor(
        services=world.services,
        name="Intruso",
        email="rui@example.pt",
        phone="912000111",
        subject="s",
        details="d",
        contact_consent=True,
        language="pt",
        ip=IP,
    )
    (row,) = list_quote_queue(services=world.services, actor=world.rui).items
    with pytest.raises(InvalidInput):
        invite_requester(services=world.services, actor=world.rui, quote_id=row.id, ip=IP)


# ----------------------------------------------------------------------------- proposals


def test_staff_send_a_proposal_the_version_is_frozen_and_the_client_is_emailed(
    world: World,
) -> None:
    quote_id = world.request()
    world.mail()
    draft = save_draft(
        services=world.services, actor=world.rui, quote_id=quote_id, proposal=TWO_LINES
    )
    assert draft.state is QuoteState.DRAFT
    assert (
        get_client_quote(
            services=world.services, actor=world.ana, quote_id=quote_id
        ).quote.proposals
        == []
    )  # drafts stay with staff
    assert world.mail() == []
    quote = send_proposal(
        services=world.services,
        actor=world.rui,
        quote_id=quote_id,
        proposal=TWO_LINES,
        expected_version=draft.version,
    )
    (version,) = quote.proposals
    assert version.is_frozen and version.content_hash and quote.hash_is_intact(version)
    assert [line.description for line in version.content.lines] == [
        "Pintura da fachada",
        "Manual de manutenção",
    ]
    assert version.totals.total.cents == 150625 + 3998 + 34644 + 240
    (message,) = world.mail()
    assert message["X-Iclient-Kind"] == "quote_sent" and "ana@example.pt" in message["To"]
    text = _text(message)
    assert "1.895,07\u00a0€" in text and "04/02/2026" in text and f"/quotes/{quote_id}" in text


@pytest.mark.parametrize(
    ("row", "field", "code"),
    [
        (LineInput("x", "-1", "10", "2300"), "lines-0-quantity", "number_negative"),
        (LineInput("x", "1e309", "10", "2300"), "lines-0-quantity", "number_invalid"),
        (LineInput("x", "NaN", "10", "2300"), "lines-0-quantity", "number_invalid"),
        (LineInput("x", "0", "10", "2300"), "lines-0-quantity", "quantity_must_be_positive"),
        (LineInput("x", "1", "inf", "2300"), "lines-0-unit_price", "number_invalid"),
        (LineInput("x", "1", "12,555", "2300"), "lines-0-unit_price", "amount_too_many_decimals"),
        (LineInput("x", "1", "-3", "2300"), "lines-0-unit_price", "number_negative"),
        (LineInput("x", "1", "10", "2200"), "lines-0-vat_rate", "vat_rate_invalid"),
        (LineInput("x", "1", "10", "23.0"), "lines-0-vat_rate", "vat_rate_invalid"),
        (LineInput("", "1", "10", "2300"), "lines-0-description", "required"),
        (LineInput("x", "", "10", "2300"), "lines-0-quantity", "required"),
        (
            LineInput("x", "1000000", "999999999", "2300"),
            "lines-0-unit_price",
            "line_too_large",
        ),
    ],
)
def test_bad_numbers_in_a_proposal_are_named_field_by_field(
    world: World, row: LineInput, field: str, code: str
) -> None:
    quote_id = world.request()
    with pytest.raises(InvalidInput) as refused:
        save_draft(
            services=world.services,
            actor=world.rui,
            quote_id=quote_id,
            proposal=ProposalInput(lines=(row,), language="pt"),
        )
    assert refused.value.by_field() == {field: [code]}


def test_discounts_are_checked_and_applied_before_vat(world: World) -> None:
    quote_id = world.request()

    def draft(kind: str, value: str) -> None:
        save_draft(
            services=world.services,
            actor=world.rui,
            quote_id=quote_id,
            proposal=ProposalInput(
                lines=TWO_LINES.lines, discount_kind=kind, discount_value=value, language="pt"
            ),
        )

    for kind, value, code in (
        ("", "10", "required"),
        ("percent", "0", "percent_out_of_range"),
        ("percent", "101", "percent_out_of_range"),
        ("amount", "2000", "discount_too_large"),
        ("amount", "0", "amount_must_be_positive"),
        ("bribe", "1", "invalid_choice"),
    ):
        with pytest.raises(InvalidInput) as refused:
            draft(kind, value)
        field = "discount_kind" if code in {"required", "invalid_choice"} else "discount_value"
        assert refused.value.by_field() == {field: [code]}, (kind, value)
    draft("amount", "100,00")
    quote = get_staff_quote(services=world.services, actor=world.rui, quote_id=quote_id).quote
    assert quote.current_proposal is not None
    totals = quote.current_proposal.totals
    assert totals.discount.cents == 10000
    assert totals.taxable.cents == totals.subtotal.cents - 10000


def test_sending_needs_lines_and_a_validity_date_in_the_future(world: World) -> None:
    quote_id = world.request()
    with pytest.raises(InvalidInput) as refused:
        send_proposal(
            services=world.services,
            actor=world.rui,
            quote_id=quote_id,
            proposal=ProposalInput(lines=(), valid_until="", language="pt"),
        )
    assert refused.value.by_field() == {"lines": ["lines_required"], "valid_until": ["required"]}
    with pytest.raises(InvalidInput) as refused:
        send_proposal(
            services=world.services,
            actor=world.rui,
            quote_id=quote_id,
            proposal=ProposalInput(lines=TWO_LINES.lines, valid_until="2026-01-04"),
        )
    assert refused.value.by_field() == {"valid_until": ["date_in_past"]}


def test_clients_cannot_compose_proposals(world: World) -> None:
    quote_id = world.request()
    with pytest.raises(PermissionDenied):
        save_draft(services=world.services, actor=world.ana, quote_id=quote_id, proposal=TWO_LINES)


def test_a_stale_staff_form_is_refused(world: World) -> None:
    quote_id = world.request()
    save_draft(services=world.services, actor=world.rui, quote_id=quote_id, proposal=TWO_LINES)
    with pytest.raises(ConcurrentUpdate):
        save_draft(
            services=world.services,
            actor=world.eva,
            quote_id=quote_id,
            proposal=TWO_LINES,
            expected_version=0,
        )


def test_a_revision_is_a_new_version_and_the_old_one_stays_readable(world: World) -> None:
    quote_id = world.sent()
    world.mail()
    revise_proposal(services=world.services, actor=world.rui, quote_id=quote_id)
    (notice,) = world.mail()
    assert notice["X-Iclient-Kind"] == "quote_update" and "a rever a proposta" in _text(notice)
    view = get_client_quote(services=world.services, actor=world.ana, quote_id=quote_id)
    assert view.state is QuoteState.DRAFT and [p.number for p in view.quote.proposals] == [1]
    with pytest.raises(InvalidTransition):  # cannot accept while staff revise
        accept_quote(
            services=world.services,
            account_id=world.ana.id,
            quote_id=quote_id,
            proposal_number=1,
            ip=IP,
        )
    cheaper = ProposalInput(
        lines=(LineInput("Pintura da fachada", "120,5", "11", "2300"),),
        valid_until="2026-02-04",
        language="pt",
    )
    send_proposal(services=world.services, actor=world.rui, quote_id=quote_id, proposal=cheaper)
    view = get_client_quote(services=world.services, actor=world.ana, quote_id=quote_id)
    first, second = view.quote.proposals
    assert first.totals.total != second.totals.total and view.quote.sent_proposal == second
    assert "revisto" in world.mail()[0]["Subject"]
    with pytest.raises(ProposalChanged):
        accept_quote(
            services=world.services,
            account_id=world.ana.id,
            quote_id=quote_id,
            proposal_number="1",
            ip=IP,
        )


def test_staff_cancel_before_a_decision_and_the_client_is_told(world: World) -> None:
    quote_id = world.sent()
    world.mail()
    cancel_quote(services=world.services, actor=world.rui, quote_id=quote_id, reason="Sem agenda.")
    (notice,) = world.mail()
    assert "cancel" in notice["Subject"] and "Sem agenda." in _text(notice)
    with pytest.raises(InvalidTransition):
        cancel_quote(services=world.services, actor=world.rui, quote_id=quote_id)


# ----------------------------------------------------------------------------- decisions


def test_the_client_accepts_and_both_sides_are_told(world: World) -> None:
    quote_id = world.sent()
    world.mail()
    world.clock.advance(timedelta(hours=2))
    quote = accept_quote(
        services=world.services,
        account_id=world.ana.id,
        quote_id=quote_id,
        proposal_number="1",
        ip=IP,
    )
    decision = quote.decision
    assert decision is not None and quote.state is QuoteState.ACCEPTED
    assert (decision.account_id, decision.ip, decision.at) == (world.ana.id, IP, world.clock.now())
    assert decision.content_hash == quote.proposals[0].content_hash
    mail = world.mail()
    (receipt,) = _to(mail, "ana@example.pt")
    assert receipt["X-Iclient-Kind"] == "quote_accepted"
    assert decision.content_hash in _text(receipt) and "05/01/2026 11:00" in _text(receipt)
    assert {m["X-Iclient-Kind"] for m in _to(mail, "rui@example.pt")} == {"quote_answered"}
    with pytest.raises(InvalidTransition) as again:
        accept_quote(
            services=world.services,
            account_id=world.ana.id,
            quote_id=quote_id,
            proposal_number="1",
            ip=IP,
        )
    assert again.value.state is QuoteState.ACCEPTED


def test_the_client_declines_with_a_reason(world: World) -> None:
    quote_id = world.sent()
    world.mail()
    quote = decline_quote(
        services=world.services,
        account_id=world.ana.id,
        quote_id=quote_id,
        proposal_number=1,
        reason="Demasiado caro.",
        ip=IP,
    )
    assert quote.state is QuoteState.DECLINED
    assert quote.decision is not None and quote.decision.reason == "Demasiado caro."
    staff_mail = _to(world.mail(), "rui@example.pt")
    assert "Demasiado caro." in _text(staff_mail[0])


def test_the_client_withdraws_a_request(world: World) -> None:
    quote_id = world.request()
    quote = withdraw_quote(
        services=world.services, account_id=world.ana.id, quote_id=quote_id, ip=IP
    )
    assert quote.state is QuoteState.WITHDRAWN


def test_another_client_can_neither_see_nor_decide_the_quote(world: World) -> None:
    quote_id = world.sent()
    with pytest.raises(NotFound):
        get_client_quote(services=world.services, actor=world.bea, quote_id=quote_id)
    for attempt in (accept_quote, decline_quote):
        with pytest.raises(NotFound):
            attempt(  # type: ignore[operator]
                services=world.services,
                account_id=world.bea.id,
                quote_id=quote_id,
                proposal_number=1,
                ip=IP,
                **({"reason": ""} if attempt is decline_quote else {}),
            )
    with pytest.raises(NotFound):
        withdraw_quote(services=world.services, account_id=world.bea.id, quote_id=quote_id, ip=IP)
    assert list_client_quotes(services=world.services, actor=world.bea).total == 0


def test_only_an_active_client_reads_their_quotes_as_signed_in_and_without_a_statement(
    world: World,
) -> None:
    quote_id = world.sent()
    disabled = attrs.evolve(world.ana)
    disabled.disable()
    begun = 0
    uow = world.services.uow

    def counting() -> UnitOfWork:
        nonlocal begun
        begun += 1
        return uow()

    services = attrs.evolve(world.services, uow=counting)
    for actor in (world.rui, world.eva, disabled):
        with pytest.raises(PermissionDenied):
            list_client_quotes(services=services, actor=actor)
        with pytest.raises(PermissionDenied):
            get_client_quote(services=services, actor=actor, quote_id=quote_id)
    assert begun == 0  # refused on the account read for this request
    assert list_client_quotes(services=services, actor=world.ana).total == 1
    assert begun == 1  # the page of quotes, nothing more


def test_an_expired_quote_cannot_be_accepted_and_the_client_can_ask_for_a_renewal(
    world: World,
) -> None:
    quote_id = world.sent()
    world.mail()
    world.clock.advance(timedelta(days=31))  # valid until 4 February; now 5 February
    with pytest.raises(QuoteExpired):
        accept_quote(
            services=world.services,
            account_id=world.ana.id,
            quote_id=quote_id,
            proposal_number=1,
            ip=IP,
        )
    view = get_client_quote(services=world.services, actor=world.ana, quote_id=quote_id)
    assert view.state is QuoteState.EXPIRED and view.quote.state is QuoteState.SENT
    request_renewal(services=world.services, account_id=world.ana.id, quote_id=quote_id, ip=IP)
    quote = get_staff_quote(services=world.services, actor=world.rui, quote_id=quote_id).quote
    assert quote.state is QuoteState.REQUESTED
    assert {m["X-Iclient-Kind"] for m in world.mail()} == {"quote_requested"}


def test_the_expiry_sweep_marks_overdue_quotes_and_tells_their_clients(world: World) -> None:
    quote_id = world.sent()
    world.mail()
    assert expire_overdue_quotes(services=world.services) == 0
    world.clock.advance(timedelta(days=31))
    assert expire_overdue_quotes(services=world.services) == 1
    assert expire_overdue_quotes(services=world.services) == 0
    quote = get_staff_quote(services=world.services, actor=world.rui, quote_id=quote_id).quote
    assert quote.state is QuoteState.EXPIRED
    (notice,) = world.mail()
    assert "expir" in notice["Subject"] and "04/02/2026" in _text(notice)


# ----------------------------------------------------------------------------- lists


def test_lists_filter_by_state_and_by_whose_move_it_is(world: World) -> None:
    waiting_for_staff = world.request("Pedido novo")
    waiting_for_client = world.sent()

    def ids(**filters: str) -> list[str]:
        page = list_client_quotes(services=world.services, actor=world.ana, **filters)
        return [row.id for row in page.items]

    assert set(ids()) == {waiting_for_staff, waiting_for_client}
    assert ids(state="sent") == [waiting_for_client]
    assert ids(waiting="staff") == [waiting_for_staff]
    assert ids(waiting="client") == [waiting_for_client]
    assert ids(state="sent", waiting="staff") == []
    assert set(ids(state="nonsense")) == {waiting_for_staff, waiting_for_client}
    queue = list_quote_queue(services=world.services, actor=world.rui, waiting="staff")
    assert [row.id for row in queue.items] == [waiting_for_staff]
    with pytest.raises(PermissionDenied):
        list_quote_queue(services=world.services, actor=world.ana)


def test_lists_are_paginated(world: World) -> None:
    for i in range(5):
        world.clock.advance(timedelta(minutes=1))
        world.request(f"Pedido {i}")
    first = list_client_quotes(services=world.services, actor=world.ana, per_page=2)
    last = list_client_quotes(services=world.services, actor=world.ana, per_page=2, page="3")
    assert (first.total, first.pages, first.has_next, first.has_previous) == (5, 3, True, False)
    assert [row.subject for row in first.items] == ["Pedido 4", "Pedido 3"]
    assert [row.subject for row in last.items] == ["Pedido 0"] and not last.has_next
    odd = list_client_quotes(services=world.services, actor=world.ana, page="-1")
    assert odd.number == 1


def test_the_vat_rates_an_admin_stored_are_the_ones_offered(world: World) -> None:
    from iclient_core.quotes.queries import vat_rates_for_proposals
    from iclient_core.staff.settings import save_settings

    assert vat_rates_for_proposals(services=world.services, actor=world.rui) == (
        2300,
        1300,
        600,
        0,
    )
    save_settings(
        services=world.services,
        actor=world.eva,
        business_name="",
        contact_email="",
        contact_phone="",
        default_language="",
        vat_rates="23; 5,5; 0",
        upload_limit_mb="100",
    )
    assert vat_rates_for_proposals(services=world.services, actor=world.rui) == (2300, 550, 0)
    quote_id = world.request()
    with pytest.raises(InvalidInput) as refused:
        save_draft(
            services=world.services,
            actor=world.rui,
            quote_id=quote_id,
            proposal=ProposalInput(lines=(LineInput("x", "1", "10", "1300"),)),
        )
    assert refused.value.by_field() == {"lines-0-vat_rate": ["vat_rate_invalid"]}
    quote = save_draft(
        services=world.services,
        actor=world.rui,
        quote_id=quote_id,
        proposal=ProposalInput(lines=(LineInput("Livro", "1", "10", "550"),)),
    )
    assert quote.current_proposal is not None
    assert quote.current_proposal.totals.vat.cents == 55  # 5,5 % of 10,00


def test_staff_see_how_many_quotes_wait_for_them_and_are_about_to_expire(world: World) -> None:
    from iclient_core.quotes.queries import count_quotes

    world.request("Novo")
    soon = ProposalInput(lines=TWO_LINES.lines, valid_until="2026-01-09", language="pt")
    world.sent(soon)
    world.sent()  # valid until 4 February
    assert count_quotes(services=world.services, actor=world.rui, waiting="staff") == 1
    assert count_quotes(services=world.services, actor=world.rui, expiring=True) == 1
    world.clock.advance(timedelta(days=5))  # 10 January: the first one expired
    assert count_quotes(services=world.services, actor=world.rui, expiring=True) == 0
    with pytest.raises(PermissionDenied):
        count_quotes(services=world.services, actor=world.ana, waiting="staff")
