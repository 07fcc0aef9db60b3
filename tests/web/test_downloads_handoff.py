"""Downloads handed to the web server in front, checked for real with nginx; the storage's
own failures; and a download counted only once it was sent."""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from flask import Flask
from werkzeug.serving import make_server

from iclient_adapters.compose import Portal
from iclient_core.documents.model import Document
from tests.contract.test_storage import s3_endpoint, s3_storage  # noqa: F401
from tests.web.conftest import Browser, app_with
from tests.web.test_documents import PDF, client_id, documents_of, only_document, upload

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PREFIX = "/_iclient/files/"


@pytest.fixture
def ana(browser: Browser, portal: Portal) -> str:
    """Ana, a client; her account id."""
    browser.client_account("ana@example.pt")
    return client_id(portal)


def on_disk(portal: Portal, tmp_path: Path, **config: Any) -> tuple[Flask, Browser, Browser]:
    """An app keeping files in a folder (configured as given), a staff and a client browser."""
    app = app_with(portal, storage_url=(tmp_path / "files").as_uri(), **config)
    staff = Browser(app.test_client(), portal, None)  # type: ignore[arg-type]
    staff.staff_account("colaborador@example.pt", role="staff")
    owner = Browser(app.test_client(), portal, None)  # type: ignore[arg-type]
    owner.sign_in("ana@example.pt")
    return app, staff, owner


def stored_document(portal: Portal, staff: Browser, ana: str, content: bytes = PDF) -> Document:
    assert upload(staff, ana, (content, "Fatura março.pdf")).status_code == 303
    return only_document(portal, ana)


# --------------------------------------------------------------------------- the answers


def test_x_accel_hands_the_file_to_nginx_with_every_header(
    portal: Portal, browser: Browser, ana: str, tmp_path: Path
) -> None:
    _app, staff, owner = on_disk(portal, tmp_path, download_handoff="x-accel")
    document = stored_document(portal, staff, ana)
    assert document.current is not None
    answer = owner.get(f"/pt/documents/{document.id}/download")
    assert answer.status_code == 200
    assert answer.data == b""
    headers = answer.headers
    assert headers["X-Accel-Redirect"] == PREFIX + document.current.storage_key
    assert "X-Sendfile" not in headers
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"].startswith("sandbox")
    assert headers["ETag"] == f'"{hashlib.sha256(PDF).hexdigest()}"'
    assert headers["Cache-Control"] == "no-store"
    # Handed off: the web server sends it, so it counts now.
    assert only_document(portal, ana).first_downloaded_at is not None


def test_x_sendfile_names_the_local_file(
    portal: Portal, browser: Browser, ana: str, tmp_path: Path
) -> None:
    _app, staff, _owner = on_disk(portal, tmp_path, download_handoff="x-sendfile")
    document = stored_document(portal, staff, ana)
    assert document.current is not None
    answer = staff.get(f"/en/admin/clients/{ana}/documents/{document.id}/download")
    assert answer.headers["X-Sendfile"] == str(tmp_path / "files" / document.current.storage_key)
    assert answer.headers["Content-Disposition"].startswith("attachment;")


def test_without_a_proxy_checked_local_files_go_through_the_servers_file_wrapper(
    portal: Portal, browser: Browser, ana: str, tmp_path: Path
) -> None:
    used: list[Any] = []

    class FileWrapper:
        def __init__(self, file: Any, block_size: int = 8192) -> None:
            used.append(file)
            self.file, self.block_size = file, block_size

        def __iter__(self) -> Iterator[bytes]:
            while chunk := self.file.read(self.block_size):
                yield chunk

        def close(self) -> None:
            self.file.close()

    _app, staff, owner = on_disk(portal, tmp_path)
    big = PDF + bytes(3 * 1024 * 1024)
    document = stored_document(portal, staff, ana, big)
    answer = owner.get(
        f"/pt/documents/{document.id}/download",
        environ_overrides={"wsgi.file_wrapper": FileWrapper},
    )
    assert answer.status_code == 200 and answer.data == big
    assert len(used) == 1 and used[0].sendable and used[0].sent
    assert only_document(portal, ana).first_downloaded_at is not None


def test_a_client_gone_before_the_answer_started_leaves_no_receipt(
    portal: Portal, browser: Browser, ana: str, tmp_path: Path
) -> None:
    _app, staff, owner = on_disk(portal, tmp_path)
    document = stored_document(portal, staff, ana)
    # The server took the request from its queue, the client had gone: the answer is
    # closed before a byte of it is sent.
    answer = owner.client.get(f"/pt/documents/{document.id}/download", buffered=False)
    assert answer.status_code == 200
    answer.close()
    assert only_document(portal, ana).first_downloaded_at is None
    half = owner.client.get(f"/pt/documents/{document.id}/download", buffered=False)
    next(iter(half.response))
    half.close()
    assert only_document(portal, ana).first_downloaded_at is None
    assert owner.get(f"/pt/documents/{document.id}/download").data == PDF
    assert only_document(portal, ana).first_downloaded_at is not None


# --------------------------------------------------------------------------- a full storage


class _FillingUp:
    """A file object whose disk is full after ``room`` bytes."""

    def __init__(self, real: Any, room: int) -> None:
        self._real, self._room = real, room

    def write(self, data: bytes) -> int:
        import errno

        if len(data) > self._room:
            raise OSError(errno.ENOSPC, "No space left on device")
        self._room -= len(data)
        return int(self._real.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __enter__(self) -> _FillingUp:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()


@pytest.mark.parametrize(
    ("lang", "words"), [("pt", "armazenamento de ficheiros está cheio"), ("en", "storage is full")]
)
def test_a_full_storage_tells_staff_and_keeps_nothing(
    portal: Portal,
    browser: Browser,
    ana: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    words: str,
) -> None:
    import iclient_adapters.storage as adapter

    _app, staff, _owner = on_disk(portal, tmp_path)
    real_fdopen = os.fdopen
    monkeypatch.setattr(
        adapter.os, "fdopen", lambda fd, mode: _FillingUp(real_fdopen(fd, mode), 2 * 1024 * 1024)
    )
    answer = upload(staff, ana, (PDF + bytes(5 * 1024 * 1024), "grande.pdf"), lang=lang)
    assert answer.status_code == 503
    assert words in answer.get_data(as_text=True)
    assert documents_of(portal, ana) == []
    assert [p for p in (tmp_path / "files").rglob("*") if p.is_file()] == []


# --------------------------------------------------------------------------- nginx, for real


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


NGINX_CONF = """
{user}
worker_processes 1;
daemon off;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {run}/body; proxy_temp_path {run}/proxy;
  fastcgi_temp_path {run}/fcgi; uwsgi_temp_path {run}/uwsgi; scgi_temp_path {run}/scgi;
  server {{
    listen 127.0.0.1:{port};
{snippet}
    location / {{
      proxy_pass http://127.0.0.1:{app_port};
      proxy_set_header Host $http_host;
    }}
  }}
}}
"""


@pytest.fixture
def nginx_in_front(tmp_path: Path) -> Iterator[tuple[int, Any]]:
    """nginx on a free port in front of an app served on another, with the internal location
    of docs/production.md; yields nginx's port and a function that serves an app."""
    if not os.access(NGINX, os.X_OK):
        if os.environ.get("CI"):  # .ci/run installs it: missing there is a failure
            pytest.fail("nginx is not installed (apt-get install nginx-light)")
        pytest.skip("nginx is not installed")
    run = tmp_path / "nginx"
    run.mkdir()
    started: list[Any] = []

    def serve(app: Flask) -> int:
        app_port = _free_port()
        server = make_server("127.0.0.1", app_port, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
        snippet = production_snippet().replace("/var/lib/iclient/files", str(tmp_path / "files"))
        (run / "nginx.conf").write_text(
            NGINX_CONF.format(
                run=run,
                port=port,
                app_port=app_port,
                snippet=snippet,
                # as root, nginx's workers would drop to nobody, who cannot read 0600 files
                user="user root;" if os.geteuid() == 0 else "",
            )
        )
        process = subprocess.Popen(
            [NGINX, "-p", str(run), "-c", str(run / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        started.append(process)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return port
            except OSError:
                time.sleep(0.05)
        raise RuntimeError((run / "error.log").read_text())

    port = _free_port()
    try:
        yield port, serve
    finally:
        for thing in reversed(started):
            if isinstance(thing, subprocess.Popen):
                thing.terminate()
                thing.wait(10)
                assert thing.stderr is not None
                thing.stderr.close()
            else:
                thing.shutdown()
                thing.server_close()


def production_snippet() -> str:
    """The internal location as docs/production.md gives it (between its markers)."""
    doc = (Path(__file__).parents[2] / "docs" / "production.md").read_text()
    block = doc.split("# internal location: start", 1)[1].split("# internal location: end", 1)[0]
    return block.split("\n", 1)[1]


@attrs.frozen
class Answer:
    status: int
    headers: Any
    body: bytes


def _get(port: int, path: str, cookie: str, **headers: str) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Cookie": cookie, **headers})
        answer = connection.getresponse()
        return Answer(answer.status, answer.headers, answer.read())
    finally:
        connection.close()


def test_nginx_sends_the_file_with_the_apps_headers_and_answers_ranges(
    portal: Portal, browser: Browser, ana: str, tmp_path: Path, nginx_in_front: tuple[int, Any]
) -> None:
    port, serve = nginx_in_front
    app, staff, owner = on_disk(portal, tmp_path, download_handoff="x-accel")
    content = PDF + os.urandom(300_000)
    document = stored_document(portal, staff, ana, content)
    assert document.current is not None
    serve(app)
    cookie = owner.client.get_cookie("iclient")
    assert cookie is not None
    session = f"iclient={cookie.value}"
    url = f"/pt/documents/{document.id}/download"
    etag = f'"{hashlib.sha256(content).hexdigest()}"'

    answer = _get(port, url, session)
    assert answer.status == 200 and answer.body == content
    assert answer.headers["Content-Length"] == str(len(content))
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"] == (
        "attachment; filename=\"Fatura marco.pdf\"; filename*=UTF-8''Fatura%20mar%C3%A7o.pdf"
    )
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Content-Security-Policy"].startswith("sandbox")
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert answer.headers["ETag"] == etag
    assert "X-Accel-Redirect" not in answer.headers

    part = _get(port, url, session, Range="bytes=10-19", **{"If-Range": etag})
    assert (part.status, part.body) == (206, content[10:20])
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(content)}"
    stale = _get(port, url, session, Range="bytes=10-19", **{"If-Range": '"other"'})
    assert (stale.status, len(stale.body)) == (200, len(content))

    # The internal location cannot be asked for from outside.
    outside = _get(port, PREFIX + document.current.storage_key, session)
    assert outside.status == 404
    # A signed-out visitor gets the sign-in page, never the file.
    visitor = _get(port, url, "")
    assert visitor.status in (302, 303) and content not in visitor.body


# --------------------------------------------------------------------------- configuration


def test_hand_offs_are_configured_from_the_environment(tmp_path: Path) -> None:
    from iclient_adapters.config import Config, ConfigError

    base = {"ICLIENT_DATABASE_URL": "memory://", "ICLIENT_STORAGE_URL": "memory://"}
    default = Config.from_env(base, instance_path=tmp_path)
    assert (default.download_handoff, default.s3_presigned) == ("none", False)
    assert default.download_handoff_prefix == PREFIX
    chosen = Config.from_env(
        {
            **base,
            "ICLIENT_DOWNLOAD_HANDOFF": "X-Accel",
            "ICLIENT_DOWNLOAD_HANDOFF_PREFIX": "/protected",
            "ICLIENT_S3_PRESIGNED": "1",
        },
        instance_path=tmp_path,
    )
    assert (chosen.download_handoff, chosen.download_handoff_prefix) == ("x-accel", "/protected/")
    assert chosen.s3_presigned
    for name, value in (
        ("ICLIENT_DOWNLOAD_HANDOFF", "lighttpd"),
        ("ICLIENT_DOWNLOAD_HANDOFF_PREFIX", "relative/"),
        ("ICLIENT_S3_PRESIGNED", "maybe"),
    ):
        with pytest.raises(ConfigError):
            Config.from_env({**base, name: value}, instance_path=tmp_path)


def test_s3_downloads_redirect_to_a_short_lived_presigned_url(
    portal: Portal,
    browser: Browser,
    ana: str,
    s3_endpoint: str,  # noqa: F811 (the session's moto server, from the storage contract)
) -> None:
    import urllib.parse
    import urllib.request

    from iclient_web import create_app

    services = attrs.evolve(portal.services, storage=s3_storage(s3_endpoint))
    config = attrs.evolve(portal.config, s3_presigned=True)
    app = create_app({"TESTING": True}, portal=Portal(config=config, services=services))
    staff = Browser(app.test_client(), portal, None)  # type: ignore[arg-type]
    staff.staff_account("colaborador@example.pt", role="staff")
    owner = Browser(app.test_client(), portal, None)  # type: ignore[arg-type]
    owner.sign_in("ana@example.pt")
    document = stored_document(portal, staff, ana)

    answer = owner.get(f"/pt/documents/{document.id}/download")
    assert answer.status_code == 303
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    url = answer.headers["Location"]
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    if "X-Amz-Expires" in query:  # signature version 4
        assert query["X-Amz-Expires"] == "300"
    else:  # version 2: the moment it expires
        assert 0 < int(query["Expires"]) - time.time() <= 300
    with urllib.request.urlopen(url, timeout=10) as fetched:
        assert fetched.read() == PDF
        assert fetched.headers["Content-Type"] == "application/pdf"
        assert fetched.headers["Content-Disposition"].startswith('attachment; filename="Fatura')
    assert only_document(portal, ana).first_downloaded_at is not None
