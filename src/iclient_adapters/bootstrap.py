"""The composition root: the one place that knows which adapters exist.

``build(config)`` turns a :class:`~iclient_adapters.config.Config` into a :class:`Portal`
(the core's ``Services`` plus the mailer). Embedders who bring adapters of their own build
``iclient_core.services.Services`` directly instead (see ``docs/embedding.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import attrs

from iclient_adapters.clock import SystemClock, UuidIds
from iclient_adapters.config import Config
from iclient_adapters.contacts import StandardContactValidator
from iclient_adapters.links import PortalLinks
from iclient_adapters.memory import MemoryStore
from iclient_adapters.passwords import PasslibHasher
from iclient_adapters.ratelimit import LimitsRateLimiter
from iclient_adapters.storage import build_storage
from iclient_adapters.strength import ZxcvbnStrength
from iclient_adapters.tokens import ItsDangerousTokens
from iclient_core.accounts.passwords import PasswordPolicy
from iclient_core.services import Services
from iclient_core.settings import Settings
from iclient_core.shared.ports import Clock
from iclient_core.shared.storage import FileStorage
from iclient_core.unit_of_work import UnitOfWorkFactory


@attrs.define
class Portal:
    """A built core: the configuration, the use cases' ``Services``, and how to release
    resources (connection pools)."""

    config: Config
    services: Services
    closers: list[Callable[[], None]] = attrs.Factory(list)

    def close(self) -> None:
        """Release connection pools and the like."""
        for close in reversed(self.closers):
            close()


def build_persistence(database_url: str) -> tuple[UnitOfWorkFactory, Callable[[], None]]:
    """A unit-of-work factory for ``database_url`` and a function that closes it.

    ``memory://`` gives the in-memory store; anything else is a SQLAlchemy URL.
    """
    if database_url.startswith("memory:"):
        return MemoryStore().unit_of_work, lambda: None
    from iclient_adapters.sql import SqlDatabase

    database = SqlDatabase.from_url(database_url)
    return database.unit_of_work, database.dispose


def settings_from(config: Config) -> Settings:
    """The core's settings from the configuration."""
    host = config.base_url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return Settings(
        business_name=config.business_name,
        contact_email=config.contact_email,
        mail_domain=host or "iclient.invalid",
        password_policy=PasswordPolicy(min_length=config.password_min_length),
        session_idle=timedelta(minutes=config.session_idle_minutes),
        session_absolute=timedelta(hours=config.session_absolute_hours),
    )


def build(
    config: Config, *, clock: Clock | None = None, storage: FileStorage | None = None
) -> Portal:
    """Build every adapter named by ``config`` and wire the core's services.

    Args:
        clock: the time (the system clock by default).
        storage: the file storage (built from ``config.storage_url`` by default).
    """
    from iclient_adapters.mail import build_mailer

    uow, close_db = build_persistence(config.database_url)
    mailer = build_mailer(
        config.mail_url, sender=config.mail_from, instance_path=config.instance_path
    )
    services = Services(
        uow=uow,
        clock=clock or SystemClock(),
        ids=UuidIds(),
        hasher=PasslibHasher(),
        tokens=ItsDangerousTokens(config.secret_key, fallback_keys=config.secret_key_fallbacks),
        strength=ZxcvbnStrength(),
        limiter=LimitsRateLimiter(config.ratelimit_url),
        contacts=StandardContactValidator(),
        links=PortalLinks(config.base_url),
        storage=storage or build_storage(config.storage_url),
        mailer=mailer,
        settings=settings_from(config),
    )
    return Portal(config=config, services=services, closers=[close_db])
