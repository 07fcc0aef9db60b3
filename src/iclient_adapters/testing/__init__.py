"""Test support for iclient and for embedders who write adapters of their own.

- :func:`make_services`: :func:`iclient_adapters.in_memory` with a frozen clock, a fixed
  secret key and the example business, as iclient's own tests use it.
- the contract suites, one module per port or domain: abstract test classes to mix with a
  fixture that provides your adapter; see ``docs/adapters.md``.
"""

from __future__ import annotations

import attrs

from iclient_adapters.clock import FrozenClock
from iclient_adapters.compose import in_memory
from iclient_core.notifications.ports import Mailer
from iclient_core.services import Services
from iclient_core.settings import Settings
from iclient_core.shared.ports import Links
from iclient_core.shared.storage import FileStorage
from iclient_core.unit_of_work import UnitOfWorkFactory

TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-for-256-bits"
TEST_BASE_URL = "https://portal.example.test"


def make_services(
    *,
    uow: UnitOfWorkFactory | None = None,
    clock: FrozenClock | None = None,
    settings: Settings | None = None,
    storage: FileStorage | None = None,
    mailer: Mailer | None = None,
    links: Links | None = None,
) -> Services:
    """``Services`` on in-memory adapters (or the given unit of work) and a frozen clock."""
    services = in_memory(
        settings=settings or Settings(business_name="Oficina Exemplo", mail_domain="example.test"),
        clock=clock or FrozenClock(),
        links=links,
        mailer=mailer,
        storage=storage,
        secret_key=TEST_SECRET_KEY,
        base_url=TEST_BASE_URL,
    )
    return attrs.evolve(services, uow=uow) if uow is not None else services
