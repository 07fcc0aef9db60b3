"""The ``JobLedger`` port in one process's memory: for tests, demos and single-process use."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import attrs

from iclient_core.jobs.model import JobRun, Outcome, is_due


class MemoryJobLedger:
    """Jobs held with a lock per job; runs kept in a list. Shared by the threads of one
    process only: several processes need the SQL ledger."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._held: set[str] = set()
        self._runs: list[JobRun] = []

    def claim(
        self, job: str, *, now: datetime, every: timedelta, runner: str
    ) -> MemoryJobClaim | None:
        """Hold ``job`` for ``runner`` when due and free; see the port."""
        with self._guard:
            if job in self._held:
                return None
            mine = [run for run in self._runs if run.job == job]
            last = max((run.started_at for run in mine), default=None)
            if not is_due(last, now=now, every=every):
                return None
            self._runs = [
                attrs.evolve(run, outcome=Outcome.ABANDONED)
                if run.job == job and run.outcome is Outcome.RUNNING
                else run
                for run in self._runs
            ]
            run = JobRun.start(job, runner=runner, now=now)
            self._runs.append(run)
            self._held.add(job)
            return MemoryJobClaim(self, run)

    def runs(self, job: str, *, limit: int = 20) -> list[JobRun]:
        """The latest runs of ``job``, newest first."""
        with self._guard:
            mine = [run for run in self._runs if run.job == job]
        return sorted(mine, key=lambda run: run.started_at, reverse=True)[:limit]

    def _finish(self, claimed: JobRun, run: JobRun) -> None:
        with self._guard:
            self._held.discard(claimed.job)
            self._runs = [run if old is claimed else old for old in self._runs]


class MemoryJobClaim:
    """A job held in a :class:`MemoryJobLedger`."""

    def __init__(self, ledger: MemoryJobLedger, run: JobRun) -> None:
        self._ledger = ledger
        self._run = run

    @property
    def run(self) -> JobRun:
        """The run as claimed."""
        return self._run

    def finish(self, run: JobRun) -> None:
        """Record the ended run and let the job go."""
        self._ledger._finish(self._run, run)
