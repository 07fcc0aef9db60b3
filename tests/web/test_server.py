"""``iclient serve``'s server: gunicorn's settings, and the refusal of in-process stores."""

from __future__ import annotations

import gc
import signal
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from iclient_adapters.testing.session_cache import eventually
from iclient_web.cli import main
from iclient_web.server import (
    BackgroundProcess,
    PortalServer,
    ServerOptions,
    cpu_cores,
    gunicorn_settings,
)


def test_the_defaults_use_every_core_with_threaded_workers_and_no_access_log() -> None:
    settings = gunicorn_settings(ServerOptions())
    assert settings["workers"] == cpu_cores() >= 1
    assert (settings["worker_class"], settings["threads"]) == ("gthread", 4)
    assert settings["bind"] == ["127.0.0.1:5000"]
    assert settings["accesslog"] is None
    assert settings["preload_app"] is False  # the app is built after the fork
    assert 0 < settings["max_requests_jitter"] < settings["max_requests"]
    assert settings["backlog"] == 1024
    assert settings["limit_request_line"] == 8190


def test_one_thread_gives_sync_workers() -> None:
    assert gunicorn_settings(ServerOptions(threads=1))["worker_class"] == "sync"


def test_forwarded_headers_are_believed_only_behind_a_proxy() -> None:
    assert gunicorn_settings(ServerOptions())["forwarded_allow_ips"] == ""
    behind = gunicorn_settings(ServerOptions(proxy_hops=1, forwarded_allow_ips="10.0.0.5"))
    assert behind["forwarded_allow_ips"] == "10.0.0.5"


def test_an_ipv6_address_is_bracketed() -> None:
    assert ServerOptions(host="::1", port=8000).bind == "[::1]:8000"


def test_the_access_log_can_be_turned_on_and_leaves_query_strings_out() -> None:
    settings = gunicorn_settings(ServerOptions(access_log=True))
    assert settings["accesslog"] == "-"
    assert "%(U)s" in settings["access_log_format"]
    assert "%(q)s" not in settings["access_log_format"]
    assert "%(r)s" not in settings["access_log_format"]


def test_gunicorn_accepts_the_settings_and_builds_nothing_before_the_fork() -> None:
    built: list[object] = []
    server = PortalServer(ServerOptions(workers=3, port=5123), lambda: built.append(1) or [])
    assert server.cfg.workers == 3
    assert server.cfg.worker_class_str == "gthread"
    assert server.cfg.forwarded_allow_ips == []
    assert server.cfg.max_requests > 0
    if "control_socket_disable" in server.cfg.settings:
        assert server.cfg.control_socket_disable is True
    assert built == []
    server.load()
    assert built == [1]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ICLIENT_DATABASE_URL", "memory://"),
        ("ICLIENT_DATABASE_URL", "sqlite://"),
        ("ICLIENT_STORAGE_URL", "memory://"),
    ],
)
@pytest.mark.parametrize("command", ["serve", "worker"])
def test_serve_and_worker_refuse_what_one_process_keeps_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, command: str
) -> None:
    monkeypatch.setenv("ICLIENT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ICLIENT_MAIL_URL", "memory://")
    for name in ("ICLIENT_DATABASE_URL", "ICLIENT_STORAGE_URL", "ICLIENT_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, value)
    result = CliRunner().invoke(main, [command])
    assert result.exit_code == 2
    assert "one process's memory" in result.output


def sleeper() -> BackgroundProcess:
    """A stand-in background process that sleeps until told to stop."""
    return BackgroundProcess([sys.executable, "-c", "import time; time.sleep(60)"])


def test_the_background_process_is_kept_running_restarted_and_stopped() -> None:
    process = sleeper()
    try:
        process.keep_running()
        first = process.process
        assert first is not None and first.poll() is None
        process.keep_running()
        assert process.process is first  # running: nothing to do

        first.kill()  # it dies: reaped, then started again (not sooner than the delay)
        assert eventually(lambda: first.poll() is not None, within=10)
        process.reap()
        assert process.process is None
        process.keep_running()
        assert process.process is None  # started less than restart_delay ago
        process.restart_delay = 0
        process.keep_running()
        second = process.process
        assert second is not None and second is not first

        process.restart()  # SIGHUP: asked to stop, and started again once it has ended
        assert eventually(lambda: second.poll() is not None, within=10)
        process.reap()
        process.keep_running()
        third = process.process
        assert third is not None and third.poll() is None

        process.terminate()
        process.wait(10)
        assert third.poll() == -signal.SIGTERM
        process.keep_running()
        assert process.process is None  # stopping: never started again
    finally:
        if process.process is not None:
            process.process.kill()
            process.process.wait()


def test_serve_keeps_what_the_workers_inherit_out_of_the_collectors_passes(
    served_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen_at_fork: list[int] = []
    monkeypatch.setattr(PortalServer, "run", lambda _: frozen_at_fork.append(gc.get_freeze_count()))
    try:
        result = CliRunner().invoke(main, ["serve", "--no-worker", "--workers", "1"])
    finally:
        gc.unfreeze()  # this test process goes on with other tests
    assert result.exit_code == 0, result.output
    assert frozen_at_fork and frozen_at_fork[0] > 0  # iclient_web.collector.settle
