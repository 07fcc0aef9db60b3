"""The background worker: mail goes out, the housekeeping jobs run when due, each on its own,
and a signal stops it after the work in hand."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from iclient_adapters.clock import FrozenClock
from iclient_adapters.compose import Portal
from iclient_adapters.mail import MemoryTransport
from iclient_core.accounts.registration import register_client
from iclient_core.jobs import Job, Outcome, housekeeping
from iclient_core.services import Services
from iclient_web.worker import BackgroundWorker


def register(portal: Portal) -> None:
    register_client(
        services=portal.services,
        first_name="Ana",
        last_name="Silva",
        phone="912 345 678",
        email="ana@example.pt",
        language="pt",
        ip="203.0.113.1",
    )


def test_the_worker_delivers_queued_mail_until_stopped(
    portal: Portal, transport: MemoryTransport
) -> None:
    register(portal)
    worker = BackgroundWorker(portal, mail_every=0.05)
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        deadline = time.monotonic() + 5
        while not transport.sent and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        worker.stop()
        thread.join(timeout=5)
    assert [str(m["To"]) for m in transport.sent] == ["Ana Silva <ana@example.pt>"]
    assert not thread.is_alive()


def test_the_housekeeping_runs_once_per_period(portal: Portal, clock: FrozenClock) -> None:
    worker = BackgroundWorker(portal)
    assert [run.outcome for run in worker.run_once()] == [Outcome.OK] * len(housekeeping())
    assert worker.run_once() == []  # within the hour: nothing is due
    clock.advance(timedelta(hours=1))
    hourly = [job.name for job in housekeeping() if job.every <= timedelta(hours=1)]
    assert [run.job for run in worker.run_once()] == hourly  # the file check is daily


def test_a_failing_job_is_counted_and_skips_no_other(portal: Portal) -> None:
    def broken(_services: Services) -> str:
        raise OSError("storage unreachable")

    jobs = [Job("test.broken", timedelta(hours=1), broken), *housekeeping()]
    worker = BackgroundWorker(portal, jobs=jobs)
    runs = worker.run_once()
    assert [run.outcome for run in runs] == [Outcome.FAILED, *[Outcome.OK] * len(housekeeping())]
    assert worker.failures == {"test.broken": 1}


def test_two_workers_on_one_ledger_run_each_job_once(portal: Portal) -> None:
    first, second = BackgroundWorker(portal, runner="a"), BackgroundWorker(portal, runner="b")
    assert len(first.run_once()) == len(housekeeping()) == 8
    assert second.run_once() == []
    assert {run.runner for run in portal.jobs.runs("documents.sweep")} == {"a"}


def test_the_check_for_due_jobs_follows_the_shortest_period(portal: Portal) -> None:
    assert BackgroundWorker(portal).check_every == 30
    quick = BackgroundWorker(portal, jobs=housekeeping(every=timedelta(seconds=2)))
    assert quick.check_every == 0.2
