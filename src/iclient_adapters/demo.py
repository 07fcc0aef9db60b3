"""Demo data for the quick start (part of the composition, not of the web layer, which never
opens a unit of work): one admin and one active client, with passwords printed, and one
bookable service with the admin's working hours, so that ``/pt/book`` has free times. The
client finds an invoice and a contract in their documents and a quote waiting for their
answer, as a client of a running business would.

Only ``iclient serve --demo`` (refused in production) creates them: there are no default
accounts otherwise.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from iclient_core.accounts import tokens
from iclient_core.accounts.model import Account, Role, email_key
from iclient_core.accounts.registration import activate_account, register_client
from iclient_core.accounts.tokens import Purpose
from iclient_core.bookings import ServiceInput, save_availability, save_service
from iclient_core.documents.publishing import upload_document
from iclient_core.help.faq import slug
from iclient_core.quotes.proposals import LineInput, ProposalInput, send_proposal
from iclient_core.quotes.requests import request_quote
from iclient_core.services import Services
from iclient_core.shared.intake import Upload
from iclient_core.staff.members import create_staff

WORDS = (
    "laranja",
    "farol",
    "cavaco",
    "sardinha",
    "azulejo",
    "ribeira",
    "castelo",
    "bacalhau",
    "eléctrico",
    "fado",
    "miradouro",
    "pastel",
    "varina",
    "gaivota",
    "tasca",
    "calçada",
)


def passphrase() -> str:
    """A random five-word passphrase (easy to type, hard to guess)."""
    return "-".join(secrets.choice(WORDS) for _ in range(5))


def seed(services: Services) -> list[tuple[str, str, str]]:
    """Create the demo accounts if missing; returns (role, e-mail, password) of new ones."""
    created: list[tuple[str, str, str]] = []
    with services.uow() as uow:
        has_admin = uow.accounts.get_by_email_key(email_key("admin@example.com")) is not None
        has_client = uow.accounts.get_by_email_key(email_key("ana.silva@example.com")) is not None
    if not has_admin:
        password = passphrase()
        create_staff(
            services=services,
            email="admin@example.com",
            role=Role.ADMIN,
            password=password,
            first_name="Admin",
            last_name="Demo",
        )
        created.append(("admin", "admin@example.com", password))
        _bookable_service(services)
    if not has_client:
        register_client(
            services=services,
            first_name="Ana",
            last_name="Silva",
            phone="+351 912 345 678",
            email="ana.silva@example.com",
            language="pt",
            ip="127.0.0.1",
        )
        with services.uow() as uow:
            account = uow.accounts.get_by_email_key(email_key("ana.silva@example.com"))
        assert account is not None
        password = passphrase()
        activate_account(
            services=services,
            token=tokens.issue(services, account, Purpose.ACTIVATION),
            password=password,
            password_confirm=password,
            ip="127.0.0.1",
        )
        created.append(("client", "ana.silva@example.com", password))
        _client_area(services, account)
    return created


def _client_area(services: Services, client: Account) -> None:
    """An invoice and a contract in the client's documents, and a quote the client asked for
    that the business answered (it waits for the client to accept or decline it)."""
    with services.uow() as uow:
        admin = uow.accounts.get_by_email_key(email_key("admin@example.com"))
    if admin is None:
        return
    today = services.clock.now().date()
    for title, category, amount, due in (
        ("Fatura FT 2026/1", "invoice", "184,50", today + timedelta(days=30)),
        ("Contrato de manutenção", "contract", None, None),
    ):
        upload_document(
            services=services,
            actor=admin,
            client_id=client.id,
            file=Upload(filename=f"{slug(title)}.pdf", stream=iter([_pdf(title)])),
            title=title,
            category=category,
            issue_date=today.isoformat(),
            amount=amount,
            due_date=due.isoformat() if due else None,
            notify=False,
        )
    quote = request_quote(
        services=services,
        account_id=client.id,
        subject="Manutenção anual do ar condicionado",
        details="Dois aparelhos, na sala e no escritório.",
        desired_date=None,
        ip="127.0.0.1",
    )
    send_proposal(
        services=services,
        actor=admin,
        quote_id=quote.id,
        proposal=ProposalInput(
            lines=(
                LineInput("Limpeza e verificação de um aparelho", "2", "45,00", "2300"),
                LineInput("Deslocação", "1", "15,00", "2300"),
            ),
            valid_until=(today + timedelta(days=30)).isoformat(),
            message="Podemos passar na próxima semana.",
        ),
    )


def _pdf(text: str) -> bytes:
    """A one-page PDF that says ``text`` (ASCII only), small but complete: viewers open it."""
    line = text.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 72 760 Td (" + line + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size " + str(len(objects) + 1).encode() + b" /Root 1 0 R >>\n"
    out += b"startxref\n" + str(xref).encode() + b"\n%%EOF\n"
    return bytes(out)


DEMO_HOURS = "\n".join(f"{day} 09:00-13:00\n{day} 14:00-18:00" for day in range(1, 6))
"""Monday to Friday, 9 to 1 and 2 to 6 (the text form of the hours page)."""


def _bookable_service(services: Services) -> None:
    """A 30-minute consultation with the demo admin, Monday to Friday."""
    with services.uow() as uow:
        admin = uow.accounts.get_by_email_key(email_key("admin@example.com"))
    assert admin is not None
    save_availability(
        services=services, actor=admin, staff_id=admin.id, weekly=DEMO_HOURS, exceptions=""
    )
    save_service(
        services=services,
        actor=admin,
        data=ServiceInput(
            name_pt="Consulta",
            name_en="Consultation",
            description="Meia hora para conhecer o seu caso e dizer-lhe o que podemos fazer.",
            duration_minutes="30",
            price="",
            buffer_minutes="10",
            audience="everyone",
            staff_ids=[admin.id],
        ),
    )
