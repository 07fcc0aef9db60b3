"""The background worker: queued e-mail and webhooks every few seconds, the housekeeping
jobs when due.

It runs in a process of its own: ``iclient worker``, or the one ``iclient serve`` starts
beside its web workers. Run as many as you like, on as many hosts: the outbox hands each
message to one deliverer (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), and each housekeeping
job runs once per period through the job ledger, whichever worker claims it first.

Each piece of work is isolated: a failed mail round or a failed job is logged and counted
(:attr:`BackgroundWorker.failures`) and the others go on. ``SIGTERM`` or ``SIGINT`` ends the
worker after the work in hand (a second Ctrl-C ends it at once).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from types import FrameType

from iclient_adapters.compose import Portal
from iclient_core.jobs.housekeeping import housekeeping
from iclient_core.jobs.model import Job, JobRun, Outcome
from iclient_core.jobs.scheduling import run_due_jobs
from iclient_core.notifications.delivery import deliver_outbox
from iclient_core.shared.errors import ServiceUnavailable
from iclient_core.shared.text import counted
from iclient_core.webhooks.delivery import deliver_webhooks
from iclient_web import metrics

logger = logging.getLogger("iclient.worker")

MAIL_EVERY = 2.0
"""Seconds between looks at the outbox."""

MAIL_BATCH = 50
"""Messages claimed per delivery round; full rounds follow each other without a pause."""

MAX_MAIL_PAUSE = 60.0
"""The longest pause (in seconds) between mail rounds while they keep failing."""

MAX_CHECK_EVERY = 30.0
"""The longest pause (in seconds) between looks for due jobs."""


def runner_name() -> str:
    """``host:pid``: who ran a job, as the job ledger records it."""
    return f"{socket.gethostname()}:{os.getpid()}"


class BackgroundWorker:
    """Delivers the outbox every ``mail_every`` seconds and runs the due jobs, until stopped.

    Args:
        portal: the built core (its services and its job ledger).
        jobs: the periodic jobs (the hourly housekeeping by default).
        mail_every: seconds between looks at the outbox.
        check_every: seconds between looks for due jobs (by default a tenth of the shortest
            period, at most ``MAX_CHECK_EVERY``).
        runner: the name recorded with each run (``host:pid`` by default).
        parent: a process id: the worker stops when that process is gone (``iclient serve``
            starts its worker so).
    """

    def __init__(
        self,
        portal: Portal,
        *,
        jobs: Sequence[Job] | None = None,
        mail_every: float = MAIL_EVERY,
        check_every: float | None = None,
        runner: str | None = None,
        parent: int | None = None,
    ) -> None:
        self._portal = portal
        self._parent = parent
        self.jobs = tuple(housekeeping() if jobs is None else jobs)
        self.mail_every = mail_every
        shortest = min((job.every for job in self.jobs), default=timedelta(hours=1))
        self.check_every = check_every or min(shortest.total_seconds() / 10, MAX_CHECK_EVERY)
        self.runner = runner or runner_name()
        self.failures: Counter[str] = Counter()
        """Failed runs by job name (``mail`` for failed delivery rounds), in this process."""
        self._stopping = threading.Event()

    def deliver_mail(self) -> int:
        """Deliver what is due in the outbox (rounds follow while they are full).

        Returns:
            How many messages were handed over; a failed round is logged and counted.
        """
        sent = 0
        while not self._stopping.is_set():
            try:
                with metrics.job("deliver_mail"):
                    report = deliver_outbox(services=self._portal.services, limit=MAIL_BATCH)
                metrics.record_delivery(report)
            except ServiceUnavailable as error:  # an outage: one line a round, no traceback
                self.failures["mail"] += 1
                logger.warning("mail delivery round skipped: %s", error)
                break
            except Exception:  # the mailer is down: try again next round
                self.failures["mail"] += 1
                logger.exception("mail delivery round failed")
                break
            sent += report.sent
            if report.sent + report.failed < MAIL_BATCH:
                break
        return sent

    def deliver_webhooks(self) -> int:
        """Send the due webhook deliveries (rounds follow while they are full).

        Returns:
            How many were answered 2xx; a failed round is logged and counted (``webhooks``).
        """
        sent = 0
        while not self._stopping.is_set():
            try:
                report = deliver_webhooks(
                    services=self._portal.services, sender=self._portal.webhooks, limit=MAIL_BATCH
                )
            except ServiceUnavailable as error:
                self.failures["webhooks"] += 1
                logger.warning("webhook delivery round skipped: %s", error)
                break
            except Exception:
                self.failures["webhooks"] += 1
                logger.exception("webhook delivery round failed")
                break
            sent += report.sent
            if report.sent + report.failed < MAIL_BATCH:
                break
        return sent

    def run_jobs(self) -> list[JobRun]:
        """Run the jobs that are due and that no other worker holds; count the failures."""
        runs = run_due_jobs(
            services=self._portal.services,
            ledger=self._portal.jobs,
            jobs=self.jobs,
            runner=self.runner,
        )
        self.failures.update(run.job for run in runs if run.outcome is Outcome.FAILED)
        for run in runs:
            seconds = (
                (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
            )
            metrics.record_job(run.job, run.outcome.value, seconds)
        return runs

    def run_once(self) -> list[JobRun]:
        """One round: deliver the outbox and the webhooks, then run the due jobs."""
        self.deliver_mail()
        self.deliver_webhooks()
        return self.run_jobs()

    def run(self) -> None:
        """Work until :meth:`stop`: mail every ``mail_every``, due jobs every ``check_every``."""
        logger.info(
            "background worker %s: mail every %gs, %s checked every %gs",
            self.runner,
            self.mail_every,
            counted(len(self.jobs), "job"),
            self.check_every,
        )
        next_mail = next_check = time.monotonic()
        failed_rounds = 0
        while not self._stopping.is_set():
            if time.monotonic() >= next_mail:
                before = self.failures["mail"]
                self.deliver_mail()
                self.deliver_webhooks()
                # An outage (database, mail server) is logged with a growing pause between
                # attempts, not a traceback every few seconds.
                failed_rounds = failed_rounds + 1 if self.failures["mail"] > before else 0
                pause = min(self.mail_every * 2**failed_rounds, MAX_MAIL_PAUSE)
                next_mail = time.monotonic() + pause
            if not self._stopping.is_set() and time.monotonic() >= next_check:
                try:
                    self.run_jobs()
                except Exception:  # run_due_jobs isolates jobs; this is a last resort
                    logger.exception("background jobs round failed")
                next_check = time.monotonic() + self.check_every
            pause = max(min(next_mail, next_check) - time.monotonic(), 0.0)
            self._stopping.wait(pause if self._parent is None else min(pause, 1.0))
            if self._parent is not None and os.getppid() != self._parent:
                logger.warning("the server (pid %s) is gone: stopping", self._parent)
                self.stop()
        logger.info("background worker %s stopped", self.runner)

    def stop(self) -> None:
        """Ask :meth:`run` to return after the work in hand."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        """Whether :meth:`stop` was called."""
        return self._stopping.is_set()


def run_until_signalled(worker: BackgroundWorker) -> None:
    """Run ``worker`` in this (main) thread until ``SIGTERM`` or ``SIGINT``.

    The first signal lets the work in hand finish (the running job is recorded and its lock
    released). Then a second ``SIGINT`` (Ctrl-C again) stops at once; a ``SIGTERM`` is
    ignored (Ctrl-C in a terminal reaches ``iclient serve``'s worker directly, and its
    master then asks it to stop as well).
    """

    def first_signal(signum: int, _frame: FrameType | None) -> None:
        logger.info(
            "%s: stopping after the work in hand (Ctrl-C again to stop at once)",
            signal.Signals(signum).name,
        )
        worker.stop()
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = {sig: signal.signal(sig, first_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        worker.run()
    finally:
        if not worker.stopping:  # stopped by a signal, the process ends: keep ignoring TERM
            for sig, handler in previous.items():
                signal.signal(sig, handler)
