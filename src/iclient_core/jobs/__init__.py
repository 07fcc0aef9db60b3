"""Background jobs: periodic work (the housekeeping) that runs once per period, whichever of
any number of workers (processes, hosts) gets to it first.

- :mod:`.model`: ``Job`` (name, period, work) and ``JobRun``, the record of one run.
- :mod:`.ports`: the ``JobLedger`` port: claim a due job atomically, record its runs.
- :mod:`.scheduling`: ``run_due_jobs``, each job isolated from the others' failures.
- :mod:`.housekeeping`: the standard jobs (due erasures, overdue quotes, document sweep).

The loop that calls :func:`run_due_jobs` every so often (and delivers the outbox) is the
background worker's, outside the core (``iclient worker``).

The public names of the package, by module:

- :mod:`.housekeeping`: ``HOURLY``, ``housekeeping``, ``sweep_summary``
- :mod:`.model`: ``Job``, ``JobRun``, ``Outcome``, ``is_due``
- :mod:`.ports`: ``JobClaim``, ``JobLedger``
- :mod:`.scheduling`: ``run_claimed``, ``run_due_jobs``
"""

from iclient_core.jobs.housekeeping import HOURLY, housekeeping, sweep_summary
from iclient_core.jobs.model import Job, JobRun, Outcome, is_due
from iclient_core.jobs.ports import JobClaim, JobLedger
from iclient_core.jobs.scheduling import run_claimed, run_due_jobs

__all__ = [
    "HOURLY",
    "Job",
    "JobClaim",
    "JobLedger",
    "JobRun",
    "Outcome",
    "housekeeping",
    "is_due",
    "run_claimed",
    "run_due_jobs",
    "sweep_summary",
]
