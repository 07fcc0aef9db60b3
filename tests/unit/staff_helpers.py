"""Steps the staff-area unit tests share: staff members, clients created by staff, audit."""

from __future__ import annotations

from iclient_core.accounts.model import Account, Role
from iclient_core.accounts.second_factor import Passkey
from iclient_core.notifications.model import Kind
from iclient_core.services import Services
from iclient_core.shared.audit import AuditEntry
from iclient_core.staff import clients
from iclient_core.staff import members as staff
from tests.unit.helpers import IP, PASSWORD, deliver, only, token_in


def staff_member(
    services: Services,
    *,
    role: Role = Role.ADMIN,
    email: str = "gestora@example.pt",
    first_name: str = "Gestora",
    last_name: str = "Exemplo",
) -> Account:
    """An active staff member, as `iclient create-staff` makes one (password ``PASSWORD``)."""
    return staff.create_staff(
        services=services,
        email=email,
        role=role,
        password=PASSWORD,
        first_name=first_name,
        last_name=last_name,
    )


def new_client(
    services: Services,
    actor: Account,
    *,
    email: str = "ana.silva@example.com",
    first_name: str = "Ana",
    last_name: str = "Silva",
    phone: str | None = "912 345 678",
) -> Account:
    """A client created by ``actor``; the outbox is emptied."""
    account = clients.create_client(
        services=services,
        actor=actor,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        language="pt",
        ip=IP,
    )
    deliver(services)
    return account


def invitation_token(services: Services, kind: Kind = Kind.INVITATION) -> str:
    """The token of the one invitation waiting in the outbox (which is emptied)."""
    return token_in(only(deliver(services), kind), path="auth/activate")


def audit_trail(services: Services, **filters: str) -> list[AuditEntry]:
    """Every audit entry matching ``filters``, oldest first."""
    with services.uow() as uow:
        return list(uow.audit.list(limit=10_000, **filters))  # type: ignore[arg-type]


def actions(services: Services, **filters: str) -> list[str]:
    """The actions of the audit trail, oldest first."""
    return [entry.action for entry in audit_trail(services, **filters)]


def with_passkey(services: Services, account: Account, name: str = "Telemóvel") -> Account:
    """Give ``account`` a passkey: from then on it signs in in two steps."""
    with services.uow() as uow:
        uow.two_step.add_passkey(
            Passkey(
                id=services.ids.new_id(),
                account_id=account.id,
                credential_id=services.ids.new_id(),
                public_key="pQECAyYgASFYIA",
                sign_count=0,
                name=name,
                created_at=services.clock.now(),
            )
        )
        uow.commit()
    return account
