"""Demo data for the quick start (part of the composition, not of the web layer, which never
opens a unit of work): one admin and one active client, with passwords printed, and one
bookable service with the admin's working hours, so that ``/pt/book`` has free times.

Only ``iclient serve --demo`` (refused in production) creates them: there are no default
accounts otherwise.
"""

from __future__ import annotations

import secrets

from iclient_core.accounts import tokens
from iclient_core.accounts.model import Role, email_key
from iclient_core.accounts.registration import activate_account, register_client
from iclient_core.accounts.tokens import Purpose
from iclient_core.bookings import ServiceInput, save_availability, save_service
from iclient_core.services import Services
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
    return created


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
