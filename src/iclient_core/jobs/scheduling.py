"""Use case: run the background jobs that are due, each on its own.

Any number of workers (processes, hosts) may call :func:`run_due_jobs` with the same jobs
and a ledger on the same store: each due job runs once, on whichever claims it first. One
job's failure is logged and recorded; it skips no other job.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from iclient_core.jobs.model import Job, JobRun, Outcome
from iclient_core.jobs.ports import JobClaim, JobLedger

if TYPE_CHECKING:
    from iclient_core.services import Services

logger = logging.getLogger("iclient.jobs")


def run_due_jobs(
    *, services: Services, ledger: JobLedger, jobs: Iterable[Job], runner: str
) -> list[JobRun]:
    """Run every job of ``jobs`` that is due and held by no other runner, one after another.

    Args:
        ledger: the ledger shared by every runner.
        jobs: the jobs, in the order to try them.
        runner: who is running them (``host:pid``), recorded with each run.

    Returns:
        The runs done here, finished (``OK`` or ``FAILED``); jobs not due, or held
        elsewhere, are not in it.
    """
    done: list[JobRun] = []
    for job in jobs:
        try:
            claim = ledger.claim(job.name, now=services.clock.now(), every=job.every, runner=runner)
        except Exception:  # the ledger's store is down: this job waits, the next one tries
            logger.exception("job %s could not be claimed", job.name)
            continue
        if claim is not None:
            done.append(run_claimed(job, claim, services=services))
    return done


def run_claimed(job: Job, claim: JobClaim, *, services: Services) -> JobRun:
    """Run ``job``, held by ``claim``; record the outcome and let the job go.

    An error of the job is logged and recorded, never raised; an interruption (Ctrl-C,
    SystemExit) is recorded as a failure and raised.
    """
    started = time.monotonic()
    outcome, detail = Outcome.FAILED, "interrupted"
    try:
        detail = job.run(services)
        outcome = Outcome.OK
    except Exception as error:
        detail = f"{type(error).__name__}: {error}"
        logger.exception("job %s failed", job.name)
    finally:
        finished = claim.run.finish(services.clock.now(), outcome, detail)
        try:
            claim.finish(finished)
        except Exception:
            logger.exception("job %s: its run could not be recorded", job.name)
    if outcome is Outcome.OK:
        logger.info("job %s done in %.1f s: %s", job.name, time.monotonic() - started, detail)
    return finished
