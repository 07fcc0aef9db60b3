"""The benchmark: every performance goal as a ratio measured side by side, in one run.

``nox -s bench`` (or ``python bench/run.py``) seeds a PostgreSQL database of its own, starts
the portal under the production server and the template floor (a bare Flask app rendering a
20-row table, ``bench/floor.py``) under the same server with the same workers, loads both with
``wrk``, and prints every figure with its goal and a pass or fail. The machine may be shared
and noisy: what counts is the ratio of two things measured a moment apart, never a time.

It is a benchmark, not a test: CI does not run it. ``docs/performance.md`` holds the latest
table and says how to read it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import attrs

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
REPORT = BENCH / "report.lua"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@attrs.frozen
class Row:
    """One line of the table."""

    what: str
    ours: str
    peer: str
    ratio: float | None
    goal: str
    passed: bool | None
    note: str = ""


@attrs.frozen
class Load:
    """What ``wrk`` measured."""

    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    requests: int


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(
    url: str, *, timeout: float = 60.0, headers: dict[str, str] | None = None
) -> None:
    """Poll ``url`` until it answers (any status), or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(url, headers=headers or {})
            with contextlib.closing(urllib.request.urlopen(request, timeout=2)):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


@contextlib.contextmanager
def running(command: list[str], *, env: dict[str, str], cwd: Path, log: Path) -> Iterator[None]:
    """Run ``command`` in the background for the block."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def gunicorn(app: str, port: int, workers: int) -> list[str]:
    """The production server's command for ``app`` (the floor runs under it too)."""
    return [
        str(BIN / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--backlog",
        "2048",
        app,
    ]


def threaded(command: list[str], threads: int = 4) -> list[str]:
    """``command`` (from :func:`gunicorn`) with the portal's threaded workers (gthread)."""
    return [*command[:-1], "--worker-class", "gthread", "--threads", str(threads), command[-1]]


def portal_command(port: int, workers: int) -> list[str]:
    """``iclient serve`` as production runs it (no background worker: nothing to deliver)."""
    help_text = subprocess.run(
        [str(BIN / "iclient"), "serve", "--help"], capture_output=True, text=True, check=False
    ).stdout
    if "--workers" in help_text:
        command = [str(BIN / "iclient"), "serve", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--workers", str(workers)]
        if "--no-worker" in help_text:
            command.append("--no-worker")
        return command
    return gunicorn("iclient_web:create_app()", port, workers)


def wrk(url: str, *, connections: int, seconds: int, env: dict[str, str] | None = None) -> Load:
    """Load ``url`` with ``wrk`` and read its JSON summary."""
    threads = str(min(2, connections))
    result = subprocess.run(
        [
            "wrk",
            "-t",
            threads,
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(REPORT),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("JSON "))
    data = json.loads(line[5:])
    return Load(
        rps=data["requests"] / data["seconds"],
        p50_ms=data["p50_ms"],
        p99_ms=data["p99_ms"],
        max_ms=data["max_ms"],
        errors=data["errors"],
        requests=data["requests"],
    )


# --------------------------------------------------------------------------- the data


def make_database(admin_url: str) -> str:
    """A fresh PostgreSQL database for this run; returns its URL."""
    import sqlalchemy as sa

    url = sa.make_url(admin_url)
    name = f"iclient_bench_{os.getpid()}"
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(database_url: str, admin_url: str) -> None:
    """Drop this run's database."""
    import sqlalchemy as sa

    name = sa.make_url(database_url).database
    engine = sa.create_engine(sa.make_url(admin_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def seed(database_url: str, instance: Path, *, sessions: int) -> dict[str, Any]:
    """Seed with ``bench/seed.py`` in a process of its own; returns its cookies."""
    subprocess.run(
        [
            PYTHON,
            str(BENCH / "seed.py"),
            "--database-url",
            database_url,
            "--instance",
            str(instance),
            "--clients",
            str(max(10, sessions)),
            "--sessions",
            str(sessions),
        ],
        check=True,
        cwd=ROOT,
    )
    cookies: dict[str, Any] = json.loads((instance / "cookies.json").read_text())
    return cookies


# --------------------------------------------------------------------------- measurements


def measure_pages(
    portal: str, floor: str, signed: str, cookies: dict[str, Any], seconds: int
) -> tuple[list[Row], dict[str, Load]]:
    """Signed-in pages at 16 connections against the template floor, and one connection.

    First the floor behind the portal's sign-in (``signed``, :mod:`signed_floor`): the
    least a signed-in page can cost, and the floor's table behind the sign-in. No goal is
    set for them: they show how much of a page's cost is the signed-in request itself.
    """
    rows: list[Row] = []
    loads: dict[str, Load] = {}
    floor_16 = wrk(f"{floor}/pt/documents", connections=16, seconds=seconds)
    floor_1 = wrk(f"{floor}/pt/documents", connections=1, seconds=max(3, seconds // 2))
    loads["floor"] = floor_16
    client, admin = cookies["client"], cookies["admin"]
    pages = [  # what, server, path, cookie, goal (None: shown for comparison)
        ("signed-in page answering one word", signed, "/pt/bench/nothing", client, None),
        ("floor's table behind the sign-in", signed, "/pt/bench/table", client, None),
        ("signed-in /pt/documents", portal, "/pt/documents", client, "headline"),
        ("signed-in /pt/quotes", portal, "/pt/quotes", client, "same class"),
        ("client dashboard /pt/", portal, "/pt/", client, "same class"),
        ("staff clients /pt/admin/clients/", portal, "/pt/admin/clients/", admin, "same class"),
    ]
    for what, server, path, cookie, goal in pages:
        env = {"COOKIE": cookie}
        check_page(f"{server}{path}", cookie)
        load = wrk(f"{server}{path}", connections=16, seconds=seconds, env=env)
        loads[path] = load
        ratio = load.rps / floor_16.rps
        headline = goal == "headline"
        rows.append(
            Row(
                what=f"{what}, 16 connections",
                ours=f"{load.rps:,.0f} req/s, p99 {load.p99_ms:.0f} ms",
                peer=f"floor {floor_16.rps:,.0f} req/s, p99 {floor_16.p99_ms:.0f} ms",
                ratio=ratio,
                goal="≥ 0.65× and p99 < 15 ms" if headline else goal or "— (the portal's layers)",
                passed=(ratio >= 0.65 and load.p99_ms < 15) if headline else None,
                note="" if load.errors == 0 else f"{load.errors} errors",
            )
        )
        if headline:
            one = wrk(f"{server}{path}", connections=1, seconds=max(3, seconds // 2), env=env)
            rows.append(
                Row(
                    what=f"{what}, one connection",
                    ours=f"p50 {one.p50_ms:.2f} ms",
                    peer=f"floor p50 {floor_1.p50_ms:.2f} ms",
                    ratio=floor_1.p50_ms / one.p50_ms,
                    goal="—",
                    passed=None,
                )
            )
    return rows, loads


def check_page(url: str, cookie: str) -> None:
    """The page answers 200 to this cookie (not a redirect to sign-in or the consent gate)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with contextlib.closing(urllib.request.urlopen(request, timeout=10)) as answer:
        if answer.status != 200 or answer.url != url:
            raise RuntimeError(f"{url} answered {answer.status} at {answer.url}")


def measure_sql(database_url: str, instance: Path) -> list[Row]:
    """Statements per page for a client with 20 documents and one with 10,000."""
    result = subprocess.run(
        [
            PYTHON,
            str(BENCH / "sql_per_page.py"),
            "--database-url",
            database_url,
            "--instance",
            str(instance),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    rows = []
    for path, counts in found.items():
        small, large = counts["small"], counts["large"]
        rows.append(
            Row(
                what=f"SQL statements, {path}",
                ours=f"{small} (20 documents), {large} (10,000 documents)",
                peer="",
                ratio=None,
                goal="≤ 4, constant",
                passed=small <= 4 and large == small,
            )
        )
    return rows


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Leave redirects alone: the sign-in's own answer is what is timed."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def post_sign_in(url: str, fields: dict[str, str]) -> float:
    """Seconds one sign-in POST to ``url`` takes, as a browser sends it (a new connection, the
    form's CSRF token when it has one, the cookies of the form's answer)."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    with contextlib.suppress(urllib.error.HTTPError):  # the floor has no form to show
        form = opener.open(url, timeout=10).read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
        if token is not None:
            fields = {**fields, "csrf_token": token.group(1)}
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode())
    started = time.perf_counter()
    try:
        with contextlib.closing(opener.open(request, timeout=10)):
            raise RuntimeError(f"{url} answers a sign-in without a redirect")
    except urllib.error.HTTPError as answer:
        if answer.code != 303:
            raise
    return time.perf_counter() - started


def measure_sign_in(portal: str, floor: str) -> list[Row]:
    """A sign-in POST (through the server, CSRF token and all) against one argon2id verify,
    and the floor's (a bare Flask app's form POST, one verify, a cookie, a redirect) beside
    it, taken in turns."""
    from seed import PASSWORD

    from iclient_adapters.passwords import PasslibHasher

    hasher = PasslibHasher()
    stored = hasher.hash(PASSWORD)
    verify = []
    for _ in range(20):
        started = time.perf_counter()
        hasher.verify(PASSWORD, stored)
        verify.append(time.perf_counter() - started)
    posts: list[float] = []
    floors: list[float] = []
    for _ in range(20):
        posts.append(
            post_sign_in(
                f"{portal}/pt/auth/sign-in",
                {"email": "cliente1@bench.example", "password": PASSWORD},
            )
        )
        floors.append(post_sign_in(f"{floor}/pt/auth/sign-in", {"password": PASSWORD}))
        time.sleep(0.05)
    one = statistics.median(verify) * 1000
    post, bare = statistics.median(posts) * 1000, statistics.median(floors) * 1000
    return [
        Row(
            what="sign-in POST",
            ours=f"{post:.1f} ms",
            peer=f"one argon2id verify {one:.1f} ms",
            ratio=post / one,
            goal="≤ 1.15×",
            passed=post / one <= 1.15,
            note="median of 20, the redirect after it not followed",
        ),
        Row(
            what="the floor's sign-in POST",
            ours=f"{bare:.1f} ms",
            peer=f"one argon2id verify {one:.1f} ms",
            ratio=bare / one,
            goal="— (any Flask app's)",
            passed=None,
            note="median of 20, in turns with the portal's",
        ),
    ]


def measure_start_up(env: dict[str, str], cookie: str) -> list[Row]:
    """``create_app()`` in a fresh interpreter against a bare Flask app's, medians of 7; and
    the time to the first page: the portal as a web worker of ``iclient serve`` builds it
    (``create_app()`` and its warm-up, :mod:`iclient_web.warmup`) up to a client's documents
    page, against the floor app up to its first page."""

    # As a server runs: with its modules' bytecode compiled (a shell or CI setting
    # PYTHONDONTWRITEBYTECODE would have every run compile iclient's modules again).
    env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def timed(code: str, cwd: Path) -> float:
        result = subprocess.run(
            [PYTHON, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=cwd
        )
        return float(result.stdout.strip().splitlines()[-1])

    def medians(ours_code: str, bare_code: str, cwd: Path = ROOT) -> tuple[float, float]:
        timed(ours_code, cwd), timed(bare_code, cwd)  # the first runs write the bytecode
        ours = statistics.median(timed(ours_code, cwd) for _ in range(7)) * 1000
        bare = statistics.median(timed(bare_code, cwd) for _ in range(7)) * 1000
        return ours, bare

    ours, bare = medians(
        "import time; t=time.perf_counter()\n"
        "from iclient_web import create_app\n"
        "create_app()\nprint(time.perf_counter()-t)",
        "import time; t=time.perf_counter()\n"
        "import flask\napp = flask.Flask('bare')\n"
        "app.get('/')(lambda: 'x')\nprint(time.perf_counter()-t)",
    )
    name, value = cookie.split("=", 1)
    first, floor_first = medians(
        "import time; t=time.perf_counter()\n"
        "from iclient_web import create_app\nfrom iclient_web.warmup import warm_up\n"
        "app = create_app()\nwarm_up(app)\nclient = app.test_client()\n"
        f"client.set_cookie({name!r}, {value!r})\n"
        "assert client.get('/pt/documents').status_code == 200\n"
        "print(time.perf_counter()-t)",
        "import time; t=time.perf_counter()\n"
        "from floor import create_app\n"
        "assert create_app().test_client().get('/pt/documents').status_code == 200\n"
        "print(time.perf_counter()-t)",
        cwd=BENCH,  # where the floor is
    )
    return [
        Row(
            what="start-up",
            ours=f"create_app {ours:.0f} ms",
            peer=f"bare Flask app {bare:.0f} ms",
            ratio=ours / bare,
            goal="≤ 2×",
            passed=ours / bare <= 2,
        ),
        Row(
            what="start-up to the first page",
            ours=f"create_app, warm-up, /pt/documents {first:.0f} ms",
            peer=f"floor app and its page {floor_first:.0f} ms",
            ratio=first / floor_first,
            goal="— (a web worker's)",
            passed=None,
        ),
    ]


def measure_sessions(portal: str, instance: Path, seconds: int) -> Row:
    """200 signed-in sessions at once, each its own connection, for ``seconds``."""
    cookies = instance / "sessions.txt"  # one per line, for report.lua
    cookies.write_text("\n".join(json.loads((instance / "sessions.json").read_text())) + "\n")
    load = wrk(
        f"{portal}/pt/documents",
        connections=200,
        seconds=seconds,
        env={"COOKIES": str(cookies)},
    )
    passed = load.errors == 0 and load.max_ms < 2000 and load.p99_ms < 500
    return Row(
        what=f"200 signed-in sessions for {seconds} s",
        ours=(
            f"{load.rps:,.0f} req/s, p50 {load.p50_ms:.0f} ms, p99 {load.p99_ms:.0f} ms, "
            f"max {load.max_ms:.0f} ms, {load.errors} errors"
        ),
        peer="",
        ratio=None,
        goal="0 errors, max < 2 s, p99 < 500 ms",
        passed=passed,
    )


def last_json(command: list[str]) -> dict[str, Any]:
    """Run a benchmark script of its own and read the JSON line it ends with."""
    result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    found: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def measure_files(size_mb: int, runs: int) -> list[Row]:
    """Downloads through the nginx hand-off and streamed, against nginx's sendfile, and the
    worker's memory for a large upload (``bench/files.py``)."""
    found = last_json(
        [PYTHON, str(BENCH / "files.py"), "--size-mb", str(size_mb), "--runs", str(runs)]
    )
    by_name = {row["name"]: row for row in found["downloads"]}
    nginx = by_name["nginx sendfile"]["median_mb_s"]
    rows = []
    for name, goal, least in (
        ("portal x-accel", "≥ 0.9×", 0.9),
        ("portal stream", "≥ 0.8× (no proxy)", 0.8),
    ):
        speed = by_name[name]["median_mb_s"]
        rows.append(
            Row(
                what=f"{size_mb} MiB download, {name}",
                ours=f"{speed:,.0f} MB/s",
                peer=f"nginx sendfile {nginx:,.0f} MB/s",
                ratio=speed / nginx,
                goal=goal,
                passed=speed / nginx >= least,
            )
        )
    upload = found["upload"]
    growth = upload["rss_growth_mib"]
    rows.append(
        Row(
            what=f"{size_mb} MiB upload",
            ours=f"HTTP {upload['status']} in {upload['seconds']} s, RSS +{growth} MiB",
            peer="",
            ratio=None,
            goal="RSS growth ≤ 16 MB",
            passed=upload["status"] == 303 and growth <= 16,
        )
    )
    return rows


def measure_search(admin_url: str) -> list[Row]:
    """The staff's client search at 100,000 clients against 100 (``bench/search.py``)."""
    found = last_json([PYTHON, str(BENCH / "search.py"), "--admin-url", admin_url, "--runs", "60"])
    ratio = float(found["ratio"])
    return [
        Row(
            what=f"staff search at {found['large']:,} clients (median of the searches)",
            ours=f"{found['large_ms']:.1f} ms",
            peer=f"at {found['small']:,} clients {found['small_ms']:.1f} ms",
            ratio=ratio,
            goal="≤ 2×",
            passed=ratio <= 2,
        )
    ]


def measure_slots() -> list[Row]:
    """Free slots for 4 weeks of a staff member with 500 bookings (``bench/slots.py``): the
    computation itself, and the whole use case reading from SQLite."""
    found = last_json([PYTHON, str(BENCH / "slots.py"), "--runs", "30"])
    goal = 50.0
    size = f"{found['days']} days, {found['bookings']} bookings"
    return [
        Row(
            what=f"free slots, {size} (computation)",
            ours=f"{found['pure_ms']:.1f} ms",
            peer=f"goal {goal:.0f} ms",
            ratio=found["pure_ms"] / goal,
            goal="< 50 ms",
            passed=found["pure_ms"] < goal,
            note=f"{found['pure_slots']} slots",
        ),
        Row(
            what=f"free slots, {size} (use case, SQLite)",
            ours=f"{found['use_case_ms']:.1f} ms",
            peer=f"goal {goal:.0f} ms",
            ratio=found["use_case_ms"] / goal,
            goal="< 50 ms",
            passed=found["use_case_ms"] < goal,
        ),
    ]


# --------------------------------------------------------------------------- the table


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| what | iclient | floor / peer | ratio | goal | |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else ""
        verdict = {True: "pass", False: "**fail**", None: ""}[row.passed]
        note = f" ({row.note})" if row.note else ""
        lines.append(
            f"| {row.what} | {row.ours}{note} | {row.peer} | {ratio} | {row.goal} | {verdict} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("ICLIENT_TEST_DATABASE_URL", DEFAULT_PG)
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seconds", type=int, default=10, help="each load run")
    parser.add_argument("--sessions-seconds", type=int, default=60)
    parser.add_argument("--file-mb", type=int, default=1024, help="the download's size")
    parser.add_argument("--file-runs", type=int, default=5)
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        help="pages, sql, sign-in, start-up, sessions, files, search, slots",
    )
    args = parser.parse_args()
    if "slots" not in args.skip:
        # Pure Python, no server: printed first, so that it shows even without wrk.
        print("free slots …", flush=True)
        slot_rows = measure_slots()
        print(table(slot_rows), flush=True)
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")

    work = Path(tempfile.mkdtemp(prefix="iclient-bench-"))
    database_url = make_database(args.database_url)
    rows: list[Row] = [] if "slots" in args.skip else list(slot_rows)
    try:
        sys.path.insert(0, str(BENCH))
        from seed import environment  # the ICLIENT_* settings the seed and the servers share

        instance = work / "instance"
        env = {**os.environ, **environment(database_url, instance)}
        print(f"seeding {database_url} …", flush=True)
        cookies = seed(database_url, instance, sessions=200)
        portal_port, floor_port, signed_port = free_port(), free_port(), free_port()
        portal, floor = f"http://127.0.0.1:{portal_port}", f"http://127.0.0.1:{floor_port}"
        signed = f"http://127.0.0.1:{signed_port}"
        with (
            running(
                portal_command(portal_port, args.workers),
                env=env,
                cwd=ROOT,
                log=work / "portal.log",
            ),
            running(
                gunicorn("floor:create_app()", floor_port, args.workers),
                env=env,
                cwd=BENCH,
                log=work / "floor.log",
            ),
            running(
                # Served as the portal is: the same workers, each with the same threads.
                threaded(gunicorn("signed_floor:create_app()", signed_port, args.workers)),
                env=env,
                cwd=BENCH,
                log=work / "signed_floor.log",
            ),
        ):
            wait_until_up(f"{portal}/pt/auth/sign-in")
            wait_until_up(f"{floor}/pt/documents")
            wait_until_up(f"{signed}/pt/auth/sign-in")
            if "pages" not in args.skip:
                print("pages …", flush=True)
                page_rows, _loads = measure_pages(portal, floor, signed, cookies, args.seconds)
                rows += page_rows
            if "sql" not in args.skip:
                print("statements per page …", flush=True)
                rows += measure_sql(database_url, instance)
            if "sign-in" not in args.skip:
                print("sign-in …", flush=True)
                rows += measure_sign_in(portal, floor)
            if "sessions" not in args.skip:
                print(f"200 sessions for {args.sessions_seconds} s …", flush=True)
                rows.append(measure_sessions(portal, instance, args.sessions_seconds))
        if "start-up" not in args.skip:
            print("start-up …", flush=True)
            rows += measure_start_up(env, cookies["client"])
        if "files" not in args.skip:
            print("downloads and uploads …", flush=True)
            rows += measure_files(args.file_mb, args.file_runs)
        if "search" not in args.skip and (BENCH / "search.py").exists():
            print("staff search …", flush=True)
            rows += measure_search(args.database_url)
    finally:
        drop_database(database_url, args.database_url)
    print()
    print(table(rows))
    print()
    passed, failed = sum(r.passed is True for r in rows), sum(r.passed is False for r in rows)
    print(f"{passed} passed, {failed} failed")


if __name__ == "__main__":
    main()
