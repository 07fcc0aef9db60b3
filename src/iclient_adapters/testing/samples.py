"""Sample data the contract suites (and iclient's own tests) build on: a fixed time and people.

Builders for one domain's aggregates live beside that domain's suite (``document()`` in
:mod:`iclient_adapters.testing.documents`, ``requested()`` in
:mod:`iclient_adapters.testing.quotes`…); what every domain needs is here.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from iclient_core.accounts.model import Account, EmailAddress, Profile, Role

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
"""The fixed time the suites start at."""


def at(minutes: float) -> datetime:
    """``T0`` plus ``minutes``."""
    return T0 + timedelta(minutes=minutes)


def new_id() -> str:
    """A fresh 32-character id."""
    return uuid.uuid4().hex


def client(address: str = "ana@example.pt", *, now: datetime = T0) -> Account:
    """A client who registered at ``now`` and still has to activate."""
    return Account.register_client(
        id=new_id(),
        email=EmailAddress.from_normalised(address),
        profile=Profile(first_name="Ana", last_name="Sousa", phone="+351912345678"),
        language="pt",
        now=now,
    )


def staff(address: str, *, role: Role = Role.STAFF, now: datetime = T0) -> Account:
    """An active staff member (or admin) created at ``now``."""
    return Account.create_staff(
        id=new_id(),
        email=EmailAddress.from_normalised(address),
        profile=Profile(first_name="Rui", last_name="Lopes", phone=""),
        role=role,
        language="en",
        password_hash="$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
        now=now,
    )
