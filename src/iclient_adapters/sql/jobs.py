"""The ``JobLedger`` port on SQL: runs in the ``job_runs`` table, a lock per job.

The runs live in the database every worker shares; what differs by database is the lock
that makes "is it due? then record the start" one atomic step and keeps the job held while
it runs:

- **PostgreSQL**: a session-level advisory lock, ``pg_try_advisory_lock(key)``, taken on a
  connection of its own and kept until the run is recorded as finished. Every process on
  every host that uses the same database sees it; PostgreSQL drops it when the connection
  ends, so a worker that dies (even ``kill -9``) never leaves a job held. The connection
  is idle (not in a transaction) while the job runs; the job's own work uses other
  connections. (Session-level locks need a session: point the workers at PostgreSQL
  directly, or through a pooler in *session* mode, not *transaction* mode.)
- **SQLite file**: an exclusive ``flock`` on a file per job beside the database
  (``<database>.jobs/<job>.lock``); SQLite is one host, and the kernel releases the lock of
  a process that dies.
- **SQLite in memory**: one process; a lock per job in this ledger.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa

from iclient_adapters.sql.tables import job_runs
from iclient_core.jobs.model import JobRun, Outcome, is_due

KEEP = timedelta(days=90)
"""Runs older than this (before the newest of the same job) are forgotten."""

_PLAIN = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")


def advisory_key(job: str) -> int:
    """The 64-bit advisory lock key of ``job`` (the same in every process and version)."""
    digest = hashlib.sha256(f"iclient.job:{job}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class _Lock(Protocol):
    def acquire(self) -> bool: ...

    def release(self) -> None: ...


class _AdvisoryLock:
    """``pg_try_advisory_lock`` on a connection held until :meth:`release`."""

    def __init__(self, engine: sa.Engine, job: str) -> None:
        self._engine = engine
        self._key = advisory_key(job)
        self._connection: sa.Connection | None = None

    def acquire(self) -> bool:
        connection = self._engine.connect()
        try:
            held = connection.execute(
                sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
            ).scalar_one()
            connection.commit()  # the lock outlives the transaction; no transaction stays open
        except BaseException:
            connection.invalidate()
            connection.close()
            raise
        if not held:
            connection.close()
            return False
        self._connection = connection
        return True

    def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
            connection.commit()
        except BaseException:
            # Never give a connection that may still hold the lock back to the pool: drop
            # the session, and PostgreSQL drops its locks.
            connection.invalidate()
            raise
        finally:
            connection.close()


class _FileLock:
    """An exclusive ``flock`` on a file of its own (one per job), without waiting."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        import fcntl  # POSIX only; imported here so the module still loads elsewhere

        self._path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return True

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the only descriptor releases the flock


class _ThreadLock:
    """A lock of this process only (for an in-memory SQLite database)."""

    def __init__(self, lock: threading.Lock) -> None:
        self._lock = lock

    def acquire(self) -> bool:
        return self._lock.acquire(blocking=False)

    def release(self) -> None:
        self._lock.release()


class SqlJobLedger:
    """The job ledger on a SQLite or PostgreSQL database (see the module for the locks).

    Args:
        engine: the database's engine (migrated: the ``job_runs`` table must exist).
    """

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._backend = engine.dialect.name
        self._folder: Path | None = None
        self._thread_locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        if self._backend == "sqlite":
            database = engine.url.database or ""
            if database not in {"", ":memory:"} and "mode=memory" not in str(engine.url):
                path = Path(database).resolve()
                self._folder = path.with_name(path.name + ".jobs")

    def _lock(self, job: str) -> _Lock:
        if self._backend == "postgresql":
            return _AdvisoryLock(self._engine, job)
        if self._folder is not None:
            name = job if _PLAIN.fullmatch(job) else hashlib.sha256(job.encode()).hexdigest()
            return _FileLock(self._folder / f"{name}.lock")
        if self._backend != "sqlite":
            raise NotImplementedError(f"no job lock for {self._backend} databases")
        with self._guard:
            return _ThreadLock(self._thread_locks.setdefault(job, threading.Lock()))

    def claim(
        self, job: str, *, now: datetime, every: timedelta, runner: str
    ) -> SqlJobClaim | None:
        """Hold ``job`` for ``runner`` when due and free; see the port."""
        lock = self._lock(job)
        if not lock.acquire():
            return None
        try:
            run = JobRun.start(job, runner=runner, now=now)
            with self._engine.begin() as connection:
                last = connection.execute(
                    sa.select(sa.func.max(job_runs.c.started_at)).where(job_runs.c.job == job)
                ).scalar_one_or_none()
                if not is_due(_aware(last), now=now, every=every):
                    row_id = None
                else:
                    connection.execute(
                        job_runs.update()
                        .where(job_runs.c.job == job, job_runs.c.outcome == Outcome.RUNNING.value)
                        .values(outcome=Outcome.ABANDONED.value)
                    )
                    row_id = connection.execute(
                        job_runs.insert().values(_row(run)).returning(job_runs.c.id)
                    ).scalar_one()
        except BaseException:
            lock.release()
            raise
        if row_id is None:
            lock.release()
            return None
        return SqlJobClaim(self._engine, lock, run, row_id)

    def runs(self, job: str, *, limit: int = 20) -> list[JobRun]:
        """The latest runs of ``job``, newest first."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                sa.select(job_runs)
                .where(job_runs.c.job == job)
                .order_by(job_runs.c.started_at.desc(), job_runs.c.id.desc())
                .limit(limit)
            ).all()
        return [
            JobRun(
                job=row.job,
                runner=row.runner,
                started_at=row.started_at,
                finished_at=row.finished_at,
                outcome=Outcome(row.outcome),
                detail=row.detail,
            )
            for row in rows
        ]


class SqlJobClaim:
    """A job held through a :class:`SqlJobLedger`: its lock and its row in ``job_runs``."""

    def __init__(self, engine: sa.Engine, lock: _Lock, run: JobRun, row_id: int) -> None:
        self._engine = engine
        self._lock = lock
        self._run = run
        self._row_id = row_id

    @property
    def run(self) -> JobRun:
        """The run as claimed."""
        return self._run

    def finish(self, run: JobRun) -> None:
        """Record the ended run, forget the job's runs older than ``KEEP``, let the job go."""
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    job_runs.update().where(job_runs.c.id == self._row_id).values(_row(run))
                )
                connection.execute(
                    job_runs.delete().where(
                        job_runs.c.job == run.job, job_runs.c.started_at < run.started_at - KEEP
                    )
                )
        finally:
            self._lock.release()


def _row(run: JobRun) -> dict[str, object]:
    return {
        "job": run.job,
        "runner": run.runner,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "outcome": run.outcome.value,
        "detail": run.detail,
    }


def _aware(value: datetime | None) -> datetime | None:
    # max() keeps the column's type, so this is UTC already; a naive value would be SQLite's.
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value
