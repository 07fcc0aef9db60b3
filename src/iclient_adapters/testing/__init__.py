"""Test support for iclient and for embedders who write adapters of their own.

- :func:`make_services`: a complete ``Services`` on in-memory adapters and a frozen clock.
- the contract suites (``persistence``, ``mail``): abstract test classes to mix with a
  fixture that provides your adapter; see ``docs/adapters.md``.
"""

from __future__ import annotations

from iclient_adapters.clock import FrozenClock, UuidIds
from iclient_adapters.contacts import StandardContactValidator
from iclient_adapters.links import PortalLinks
from iclient_adapters.memory import MemoryMailer, MemoryStore
from iclient_adapters.passwords import PasslibHasher
from iclient_adapters.ratelimit import LimitsRateLimiter
from iclient_adapters.storage import memory_storage
from iclient_adapters.strength import ZxcvbnStrength
from iclient_adapters.tokens import ItsDangerousTokens
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
    return Services(
        uow=uow or MemoryStore().unit_of_work,
        clock=clock or FrozenClock(),
        ids=UuidIds(),
        hasher=PasslibHasher(),
        tokens=ItsDangerousTokens(TEST_SECRET_KEY),
        strength=ZxcvbnStrength(),
        limiter=LimitsRateLimiter("memory://"),
        contacts=StandardContactValidator(),
        links=links or PortalLinks(TEST_BASE_URL),
        storage=storage or memory_storage(),
        mailer=mailer or MemoryMailer(),
        settings=settings or Settings(business_name="Oficina Exemplo", mail_domain="example.test"),
    )
