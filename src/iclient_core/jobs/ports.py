"""The port of background jobs: the ledger that lets one runner at a time run a due job."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from iclient_core.jobs.model import JobRun


class JobClaim(Protocol):
    """A job held by one runner: no other runner can claim it until :meth:`finish`."""

    @property
    def run(self) -> JobRun:
        """The run as recorded when claimed (outcome ``RUNNING``)."""

    def finish(self, run: JobRun) -> None:
        """Record how the run ended (``run`` is :attr:`run`, finished) and let the job go.

        The job is let go even when recording fails (the error is raised after).
        """


class JobLedger(Protocol):
    """Who runs which job, and when each last ran, shared by every runner.

    Every process (on every host) that runs background work uses a ledger on the same
    store: a database, so that a job runs once per period however many workers there are.
    """

    def claim(self, job: str, *, now: datetime, every: timedelta, runner: str) -> JobClaim | None:
        """Hold ``job`` for ``runner`` when it is due, without waiting.

        Due means that no run of ``job`` started less than ``every`` before ``now``. The check
        and the record of the new run (started at ``now``) are one atomic step with regard to
        every other ledger on the same store, in any process or host; the job stays held,
        so a run longer than ``every`` is never joined by a second one.

        Earlier runs of ``job`` still ``RUNNING`` when it is claimed lost their runner (it
        died holding the job): they are recorded as ``ABANDONED``.

        Returns:
            The claim, or None when another runner holds the job or it is not due.
        """

    def runs(self, job: str, *, limit: int = 20) -> list[JobRun]:
        """The latest recorded runs of ``job``, newest first (90 days at least are kept)."""
