"""A client's whole life in the portal, through the real use cases: what the client timeline
and the personal-data export must both show (and another client's, which they must not)."""

from __future__ import annotations

from datetime import timedelta

import attrs

from iclient_adapters.clock import FrozenClock
from iclient_core.accounts import privacy, profile
from iclient_core.accounts.model import Account, Role
from iclient_core.consent import use_cases as consent
from iclient_core.documents.download import download_my_document
from iclient_core.documents.model import Document
from iclient_core.documents.publishing import upload_document
from iclient_core.notifications.model import Kind
from iclient_core.quotes.decisions import accept_quote
from iclient_core.quotes.model import Quote
from iclient_core.quotes.proposals import LineInput, ProposalInput, send_proposal
from iclient_core.quotes.requests import request_quote
from iclient_core.services import Services
from iclient_core.shared.intake import Upload
from iclient_core.staff.members import create_staff
from tests.unit.helpers import (
    IP,
    PASSWORD,
    USER_AGENT,
    active_client,
    deliver,
    only,
    sign_in,
    token_in,
)

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"%%EOF\n"
NEW_PASSWORD = "outra frase comprida sobre gaivotas e azulejos"
PROPOSAL = ProposalInput(
    lines=(LineInput("Pintura da fachada", "120,5", "12,50", "2300"),),
    valid_until="2026-02-04",
    message="Inclui andaimes.",
    language="pt",
)


@attrs.define
class Story:
    """What one client did and had done for them."""

    client: Account
    quote: Quote
    document: Document
    staff: Account


def later(services: Services, minutes: int = 1) -> None:
    assert isinstance(services.clock, FrozenClock)
    services.clock.advance(timedelta(minutes=minutes))


def staff_member(services: Services) -> Account:
    return create_staff(
        services=services,
        email="rui@oficina.pt",
        role=Role.STAFF,
        password=PASSWORD,
        first_name="Rui",
        last_name="Lopes",
    )


def live(services: Services, staff: Account, *, email: str, first_name: str, subject: str) -> Story:
    """Sign-up, activation, consents, password and e-mail changes, a quote request with a
    file, a proposal and its acceptance, a document published and opened, a deletion request."""
    consent.ensure_defaults(services=services)
    client = active_client(services, email=email, first_name=first_name)
    later(services)
    consent.accept(
        services=services,
        account_id=client.id,
        accepted={"terms", "privacy"},
        ip=IP,
        user_agent=USER_AGENT,
    )
    sign_in(services, email)
    later(services)
    profile.change_password(
        services=services,
        account_id=client.id,
        session_id=None,
        current_password=PASSWORD,
        password=NEW_PASSWORD,
        password_confirm=NEW_PASSWORD,
        ip=IP,
    )
    deliver(services)
    later(services)
    new_email = "novo." + email
    profile.request_email_change(
        services=services,
        account_id=client.id,
        current_password=NEW_PASSWORD,
        email=new_email,
        ip=IP,
    )
    token = token_in(only(deliver(services), Kind.EMAIL_CHANGE_CONFIRM), path="account/email")
    profile.confirm_email_change(services=services, token=token, ip=IP)
    deliver(services)
    later(services)
    sign_in(services, new_email, NEW_PASSWORD)
    later(services)
    quote = request_quote(
        services=services,
        account_id=client.id,
        subject=subject,
        details="Fachada de 120 m².",
        desired_date="2026-03-01",
        ip=IP,
        attachment=Upload(filename="planta.pdf", stream=iter([PDF])),
    )
    later(services)
    send_proposal(services=services, actor=staff, quote_id=quote.id, proposal=PROPOSAL)
    later(services)
    quote = accept_quote(
        services=services, account_id=client.id, quote_id=quote.id, proposal_number="1", ip=IP
    )
    later(services)
    document = upload_document(
        services=services,
        actor=staff,
        client_id=client.id,
        file=Upload(filename="fatura.pdf", stream=iter([PDF])),
        ip=IP,
        title=f"Fatura de {first_name}",
        category="invoice",
    )
    later(services)
    with download_my_document(
        services=services, actor=client, document_id=document.id, ip=IP
    ) as sent:
        b"".join(sent)
    later(services)
    privacy.request_deletion(
        services=services, account_id=client.id, current_password=NEW_PASSWORD, ip=IP
    )
    deliver(services)
    return Story(client=client, quote=quote, document=document, staff=staff)
