"""The composition root: the one place that knows which adapters exist.

Two calls build a working core:

- :func:`in_memory` gives ``Services`` on in-memory adapters: no database, no mail server,
  no files on disk (tests, demos, trying the library out).
- :func:`from_config` builds every adapter a :class:`~iclient_adapters.config.Config` names
  (SQLite or PostgreSQL, local folder or S3, SMTP…) and returns a :class:`Portal`, the
  ``Services`` plus what must be closed at the end.

Embedders who bring adapters of their own build ``iclient_core.services.Services`` directly;
nothing here is needed then (see ``docs/embedding.md``).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING

import attrs

from iclient_adapters.clock import SystemClock, UuidIds
from iclient_adapters.config import Config
from iclient_adapters.contacts import StandardContactValidator
from iclient_adapters.links import PortalLinks
from iclient_adapters.passwords import PasslibHasher
from iclient_adapters.ratelimit import LimitsRateLimiter
from iclient_adapters.storage import build_storage, memory_storage
from iclient_adapters.strength import ZxcvbnStrength
from iclient_adapters.tokens import ItsDangerousTokens
from iclient_adapters.two_step import PyotpCodes, WebAuthnPasskeys
from iclient_adapters.webhooks import HttpWebhookSender
from iclient_core.accounts.passwords import PasswordPolicy
from iclient_core.accounts.ports import (
    NoSessionCache,
    PasswordHasher,
    SessionCache,
    SessionLookUp,
)
from iclient_core.notifications.ports import Mailer, SmsSender
from iclient_core.services import Services
from iclient_core.settings import Settings
from iclient_core.shared.ports import Clock, Links
from iclient_core.shared.storage import FileStorage
from iclient_core.unit_of_work import UnitOfWork, UnitOfWorkFactory
from iclient_core.webhooks.ports import WebhookSender

if TYPE_CHECKING:
    # The in-memory adapters (tests, demos) and the jobs' types load when they are used:
    # a portal on a SQL database starts without them.
    from iclient_adapters.sql import SqlDatabase
    from iclient_core.jobs.model import JobRun
    from iclient_core.jobs.ports import JobClaim, JobLedger

DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def in_memory(
    *,
    settings: Settings | None = None,
    clock: Clock | None = None,
    links: Links | None = None,
    mailer: Mailer | None = None,
    storage: FileStorage | None = None,
    secret_key: str | None = None,
    base_url: str = DEFAULT_BASE_URL,
    sms: SmsSender | None = None,
    hasher: PasswordHasher | None = None,
) -> Services:
    """``Services`` on in-memory adapters, ready for every use case.

    Persistence is a transactional :class:`~iclient_adapters.memory.MemoryStore`, e-mail
    goes to a :class:`~iclient_adapters.memory.MemoryMailer` (``services.mailer.sent``),
    files to a private ``memory://`` storage. Passwords are hashed with argon2id and links
    signed for real, as in production.

    Args:
        settings: the core's rules (defaults otherwise).
        clock: the time (the system clock by default; tests hand in a ``FrozenClock``).
        links: the links put in e-mails (the bundled portal's, under ``base_url``, by default).
        mailer: where delivered e-mail goes (a new ``MemoryMailer`` by default).
        storage: where files go (a new private in-memory storage by default).
        secret_key: signs the e-mailed links (a random one by default).
        base_url: where the bundled portal's pages are, for the default ``links``.
        sms: where delivered SMS go (a new ``MemorySms`` by default).
        hasher: the password hasher (argon2id at the production parameters by default).
    """
    from iclient_adapters.memory import MemoryMailer, MemorySms, MemoryStore

    return Services(
        uow=MemoryStore().unit_of_work,
        clock=clock or SystemClock(),
        ids=UuidIds(),
        hasher=hasher or PasslibHasher(),
        tokens=ItsDangerousTokens(secret_key or secrets.token_urlsafe(48)),
        strength=ZxcvbnStrength(),
        limiter=LimitsRateLimiter("memory://"),
        one_time_codes=PyotpCodes(),
        passkeys=WebAuthnPasskeys(),
        contacts=StandardContactValidator(),
        links=links or PortalLinks(base_url),
        storage=storage or memory_storage(),
        mailer=mailer or MemoryMailer(),
        settings=settings or Settings(),
        sms=sms or MemorySms(),
    )


def _memory_job_ledger() -> JobLedger:
    from iclient_adapters.memory import MemoryJobLedger

    return MemoryJobLedger()


@attrs.define
class Portal:
    """A core built from a configuration: its ``Services``, the configuration, the
    background jobs' ledger, the webhook sender, and what must be released at the end
    (connection pools). Use it as a context manager, or call :meth:`close`."""

    config: Config
    services: Services
    closers: list[Callable[[], None]] = attrs.Factory(list)
    jobs: JobLedger = attrs.Factory(_memory_job_ledger)
    webhooks: WebhookSender = attrs.Factory(HttpWebhookSender)

    def close(self) -> None:
        """Release connection pools and the like."""
        for close in reversed(self.closers):
            close()

    def __enter__(self) -> Portal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def build_persistence(
    database_url: str, *, session_cache_seconds: float = 0
) -> tuple[UnitOfWorkFactory, JobLedger, SessionCache, Callable[[], None]]:
    """A unit-of-work factory, a job ledger and the session cache for ``database_url``, and
    a function that closes them.

    ``memory://`` gives the in-memory store (and ledger, and no session cache); anything
    else is a SQLAlchemy URL (with a session cache on PostgreSQL when
    ``session_cache_seconds`` is more than 0).
    """
    if database_url.startswith("memory:"):
        from iclient_adapters.memory import MemoryJobLedger, MemoryStore

        return MemoryStore().unit_of_work, MemoryJobLedger(), NoSessionCache(), lambda: None
    database = DeferredDatabase(database_url)
    cache = DeferredSessionCache(database, session_cache_seconds)
    return database.unit_of_work, DeferredJobLedger(database), cache, database.dispose


class DeferredDatabase:
    """A SQL database built at its first use: SQLAlchemy and the driver load then, so that a
    process (a web worker, the command line) starts without them."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._database: SqlDatabase | None = None
        self._lock = threading.Lock()

    def database(self) -> SqlDatabase:
        """The database, built the first time it is asked for."""
        if self._database is None:
            with self._lock:
                if self._database is None:
                    from iclient_adapters.sql import SqlDatabase

                    self._database = SqlDatabase.from_url(self._url)
        return self._database

    def unit_of_work(self) -> UnitOfWork:
        """A new unit of work (the ``UnitOfWorkFactory``)."""
        return self.database().unit_of_work()

    def dispose(self) -> None:
        """Close the pooled connections, if the database was ever used."""
        if self._database is not None:
            self._database.dispose()


class DeferredSessionCache:
    """The session cache of a :class:`DeferredDatabase`, built at its first use."""

    def __init__(self, database: DeferredDatabase, max_age: float) -> None:
        self._database = database
        self._max_age = max_age
        self._cache: SessionCache | None = None
        self._lock = threading.Lock()

    def _built(self) -> SessionCache:
        if self._cache is None:
            with self._lock:  # one cache (and one listening connection) per process
                if self._cache is None:
                    self._cache = self._database.database().session_cache(self._max_age)
        return self._cache

    def recall(self, session_id: str) -> SessionLookUp | None:
        """See ``SessionCache.recall``."""
        return self._built().recall(session_id)

    def ticket(self) -> object | None:
        """See ``SessionCache.ticket``."""
        return self._built().ticket()

    def keep(self, session_id: str, found: SessionLookUp, ticket: object | None) -> None:
        """See ``SessionCache.keep``."""
        self._built().keep(session_id, found, ticket)

    def forget(self, session_id: str) -> None:
        """See ``SessionCache.forget``."""
        self._built().forget(session_id)


@attrs.frozen
class DeferredJobLedger:
    """The SQL job ledger of a :class:`DeferredDatabase`, built at its first use."""

    database: DeferredDatabase

    def claim(self, job: str, *, now: datetime, every: timedelta, runner: str) -> JobClaim | None:
        """See ``JobLedger.claim``."""
        return self.database.database().job_ledger().claim(job, now=now, every=every, runner=runner)

    def runs(self, job: str, *, limit: int = 20) -> list[JobRun]:
        """See ``JobLedger.runs``."""
        return self.database.database().job_ledger().runs(job, limit=limit)


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
        webhooks_allow_http=not config.production,
        webhooks_allow_private=config.webhooks_allow_private,
        support_reopen_days=config.support_reopen_days,
    )


def webhook_sender(config: Config) -> HttpWebhookSender:
    """The webhook sender the configuration allows: ``https`` only in production, private
    addresses only with ``ICLIENT_WEBHOOKS_ALLOW_PRIVATE``."""
    return HttpWebhookSender(
        allow_http=not config.production, allow_private=config.webhooks_allow_private
    )


def from_config(
    config: Config | None = None, *, clock: Clock | None = None, storage: FileStorage | None = None
) -> Portal:
    """Build every adapter ``config`` names and wire the core's services.

    Args:
        config: the configuration (read from the ``ICLIENT_*`` environment when omitted).
        clock: the time (the system clock by default).
        storage: the file storage (built from ``config.storage_url`` by default).
    """
    from iclient_adapters.mail import build_mailer
    from iclient_adapters.sms import build_sms

    config = config or Config.from_env()
    uow, jobs, session_cache, close_db = build_persistence(
        config.database_url, session_cache_seconds=config.session_cache_seconds
    )
    services = Services(
        uow=uow,
        clock=clock or SystemClock(),
        ids=UuidIds(),
        hasher=PasslibHasher(),
        tokens=ItsDangerousTokens(config.secret_key, fallback_keys=config.secret_key_fallbacks),
        strength=ZxcvbnStrength(),
        limiter=LimitsRateLimiter(config.ratelimit_url),
        one_time_codes=PyotpCodes(),
        passkeys=WebAuthnPasskeys(),
        contacts=StandardContactValidator(),
        links=PortalLinks(config.base_url),
        storage=storage or build_storage(config.storage_url),
        mailer=build_mailer(
            config.mail_url, sender=config.mail_from, instance_path=config.instance_path
        ),
        settings=settings_from(config),
        sms=build_sms(config.sms_url, instance_path=config.instance_path),
        session_cache=session_cache,
    )
    return Portal(
        config=config,
        services=services,
        closers=[close_db],
        jobs=jobs,
        webhooks=webhook_sender(config),
    )
