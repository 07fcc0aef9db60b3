"""A download counts only when it was sent, checked with a real server: gunicorn, one sync
worker, and clients on real sockets, one of whom went away while its request waited."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from iclient_adapters.compose import Portal, from_config
from iclient_adapters.config import Config
from iclient_adapters.sql import SqlDatabase
from iclient_adapters.testing.samples import client
from iclient_core.accounts.model import Role
from iclient_core.consent.use_cases import accept, consent_status, ensure_defaults
from iclient_core.documents.model import Document
from iclient_core.documents.publishing import upload_document
from iclient_core.shared.intake import Upload
from iclient_core.staff.members import create_staff
from iclient_web import create_app

GUNICORN = Path(sys.executable).with_name("gunicorn")
PASSWORD = "um passeio longo pela ribeira ao fim da tarde"
SMALL = b"%PDF-1.7\n" + bytes(200_000) + b"%%EOF\n"
LARGE = b"%PDF-1.7\n" + bytes(64 * 1024 * 1024) + b"%%EOF\n"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Portal, int, str, Document, Document]]:
    """A portal on SQLite and a local folder, served by gunicorn (one sync worker); yields the
    portal (same database), the port, the client's session cookie, a small and a large
    document of hers."""
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed")
    env = {
        "ICLIENT_INSTANCE_PATH": str(tmp_path),
        "ICLIENT_DATABASE_URL": f"sqlite:///{tmp_path / 'iclient.db'}",
        "ICLIENT_STORAGE_URL": (tmp_path / "files").as_uri(),
        "ICLIENT_MAIL_URL": "memory://",
        "ICLIENT_SECRET_KEY": "a-test-secret-key-that-is-long-enough-for-256-bits",
    }
    config = Config.from_env(env)
    database = SqlDatabase.from_url(config.database_url)
    database.upgrade()
    database.dispose()
    portal = from_config(config)
    services = portal.services
    ensure_defaults(services=services)
    ana = client("ana@example.pt")
    ana.activate(password_hash=services.hasher.hash(PASSWORD), now=services.clock.now())
    with services.uow() as uow:
        uow.accounts.add(ana)
        uow.commit()
    status = consent_status(services=services, account=ana)
    accept(
        services=services,
        account_id=ana.id,
        accepted=[state.kind.key for state in status.kinds],
        ip="127.0.0.1",
        user_agent="test",
    )
    staff = create_staff(
        services=services, email="colaborador@example.pt", role=Role.STAFF, password=PASSWORD
    )
    small, large = (
        upload_document(
            services=services,
            actor=staff,
            client_id=ana.id,
            file=Upload(filename=name, stream=iter([data])),
            title=name,
            category="other",
            notify=False,
        )
        for data, name in ((SMALL, "pequeno.pdf"), (LARGE, "grande.pdf"))
    )
    app = create_app({"WTF_CSRF_ENABLED": False}, portal=portal)
    browser = app.test_client()
    signed_in = browser.post(
        "/pt/auth/sign-in", data={"email": ana.email.address, "password": PASSWORD}
    )
    assert signed_in.status_code == 303
    cookie = browser.get_cookie("iclient")
    assert cookie is not None

    port = _free_port()
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "critical",
            "iclient_web:create_app()",
        ],
        env={**os.environ, **env, "PYTHONPATH": str(root / "src")},
        cwd=tmp_path,
    )
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/pt/auth/sign-in").close()
                break
            except OSError:
                time.sleep(0.1)
        yield portal, port, f"iclient={cookie.value}", small, large
    finally:
        process.terminate()
        process.wait(20)
        portal.close()


def _request(
    port: int, path: str, cookie: str, *, receive_buffer: int | None = None
) -> socket.socket:
    connection = socket.socket()
    if receive_buffer:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    connection.connect(("127.0.0.1", port))
    connection.sendall(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
        "Connection: close\r\n\r\n".encode()
    )
    return connection


def _read_all(connection: socket.socket) -> bytes:
    received = []
    while chunk := connection.recv(1024 * 1024):
        received.append(chunk)
    connection.close()
    return b"".join(received)


def _downloads(portal: Portal, document: Document) -> int:
    with portal.services.uow() as uow:
        return len(uow.documents.downloads(document.id))


def test_a_request_whose_client_went_away_while_it_waited_is_not_a_download(
    served: tuple[Portal, int, str, Document, Document],
) -> None:
    portal, port, cookie, small, large = served
    # The one worker is busy sending a large file to a client that reads nothing yet.
    busy = _request(port, f"/pt/documents/{large.id}/download", cookie, receive_buffer=4096)
    time.sleep(0.5)
    # Meanwhile another client asks for the small one and gives up before any answer.
    gone = _request(port, f"/pt/documents/{small.id}/download", cookie)
    gone.close()
    time.sleep(0.2)
    answer = _read_all(busy)  # the worker is free again: it takes the queued request
    assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(LARGE[-1000:])
    deadline = time.monotonic() + 10
    while _downloads(portal, large) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # time enough for the queued one to be answered, and fail
    assert _downloads(portal, large) == 1
    assert _downloads(portal, small) == 0

    whole = _read_all(_request(port, f"/pt/documents/{small.id}/download", cookie))
    assert whole.endswith(SMALL)
    deadline = time.monotonic() + 10
    while _downloads(portal, small) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _downloads(portal, small) == 1


def test_a_client_that_leaves_half_way_through_a_large_download_is_not_counted(
    served: tuple[Portal, int, str, Document, Document],
) -> None:
    portal, port, cookie, _small, large = served
    leaving = _request(port, f"/pt/documents/{large.id}/download", cookie, receive_buffer=4096)
    leaving.recv(1024 * 1024)
    leaving.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    leaving.close()  # a reset: the browser tab was closed
    time.sleep(1.0)
    probe = _read_all(_request(port, "/pt/auth/sign-in", ""))
    assert probe.startswith(b"HTTP/1.1 200")  # the worker is free: it gave the download up
    assert _downloads(portal, large) == 0
