"""Support threads left open: do 200 browsers polling a thread tie up the server's workers?

``python bench/support_poll.py`` seeds a PostgreSQL database of its own (``bench/seed.py``),
opens a support request per poller, starts the portal under the production server
(``iclient serve``), and then, for ``--seconds``:

- ``--pollers`` (200) open threads, each on its own keep-alive connection, ask for their
  thread's news every ``--every`` seconds (4, as ``static/support.js``) with
  ``If-None-Match``; staff answer a few threads meanwhile, so some polls get the news (200);
- one signed-in client loads their dashboard again and again.

It prints the polls' answers (304 and 200), their latency as the server logged it (its own
time) and as the pollers saw it (with the network, the queue and the load generator's own
threads), and the dashboard's latency with
the pollers against the same without them: the pollers tie up no worker when the dashboard
stays about as fast. It is a benchmark, not a test; ``docs/support.md`` holds the latest
figures.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import statistics
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run  # noqa: E402  (the benchmark's own helpers)
import seed as seeding  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile of ``values`` (0 when there are none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def open_requests(database_url: str, instance: Path, count: int, clients: int) -> list[str]:
    """``count`` support requests, spread over the first ``clients`` clients."""
    os.environ.update(seeding.environment(database_url, instance))
    from iclient_adapters import Config, from_config
    from iclient_core.support import open_request

    found = []
    with from_config(Config.from_env()) as portal:
        services = portal.services
        with services.uow() as uow:
            owners = [
                uow.accounts.get_by_email_key(f"cliente{n}@bench.example") for n in range(clients)
            ]
        for n in range(count):
            owner = owners[n % clients]
            assert owner is not None
            found.append(
                open_request(
                    services=services,
                    account_id=owner.id,
                    subject=f"Pedido {n}",
                    category="technical",
                    message="Não imprime.",
                    ip=seeding.IP,
                ).id
            )
    return found


def answer(conversation_ids: list[str]) -> None:
    """Staff answer these threads (their pollers' next asks get the news)."""
    from iclient_adapters import Config, from_config
    from iclient_core.accounts.model import email_key
    from iclient_core.support import staff_reply

    with from_config(Config.from_env()) as portal:
        services = portal.services
        with services.uow() as uow:
            admin = uow.accounts.get_by_email_key(email_key(seeding.ADMIN_EMAIL))
        assert admin is not None
        for conversation_id in conversation_ids:
            staff_reply(
                services=services,
                actor=admin,
                conversation_id=conversation_id,
                message="Já vimos.",
                ip=seeding.IP,
            )


class Poller(threading.Thread):
    """One open thread in a browser: a keep-alive connection asking every ``every`` s."""

    def __init__(self, port: int, path: str, cookie: str, every: float, until: float) -> None:
        super().__init__(daemon=True)
        self.port, self.path, self.cookie = port, path, cookie
        self.every, self.until = every, until
        self.etag = ""
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        time.sleep(random.uniform(0, self.every))
        while time.monotonic() < self.until:
            headers = {"Cookie": self.cookie}
            if self.etag:
                headers["If-None-Match"] = self.etag
            started = time.monotonic()
            try:
                connection.request("GET", self.path, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                self.statuses[0] = self.statuses.get(0, 0) + 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            self.latencies.append((time.monotonic() - started) * 1000)
            self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
            self.etag = response.getheader("ETag") or self.etag
            time.sleep(max(0.0, self.every - (time.monotonic() - started)))
        connection.close()


def page_latencies(port: int, cookie: str, until: float) -> list[float]:
    """The dashboard, loaded again and again on one connection until ``until``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    found = []
    while time.monotonic() < until:
        started = time.monotonic()
        connection.request("GET", "/pt/", headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        assert response.status == 200, response.status
        found.append((time.monotonic() - started) * 1000)
        time.sleep(0.1)
    connection.close()
    return found


def in_process_cost(conversation_id: str, cookie: str, count: int = 300) -> float:
    """Milliseconds one 304 poll takes in the application itself (no server, no network)."""
    from iclient_adapters import Config
    from iclient_web import create_app

    app = create_app({}, config=Config.from_env())
    client = app.test_client()
    name, value = cookie.split("=", 1)
    client.set_cookie(name, value)
    path = f"/pt/support/{conversation_id}/poll"
    tag = client.get(path).headers["ETag"]
    started = time.perf_counter()
    for _ in range(count):
        answer = client.get(path, headers={"If-None-Match": tag})
        assert answer.status_code == 304, answer.status_code
    spent = (time.perf_counter() - started) * 1000 / count
    app.extensions["iclient"].close()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--admin-url", default=run.DEFAULT_PG)
    parser.add_argument("--pollers", type=int, default=200)
    parser.add_argument("--every", type=float, default=4.0)
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=run.os.cpu_count() or 2)
    args = parser.parse_args()
    import tempfile

    instance = Path(tempfile.mkdtemp(prefix="iclient-support-bench-"))
    database_url = run.make_database(args.admin_url)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            run.seed(database_url, instance, sessions=args.clients)
        sessions: list[str] = json.loads((instance / "sessions.json").read_text())
        conversations = open_requests(database_url, instance, args.pollers, args.clients)
        cost = in_process_cost(conversations[0], sessions[0])
        port = run.free_port()
        env = {**os.environ, **seeding.environment(database_url, instance)}
        env["ICLIENT_LOG_LEVEL"] = "INFO"  # a line per request, with the server's own time
        env["PYTHONPATH"] = os.pathsep.join([str(run.ROOT / "src"), env.get("PYTHONPATH", "")])
        command = run.portal_command(port, args.workers)
        with run.running(command, env=env, cwd=run.ROOT, log=instance / "server.log"):
            run.wait_until_up(f"http://127.0.0.1:{port}/healthz")
            quiet = page_latencies(port, sessions[0], time.monotonic() + 10)
            until = time.monotonic() + args.seconds
            pollers = [
                Poller(
                    port,
                    f"/pt/support/{conversation_id}/poll",
                    sessions[n % args.clients],
                    args.every,
                    until,
                )
                for n, conversation_id in enumerate(conversations)
            ]
            for poller in pollers:
                poller.start()
            time.sleep(args.seconds / 3)
            answer(conversations[:10])
            busy = page_latencies(port, sessions[0], until)
            for poller in pollers:
                poller.join()
        served = [
            float(found.group(1))
            for found in re.finditer(
                r"GET support\.client\.poll 304 ([0-9.]+)ms",
                (instance / "server.log").read_text(encoding="utf-8", errors="replace"),
            )
        ]
        latencies = [ms for p in pollers for ms in p.latencies]
        statuses: dict[int, int] = {}
        for poller in pollers:
            for status, count in poller.statuses.items():
                statuses[status] = statuses.get(status, 0) + count
        report = {
            "pollers": args.pollers,
            "every_s": args.every,
            "seconds": args.seconds,
            "workers": args.workers,
            "poll_304_in_process_ms": round(cost, 2),
            "polls": len(latencies),
            "polls_per_s": round(len(latencies) / args.seconds, 1),
            "statuses": statuses,
            "served_304_p50_ms": round(percentile(served, 0.5), 1),
            "served_304_p99_ms": round(percentile(served, 0.99), 1),
            "poll_p50_ms": round(percentile(latencies, 0.5), 1),
            "poll_p90_ms": round(percentile(latencies, 0.9), 1),
            "poll_p99_ms": round(percentile(latencies, 0.99), 1),
            "dashboard_alone_p50_ms": round(statistics.median(quiet), 1),
            "dashboard_alone_p99_ms": round(percentile(quiet, 0.99), 1),
            "dashboard_with_pollers_p50_ms": round(statistics.median(busy), 1),
            "dashboard_with_pollers_p99_ms": round(percentile(busy, 0.99), 1),
        }
        print(json.dumps(report, indent=2))
    finally:
        run.drop_database(database_url, args.admin_url)


if __name__ == "__main__":
    main()
