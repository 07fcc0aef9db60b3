"""The unit of work: one transaction over every repository of every domain."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol

from iclient_core.accounts.ports import AccountRepository, SessionRepository, TwoStepRepository
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
from iclient_core.support.ports import SupportRepository
from iclient_core.webhooks.ports import WebhookRepository


class UnitOfWork(Protocol):
    """One transaction over every repository: ``with uow: ...; uow.commit()``.

    Leaving the block without ``commit()`` rolls everything back.
    """

    @property
    def accounts(self) -> AccountRepository:
        """The accounts of this transaction."""

    @property
    def sessions(self) -> SessionRepository:
        """The signed-in sessions of this transaction."""

    @property
    def two_step(self) -> TwoStepRepository:
        """The authenticator apps, recovery codes and passkeys of this transaction."""

    @property
    def outbox(self) -> OutboxRepository:
        """The outbox of this transaction."""

    @property
    def audit(self) -> AuditLog:
        """The audit log of this transaction."""

    @property
    def quotes(self) -> QuoteRepository:
        """The quotes of this transaction."""

    @property
    def settings(self) -> SettingsRepository:
        """The business settings an admin edits, of this transaction."""

    @property
    def consent(self) -> ConsentRepository:
        """Consent kinds, versions and evidence records of this transaction."""

    @property
    def documents(self) -> DocumentRepository:
        """The clients' documents, their versions and download log, of this transaction."""

    @property
    def page_help(self) -> PageHelpRepository:
        """The help texts admins wrote for the portal's pages, of this transaction."""

    @property
    def faq(self) -> FaqRepository:
        """The FAQ entries of this transaction."""

    @property
    def inbox(self) -> InboxRepository:
        """The public forms and their submissions, of this transaction."""

    @property
    def notification_preferences(self) -> NotificationPreferencesRepository:
        """Each account's notification choices and phone confirmation, of this transaction."""

    @property
    def bookings(self) -> BookingRepository:
        """The bookable services, staff hours and bookings, of this transaction."""

    @property
    def webhooks(self) -> WebhookRepository:
        """The webhook endpoints, their deliveries and attempts, of this transaction."""

    @property
    def support(self) -> SupportRepository:
        """The support requests, their messages and canned answers, of this transaction."""

    @property
    def api_keys(self) -> ApiKeyRepository:
        """The API keys and the answers kept for idempotent requests, of this transaction."""

    def __enter__(self) -> UnitOfWork:
        """Begin the transaction."""

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed and release the connection."""

    def commit(self) -> None:
        """Make every change since ``__enter__`` durable, all or nothing.

        Raises:
            AlreadyExists: a unique constraint (an e-mail address) was hit.
            ConcurrentUpdate: the row changed under us.
        """

    def rollback(self) -> None:
        """Discard every change since the last commit."""


UnitOfWorkFactory = Callable[[], UnitOfWork]
"""Makes a fresh unit of work per use-case call."""
