"""The job ledger contract on memory, SQLite (file and in-memory) and PostgreSQL; and, with
real processes, that a runner that dies holding a job lets it go."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from iclient_adapters.memory import MemoryJobLedger
from iclient_adapters.sql import SqlDatabase, SqlJobLedger
from iclient_adapters.sql.engine import make_engine
from iclient_adapters.sql.jobs import advisory_key
from iclient_adapters.testing.jobs import HOUR, JobLedgerContract, LedgerOpener, finish
from iclient_adapters.testing.samples import T0, at
from iclient_core.jobs.model import Outcome


@pytest.fixture
def engines() -> Iterator[list[sa.Engine]]:
    """Engines the test opens, disposed at the end."""
    opened: list[sa.Engine] = []
    yield opened
    for engine in opened:
        engine.dispose()


def opener(url: str, engines: list[sa.Engine]) -> LedgerOpener:
    """Each call: a ledger on a new engine for ``url``, as another process would have."""

    def open_ledger() -> SqlJobLedger:
        engine = make_engine(url)
        engines.append(engine)
        return SqlJobLedger(engine)

    return open_ledger


class TestMemoryJobLedger(JobLedgerContract):
    """JobLedgerContract on one in-process ledger, shared by the test's "runners"."""

    @pytest.fixture
    def job_ledgers(self) -> LedgerOpener:
        shared = MemoryJobLedger()
        return lambda: shared


class TestSqliteJobLedger(JobLedgerContract):
    """JobLedgerContract on a SQLite file: file locks beside the database."""

    @pytest.fixture
    def job_ledgers(self, sqlite_database: SqlDatabase, engines: list[sa.Engine]) -> LedgerOpener:
        return opener(str(sqlite_database.engine.url), engines)


class TestInMemorySqliteJobLedger(JobLedgerContract):
    """JobLedgerContract on an in-memory SQLite database (one process, one engine)."""

    @pytest.fixture
    def job_ledgers(self) -> Iterator[LedgerOpener]:
        database = SqlDatabase.from_url("sqlite://")
        database.upgrade()
        ledger = database.job_ledger()
        yield lambda: ledger
        database.dispose()


@pytest.mark.postgres
class TestPostgresJobLedger(JobLedgerContract):
    """JobLedgerContract on PostgreSQL: advisory locks."""

    @pytest.fixture
    def job_ledgers(self, postgres_database: SqlDatabase, engines: list[sa.Engine]) -> LedgerOpener:
        return opener(postgres_database.engine.url.render_as_string(False), engines)


# --------------------------------------------------------------------------- dead runners

DIE_HOLDING = textwrap.dedent(
    """
    import os, sys
    from datetime import datetime, timedelta
    from iclient_adapters.sql import SqlJobLedger
    from iclient_adapters.sql.engine import make_engine

    ledger = SqlJobLedger(make_engine(sys.argv[1]))
    now = datetime.fromisoformat(sys.argv[2])
    claim = ledger.claim("contract.dies", now=now, every=timedelta(hours=1), runner="doomed")
    print("held" if claim is not None else "not held", flush=True)
    os._exit(0)  # dies holding the job: no finish, no unlock, no clean-up
    """
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """The URL of an empty, migrated database of each SQL kind."""
    if request.param == "sqlite":
        database: SqlDatabase = request.getfixturevalue("sqlite_database")
    else:
        database = request.getfixturevalue("postgres_database")
    return database.engine.url.render_as_string(False)


def test_a_runner_that_dies_holding_a_job_lets_it_go(
    database_url: str, engines: list[sa.Engine]
) -> None:
    src = Path(__file__).resolve().parents[2] / "src"
    died = subprocess.run(
        [sys.executable, "-c", DIE_HOLDING, database_url, T0.isoformat()],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert died.stdout.strip() == "held", died.stderr
    ledger = opener(database_url, engines)()
    # Its run still counts for the period ...
    assert ledger.claim("contract.dies", now=at(30), every=HOUR, runner="next") is None
    # ... and after it, the job is free (no lock left behind) and the dead run is abandoned.
    claim = ledger.claim("contract.dies", now=at(60), every=HOUR, runner="next")
    assert claim is not None
    finish(claim, minutes=61)
    assert [(run.runner, run.outcome) for run in ledger.runs("contract.dies")] == [
        ("next", Outcome.OK),
        ("doomed", Outcome.ABANDONED),
    ]


def test_the_sqlite_locks_are_files_beside_the_database(
    sqlite_database: SqlDatabase, engines: list[sa.Engine]
) -> None:
    ledger = opener(str(sqlite_database.engine.url), engines)()
    claim = ledger.claim("documents.sweep", now=T0, every=HOUR, runner="r")
    assert claim is not None
    finish(claim, minutes=1)
    database = Path(sqlite_database.engine.url.database or "")
    assert (database.parent / f"{database.name}.jobs" / "documents.sweep.lock").exists()


@pytest.mark.postgres
def test_a_postgres_claim_holds_an_advisory_lock_while_the_job_runs(
    postgres_database: SqlDatabase, engines: list[sa.Engine]
) -> None:
    ledger = opener(postgres_database.engine.url.render_as_string(False), engines)()
    key = advisory_key("contract.pg")
    held: Callable[[], int] = lambda: _advisory_locks(postgres_database.engine, key)  # noqa: E731
    claim = ledger.claim("contract.pg", now=T0, every=HOUR, runner="r")
    assert claim is not None
    assert held() == 1
    finish(claim, minutes=1)
    assert held() == 0


def _advisory_locks(engine: sa.Engine, key: int) -> int:
    """How many sessions hold the advisory lock ``key`` (split as pg_locks shows it)."""
    unsigned = key & 0xFFFFFFFFFFFFFFFF
    with engine.connect() as connection:
        return int(
            connection.execute(
                sa.text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND classid = :high AND objid = :low AND granted"
                ),
                {"high": unsigned >> 32, "low": unsigned & 0xFFFFFFFF},
            ).scalar_one()
        )
