"""Benchmark: a 1 GiB document downloaded and uploaded through the portal, against nginx.

Seeds a fresh SQLite instance with a client and a 1 GiB document on a local folder, starts
nginx and two gunicorn servers (one worker each, sync), and downloads the file with curl,
each way in turn, run after run (so that other load on the machine weighs on all alike):

- ``nginx sendfile``: nginx serving the stored file itself (the ceiling);
- ``portal x-accel``: through nginx, the portal checking access and answering with
  ``X-Accel-Redirect`` (``ICLIENT_DOWNLOAD_HANDOFF=x-accel``);
- ``portal stream``: the portal alone, no proxy (``none``, the default), the bytes vouched
  for by their check at upload (sendfile through gunicorn's ``wsgi.file_wrapper``);
- ``portal stream, re-hashed``: the same, after the file's times changed, so that every
  byte is checked against its SHA-256 as it streams (what each download cost before).

Then it uploads a 1 GiB file through the staff upload page (``curl -F``) to a fresh server
and reports how much the worker's memory grew (``VmHWM`` against the ``VmRSS`` after a warm
up, from ``/proc``), and the same for the downloads.

    .venv/bin/python bench/files.py              # 1 GiB, 7 runs each, medians
    .venv/bin/python bench/files.py --size-mb 256 --runs 3

Needs nginx (``/usr/sbin/nginx``), curl and gunicorn; binds only 127.0.0.1. Takes a minute
or two and some 3 GiB of disk under the temporary folder.
"""

from __future__ import annotations

import argparse
import http.cookiejar
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.seed import ADMIN_EMAIL, CLIENT_EMAIL, PASSWORD, environment, seed  # noqa: E402

MIB = 1024 * 1024
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CURL = shutil.which("curl") or "/usr/bin/curl"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

NGINX_CONF = """
{user}
worker_processes 1;
daemon off;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path {run}/body; proxy_temp_path {run}/proxy;
  fastcgi_temp_path {run}/fcgi; uwsgi_temp_path {run}/uwsgi; scgi_temp_path {run}/scgi;
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 2100m;
    location /bench-static/ {{ alias {files}/; }}
{snippet}
    location / {{
      proxy_pass http://127.0.0.1:{app_port};
      proxy_set_header Host $http_host;
      proxy_request_buffering off;
      proxy_read_timeout 300s;
    }}
  }}
}}
"""


def free_port() -> int:
    """A TCP port nobody listens on, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int, what: str) -> None:
    """Until something answers on ``port`` (30 s at most)."""
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start")


def generated(total: int) -> Iterator[bytes]:
    """A PDF-looking ``total`` bytes, made a MiB at a time."""
    head = b"%PDF-1.7\n"
    block = bytes(MIB)
    yield head
    sent = len(head)
    while sent < total:
        piece = block[: min(MIB, total - sent)]
        sent += len(piece)
        yield piece


def production_snippet(files: Path) -> str:
    """The internal location of docs/production.md, pointed at ``files``."""
    doc = (ROOT / "docs" / "production.md").read_text()
    block = doc.split("# internal location: start", 1)[1].split("# internal location: end", 1)[0]
    return block.split("\n", 1)[1].replace("/var/lib/iclient/files", str(files))


class Servers:
    """nginx and gunicorn processes this benchmark started (and stops, by their ids)."""

    def __init__(self, instance: Path, env: dict[str, str]) -> None:
        self.instance = instance
        self.env = env
        self.processes: list[subprocess.Popen[bytes]] = []

    def gunicorn(self, **settings: str) -> tuple[int, int]:
        """A one-worker sync gunicorn with the portal; its port and its worker's pid."""
        port = free_port()
        env = {**self.env, **settings, "PYTHONPATH": str(ROOT / "src")}
        process = subprocess.Popen(
            [
                GUNICORN,
                "-w",
                "1",
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "600",
                "--log-level",
                "warning",
                "iclient_web:create_app()",
            ],
            env=env,
            cwd=self.instance,
        )
        self.processes.append(process)
        wait_for(port, "gunicorn")
        for _ in range(100):  # until the worker answers (the master listens first)
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/pt/auth/sign-in").read()
                break
            except OSError:
                time.sleep(0.1)
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        return port, int(children[0])

    def nginx(self, app_port: int) -> int:
        """nginx in front of ``app_port``, with the internal location; its port."""
        run = self.instance / "nginx"
        run.mkdir(exist_ok=True)
        port = free_port()
        files = self.instance / "files"
        (run / "nginx.conf").write_text(
            NGINX_CONF.format(
                user="user root;" if os.geteuid() == 0 else "",
                run=run,
                port=port,
                files=files,
                app_port=app_port,
                snippet=production_snippet(files),
            )
        )
        process = subprocess.Popen([NGINX, "-p", str(run), "-c", str(run / "nginx.conf")])
        self.processes.append(process)
        wait_for(port, "nginx")
        return port

    def stop(self) -> None:
        """Stop what was started, newest first."""
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


def reset_peak(pid: int) -> None:
    """Forget the process's peak resident memory so far (Linux 4.0+: ``clear_refs`` 5)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def memory(pid: int) -> dict[str, int]:
    """The process's resident memory now and at its peak, in KiB (``/proc/<pid>/status``)."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in {"VmRSS", "VmHWM"}:
            found[name] = int(value.split()[0])
    return found


def curl(url: str, cookie: str = "", *extra: str) -> tuple[int, int, float, float]:
    """One GET (or what ``extra`` says) with curl: status, bytes received, bytes per second,
    and seconds to the first byte."""
    out = subprocess.run(
        [
            CURL,
            "-s",
            "-o",
            "/dev/null",
            "-b",
            cookie,
            "-w",
            "%{http_code} %{size_download} %{speed_download} %{time_starttransfer}",
            *extra,
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(out[0]), int(out[1]), float(out[2]), float(out[3])


def measure(ways: list[tuple[str, str, str]], size: int, runs: int) -> list[dict[str, Any]]:
    """``runs`` downloads by each of ``ways`` (name, URL, cookie), taken in turn so that
    whatever else the machine does weighs on each alike; the median speed in MB/s
    (10^6 bytes) and the median time to the first byte."""
    for _name, url, cookie in ways:
        curl(url, cookie)  # warm up: the file in the page cache, the pools ready
    speeds: dict[str, list[float]] = {name: [] for name, _url, _cookie in ways}
    firsts: dict[str, list[float]] = {name: [] for name, _url, _cookie in ways}
    for _ in range(runs):
        for name, url, cookie in ways:
            status, received, speed, first = curl(url, cookie)
            if status != 200 or received != size:
                raise RuntimeError(f"{name}: HTTP {status}, {received} bytes")
            speeds[name].append(speed / 1e6)
            firsts[name].append(first * 1000)
    return [
        {
            "name": name,
            "runs_mb_s": [round(s) for s in speeds[name]],
            "median_mb_s": round(statistics.median(speeds[name])),
            "median_first_byte_ms": round(statistics.median(firsts[name]), 1),
        }
        for name, _url, _cookie in ways
    ]


def staff_session(port: int) -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    """The admin signed in through the sign-in page of the server on ``port``."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"http://127.0.0.1:{port}/pt/auth/sign-in").read().decode()
    token = CSRF.search(page)
    assert token is not None
    data = urllib.parse.urlencode(
        {"csrf_token": token.group(1), "email": ADMIN_EMAIL, "password": PASSWORD}
    ).encode()
    opener.open(f"http://127.0.0.1:{port}/pt/auth/sign-in", data=data).read()
    return opener, jar


def upload(port: int, client_id: str, path: Path) -> tuple[int, float]:
    """Staff upload ``path`` with curl through the upload page; the status and seconds."""
    opener, jar = staff_session(port)
    page_url = f"http://127.0.0.1:{port}/pt/admin/clients/{client_id}/documents"
    token = CSRF.search(opener.open(page_url).read().decode())
    assert token is not None
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    started = time.perf_counter()
    out = subprocess.run(
        [
            CURL,
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-b",
            cookie,
            "-F",
            f"csrf_token={token.group(1)}",
            "-F",
            "title=Arquivo anual",
            "-F",
            "category=other",
            "-F",
            f"file=@{path};filename=arquivo.pdf;type=application/pdf",
            page_url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out), time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the results (a table, then JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="MiB of the file (1024)")
    parser.add_argument("--runs", type=int, default=7, help="downloads per way (7)")
    args = parser.parse_args(argv)
    size = args.size_mb * MIB

    with tempfile.TemporaryDirectory(prefix="iclient-bench-files-") as folder:
        instance = Path(folder)
        database = f"sqlite:///{instance / 'iclient.db'}"
        cookies = seed(database, instance, documents=0, clients=1)
        env = {**os.environ, **environment(database, instance), "ICLIENT_MAX_UPLOAD_MB": "2048"}
        os.environ.update(env)

        from iclient_adapters import Config, from_config
        from iclient_core.documents import upload_document
        from iclient_core.shared import Upload
        from iclient_core.shared.business import BusinessSettings

        with from_config(Config.from_env()) as portal:
            services = portal.services
            with services.uow() as uow:
                uow.settings.save(BusinessSettings(upload_limit_mb=2048))
                admin = uow.accounts.get_by_email_key(ADMIN_EMAIL)
                owner = uow.accounts.get_by_email_key(CLIENT_EMAIL)
                uow.commit()
            assert admin is not None and owner is not None
            document = upload_document(
                services=services,
                actor=admin,
                client_id=owner.id,
                file=Upload(filename="grande.pdf", stream=generated(size)),
                title="Ficheiro grande",
                category="other",
                notify=False,
            )
        assert document.current is not None
        stored = instance / "files" / document.current.storage_key
        path = f"/pt/documents/{document.id}/download"

        servers = Servers(instance, env)
        try:
            accel_port, _ = servers.gunicorn(ICLIENT_DOWNLOAD_HANDOFF="x-accel")
            nginx_port = servers.nginx(accel_port)
            stream_port, stream_worker = servers.gunicorn()
            client = cookies["client"]
            curl(f"http://127.0.0.1:{stream_port}{path}", client)  # warm up
            reset_peak(stream_worker)
            before = memory(stream_worker)
            static = f"/bench-static/{document.current.storage_key}"
            results = measure(
                [
                    ("nginx sendfile", f"http://127.0.0.1:{nginx_port}{static}", ""),
                    ("portal x-accel", f"http://127.0.0.1:{nginx_port}{path}", client),
                    ("portal stream", f"http://127.0.0.1:{stream_port}{path}", client),
                ],
                size,
                args.runs,
            )
            after = memory(stream_worker)
            reset_peak(stream_worker)
            # The file's times change: its fingerprint no longer matches its check, so every
            # byte is hashed again as it streams (the last chunk held back).
            times = stored.stat()
            os.utime(stored, ns=(times.st_atime_ns, times.st_mtime_ns + 1))
            results += measure(
                [("portal stream, re-hashed", f"http://127.0.0.1:{stream_port}{path}", client)],
                size,
                max(1, args.runs // 2),
            )
            rehashed = memory(stream_worker)
            rehashed_base = after

            upload_port, upload_worker = servers.gunicorn()
            small = instance / "small.pdf"
            small.write_bytes(b"".join(generated(MIB)))
            upload(upload_port, owner.id, small)  # warm up: every module and cache in place
            source = instance / "upload.pdf"
            with source.open("wb") as out:
                for chunk in generated(size):
                    out.write(chunk)
            reset_peak(upload_worker)
            upload_before = memory(upload_worker)
            status, seconds = upload(upload_port, owner.id, source)
            upload_after = memory(upload_worker)
        finally:
            servers.stop()

    ceiling = results[0]["median_mb_s"]
    print(f"{args.size_mb} MiB file, {args.runs} runs each, median MB/s (10^6 bytes/s):")
    for row in results:
        row["vs_nginx"] = round(row["median_mb_s"] / ceiling, 2)
        print(
            f"  {row['name']:<26} {row['median_mb_s']:>6}  {row['vs_nginx']:.2f}x  "
            f"first byte {row['median_first_byte_ms']:>6} ms  {row['runs_mb_s']}"
        )
    download_growth = (after["VmHWM"] - before["VmRSS"]) / 1024
    rehash_growth = (rehashed["VmHWM"] - rehashed_base["VmRSS"]) / 1024
    upload_growth = (upload_after["VmHWM"] - upload_before["VmRSS"]) / 1024
    print(
        f"  streamed downloads: worker RSS {before['VmRSS'] / 1024:.1f} MiB, "
        f"peak +{download_growth:.1f} MiB"
        f" (+{rehash_growth:.1f} MiB with re-hashing)"
    )
    print(
        f"  upload: HTTP {status} in {seconds:.1f} s ({size / seconds / 1e6:.0f} MB/s), worker RSS "
        f"{upload_before['VmRSS'] / 1024:.1f} MiB, peak +{upload_growth:.1f} MiB"
    )
    print(
        json.dumps(
            {
                "size_mib": args.size_mb,
                "downloads": results,
                "download_rss_growth_mib": round(download_growth, 1),
                "rehash_rss_growth_mib": round(rehash_growth, 1),
                "upload": {
                    "status": status,
                    "seconds": round(seconds, 1),
                    "rss_growth_mib": round(upload_growth, 1),
                },
            }
        )
    )
    return 0 if status == 303 else 1


if __name__ == "__main__":
    raise SystemExit(main())
