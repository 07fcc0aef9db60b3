"""``iclient serve`` as a real process tree on the embedded SQLite database: gunicorn's master,
its web workers and the background worker; the background worker is started again when it
dies, and nothing outlives the master."""

from __future__ import annotations

import email
import email.policy
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.processes

SRC = Path(__file__).resolve().parents[2] / "src"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(what: str, check: Callable[[], bool], timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def children(pid: int) -> dict[int, str]:
    """The child processes of ``pid``: their command lines by pid."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        # The parent pid is the 2nd field after the command name (which is in parentheses).
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found[int(entry.name)] = command
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/pt/auth/sign-in")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def start_serve(tmp_path: Path, *options: str) -> subprocess.Popen[bytes]:
    """``iclient serve *options`` in a fresh environment of its own (instance, mail folder and
    log under ``tmp_path``), without ``ICLIENT_BASE_URL``."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(SRC),
        "HOME": str(tmp_path),
        "ICLIENT_INSTANCE_PATH": str(tmp_path / "instance"),
        "ICLIENT_MAIL_URL": (tmp_path / "mail").as_uri(),
    }
    with (tmp_path / "serve.log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "iclient_web", "serve", *options],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def kill_all(process: subprocess.Popen[bytes]) -> None:
    """Kill the server and every process it started (only those)."""
    everyone = [process.pid, *children(process.pid)]
    for pid in everyone:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    process = start_serve(tmp_path, "--workers", "2", "--port", str(port), "--timeout", "10")
    try:
        yield process, port
    finally:
        kill_all(process)


def workers_of(pid: int) -> tuple[set[int], set[int]]:
    """The web workers and the background workers of the master ``pid``."""
    found = children(pid)
    background = {child for child, command in found.items() if " worker " in f"{command} "}
    return set(found) - background, background


def test_serve_keeps_its_background_worker_running_and_stops_cleanly(
    server: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = server
    wait_for("the portal to answer", lambda: answers(port))
    wait_for("two web workers and one background worker", lambda: _counts(process.pid) == (2, 1))
    [first] = workers_of(process.pid)[1]

    # Connections that send nothing (a browser's pre-connections) hold no worker: with sync
    # workers, these three would keep both workers waiting.
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
    try:
        time.sleep(0.5)
        started = time.monotonic()
        assert answers(port)
        assert time.monotonic() - started < 3
    finally:
        for connection in idle:
            connection.close()

    os.kill(first, signal.SIGKILL)  # the background worker dies: the master starts another
    wait_for("a new background worker", lambda: workers_of(process.pid)[1] - {first} != set())
    assert _counts(process.pid) == (2, 1)

    everyone = {*workers_of(process.pid)[0], *workers_of(process.pid)[1]}
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=40) == 0
    wait_for("every child to end", lambda: not any(alive(pid) for pid in everyone), timeout=10)


def test_the_background_worker_stops_when_the_master_is_killed(
    server: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = server
    wait_for("the portal to answer", lambda: answers(port))
    wait_for("two web workers and one background worker", lambda: _counts(process.pid) == (2, 1))
    everyone = {*workers_of(process.pid)[0], *workers_of(process.pid)[1]}
    process.kill()  # no chance to stop anything
    process.wait(timeout=10)
    # The web workers look at their parent every timeout/2 seconds (gunicorn's own check);
    # the background worker every second.
    wait_for("every orphan to stop", lambda: not any(alive(pid) for pid in everyone), timeout=20)


def _counts(pid: int) -> tuple[int, int]:
    web, background = workers_of(pid)
    return len(web), len(background)


def test_iclient_worker_on_its_own_migrates_sqlite_runs_the_jobs_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(SRC),
        "HOME": str(tmp_path),
        "ICLIENT_INSTANCE_PATH": str(tmp_path / "instance"),
        "ICLIENT_MAIL_URL": (tmp_path / "mail").as_uri(),
    }
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "iclient_web", "worker", "--mail-every", "0.2"],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for("the sweep", lambda: "job documents.sweep done" in log.read_text())
        process.send_signal(signal.SIGINT)  # Ctrl-C ...
        time.sleep(0.2)
        process.send_signal(signal.SIGTERM)  # ... and serve's master asking too
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = log.read_text()
    assert "SIGINT: stopping after the work in hand" in text
    assert "stopped" in text.rsplit("SIGINT", 1)[1]
    assert "Traceback" not in text


def test_serve_without_a_base_url_links_e_mails_to_the_address_it_serves(
    tmp_path: Path,
) -> None:
    """Without ``ICLIENT_BASE_URL``, the activation e-mail's links point at ``--port``."""
    port = free_port()
    process = start_serve(tmp_path, "--workers", "1", "--host", "127.0.0.1", "--port", str(port))
    try:
        wait_for("the portal to answer", lambda: answers(port))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/pt/auth/sign-up")
        page = connection.getresponse()
        cookie = page.getheader("Set-Cookie", "").split(";", 1)[0]
        body = page.read().decode()
        token = body.split('name="csrf_token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
        form = urllib.parse.urlencode(
            {
                "csrf_token": token,
                "first_name": "Ana",
                "last_name": "Silva",
                "phone": "912345678",
                "email": "ana@example.pt",
            }
        )
        connection.request(
            "POST",
            "/pt/auth/sign-up",
            body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        )
        answer = connection.getresponse()
        answer.read()
        assert answer.status in (200, 302, 303), answer.status
        connection.close()
        mail = tmp_path / "mail"
        wait_for("the activation e-mail", lambda: any(mail.glob("*.eml")))
        [message] = mail.glob("*.eml")
        parsed = email.message_from_bytes(message.read_bytes(), policy=email.policy.default)
        text = "".join(
            part.get_content() for part in parsed.walk() if part.get_content_maintype() == "text"
        )
    finally:
        kill_all(process)
    assert f"http://127.0.0.1:{port}/pt/auth/activate/" in text
    assert "127.0.0.1:5000" not in text
