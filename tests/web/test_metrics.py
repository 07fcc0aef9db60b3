"""``/metrics``: off by default; a token or an allowed network; request latency by endpoint
(never the path) and status class, retries, the outbox, jobs; several processes add up."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from iclient_adapters.compose import Portal
from iclient_adapters.testing.outages import DatabaseOutage
from iclient_core.notifications import DeliveryReport
from iclient_web import metrics
from tests.web.conftest import Browser, app_with

TOKEN = "metrics-token-for-the-tests-0123456789"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
ROOT = Path(__file__).resolve().parents[2]


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of an exposition, by name and labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, frozenset(labels.items())), 0.0)


def scraper_on(portal: Portal) -> Browser:
    """A browser on ``portal``'s core, with /metrics on (a token)."""
    app = app_with(portal, metrics_token=TOKEN)
    return Browser(app.test_client(), portal, None)  # type: ignore[arg-type]


@pytest.fixture
def scraper(portal: Portal) -> Browser:
    """A browser on a portal whose /metrics is on, with a token."""
    return scraper_on(portal)


def scrape(browser: Browser) -> str:
    answer = browser.get("/metrics", headers=BEARER)
    assert answer.status_code == 200, answer.status
    assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return answer.get_data(as_text=True)


def test_metrics_are_off_by_default(browser: Browser) -> None:
    answer = browser.get("/metrics", headers=BEARER, follow_redirects=True)
    assert answer.status_code == 404
    assert "<h1>" in answer.get_data(as_text=True)  # the portal's own 404 page


def test_metrics_need_the_token(scraper: Browser) -> None:
    assert scraper.get("/metrics").status_code == 403
    assert scraper.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert scraper.get("/metrics", headers={"Authorization": TOKEN}).status_code == 403
    assert "Set-Cookie" not in scraper.get("/metrics", headers=BEARER).headers


def test_metrics_answer_allowed_networks(portal: Portal) -> None:
    client = app_with(portal, metrics_allow=("10.0.0.0/8", "::1/128")).test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 403


def test_behind_a_proxy_the_allowed_address_is_the_forwarded_one(portal: Portal) -> None:
    client = app_with(portal, metrics_allow=("10.0.0.0/8",), proxy_hops=1).test_client()
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    inside = {"X-Forwarded-For": "10.0.0.9"}
    outside = {"X-Forwarded-For": "192.0.2.1"}
    assert client.get("/metrics", headers=inside, environ_base=proxy).status_code == 200
    assert client.get("/metrics", headers=outside, environ_base=proxy).status_code == 403


def test_requests_are_measured_by_endpoint_and_status_class(
    scraper: Browser, portal: Portal
) -> None:
    before = scrape(scraper)
    key = {"method": "GET", "endpoint": "auth.sign_in", "status": "2xx"}
    scraper.get("/pt/auth/sign-in")
    scraper.get("/en/auth/sign-in")
    scraper.get("/pt/documents/0f3c2a9e-1111-4222-8333-944455556666/download")
    scraper.get("/pt/no/such/page/12345")
    after = scrape(scraper)

    name = "iclient_http_request_duration_seconds_count"
    assert value(after, name, **key) - value(before, name, **key) == 2
    assert value(after, name, method="GET", endpoint="unmatched", status="4xx") >= 1
    endpoints = {dict(labels)["endpoint"] for (metric, labels) in samples(after) if metric == name}
    assert "documents.download" in endpoints  # a visitor is sent to sign in: still counted
    assert all("/" not in endpoint for endpoint in endpoints), endpoints  # never a path
    assert "health.metrics" in endpoints


def test_retries_are_counted(portal: Portal, outage: DatabaseOutage) -> None:
    scraper = scraper_on(portal)
    before = value(scrape(scraper), "iclient_http_request_retries_total", outcome="recovered")
    outage.lose_connections(1)
    assert scraper.get("/pt/auth/sign-in").status_code == 200
    after = value(scrape(scraper), "iclient_http_request_retries_total", outcome="recovered")
    assert after - before == 1


def test_the_outbox_is_measured(scraper: Browser, portal: Portal) -> None:
    before = scrape(scraper)
    metrics.record_delivery(DeliveryReport(sent=3, failed=1))
    after = scrape(scraper)
    assert (
        value(after, "iclient_outbox_sent_total") - value(before, "iclient_outbox_sent_total") == 3
    )
    assert (
        value(after, "iclient_outbox_failed_total") - value(before, "iclient_outbox_failed_total")
        == 1
    )
    assert value(after, "iclient_outbox_lag_seconds") == 0
    assert value(after, "iclient_database_up") == 1


def test_the_database_being_down_shows_in_the_metrics(
    portal: Portal, outage: DatabaseOutage
) -> None:
    outage.go_down()
    text = scrape(scraper_on(portal))
    assert value(text, "iclient_database_up") == 0
    assert "iclient_outbox_lag_seconds" not in text


def test_jobs_are_counted_by_job_and_outcome(scraper: Browser) -> None:
    before = scrape(scraper)
    with metrics.job("expire_quotes"):
        pass
    with pytest.raises(RuntimeError), metrics.job("expire_quotes"):
        raise RuntimeError("boom")
    metrics.record_job("sweep_documents", "skipped")
    after = scrape(scraper)

    def delta(**labels: str) -> float:
        return value(after, "iclient_jobs_total", **labels) - value(
            before, "iclient_jobs_total", **labels
        )

    assert delta(job="expire_quotes", outcome="ok") == 1
    assert delta(job="expire_quotes", outcome="failed") == 1
    assert delta(job="sweep_documents", outcome="skipped") == 1
    assert value(after, "iclient_job_duration_seconds_count", job="expire_quotes") >= 2


def test_openmetrics_is_served_when_asked_for(scraper: Browser) -> None:
    answer = scraper.get(
        "/metrics", headers={**BEARER, "Accept": "application/openmetrics-text; version=1.0.0"}
    )
    assert answer.headers["Content-Type"].startswith("application/openmetrics-text")
    assert answer.get_data(as_text=True).endswith("# EOF\n")


def test_status_classes() -> None:
    assert [metrics.status_class(s) for s in (200, 303, 404, 503, 99)] == [
        "2xx",
        "3xx",
        "4xx",
        "5xx",
        "other",
    ]


# ----------------------------------------------------------------------------- processes

RECORD = textwrap.dedent(
    """
    from iclient_web import metrics
    metrics.enable()
    metrics.observe_request(method="GET", endpoint="auth.sign_in", status=200, seconds=0.02)
    metrics.record_job("deliver_mail", "ok", 0.1)
    """
)


def test_several_processes_add_up(
    tmp_path: Path, portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "metrics"
    env = {**os.environ, metrics.MULTIPROC_ENV: str(folder), "PYTHONPATH": str(ROOT / "src")}
    for _ in range(3):  # three workers, one request each
        subprocess.run([sys.executable, "-c", RECORD], env=env, check=True, timeout=60)
    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(folder))

    body, _ = metrics.exposition(portal.services)

    text = body.decode()
    name = "iclient_http_request_duration_seconds_count"
    assert value(text, name, method="GET", endpoint="auth.sign_in", status="2xx") == 3
    assert value(text, "iclient_jobs_total", job="deliver_mail", outcome="ok") == 3
    assert value(text, "iclient_outbox_lag_seconds") == 0
    assert "process_cpu_seconds_total" not in text  # per-process facts are not summed

    metrics.gunicorn_on_starting()  # a new server: the dead workers' files go
    assert list(folder.glob("*.db")) == []


GUNICORN_CONFIG = textwrap.dedent(
    """
    from iclient_web.metrics import gunicorn_child_exit as child_exit
    from iclient_web.metrics import gunicorn_on_starting as on_starting

    workers = 2
    """
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_gunicorns_workers_add_up(tmp_path: Path) -> None:
    pytest.importorskip("gunicorn")  # the production server; the hooks are its
    folder = tmp_path / "metrics"
    (tmp_path / "gunicorn.conf.py").write_text(GUNICORN_CONFIG)
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        metrics.MULTIPROC_ENV: str(folder),
        "ICLIENT_INSTANCE_PATH": str(tmp_path),
        "ICLIENT_DATABASE_URL": "memory://",
        "ICLIENT_STORAGE_URL": "memory://",
        "ICLIENT_MAIL_URL": "memory://",
        "ICLIENT_METRICS_TOKEN": TOKEN,
        "ICLIENT_LOG_LEVEL": "warning",
    }
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as errors:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "--config",
                str(tmp_path / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "iclient_web:create_app()",
            ],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        for _ in range(19):  # 20 probes in all, served by whichever worker accepts
            assert _get(port, "/healthz")[0] == 200
        pids = {path.stem.rsplit("_", 1)[1] for path in folder.glob("counter_*.db")}
        deadline = time.monotonic() + 30
        while len(pids) < 2 and time.monotonic() < deadline:  # the second worker booting
            time.sleep(0.2)
            pids = {path.stem.rsplit("_", 1)[1] for path in folder.glob("counter_*.db")}
        assert len(pids) == 2, pids

        for _ in range(4):  # each scrape, whichever worker answers, sees every worker's
            status, text = _get(port, "/metrics", BEARER)
            assert status == 200
            name = "iclient_http_request_duration_seconds_count"
            assert value(text, name, method="GET", endpoint="health.alive", status="2xx") == 20
    finally:
        server.terminate()
        server.wait(timeout=30)
