"""The job ledger contract: what every ``JobLedger`` adapter must do.

Mix :class:`JobLedgerContract` into a test class that provides a ``job_ledgers`` fixture: a
zero-argument callable that opens one more ledger on the same, empty, shared store each time
it is called, as another worker process would (for a database: a new engine on the same
database; for an in-process ledger: the same ledger)::

    class TestMyLedger(JobLedgerContract):
        @pytest.fixture
        def job_ledgers(self, database_url):
            return lambda: MyLedger(database_url)

Needs pytest.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest

from iclient_adapters.testing.samples import T0, at
from iclient_core.jobs.model import JobRun, Outcome
from iclient_core.jobs.ports import JobClaim, JobLedger

HOUR = timedelta(hours=1)

LedgerOpener = Callable[[], JobLedger]
"""Opens one more ledger on the shared store."""


def finish(claim: JobClaim, *, minutes: float, outcome: Outcome = Outcome.OK) -> JobRun:
    """End ``claim``'s run at ``T0 + minutes`` with ``outcome``; returns the ended run."""
    ended = claim.run.finish(at(minutes), outcome, f"{outcome.value} at {minutes}")
    claim.finish(ended)
    return ended


class JobLedgerContract:
    """Needs ``job_ledgers``. Checks that a due job is claimed by one runner only, that a
    held job cannot be claimed from another ledger, that a job is not due again within its
    period (whatever its outcome), that runs are recorded and listed, and that of many
    runners claiming at once exactly one wins."""

    @pytest.fixture
    def jobs_ledger(self, job_ledgers: LedgerOpener) -> JobLedger:
        """One ledger on the shared store."""
        return job_ledgers()

    def test_jobs_a_job_never_run_is_claimed_and_recorded_as_running(
        self, jobs_ledger: JobLedger
    ) -> None:
        claim = jobs_ledger.claim("contract.a", now=T0, every=HOUR, runner="host-a:1")
        assert claim is not None
        assert claim.run == JobRun(job="contract.a", runner="host-a:1", started_at=T0)
        assert jobs_ledger.runs("contract.a") == [claim.run]
        finish(claim, minutes=1)

    def test_jobs_a_finished_run_is_recorded_with_its_outcome_and_detail(
        self, jobs_ledger: JobLedger
    ) -> None:
        claim = jobs_ledger.claim("contract.a", now=T0, every=HOUR, runner="host-a:1")
        assert claim is not None
        ended = finish(claim, minutes=2, outcome=Outcome.FAILED)
        assert jobs_ledger.runs("contract.a") == [ended]
        assert ended.finished_at == at(2)
        assert ended.detail == "failed at 2"

    def test_jobs_a_job_is_not_due_again_within_its_period(self, jobs_ledger: JobLedger) -> None:
        claim = jobs_ledger.claim("contract.a", now=T0, every=HOUR, runner="host-a:1")
        assert claim is not None
        finish(claim, minutes=1)
        assert jobs_ledger.claim("contract.a", now=at(59), every=HOUR, runner="host-a:1") is None
        assert jobs_ledger.claim("contract.a", now=at(59), every=HOUR, runner="host-b:2") is None
        assert len(jobs_ledger.runs("contract.a")) == 1

    def test_jobs_a_failed_run_also_counts_for_its_period(self, jobs_ledger: JobLedger) -> None:
        claim = jobs_ledger.claim("contract.a", now=T0, every=HOUR, runner="host-a:1")
        assert claim is not None
        finish(claim, minutes=1, outcome=Outcome.FAILED)
        assert jobs_ledger.claim("contract.a", now=at(30), every=HOUR, runner="host-b:2") is None

    def test_jobs_a_job_is_due_again_once_its_period_has_passed(
        self, jobs_ledger: JobLedger
    ) -> None:
        first = jobs_ledger.claim("contract.a", now=T0, every=HOUR, runner="host-a:1")
        assert first is not None
        finish(first, minutes=5)
        second = jobs_ledger.claim("contract.a", now=at(60), every=HOUR, runner="host-b:2")
        assert second is not None
        finish(second, minutes=61)
        assert [run.runner for run in jobs_ledger.runs("contract.a")] == ["host-b:2", "host-a:1"]

    def test_jobs_a_held_job_cannot_be_claimed_from_another_ledger(
        self, job_ledgers: LedgerOpener
    ) -> None:
        here, there = job_ledgers(), job_ledgers()
        claim = here.claim("contract.a", now=T0, every=HOUR, runner="host-a:1")
        assert claim is not None
        # Even a job whose period has long passed stays held while it runs.
        assert there.claim("contract.a", now=at(600), every=HOUR, runner="host-b:2") is None
        finish(claim, minutes=601)
        later = there.claim("contract.a", now=at(600), every=HOUR, runner="host-b:2")
        assert later is not None
        finish(later, minutes=602)

    def test_jobs_are_held_independently(self, job_ledgers: LedgerOpener) -> None:
        here, there = job_ledgers(), job_ledgers()
        a = here.claim("contract.a", now=T0, every=HOUR, runner="host-a:1")
        b = there.claim("contract.b", now=T0, every=HOUR, runner="host-b:2")
        assert a is not None and b is not None
        finish(a, minutes=1)
        finish(b, minutes=1)
        assert [run.job for run in there.runs("contract.a")] == ["contract.a"]
        assert [run.job for run in here.runs("contract.b")] == ["contract.b"]

    def test_jobs_runs_are_listed_newest_first_up_to_the_limit(
        self, jobs_ledger: JobLedger
    ) -> None:
        for hour in range(4):
            claim = jobs_ledger.claim("contract.a", now=at(60 * hour), every=HOUR, runner="r")
            assert claim is not None
            finish(claim, minutes=60 * hour + 1)
        runs = jobs_ledger.runs("contract.a", limit=3)
        assert [run.started_at for run in runs] == [at(180), at(120), at(60)]
        assert jobs_ledger.runs("contract.other") == []

    def test_jobs_of_many_runners_claiming_at_once_exactly_one_wins(
        self, job_ledgers: LedgerOpener
    ) -> None:
        ledgers = [job_ledgers() for _ in range(6)]
        start = threading.Barrier(len(ledgers))
        claims: list[JobClaim | None] = [None] * len(ledgers)
        errors: list[BaseException] = []

        def race(index: int) -> None:
            try:
                start.wait(timeout=10)
                claims[index] = ledgers[index].claim(
                    "contract.race", now=T0, every=HOUR, runner=f"runner-{index}"
                )
            except BaseException as error:  # reported below, not lost in the thread
                errors.append(error)

        threads = [threading.Thread(target=race, args=(n,)) for n in range(len(ledgers))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == []
        won = [claim for claim in claims if claim is not None]
        assert len(won) == 1
        finish(won[0], minutes=1)
        # The winner finished: the others, asking again within the period, still get nothing.
        assert all(
            ledger.claim("contract.race", now=at(2), every=HOUR, runner="late") is None
            for ledger in ledgers
        )
        assert len(ledgers[0].runs("contract.race")) == 1
