"""Background jobs: due jobs run once per period across runners, each isolated from the
others' failures; the housekeeping jobs do their chores."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from iclient_adapters.clock import FrozenClock
from iclient_adapters.memory import MemoryJobLedger
from iclient_core.jobs import (
    HOURLY,
    Job,
    JobRun,
    Outcome,
    housekeeping,
    is_due,
    run_due_jobs,
)
from iclient_core.services import Services

MINUTE = timedelta(minutes=1)


def counting(name: str, calls: list[str], *, every: timedelta = HOURLY) -> Job:
    """A job that notes each run in ``calls``."""

    def work(_services: Services) -> str:
        calls.append(name)
        return f"{name} ran"

    return Job(name, every, work)


def failing(name: str) -> Job:
    def work(_services: Services) -> str:
        raise RuntimeError("the storage is down")

    return Job(name, HOURLY, work)


def test_a_job_runs_once_per_period_whichever_runner_asks(
    services: Services, clock: FrozenClock
) -> None:
    ledger, calls = MemoryJobLedger(), []
    jobs = [counting("test.a", calls)]
    assert [
        run.runner for run in run_due_jobs(services=services, ledger=ledger, jobs=jobs, runner="a")
    ] == ["a"]
    assert run_due_jobs(services=services, ledger=ledger, jobs=jobs, runner="b") == []
    clock.advance(59 * MINUTE)
    assert run_due_jobs(services=services, ledger=ledger, jobs=jobs, runner="b") == []
    clock.advance(MINUTE)
    assert len(run_due_jobs(services=services, ledger=ledger, jobs=jobs, runner="b")) == 1
    assert calls == ["test.a", "test.a"]


def test_a_failing_job_is_logged_and_recorded_and_skips_no_other(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    ledger, calls = MemoryJobLedger(), []
    jobs = [counting("test.first", calls), failing("test.broken"), counting("test.last", calls)]
    with caplog.at_level(logging.INFO, logger="iclient.jobs"):
        runs = run_due_jobs(services=services, ledger=ledger, jobs=jobs, runner="a")
    assert [(run.job, run.outcome) for run in runs] == [
        ("test.first", Outcome.OK),
        ("test.broken", Outcome.FAILED),
        ("test.last", Outcome.OK),
    ]
    assert calls == ["test.first", "test.last"]
    assert runs[1].detail == "RuntimeError: the storage is down"
    assert ledger.runs("test.broken")[0].outcome is Outcome.FAILED
    failed = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in failed] == ["job test.broken failed"]
    assert failed[0].exc_info is not None


def test_a_ledger_that_cannot_claim_skips_that_job_only(services: Services) -> None:
    class FlakyLedger(MemoryJobLedger):
        def claim(self, job: str, **kwargs: object):  # type: ignore[no-untyped-def,override]
            if job == "test.unlucky":
                raise ConnectionError("database restarting")
            return super().claim(job, **kwargs)  # type: ignore[arg-type]

    calls: list[str] = []
    jobs = [counting("test.unlucky", calls), counting("test.lucky", calls)]
    runs = run_due_jobs(services=services, ledger=FlakyLedger(), jobs=jobs, runner="a")
    assert [run.job for run in runs] == ["test.lucky"]


def test_a_job_held_by_another_runner_is_left_to_it(services: Services) -> None:
    ledger, calls = MemoryJobLedger(), []
    held = ledger.claim("test.a", now=services.clock.now(), every=HOURLY, runner="elsewhere")
    assert held is not None
    assert (
        run_due_jobs(
            services=services, ledger=ledger, jobs=[counting("test.a", calls)], runner="me"
        )
        == []
    )
    assert calls == []


def test_an_interrupted_job_is_recorded_as_failed_and_let_go(services: Services) -> None:
    def interrupted(_services: Services) -> str:
        raise KeyboardInterrupt

    ledger = MemoryJobLedger()
    with pytest.raises(KeyboardInterrupt):
        run_due_jobs(
            services=services, ledger=ledger, jobs=[Job("test.a", HOURLY, interrupted)], runner="a"
        )
    [run] = ledger.runs("test.a")
    assert (run.outcome, run.detail) == (Outcome.FAILED, "interrupted")
    assert ledger.claim("test.a", now=run.started_at + HOURLY, every=HOURLY, runner="b")


def test_job_names_and_periods_are_checked() -> None:
    with pytest.raises(ValueError, match="name"):
        Job("Not A Name", HOURLY, lambda services: "")
    with pytest.raises(ValueError, match="period"):
        Job("test.a", timedelta(0), lambda services: "")


def test_is_due(clock: FrozenClock) -> None:
    run = JobRun.start("test.a", runner="r", now=clock.now())
    assert is_due(None, now=run.started_at, every=HOURLY)
    assert not is_due(run.started_at, now=run.started_at + 59 * MINUTE, every=HOURLY)
    assert is_due(run.started_at, now=run.started_at + HOURLY, every=HOURLY)


def test_the_housekeeping_jobs_run_each_chore_and_say_what_they_did(services: Services) -> None:
    jobs = housekeeping(every=timedelta(minutes=5))
    assert [job.name for job in jobs] == [
        "accounts.erase-due",
        "quotes.expire-overdue",
        "documents.sweep",
        "bookings.remind",
        "documents.scrub",
        "quotes.remind-expiring",
        "webhooks.prune",
        "api.forget-old-answers",
    ]
    assert [job.every for job in jobs] == [timedelta(minutes=5)] * 4 + [
        timedelta(days=1),
        timedelta(days=1),
        timedelta(minutes=5),
        timedelta(minutes=5),
    ]
    runs = run_due_jobs(services=services, ledger=MemoryJobLedger(), jobs=jobs, runner="a")
    assert [(run.outcome, run.detail) for run in runs] == [
        (Outcome.OK, "0 accounts erased"),
        (Outcome.OK, "0 quotes expired"),
        (
            Outcome.OK,
            "removed 0 dead uploads, 0 dead replacements, 0 orphan files, 0 unfinished writes",
        ),
        (Outcome.OK, "0 reminders queued"),
        (
            Outcome.OK,
            "checked 0 files (0 bytes), skipped 0 checked recently, 0 missing or damaged",
        ),
        (Outcome.OK, "0 clients reminded"),
        (Outcome.OK, "0 old webhook deliveries removed"),
        (Outcome.OK, "0 kept API answers forgotten"),
    ]
