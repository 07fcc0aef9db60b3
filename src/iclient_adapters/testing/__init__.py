"""Test support for iclient and for embedders who write adapters of their own.

:func:`make_services` is :func:`iclient_adapters.in_memory` with a frozen clock, a fixed
secret key and the example business, as iclient's own tests use it.

The contract suites: abstract test classes, one per port, to mix into a class that provides
the fixture named in brackets (see ``docs/adapters.md``). Every name a suite defines starts
with its subject, so one class may mix several suites; the persistence suites share the one
fixture ``uow_factory``, a callable giving a fresh unit of work over an empty store.

- ``accounts.AccountsContract`` [uow_factory]: accounts, e-mail keys, search, deletion.
- ``accounts.SessionsContract`` [uow_factory]: signed-in sessions.
- ``two_step.TwoStepContract`` [uow_factory]: authenticator apps, recovery codes, passkeys.
- ``notifications.OutboxContract`` [uow_factory]: the outbox, claims, leases, back-off.
- ``shared.AuditLogContract`` [uow_factory]: the append-only audit log.
- ``shared.SettingsContract`` [uow_factory]: the business settings.
- ``consent.ConsentContract`` [uow_factory]: kinds, versions, evidence records.
- ``documents.DocumentsContract`` [uow_factory]: documents, versions, downloads, lists.
- ``quotes.QuotesContract`` [uow_factory]: quotes, versions, decisions, lists.
- ``page_help.PageHelpContract`` [uow_factory]: the page help texts admins wrote.
- ``faq.FaqContract`` [uow_factory]: FAQ entries, their order and anchors.
- ``inbox.InboxContract`` [uow_factory]: public forms and their submissions, lists.
- ``preferences.NotificationPreferencesContract`` [uow_factory]: each account's
  notification choices and phone confirmation.
- ``bookings.BookingsContract`` [uow_factory]: services, staff hours, rules, bookings that
  never overlap.
- ``webhooks.WebhooksContract`` [uow_factory]: webhook endpoints, deliveries, attempts.
- ``support.SupportContract`` [uow_factory]: support requests, their messages, canned answers.
- ``integrations.ApiKeysContract`` [uow_factory]: API keys and the answers kept for
  idempotent requests.
- ``unit_of_work.UnitOfWorkContract`` [uow_factory]: commit and rollback over everything.
- ``storage.StorageContract`` [storage]: streamed, atomic file storage.
- ``mail.TransportContract`` [transport_harness]: mail transports, to the far end.
- ``mail.MailerContract`` [mailer_harness]: the ``Mailer`` port.
- ``sms.SmsGatewayContract`` [sms_harness]: SMS gateways, to the far end (``FakeTwilio``
  is a local HTTP server answering like Twilio's Messages API).
- ``ratelimit.RateLimiterContract`` [limiter]: moving-window rate limits.
- ``jobs.JobLedgerContract`` [job_ledgers]: background jobs claimed once per period, by one
  runner at a time, across processes.
- ``clock.ClockContract`` [clock]: the time, aware and in UTC.
- ``clock.IdGeneratorContract`` [ids]: unique, short, unguessable ids.
- ``passwords.PasswordHasherContract`` [hasher]: password hashes.
- ``tokens.TokenServiceContract`` [tokens]: signed, expiring, purpose-bound link tokens.
- ``strength.PasswordStrengthContract`` [strength]: weak password detection.
- ``contacts.ContactValidatorContract`` [contacts]: e-mail and phone normalisation.
- ``links.LinksContract`` [links]: the absolute links put in e-mails.

Beside them: ``backends.MemoryBackend`` (a ``uow_factory`` on the in-memory store),
``outages.DatabaseOutage`` (units of work that fail as a database outage does, on demand) and
``samples`` (``T0``, ``at()``, ``client()``, ``staff()``…). Needs pytest and hypothesis.
"""

from __future__ import annotations

import attrs
import pytest

from iclient_adapters.clock import FrozenClock
from iclient_adapters.compose import in_memory
from iclient_core.accounts.ports import PasswordHasher
from iclient_core.notifications.ports import Mailer, SmsSender
from iclient_core.services import Services
from iclient_core.settings import Settings
from iclient_core.shared.ports import Links
from iclient_core.shared.storage import FileStorage
from iclient_core.unit_of_work import UnitOfWorkFactory

# The suites' asserts get pytest's explanations, as in a test module; registered before any
# suite module is imported (this package is always imported first).
pytest.register_assert_rewrite(
    *(
        f"{__name__}.{module}"
        for module in (
            "accounts",
            "bookings",
            "clock",
            "consent",
            "contacts",
            "documents",
            "inbox",
            "integrations",
            "jobs",
            "links",
            "mail",
            "notifications",
            "page_help",
            "passwords",
            "preferences",
            "quotes",
            "ratelimit",
            "shared",
            "sms",
            "storage",
            "strength",
            "support",
            "tokens",
            "two_step",
            "unit_of_work",
            "webhooks",
        )
    )
)

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
    sms: SmsSender | None = None,
    hasher: PasswordHasher | None = None,
) -> Services:
    """``Services`` on in-memory adapters (or the given unit of work) and a frozen clock.

    Passwords are hashed with argon2id at the production parameters unless ``hasher`` is
    given (a test that is not about hashing may hand in a cheaper one).
    """
    services = in_memory(
        settings=settings or Settings(business_name="Oficina Exemplo", mail_domain="example.test"),
        clock=clock or FrozenClock(),
        links=links,
        mailer=mailer,
        storage=storage,
        sms=sms,
        secret_key=TEST_SECRET_KEY,
        base_url=TEST_BASE_URL,
        hasher=hasher,
    )
    return attrs.evolve(services, uow=uow) if uow is not None else services
