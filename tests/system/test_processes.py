"""Many processes, one portal: two web servers and two background workers, as real processes,
on one PostgreSQL, one S3 (moto's server) and one Redis.

- a session made on one web process works on the other (and ends on both);
- rate-limit counts are shared: failures on one process count on the other;
- a registration on one process gets exactly one activation e-mail, though two workers run;
- the housekeeping jobs (every 2 s here) run once per period across both workers, and a
  job that fails (the bucket is gone) skips none of the others;
- SIGTERM stops every process cleanly.
"""

from __future__ import annotations

import email
import email.policy
import http.client
import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import sqlalchemy as sa

from iclient_adapters.sql.tables import job_runs, outbox
from iclient_adapters.testing.session_cache import eventually
from iclient_core.jobs.housekeeping import housekeeping

pytestmark = [pytest.mark.postgres, pytest.mark.processes]

SRC = Path(__file__).resolve().parents[2] / "src"
REDIS_URL = os.environ.get("ICLIENT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PERIOD = 2.0  # seconds: the housekeeping's period in this test
PASSWORD = "um passeio longo pela ribeira ao fim da tarde"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
JOBS = ("accounts.erase-due", "quotes.expire-overdue", "documents.sweep")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(what: str, check: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


# --------------------------------------------------------------------------- the services


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A PostgreSQL database of this test's own, migrated, with the consent texts."""
    from iclient_adapters.sql import SqlDatabase

    admin_url = sa.make_url(
        os.environ.get(
            "ICLIENT_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        )
    )
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"iclient_procs_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is unreachable under CI: {error}")
        pytest.skip(f"PostgreSQL unreachable: {error}")
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    database = SqlDatabase.from_url(url)
    database.upgrade()
    database.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def redis_url() -> str:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {REDIS_URL} is unreachable under CI: {error}")
        pytest.skip(f"Redis unreachable: {error}")
    return REDIS_URL


@pytest.fixture(scope="module")
def s3() -> Iterator[tuple[str, Any]]:
    """moto's S3 server on a free port: its endpoint and a file system on it."""
    from moto.server import ThreadedMotoServer

    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        import s3fs

        yield endpoint, s3fs.S3FileSystem(endpoint_url=endpoint, key="testing", secret="testing")
    finally:
        server.stop()


# --------------------------------------------------------------------------- the processes


class Processes:
    """Starts ``iclient`` commands as real processes; stops them (by pid) at the end."""

    def __init__(self, environment: dict[str, str], logs: Path) -> None:
        self.environment = environment
        self.logs = logs
        self.started: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *arguments: str) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "iclient_web", *arguments],
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.started[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    def stop(self, name: str, timeout: float = 30) -> int:
        process = self.started[name]
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        return process.wait(timeout=timeout)

    def kill_all(self) -> None:
        for process in self.started.values():
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture(scope="module")
def portal_env(
    database_url: str, redis_url: str, s3: tuple[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    endpoint, fs = s3
    bucket = f"iclient-{uuid.uuid4().hex[:8]}"
    fs.mkdir(bucket)
    folder = tmp_path_factory.mktemp("processes")
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(SRC),
        "HOME": str(folder),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "ICLIENT_INSTANCE_PATH": str(folder / "instance"),
        "ICLIENT_DATABASE_URL": database_url,
        "ICLIENT_STORAGE_URL": f"s3://{bucket}/portal?endpoint_url={endpoint}",
        "ICLIENT_MAIL_URL": (folder / "mail").as_uri(),
        "ICLIENT_RATELIMIT_URL": redis_url,
        "ICLIENT_SECRET_KEY": "processes-test-secret-key-long-enough-for-256-bits",
        "ICLIENT_BUSINESS_NAME": "Oficina Exemplo",
        "BUCKET": bucket,
        "LOGS": str(folder),
    }


@pytest.fixture(scope="module")
def cluster(portal_env: dict[str, str]) -> Iterator[tuple[Processes, int, int]]:
    """Two web servers (one web worker each) and two background workers."""
    processes = Processes(portal_env, Path(portal_env["LOGS"]))
    a, b = free_port(), free_port()
    try:
        for name, port in (("web-a", a), ("web-b", b)):
            processes.start(name, "serve", "--no-worker", "--workers", "1", "--port", str(port))
        for name in ("worker-1", "worker-2"):
            processes.start(
                name, "worker", "--mail-every", "0.2", "--housekeeping-every", str(PERIOD)
            )
        for name, port in (("web-a", a), ("web-b", b)):
            wait_for(f"{name} to answer", lambda port=port: _answers(port))
        yield processes, a, b
    finally:
        processes.kill_all()


def _answers(port: int) -> bool:
    try:
        return request(port, "GET", "/pt/auth/sign-in").status == 200
    except OSError:
        return False


# --------------------------------------------------------------------------- HTTP


class Answer:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: str) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def csrf(self) -> str:
        found = CSRF_RE.search(self.body)
        assert found, self.body[:500]
        return found.group(1)


def request(
    port: int, method: str, path: str, form: dict[str, str] | None = None, cookie: str = ""
) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = cookie
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read().decode())
    finally:
        connection.close()


class Browser:
    """One browser: its cookie goes to whichever server it asks (A or B)."""

    def __init__(self) -> None:
        self.cookie = ""

    def get(self, port: int, path: str) -> Answer:
        return self._keep(request(port, "GET", path, cookie=self.cookie))

    def post(self, port: int, path: str, form: dict[str, str]) -> Answer:
        page = self.get(port, path)
        return self._keep(
            request(port, "POST", path, {"csrf_token": page.csrf, **form}, cookie=self.cookie)
        )

    def _keep(self, answer: Answer) -> Answer:
        for header in answer.headers.get_all("Set-Cookie") or []:
            pair = header.split(";", 1)[0]
            if pair.startswith("iclient="):
                self.cookie = pair
        return answer


# --------------------------------------------------------------------------- the test


def test_two_web_processes_and_two_workers_share_everything(
    cluster: tuple[Processes, int, int], portal_env: dict[str, str], s3: tuple[str, Any]
) -> None:
    processes, a, b = cluster
    address = f"ana.{uuid.uuid4().hex[:8]}@example.pt"
    mail = Path(portal_env["ICLIENT_MAIL_URL"].removeprefix("file://"))

    # Register on A: exactly one activation e-mail, though two workers deliver mail.
    visitor = Browser()
    signed_up = visitor.post(
        a,
        "/pt/auth/sign-up",
        {"first_name": "Ana", "last_name": "Silva", "phone": "912345678", "email": address},
    )
    assert signed_up.status == 200, signed_up.body[:500]
    wait_for("the activation e-mail", lambda: len(list(mail.glob("*.eml"))) >= 1, timeout=15)
    time.sleep(1.5)  # many more rounds of both workers
    [eml] = list(mail.glob("*.eml"))
    sends = sum(
        processes.log(name).count(f"mail to {address}: activation link")
        for name in ("worker-1", "worker-2")
    )
    assert sends == 1
    engine = sa.create_engine(portal_env["ICLIENT_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            [row] = connection.execute(sa.select(outbox).where(outbox.c.to_address == address))
        assert row.sent_at is not None and row.attempts == 0
    finally:
        engine.dispose()

    # Activate on B, with the link the e-mail carries.
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = re.search(r"http\S+/auth/activate/\S+", text)
    assert link, text
    path = urlsplit(link.group(0)).path
    activated = Browser().post(b, path, {"password": PASSWORD, "password_confirm": PASSWORD})
    assert activated.status == 303, activated.body[:500]

    # A session made on A works on B, and signing out on B ends it on A.
    ana = Browser()
    signed_in = ana.post(a, "/pt/auth/sign-in", {"email": address, "password": PASSWORD})
    assert signed_in.status == 303
    accepted = ana.post(b, "/pt/consent", {"accept_terms": "y", "accept_privacy": "y"})
    assert accepted.status == 303, accepted.body[:500]
    dashboard = ana.get(a, "/pt/")
    assert dashboard.status == 200 and "Ana" in dashboard.body
    assert ana.get(b, "/pt/account").status == 200
    signed_out = request(
        b, "POST", "/pt/auth/sign-out", {"csrf_token": ana.get(b, "/pt/").csrf}, ana.cookie
    )
    assert signed_out.status == 303
    # A kept the session in memory: PostgreSQL's notice of its end reaches A within moments.
    assert eventually(
        lambda: ana.get(a, "/pt/account").headers.get("Location", "").startswith("/pt/auth/sign-in")
    )

    # Rate limits are counted in Redis: 3 failures on A and 2 on B reach the limit of 5.
    intruder = Browser()
    for port in (a, a, a, b, b):
        failed = intruder.post(port, "/pt/auth/sign-in", {"email": address, "password": "wrong!"})
        assert failed.status == 400
    blocked = intruder.post(a, "/pt/auth/sign-in", {"email": address, "password": PASSWORD})
    assert blocked.status == 429

    # The housekeeping: once per period across both workers; a failing job skips no other.
    engine = sa.create_engine(portal_env["ICLIENT_DATABASE_URL"])
    try:

        def runs() -> dict[str, list[Any]]:
            with engine.connect() as connection:
                rows = connection.execute(sa.select(job_runs).order_by(job_runs.c.started_at))
                found: dict[str, list[Any]] = {job: [] for job in JOBS}
                for row in rows:
                    found.setdefault(row.job, []).append(row)
                return found

        wait_for("three runs of each job", lambda: all(len(runs()[job]) >= 3 for job in JOBS))
        _, fs = s3
        fs.rm(portal_env["BUCKET"], recursive=True)  # the storage is gone: the sweep fails
        broken_at = time.time()

        def failed_twice() -> bool:
            found = runs()
            after = [r for r in found["accounts.erase-due"] if r.started_at.timestamp() > broken_at]
            return (
                len(after) >= 2
                and sum(r.outcome == "failed" for r in found["documents.sweep"]) >= 2
            )

        wait_for("the sweep to fail twice, the others going on", failed_twice)
        assert processes.stop("worker-1") == 0
        assert processes.stop("worker-2") == 0
        found = runs()
    finally:
        engine.dispose()

    logs = processes.log("worker-1") + processes.log("worker-2")
    # The daily jobs (the check of the stored files, the quote reminders) ran once,
    # whichever worker got to them.
    for daily in (job.name for job in housekeeping() if job.every >= timedelta(days=1)):
        assert len(found.pop(daily, [])) == 1, daily
    for job, recorded in found.items():
        starts = [run.started_at for run in recorded]
        gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
        assert min(gaps) >= timedelta(seconds=PERIOD), (job, gaps)
        assert all(run.outcome in {"ok", "failed"} for run in recorded), job
        assert {run.runner.rsplit(":", 1)[1] for run in recorded} <= {
            str(processes.started[name].pid) for name in ("worker-1", "worker-2")
        }
        ok = sum(run.outcome == "ok" for run in recorded)
        failed = sum(run.outcome == "failed" for run in recorded)
        assert logs.count(f"job {job} done in") == ok, job
        assert logs.count(f"job {job} failed") == failed, job
    for job in ("accounts.erase-due", "quotes.expire-overdue"):
        assert all(run.outcome == "ok" for run in found[job])
    sweeps = found["documents.sweep"]
    assert sweeps[0].outcome == "ok" and sweeps[-1].outcome == "failed"
    assert "The specified bucket does not exist" in sweeps[-1].detail

    # SIGTERM: the web servers stop cleanly too.
    assert processes.stop("web-a") == 0
    assert processes.stop("web-b") == 0
