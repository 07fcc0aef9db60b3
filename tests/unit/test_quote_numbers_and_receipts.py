"""Quote numbers people can quote (``ORC 2026/0007``) and the receipt of a quote request."""

from __future__ import annotations

import pytest

from iclient_adapters.clock import FrozenClock
from iclient_core.quotes.decisions import accept_quote
from iclient_core.quotes.proposals import revise_proposal, send_proposal
from iclient_core.quotes.queries import get_client_quote, list_quote_queue
from iclient_core.quotes.requests import request_quote_as_visitor
from iclient_core.services import Services
from iclient_core.shared.errors import InvalidInput
from iclient_core.staff.settings import save_settings
from tests.unit.helpers import IP
from tests.unit.test_quotes import TWO_LINES, World, _text, _to


@pytest.fixture
def world(services: Services, clock: FrozenClock) -> World:
    return World(services, clock)


def _visitor(world: World, address: str = "bruno@example.pt", language: str = "en") -> None:
    request_quote_as_visitor(
        services=world.services,
        name="Bruno Costa",
        email=address,
        phone="912 000 111",
        subject="Telhado — ver http://spam.example",
        details="Infiltrações.",
        contact_consent=True,
        language=language,
        ip=IP,
    )


def _settings(world: World, **changes: str) -> None:
    fields = {
        "business_name": "",
        "contact_email": "",
        "contact_phone": "",
        "default_language": "",
        "vat_rates": "23, 13, 6, 0",
        "upload_limit_mb": "100",
        **changes,
    }
    save_settings(services=world.services, actor=world.eva, **fields)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------- numbers


def test_requests_made_in_the_same_minute_get_their_own_numbers(world: World) -> None:
    first, second = world.request("Pintura"), world.request("Telhado")
    _visitor(world)
    rows = list_quote_queue(services=world.services, actor=world.rui).items
    by_id = {row.id: row.reference for row in rows}
    assert by_id[first] == "ORC 2026/0001" and by_id[second] == "ORC 2026/0002"
    assert sorted(by_id.values()) == ["ORC 2026/0001", "ORC 2026/0002", "ORC 2026/0003"]


def test_the_number_prefix_is_chosen_in_the_business_settings(world: World) -> None:
    world.request()
    _settings(world, quote_prefix="PRJ")
    quote_id = world.request()
    quote = get_client_quote(services=world.services, actor=world.ana, quote_id=quote_id)
    assert quote.quote.reference == "PRJ 2026/0002"
    assert quote.quote.number.file_stem == "PRJ-2026-0002"
    for bad in ("OR C", "ORC/", "ORÇ", "X" * 13):
        with pytest.raises(InvalidInput) as refused:
            _settings(world, quote_prefix=bad)
        assert refused.value.by_field() == {"quote_prefix": ["quote_prefix_invalid"]}


def test_every_quote_email_names_the_number_in_its_subject_and_body(world: World) -> None:
    quote_id = world.sent()
    revise_proposal(services=world.services, actor=world.rui, quote_id=quote_id)
    send_proposal(services=world.services, actor=world.rui, quote_id=quote_id, proposal=TWO_LINES)
    accept_quote(
        services=world.services,
        account_id=world.ana.id,
        quote_id=quote_id,
        proposal_number="2",
        ip=IP,
    )
    mail = world.mail()
    kinds = {m["X-Iclient-Kind"] for m in mail}
    assert kinds >= {"quote_requested", "quote_received", "quote_sent", "quote_update"}
    assert kinds >= {"quote_accepted", "quote_answered"}
    for message in mail:
        assert "ORC 2026/0001" in str(message["Subject"]), message["Subject"]
        assert "ORC 2026/0001" in _text(message)


# ------------------------------------------------------------------------------- receipts


def test_a_client_who_asks_for_a_quote_gets_a_receipt_in_their_language(world: World) -> None:
    world.request("Pintura da fachada")
    (receipt,) = _to(world.mail(), "ana@example.pt")
    assert receipt["X-Iclient-Kind"] == "quote_received"
    assert str(receipt["Subject"]) == "Recebemos o seu pedido de orçamento ORC 2026/0001"
    body = _text(receipt)
    assert "Pintura da fachada" in body and "O que acontece a seguir" in body
    assert "/pt/quotes/" in body


def test_a_visitor_gets_a_receipt_that_repeats_nothing_they_typed(world: World) -> None:
    _visitor(world, language="en")
    (receipt,) = _to(world.mail(), "bruno@example.pt")
    assert str(receipt["Subject"]) == "We received your quote request ORC 2026/0001"
    body = _text(receipt)
    assert "What happens next" in body and "ORC 2026/0001" in body
    for typed in ("Bruno", "Telhado", "spam.example", "Infiltrações"):
        assert typed not in body and typed not in str(receipt["To"])


def test_one_address_gets_few_receipts_however_many_requests_name_it(world: World) -> None:
    for _ in range(5):
        world.services.limiter.clear(f"quote-request:ip:{IP}", amount=5, per=_hour())
        _visitor(world, address="stranger@example.pt")
    assert len(list_quote_queue(services=world.services, actor=world.rui).items) == 5
    assert len(_to(world.mail(), "stranger@example.pt")) == 3


def _hour():  # type: ignore[no-untyped-def]
    from datetime import timedelta

    return timedelta(hours=1)
