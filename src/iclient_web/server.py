"""The portal's HTTP server: gunicorn, pre-forking one web worker process per CPU core (each
with a few threads), and the background worker in a process of its own beside them.

Configured here, in code (no ``gunicorn.conf.py``): :func:`gunicorn_settings` says what each
setting is and why. The Flask app is built in each web worker after the fork, so no
database connection, Redis pool or file handle is ever shared between processes.

The background worker (``iclient worker``) is a child of gunicorn's master: started with
it, started again if it dies, restarted on ``SIGHUP`` (with the web workers), and stopped
with it, after the job in hand, within the graceful timeout.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from iclient_web import metrics

logger = logging.getLogger("iclient.server")

WSGIApp = Callable[..., Any]


def cpu_cores() -> int:
    """The CPU cores this process may run on (its affinity; all of them elsewhere)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS has no affinity
        return os.cpu_count() or 1


@attrs.frozen(kw_only=True)
class ServerOptions:
    """What ``iclient serve`` is told; :func:`gunicorn_settings` turns it into gunicorn's.

    Attributes:
        host, port: where to listen.
        workers: web worker processes.
        threads: request threads per web worker (1: gunicorn's sync worker).
        timeout: seconds a web worker may stay unresponsive before it is replaced.
        keepalive: seconds an idle keep-alive connection is kept open.
        backlog: connections waiting for a free worker, at most.
        graceful_timeout: seconds given to requests in progress on a restart or stop.
        max_requests, max_requests_jitter: a web worker is replaced (gracefully) after
            about this many requests, so that whatever a process accumulates is bounded.
        access_log: one line per request on standard output.
        proxy_hops: ``ICLIENT_PROXY_HOPS``: how many proxies in front set ``X-Forwarded-*``.
        forwarded_allow_ips: the proxies' addresses, when ``proxy_hops`` is set.
    """

    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = attrs.field(factory=cpu_cores)
    threads: int = 4
    timeout: int = 30
    keepalive: int = 5
    backlog: int = 1024
    graceful_timeout: int = 30
    max_requests: int = 50_000
    max_requests_jitter: int = 5_000
    access_log: bool = False
    proxy_hops: int = 0
    forwarded_allow_ips: str = "127.0.0.1,::1"

    @property
    def bind(self) -> str:
        """``host:port`` (``[v6]:port`` for an IPv6 address)."""
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        return f"{host}:{self.port}"


SHARED_MEMORY = "/dev/shm"  # noqa: S108 (gunicorn makes its files there with mkstemp)

ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
"""Client, time, method and path (never the query string: it may hold search terms), status,
body bytes and duration."""


def gunicorn_settings(options: ServerOptions) -> dict[str, Any]:
    """gunicorn's settings for ``options``, with the reason for each."""
    settings: dict[str, Any] = {
        "bind": [options.bind],
        "workers": options.workers,
        # Processes use every core (one per core); a few threads in each overlap the
        # database round trips and, above all, keep idle connections from holding a worker:
        # a sync worker that accepts a connection waits for its request, so a browser's
        # speculative pre-connections (or any slow client, without a buffering proxy in
        # front: the quick start) stall it. Measured on 2 cores: 4 idle connections kept a
        # page from the sync server for over 2 minutes; the gthread server answered in
        # 30 ms (gthread parks a connection that sends nothing in its poller, after at
        # most 5 s in a thread on recent gunicorn). It also keeps connections alive.
        "worker_class": "sync" if options.threads == 1 else "gthread",
        "threads": options.threads,
        "keepalive": options.keepalive,
        "backlog": options.backlog,
        # A worker whose main loop stays silent this long is killed and replaced (with
        # threads, a long upload or download does not count; with --threads 1, it does).
        "timeout": options.timeout,
        "graceful_timeout": options.graceful_timeout,
        "max_requests": options.max_requests,
        # Staggered, so that the workers are never all replaced at the same moment.
        "max_requests_jitter": options.max_requests_jitter,
        # The app is built in each worker after the fork: no connection crosses a fork.
        "preload_app": False,
        # Our own URLs may carry ?next= with a whole path and query (up to 2000 characters,
        # percent-encoded): 8190 is gunicorn's ceiling and nginx's default header buffer.
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        # No per-request logging unless asked for; errors and worker events go to stderr.
        "accesslog": "-" if options.access_log else None,
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "iclient",
        # X-Forwarded-Proto (and the like) are believed only from the configured proxies,
        # and only when there are proxies (the app's ProxyFix reads the rest).
        "forwarded_allow_ips": options.forwarded_allow_ips if options.proxy_hops else "",
    }
    if Path(SHARED_MEMORY).is_dir():
        # The workers' heartbeat files: in memory, never stalled by a busy disk.
        settings["worker_tmp_dir"] = SHARED_MEMORY
    return settings


OPTIONAL_SETTINGS = {
    # gunicorn 25.1+ opens a control socket at one path per user by default: two servers
    # of one user would share it. iclient is managed with signals (systemd) instead.
    "control_socket_disable": True,
}
"""Settings of newer gunicorn releases, applied when the installed one knows them."""


class BackgroundProcess:
    """The background worker (``iclient worker``) as a child process, kept running.

    Args:
        command: the command that runs it.
        restart_delay: the shortest time between two starts (a worker that keeps failing
            is not restarted in a tight loop).
    """

    def __init__(self, command: Sequence[str], *, restart_delay: float = 5.0) -> None:
        self.command = list(command)
        self.restart_delay = restart_delay
        self.process: subprocess.Popen[bytes] | None = None
        self._started_at = float("-inf")
        self._stopping = False
        self._restarting = False

    @classmethod
    def iclient_worker(cls, *arguments: str) -> BackgroundProcess:
        """``iclient worker`` with ``arguments``, on this interpreter and environment; it
        stops by itself if this process (gunicorn's master) dies without stopping it."""
        command = [sys.executable, "-m", "iclient_web", "worker", "--parent", str(os.getpid())]
        return cls([*command, *arguments])

    def keep_running(self) -> None:
        """Start the process if it is not running (and not being stopped)."""
        if self._stopping or (self.process is not None and self.process.poll() is None):
            return
        if time.monotonic() - self._started_at < self.restart_delay:
            return
        self._started_at = time.monotonic()
        self.process = subprocess.Popen(self.command)  # noqa: S603 (our own command)
        logger.info("background worker started (pid %s)", self.process.pid)

    def reap(self) -> None:
        """Collect the exit of the process, if it ended (it is started again later)."""
        if self.process is None:
            return
        code = self.process.poll()
        if code is None:
            return
        if self._stopping or self._restarting:
            logger.info("background worker (pid %s) stopped", self.process.pid)
        else:
            logger.error("background worker (pid %s) exited with %s", self.process.pid, code)
        self._restarting = False
        self.process = None

    def terminate(self) -> None:
        """Ask the process to stop after the work in hand (``SIGTERM``)."""
        self._stopping = True
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the process to end, then kill it."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(timeout, 0.1))
        except subprocess.TimeoutExpired:
            logger.warning("background worker (pid %s) killed", self.process.pid)
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self) -> None:
        """Ask the process to stop after the work in hand; a new one (with fresh code) starts
        as soon as it has ended. Never waits: the caller is gunicorn's master loop."""
        self._started_at = float("-inf")
        if self.process is not None and self.process.poll() is None:
            self._restarting = True
            self.process.send_signal(signal.SIGTERM)
        else:
            self.keep_running()


class _Arbiter(Arbiter):
    """gunicorn's master, also keeping the background worker process running."""

    def __init__(self, app: BaseApplication, background: BackgroundProcess | None) -> None:
        super().__init__(app)
        self.background = background

    def manage_workers(self) -> None:
        super().manage_workers()
        if self.background is not None:
            self.background.keep_running()

    def reap_workers(self) -> None:
        # Before gunicorn's waitpid(-1), which would take the exit of any child.
        if self.background is not None:
            self.background.reap()
        super().reap_workers()

    def reload(self) -> None:
        super().reload()
        if self.background is not None:
            self.background.restart()

    def stop(self, graceful: bool = True) -> None:
        deadline = time.monotonic() + self.cfg.graceful_timeout
        if self.background is not None:
            self.background.terminate()
        super().stop(graceful)
        if self.background is not None:
            self.background.wait(deadline - time.monotonic())


class PortalServer(BaseApplication):
    """gunicorn serving the app that ``app_factory`` builds, once per web worker.

    Args:
        options: the server's options.
        app_factory: builds the WSGI app (called in each worker, after the fork).
        background: the background worker to run beside the web workers, if any.
    """

    def __init__(
        self,
        options: ServerOptions,
        app_factory: Callable[[], WSGIApp],
        *,
        background: BackgroundProcess | None = None,
    ) -> None:
        self.options = options
        self._app_factory = app_factory
        self.background = background
        super().__init__()

    def load_config(self) -> None:
        """Apply :func:`gunicorn_settings` (and the optional ones this gunicorn knows)."""
        for name, value in gunicorn_settings(self.options).items():
            self.cfg.set(name, value)
        for name, value in OPTIONAL_SETTINGS.items():
            if name in self.cfg.settings:
                self.cfg.set(name, value)
        # The workers' metrics add up in PROMETHEUS_MULTIPROC_DIR (when /metrics is on).
        self.cfg.set("on_starting", metrics.gunicorn_on_starting)
        self.cfg.set("child_exit", metrics.gunicorn_child_exit)

    def load(self) -> WSGIApp:
        """Build the app: in each web worker, after the fork."""
        return self._app_factory()

    def run(self) -> None:
        """Serve until stopped (``SIGTERM``/``SIGINT``; ``SIGHUP`` restarts the workers)."""
        try:
            _Arbiter(self, self.background).run()
        except RuntimeError as error:
            print(f"\nError: {error}\n", file=sys.stderr)
            sys.exit(1)
