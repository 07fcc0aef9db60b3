"""Prometheus metrics, with ``prometheus_client`` (the Prometheus project's own Python
client), served at ``/metrics`` to the holders of ``ICLIENT_METRICS_TOKEN`` or the networks
in ``ICLIENT_METRICS_ALLOW``; off (not recorded, not served) when neither is set.

What is measured:

- ``iclient_http_request_duration_seconds{method, endpoint, status}``: a histogram of the
  time to answer a request, by the view's endpoint name (``documents.download``, never the
  path: ids would make a series each) and status class (``2xx``…);
- ``iclient_http_request_retries_total{outcome}``: safe requests run again after a lost
  database connection, ``recovered`` or ``failed``;
- ``iclient_outbox_sent_total``, ``iclient_outbox_failed_total``: e-mail delivery attempts;
- ``iclient_outbox_lag_seconds``: how long the longest-waiting due e-mail has waited, and
  ``iclient_database_up``, read from the database at each scrape;
- ``iclient_jobs_total{job, outcome}`` and ``iclient_job_duration_seconds{job}``: background
  jobs (the worker calls :func:`job` or :func:`record_job`).

Several processes (gunicorn's workers, the worker process) add up when
``PROMETHEUS_MULTIPROC_DIR`` names a folder they all share, set in their environment before
they start: every process writes its values there, and a scrape reads them all. A gunicorn
configuration calls :func:`gunicorn_on_starting` and :func:`gunicorn_child_exit` from its
``on_starting`` and ``child_exit`` hooks.
"""

from __future__ import annotations

import glob
import hmac
import ipaddress
import logging
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import attrs

from iclient_core.notifications import DeliveryReport, outbox_lag
from iclient_core.shared.errors import ServiceUnavailable

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry, Counter, Histogram
    from prometheus_client.metrics_core import Metric

    from iclient_core.services import Services

logger = logging.getLogger("iclient.metrics")

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
JOB_BUCKETS = (0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_NAME = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


@attrs.frozen
class _Metrics:
    registry: CollectorRegistry
    requests: Histogram
    retries: Counter
    outbox_sent: Counter
    outbox_failed: Counter
    jobs: Counter
    job_seconds: Histogram


_lock = threading.Lock()
_metrics: _Metrics | None = None


def multiprocess_dir() -> str | None:
    """The shared folder of multi-process mode, or None in single-process mode."""
    return os.environ.get(MULTIPROC_ENV) or None


def enable() -> None:
    """Start recording (idempotent). ``create_app`` calls it when ``/metrics`` is on."""
    global _metrics
    with _lock:
        if _metrics is not None:
            return
        folder = multiprocess_dir()
        if folder:
            os.makedirs(folder, exist_ok=True)
        # Imported here: the client reads PROMETHEUS_MULTIPROC_DIR when it is imported, and
        # an installation without metrics never loads it.
        from prometheus_client import (
            CollectorRegistry,
            Counter,
            GCCollector,
            Histogram,
            PlatformCollector,
            ProcessCollector,
        )

        registry = CollectorRegistry(auto_describe=True)
        if not folder:  # per-process facts mean nothing summed over processes
            ProcessCollector(registry=registry)
            PlatformCollector(registry=registry)
            GCCollector(registry=registry)
        _metrics = _Metrics(
            registry=registry,
            requests=Histogram(
                "iclient_http_request_duration_seconds",
                "Time to answer a request, by endpoint and status class.",
                ["method", "endpoint", "status"],
                buckets=REQUEST_BUCKETS,
                registry=registry,
            ),
            retries=Counter(
                "iclient_http_request_retries",
                "Safe requests run again after a lost database connection, by outcome.",
                ["outcome"],
                registry=registry,
            ),
            outbox_sent=Counter(
                "iclient_outbox_sent", "E-mails handed to the mail server.", registry=registry
            ),
            outbox_failed=Counter(
                "iclient_outbox_failed",
                "E-mail delivery attempts that failed (retried later, or given up).",
                registry=registry,
            ),
            jobs=Counter(
                "iclient_jobs",
                "Background job runs, by job and outcome.",
                ["job", "outcome"],
                registry=registry,
            ),
            job_seconds=Histogram(
                "iclient_job_duration_seconds",
                "Time a background job run took.",
                ["job"],
                buckets=JOB_BUCKETS,
                registry=registry,
            ),
        )


def enabled() -> bool:
    """Whether metrics are being recorded in this process."""
    return _metrics is not None


def _label(value: str) -> str:
    return value if _NAME.fullmatch(value) else "other"


def status_class(status: int) -> str:
    """``2xx`` for 204, ``5xx`` for 503…"""
    return f"{status // 100}xx" if 100 <= status < 600 else "other"


def observe_request(
    *, method: str, endpoint: str, status: int, seconds: float, retried: bool = False
) -> None:
    """Count one answered request (does nothing while metrics are off)."""
    found = _metrics
    if found is None:
        return
    found.requests.labels(
        method if method in METHODS else "other", _label(endpoint), status_class(status)
    ).observe(seconds)
    if retried:
        found.retries.labels("recovered" if status < 500 else "failed").inc()


def record_delivery(report: DeliveryReport) -> None:
    """Count one outbox delivery round's results (call it with what ``deliver_outbox``
    returned)."""
    found = _metrics
    if found is None:
        return
    if report.sent:
        found.outbox_sent.inc(report.sent)
    if report.failed:
        found.outbox_failed.inc(report.failed)


def record_job(name: str, outcome: str, seconds: float | None = None) -> None:
    """Count one run of a background job.

    Args:
        name: the job (``deliver_mail``, ``expire_quotes``…), a short fixed name.
        outcome: ``ok``, ``failed``, or ``skipped`` (another process held its lock).
        seconds: how long it ran, when it ran.
    """
    found = _metrics
    if found is None:
        return
    found.jobs.labels(_label(name), _label(outcome)).inc()
    if seconds is not None:
        found.job_seconds.labels(_label(name)).observe(seconds)


@contextmanager
def job(name: str) -> Iterator[None]:
    """Time and count the job run in the ``with`` block: ``ok``, or ``failed`` when it
    raises (the exception goes on)."""
    started = time.perf_counter()
    try:
        yield
    except BaseException:
        record_job(name, "failed", time.perf_counter() - started)
        raise
    record_job(name, "ok", time.perf_counter() - started)


# --------------------------------------------------------------------------- exposition


class _Outbox:
    """Reads the outbox lag from the database when scraped (one indexed statement)."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def collect(self) -> Iterable[Metric]:
        from prometheus_client.core import GaugeMetricFamily

        up = GaugeMetricFamily("iclient_database_up", "Whether the database answered.")
        try:
            lag = outbox_lag(services=self._services)
        except ServiceUnavailable:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "iclient_outbox_lag_seconds",
            "How long the longest-waiting due e-mail has waited for a deliverer.",
            value=lag.total_seconds(),
        )


class _Exposition:
    def __init__(self, *collectors: Any) -> None:
        self._collectors = collectors

    def collect(self) -> Iterable[Metric]:
        for collector in self._collectors:
            yield from collector.collect()


def exposition(services: Services, accept: str = "") -> tuple[bytes, str]:
    """The metrics of every process (multi-process mode) or this one, and the outbox's.

    Returns:
        The body and its content type (Prometheus text, or OpenMetrics when asked for).
    """
    from prometheus_client.exposition import choose_encoder

    enable()
    assert _metrics is not None
    folder = multiprocess_dir()
    if folder:
        from prometheus_client import CollectorRegistry
        from prometheus_client.multiprocess import MultiProcessCollector

        merged = CollectorRegistry()
        MultiProcessCollector(merged, path=folder)  # type: ignore[no-untyped-call]
        source: Any = merged
    else:
        source = _metrics.registry
    encoder, content_type = choose_encoder(accept)
    return encoder(_Exposition(source, _Outbox(services))), content_type


def allowed(
    *, remote_addr: str | None, authorization: str, token: str, networks: Iterable[str]
) -> bool:
    """Whether a scrape may read the metrics: it bears ``token`` (``Authorization: Bearer``),
    or comes from one of ``networks``."""
    if token:
        scheme, _, given = authorization.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
            return True
    if remote_addr:
        try:
            address = ipaddress.ip_address(remote_addr)
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(network) for network in networks)
    return False


# --------------------------------------------------------------------------- gunicorn hooks


def _pid_of(path: str) -> int | None:
    found = re.search(r"_(\d+)\.db$", path)
    return int(found.group(1)) if found else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def gunicorn_on_starting(server: object = None) -> None:
    """Gunicorn's ``on_starting`` hook: clear the shared folder of processes that are gone.

    Files of processes still running (a worker process started apart) are kept.
    """
    folder = multiprocess_dir()
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    for path in glob.glob(os.path.join(folder, "*.db")):
        pid = _pid_of(path)
        if pid is None or not _alive(pid):
            os.remove(path)


def gunicorn_child_exit(server: object, worker: Any) -> None:
    """Gunicorn's ``child_exit`` hook: a worker ended; drop its live gauges."""
    if multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
