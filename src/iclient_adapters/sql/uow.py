"""The SQL unit of work and ``SqlDatabase``, the handle the composition root keeps."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

import cattrs
import sqlalchemy as sa

from iclient_adapters.sql.accounts import SqlAccountRepository, SqlSessionRepository
from iclient_adapters.sql.bookings import SqlBookingRepository
from iclient_adapters.sql.connection import LazyConnection
from iclient_adapters.sql.consent import SqlConsentRepository
from iclient_adapters.sql.converters import make_converter
from iclient_adapters.sql.documents import SqlDocumentRepository
from iclient_adapters.sql.engine import make_engine
from iclient_adapters.sql.faq import SqlFaqRepository
from iclient_adapters.sql.faults import connection_lost, is_connection_error, no_connection
from iclient_adapters.sql.guards import is_unique_violation
from iclient_adapters.sql.help import SqlPageHelpRepository
from iclient_adapters.sql.inbox import SqlInboxRepository
from iclient_adapters.sql.integrations import SqlApiKeyRepository
from iclient_adapters.sql.jobs import SqlJobLedger
from iclient_adapters.sql.notifications import SqlOutboxRepository
from iclient_adapters.sql.preferences import SqlNotificationPreferencesRepository
from iclient_adapters.sql.quotes import SqlQuoteRepository
from iclient_adapters.sql.shared import SqlAuditLog, SqlSettingsRepository
from iclient_adapters.sql.support import SqlSupportRepository
from iclient_adapters.sql.two_step import SqlTwoStepRepository
from iclient_adapters.sql.webhooks import SqlWebhookRepository
from iclient_core.accounts.ports import (
    AccountRepository,
    NoSessionCache,
    SessionCache,
    SessionRepository,
    TwoStepRepository,
)
from iclient_core.bookings.ports import BookingRepository
from iclient_core.consent.ports import ConsentRepository
from iclient_core.documents.ports import DocumentRepository
from iclient_core.help.faq_ports import FaqRepository
from iclient_core.help.page_ports import PageHelpRepository
from iclient_core.inbox.ports import InboxRepository
from iclient_core.integrations.ports import ApiKeyRepository
from iclient_core.notifications.ports import OutboxRepository
from iclient_core.notifications.preferences import NotificationPreferencesRepository
from iclient_core.quotes.ports import QuoteRepository
from iclient_core.shared.audit import AuditLog
from iclient_core.shared.business import SettingsRepository
from iclient_core.shared.errors import AlreadyExists
from iclient_core.support.ports import SupportRepository
from iclient_core.webhooks.ports import WebhookRepository

if TYPE_CHECKING:
    from iclient_adapters.sql.session_cache import ListeningSessionCache


class SqlUnitOfWork:
    """One database transaction over every repository: ``with uow: ...; uow.commit()``.

    A connection is taken from the pool at ``__enter__`` and given back at ``__exit__``,
    after rolling back whatever was not committed. Reads run without a transaction; the
    first write begins one (see :mod:`iclient_adapters.sql.connection`). After ``commit()``
    the same block may go on; the next write begins a new transaction.

    A database that cannot be reached, or a connection that breaks inside the block, leaves
    it as ``ServiceUnavailable`` (see :mod:`iclient_adapters.sql.faults`); the broken
    connection is discarded, never given back to the pool.
    """

    # Typed as the ports: a Protocol's attributes are invariant.
    accounts: AccountRepository
    sessions: SessionRepository
    two_step: TwoStepRepository
    outbox: OutboxRepository
    audit: AuditLog
    quotes: QuoteRepository
    consent: ConsentRepository
    documents: DocumentRepository
    settings: SettingsRepository
    page_help: PageHelpRepository
    faq: FaqRepository
    inbox: InboxRepository
    notification_preferences: NotificationPreferencesRepository
    bookings: BookingRepository
    webhooks: WebhookRepository
    support: SupportRepository
    api_keys: ApiKeyRepository

    def __init__(self, engine: sa.Engine, converter: cattrs.Converter) -> None:
        self._engine = engine
        self._converter = converter
        self._connection: LazyConnection | None = None

    def __enter__(self) -> SqlUnitOfWork:
        if self._connection is not None:
            raise RuntimeError("this unit of work is already in use")
        try:
            connection = LazyConnection(self._engine.connect())
        except Exception as error:
            if is_connection_error(error):
                raise no_connection(error) from error
            raise
        self._connection = connection
        converter = self._converter
        self.accounts = SqlAccountRepository(connection, converter)
        self.sessions = SqlSessionRepository(connection, converter)
        self.two_step = SqlTwoStepRepository(connection, converter)
        self.outbox = SqlOutboxRepository(connection, converter)
        self.audit = SqlAuditLog(connection, converter)
        self.quotes = SqlQuoteRepository(connection, converter)
        self.consent = SqlConsentRepository(connection, converter)
        self.documents = SqlDocumentRepository(connection, converter)
        self.settings = SqlSettingsRepository(connection, converter)
        self.page_help = SqlPageHelpRepository(connection, converter)
        self.faq = SqlFaqRepository(connection, converter)
        self.inbox = SqlInboxRepository(connection, converter)
        self.notification_preferences = SqlNotificationPreferencesRepository(connection, converter)
        self.bookings = SqlBookingRepository(connection, converter)
        self.webhooks = SqlWebhookRepository(connection, converter)
        self.support = SqlSupportRepository(connection, converter)
        self.api_keys = SqlApiKeyRepository(connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.rollback()
            except Exception as error:
                if exc is None:  # the block went well: the failed rollback is the news
                    lost = connection_lost(error)
                    if lost is not None:
                        raise lost from error
                    raise
                # else the block's own error says more, and goes on below
            finally:
                connection.release()
        lost = connection_lost(exc) if exc is not None else None
        if lost is not None:
            raise lost from exc

    @property
    def connection(self) -> LazyConnection:
        """The connection of the open block (for adapters that share the transaction)."""
        if self._connection is None:
            raise RuntimeError("use the unit of work in a `with` block")
        return self._connection

    def commit(self) -> None:
        """Make every change since ``__enter__`` (or the last commit) durable.

        Raises:
            AlreadyExists: a unique constraint (an e-mail address) was hit.
            ServiceUnavailable: the connection broke; whether the commit happened is unknown.
        """
        try:
            self.connection.commit()
        except sa.exc.IntegrityError as error:
            if is_unique_violation(error):
                raise AlreadyExists("unique constraint") from error
            raise
        except sa.exc.DBAPIError as error:
            lost = connection_lost(error)
            if lost is not None:
                raise lost from error
            raise

    def rollback(self) -> None:
        """Discard every change since the last commit."""
        self.connection.rollback()


class SqlDatabase:
    """A SQLite or PostgreSQL database: the unit-of-work factory and the migrations.

    Build one with :meth:`from_url`; nothing connects until it is used. Call
    :meth:`dispose` to close the pooled connections.

    Attributes:
        engine: the SQLAlchemy engine.
    """

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._converter = make_converter()
        self._caches: list[ListeningSessionCache] = []

    @classmethod
    def from_url(cls, url: str | sa.URL, **engine_options: Any) -> SqlDatabase:
        """A database for ``sqlite:///path`` or ``postgresql+psycopg://user@host/name``.

        Args:
            url: the SQLAlchemy URL.
            **engine_options: passed on to :func:`sqlalchemy.create_engine`.
        """
        return cls(make_engine(url, **engine_options))

    def unit_of_work(self) -> SqlUnitOfWork:
        """A new unit of work (use as the core's ``UnitOfWorkFactory``)."""
        return SqlUnitOfWork(self.engine, self._converter)

    def session_cache(self, max_age: float) -> SessionCache:
        """The cache of signed-in sessions for this process: on PostgreSQL, kept right by
        the database's change notices (:mod:`iclient_adapters.sql.session_cache`) for at most
        ``max_age`` seconds; none on SQLite or with ``max_age`` 0."""
        if self.engine.dialect.name != "postgresql" or max_age <= 0:
            return NoSessionCache()
        from iclient_adapters.sql.session_cache import ListeningSessionCache, listener

        cache = ListeningSessionCache(listener(self.engine), max_age=max_age)
        self._caches.append(cache)
        return cache

    def job_ledger(self) -> SqlJobLedger:
        """The background jobs' ledger on this database (see :mod:`iclient_adapters.sql.jobs`)."""
        return SqlJobLedger(self.engine)

    def upgrade(self, revision: str = "head") -> None:
        """Apply the shipped Alembic migrations up to ``revision`` (the newest by default)."""
        from iclient_adapters.sql import migrate  # Alembic loads when a migration runs

        migrate.upgrade(self.engine, revision)

    def check(self) -> None:
        """Check that the migrated schema matches the tables the code expects.

        Raises:
            alembic.util.exc.AutogenerateDiffsDetected: they differ.
            alembic.util.exc.CommandError: the database is not at the newest revision.
        """
        from iclient_adapters.sql import migrate

        migrate.check(self.engine)

    def dispose(self) -> None:
        """Close every pooled connection, and stop the session caches' listening."""
        for cache in self._caches:
            cache.close()
        self.engine.dispose()
