"""Background jobs: work that runs on a period, and the record of each run."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from iclient_core.services import Services

NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
"""A job's name: lowercase letters, digits, ``.``, ``_`` and ``-``; at most 100 characters."""

MAX_DETAIL = 2000
"""The longest summary (or error) kept for one run."""


class Outcome(enum.StrEnum):
    """How a run ended."""

    RUNNING = "running"  # claimed and not finished yet
    OK = "ok"
    FAILED = "failed"  # the job raised; it is tried again next period
    ABANDONED = "abandoned"  # its runner died before finishing (found by the next claim)


def _check_name(_instance: object, _attribute: object, value: str) -> None:
    if not NAME.fullmatch(value):
        raise ValueError(f"not a job name: {value!r}")


def _check_period(_instance: object, _attribute: object, value: timedelta) -> None:
    if value <= timedelta(0):
        raise ValueError(f"a job's period must be positive, not {value!r}")


@attrs.frozen
class Job:
    """Background work that runs at most once per period, on one runner at a time.

    Attributes:
        name: stable and unique (``documents.sweep``): the runs are recorded under it.
        every: the period: a run starts once at least this long has passed since the last
            one started, whichever runner (process, host) started it.
        run: the work, given the services; returns a one-line summary of what it did
            (kept with the run, and logged).
    """

    name: str = attrs.field(validator=_check_name)
    every: timedelta = attrs.field(validator=_check_period)
    run: Callable[[Services], str] = attrs.field(eq=False)


@attrs.frozen
class JobRun:
    """One run of a job, as the ledger records it.

    Attributes:
        job: the job's name.
        runner: who ran it (``host:pid``), to read in the records and logs.
        started_at: when it was claimed.
        finished_at: when it ended (None while running).
        outcome: how it ended.
        detail: its summary, or the error it raised.
    """

    job: str
    runner: str
    started_at: datetime
    finished_at: datetime | None = None
    outcome: Outcome = Outcome.RUNNING
    detail: str = ""

    @classmethod
    def start(cls, job: str, *, runner: str, now: datetime) -> JobRun:
        """A run of ``job`` claimed by ``runner`` at ``now``."""
        return cls(job=job, runner=runner[:200], started_at=now)

    def finish(self, now: datetime, outcome: Outcome, detail: str) -> JobRun:
        """This run, ended at ``now`` with ``outcome``; ``detail`` is cut to ``MAX_DETAIL``."""
        return attrs.evolve(self, finished_at=now, outcome=outcome, detail=detail[:MAX_DETAIL])


def is_due(last_started: datetime | None, *, now: datetime, every: timedelta) -> bool:
    """Whether a job last started at ``last_started`` (None: never) may start at ``now``."""
    return last_started is None or now - last_started >= every
