"""The housekeeping jobs: due account erasures, overdue quotes, dead uploads, booking and
quote reminders, old webhook deliveries, the API's old idempotent answers, and the daily
check of every stored file.

Each is a job of its own (:class:`~iclient_core.jobs.model.Job`), so that one failing
skips none of the others. The background worker runs them hourly (the file check daily);
new periodic work (such as reminders) is one more job in :func:`housekeeping`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from iclient_core.accounts.privacy import erase_due
from iclient_core.bookings.booking import send_reminders
from iclient_core.documents.scrub import scrub_documents
from iclient_core.documents.sweeper import sweep_documents
from iclient_core.integrations.idempotency import forget_old_responses
from iclient_core.jobs.model import Job
from iclient_core.quotes.decisions import expire_overdue_quotes
from iclient_core.quotes.reminders import remind_expiring_quotes
from iclient_core.shared.text import counted
from iclient_core.webhooks.delivery import prune_log

if TYPE_CHECKING:
    from iclient_core.services import Services

HOURLY = timedelta(hours=1)
"""The housekeeping's default period."""

DAILY = timedelta(days=1)
"""How often every stored file is read again."""

ERASE_DUE = "accounts.erase-due"
EXPIRE_QUOTES = "quotes.expire-overdue"
SWEEP_DOCUMENTS = "documents.sweep"
SCRUB_DOCUMENTS = "documents.scrub"
REMIND_QUOTES = "quotes.remind-expiring"


def _remind_quotes(services: Services) -> str:
    return f"{counted(remind_expiring_quotes(services=services), 'client')} reminded"


BOOKING_REMINDERS = "bookings.remind"
PRUNE_WEBHOOKS = "webhooks.prune"
FORGET_API_ANSWERS = "api.forget-old-answers"


def _erase_due(services: Services) -> str:
    return f"{counted(erase_due(services=services), 'account')} erased"


def _expire_quotes(services: Services) -> str:
    return f"{counted(expire_overdue_quotes(services=services), 'quote')} expired"


def _booking_reminders(services: Services) -> str:
    return f"{counted(send_reminders(services=services), 'reminder')} queued"


def _prune_webhooks(services: Services) -> str:
    removed = prune_log(services=services)
    return f"{counted(removed, 'old webhook delivery', 'old webhook deliveries')} removed"


def sweep_summary(services: Services, grace: timedelta | None = None) -> str:
    """Sweep the documents (:func:`sweep_documents`) and word what it removed."""
    report = (
        sweep_documents(services=services)
        if grace is None
        else sweep_documents(services=services, grace=grace)
    )
    return (
        f"removed {counted(report.stale_documents, 'dead upload')}, "
        f"{counted(report.stale_files, 'dead replacement')}, "
        f"{counted(report.orphan_objects, 'orphan file')}, "
        f"{counted(report.incomplete_writes, 'unfinished write')}"
    )


def scrub_summary(services: Services, recheck_after: timedelta | None = None) -> str:
    """Re-hash the stored document files (:func:`scrub_documents`) and word what it found."""
    report = (
        scrub_documents(services=services)
        if recheck_after is None
        else scrub_documents(services=services, recheck_after=recheck_after)
    )
    return (
        f"checked {counted(report.checked, 'file')} ({report.bytes_read} bytes), skipped "
        f"{report.skipped} checked recently, {report.damaged} missing or damaged"
    )


def _forget_api_answers(services: Services) -> str:
    return f"{counted(forget_old_responses(services=services), 'kept API answer')} forgotten"


def housekeeping(*, every: timedelta = HOURLY, scrub_every: timedelta = DAILY) -> tuple[Job, ...]:
    """The housekeeping jobs, each every ``every`` but the file check.

    - ``accounts.erase-due``: erase the accounts whose deletion request is due;
    - ``quotes.expire-overdue``: expire sent quotes past their validity date, tell clients;
    - ``documents.sweep``: remove dead uploads, orphan stored files, unfinished writes;
    - ``quotes.remind-expiring``: daily, remind clients of sent quotes about to expire (on
      the channels they chose);
    - ``bookings.remind``: e-mail the day-before reminder of every booking starting within
      a day that has none yet;
    - ``documents.scrub``: every ``scrub_every``, re-hash the stored files and record the
      missing or damaged ones (with downloads handed to the web server, this is what checks
      the bytes);
    - ``webhooks.prune``: remove the webhook deliveries finished more than 30 days ago.
    - ``api.forget-old-answers``: drop the answers kept for the API's idempotent requests
      once they are older than a day.
    """
    return (
        Job(ERASE_DUE, every, _erase_due),
        Job(EXPIRE_QUOTES, every, _expire_quotes),
        Job(SWEEP_DOCUMENTS, every, sweep_summary),
        Job(BOOKING_REMINDERS, every, _booking_reminders),
        Job(SCRUB_DOCUMENTS, scrub_every, scrub_summary),
        # Daily: each quote is reminded on the one day its validity is three days away.
        Job(REMIND_QUOTES, DAILY, _remind_quotes),
        Job(PRUNE_WEBHOOKS, every, _prune_webhooks),
        Job(FORGET_API_ANSWERS, every, _forget_api_answers),
    )
