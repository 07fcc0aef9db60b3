"""A background thread that delivers the outbox and does the hourly housekeeping (due
erasures, overdue quotes, dead uploads), so one ``iclient serve`` process is enough."""

from __future__ import annotations

import logging
import threading

from iclient_adapters.compose import Portal
from iclient_core.accounts.privacy import erase_due
from iclient_core.documents.sweeper import sweep_documents
from iclient_core.notifications.delivery import deliver_outbox
from iclient_core.quotes.decisions import expire_overdue_quotes
from iclient_core.shared.errors import ServiceUnavailable
from iclient_web import metrics

logger = logging.getLogger("iclient.mail")


class OutboxWorker(threading.Thread):
    """Delivers due messages every ``interval`` seconds until :meth:`stop` is called."""

    def __init__(self, portal: Portal, *, interval: float = 2.0) -> None:
        super().__init__(name="iclient-outbox", daemon=True)
        self._portal = portal
        self._interval = interval
        self._stopping = threading.Event()

    def run(self) -> None:
        """Deliver, wait, repeat; a failing round is logged and retried next time.

        About once an hour it also does the housekeeping (see :meth:`housekeeping`), so that
        cron is optional.
        """
        rounds_per_hour = max(int(3600 / self._interval), 1)
        done = 0
        while not self._stopping.is_set():
            try:
                with metrics.job("deliver_mail"):
                    metrics.record_delivery(deliver_outbox(services=self._portal.services))
                if done % rounds_per_hour == 0:
                    with metrics.job("housekeeping"):
                        self.housekeeping()
            except ServiceUnavailable as error:  # an outage: one line a round, no traceback
                logger.warning("background round skipped: %s", error)
            except Exception:  # keep the worker alive whatever one round hits
                logger.exception("background round failed")
            done += 1
            self._stopping.wait(self._interval)

    def housekeeping(self) -> None:
        """The hourly chores: due account erasures, overdue quotes, dead uploads."""
        services = self._portal.services
        erase_due(services=services)
        expire_overdue_quotes(services=services)
        sweep_documents(services=services)

    def stop(self) -> None:
        """Ask the thread to finish after the current round."""
        self._stopping.set()
