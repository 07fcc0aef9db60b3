"""Check the built wheel the way an embedder meets it, and measure what each extra installs.

Builds the wheel, then in fresh virtual environments under a temporary folder:

1. installs the plain wheel and checks that the light install works on its own: every module
   of ``iclient_core`` and ``iclient_adapters`` outside the extras' packages imports without
   loading an extra's library, an adapter whose extra is missing names it, the embedding
   example in ``docs/embedding.md`` runs, and ``mypy --strict`` accepts a small embedding
   script against the installed package (``py.typed``: no ``import-untyped``);
2. with ``--sizes``, installs the wheel once per extra and prints the installed size of each
   (site-packages, less an empty environment's), as the table in ``docs/installing.md``.

    .venv/bin/python scripts/check_install.py            # the checks (a minute or so)
    .venv/bin/python scripts/check_install.py --sizes    # and the size table (a few minutes)

Needs the package index (it installs from it); ``nox -s package`` runs it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = ["sql", "postgres", "s3", "redis", "mail", "web", "testing", "test", "docs", "dev"]
# What the plain install must not load when the core and the light adapters are imported.
EXTRA_LIBRARIES = [
    "sqlalchemy",
    "alembic",
    "psycopg",
    "s3fs",
    "botocore",
    "redis",
    "jinja2",
    "flask",
    "werkzeug",
    "fpdf",
    "markdown_it",
    "pytest",
    "hypothesis",
]
# Packages of iclient_adapters that belong to an extra (their import names the extra).
EXTRA_PACKAGES = {"iclient_adapters.sql": "sql", "iclient_adapters.mail": "mail"}
EMBEDDING = '''\
"""An embedder's program: type-checked with mypy --strict against the installed wheel."""

from iclient_adapters import in_memory
from iclient_adapters.memory import MemoryMailer
from iclient_core.accounts.authentication import sign_in
from iclient_core.accounts.registration import activate_account, register_client
from iclient_core.notifications.delivery import deliver_outbox
from iclient_core.services import Services


def journey(services: Services, mailer: MemoryMailer) -> str:
    register_client(services=services, first_name="Ana", last_name="Silva", phone="912345678",
                    email="ana@example.pt", language="pt", ip="203.0.113.9")
    deliver_outbox(services=services)
    token = mailer.links(to="ana@example.pt", kind="activation")["link"].rsplit("/", 1)[1]
    password = "uma frase longa sobre o farol da ribeira"
    activate_account(services=services, token=token, password=password,
                     password_confirm=password, ip="203.0.113.9")
    signed = sign_in(services=services, email="ana@example.pt", password=password,
                     ip="203.0.113.9", user_agent="embedder")
    return signed.session_secret


mailer = MemoryMailer()
print(len(journey(in_memory(mailer=mailer), mailer)) > 0)
'''
LIGHT_PROBE = f"""\
import importlib, json, pkgutil, sys
import iclient_adapters, iclient_core
skip = {sorted(EXTRA_PACKAGES)!r}
names = []
for package in (iclient_core, iclient_adapters):
    names.append(package.__name__)
    for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + "."):
        if info.name.startswith("iclient_adapters.testing"):
            continue  # the contract kit: the testing extra
        if any(info.name == s or info.name.startswith(s + ".") for s in skip):
            continue
        names.append(info.name)
for name in names:
    importlib.import_module(name)
loaded = sorted({{m.partition(".")[0] for m in sys.modules}} & set({EXTRA_LIBRARIES!r}))
print(json.dumps({{"modules": len(names), "loaded": loaded}}))
"""


def run(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a command, failing loudly with its output."""
    result = subprocess.run(  # noqa: S603 - our own commands
        [str(a) for a in args], capture_output=True, text=True, check=False, **kwargs
    )
    if result.returncode != 0:
        sys.exit(f"$ {' '.join(map(str, args))}\n{result.stdout}\n{result.stderr}")
    return result


def site_packages_kib(venv: Path) -> int:
    """The size of a virtual environment's site-packages, in KiB (``du -sk``)."""
    (folder,) = venv.glob("lib/python*/site-packages")
    return int(run("du", "-sk", folder).stdout.split()[0])


def make_venv(path: Path) -> Path:
    """A fresh virtual environment with the interpreter running this script; its python."""
    run(sys.executable, "-m", "venv", path)
    return path / "bin" / "python"


def build_wheel(into: Path) -> Path:
    """The project's wheel, built as pip builds it."""
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", into, ROOT)
    (wheel,) = into.glob("iclient-*.whl")
    return wheel


def check_light(work: Path, wheel: Path) -> int:
    """Every check on the plain install; returns its site-packages size in KiB."""
    python = make_venv(work / "plain")
    run(python, "-m", "pip", "install", "-q", wheel)
    size = site_packages_kib(work / "plain")
    listed = run(python, "-m", "pip", "list", "--format=freeze").stdout.lower()
    heavy = [
        name
        for name in (
            "sqlalchemy",
            "alembic",
            "psycopg",
            "s3fs",
            "flask",
            "fpdf2",
            "jinja2",
            "font-roboto",
        )
        if f"{name}==" in listed
    ]
    assert not heavy, f"the plain install brings {heavy}"
    print(f"plain install: {len(listed.split())} distributions, no extra's library")

    probe = run(python, "-c", LIGHT_PROBE, cwd=work).stdout
    assert '"loaded": []' in probe, probe
    print(f"light modules import without an extra's library: {probe.strip()}")

    for module, extra in EXTRA_PACKAGES.items():
        result = subprocess.run(  # noqa: S603
            [python, "-c", f"import {module}"], capture_output=True, text=True, check=False
        )
        assert result.returncode != 0 and f"pip install 'iclient[{extra}]'" in result.stderr, (
            result.stderr
        )
        print(f"import {module}: {result.stderr.strip().splitlines()[-1]}")

    page = (ROOT / "docs" / "embedding.md").read_text(encoding="utf-8")
    example = re.findall(r"```python\n(.*?)```", page, re.S)[0]
    (work / "embedding_example.py").write_text(example, encoding="utf-8")
    run(python, work / "embedding_example.py", cwd=work)
    print("docs/embedding.md's example runs on the plain install")

    (work / "embedder.py").write_text(EMBEDDING, encoding="utf-8")
    run(python, "-m", "pip", "install", "-q", "mypy")
    checked = run(
        python,
        "-m",
        "mypy",
        "--strict",
        "--no-incremental",
        "embedder.py",
        cwd=work,
    )
    print(f"mypy --strict against the installed wheel: {checked.stdout.strip()}")
    run(python, "embedder.py", cwd=work)
    return size


def serve_demo(venv: Path, instance: Path) -> None:
    """The README's quick start on the web extra alone: ``iclient serve --demo`` answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "ICLIENT_INSTANCE_PATH": str(instance)}
    server = subprocess.Popen(  # noqa: S603
        [venv / "bin" / "iclient", "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/pt/") as answer:
                    assert answer.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    server.kill()
                    sys.exit(f"iclient serve --demo did not answer:\n{server.communicate()[0]}")
                time.sleep(0.5)
        print(f"the web extra alone runs the quick start: GET /pt/ on port {port} answered 200")
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure(work: Path, wheel: Path, plain_kib: int) -> None:
    """Install the wheel with each extra in a fresh environment and print the size table."""
    empty = site_packages_kib(work / "empty") if (work / "empty").exists() else None
    if empty is None:
        make_venv(work / "empty")
        empty = site_packages_kib(work / "empty")
    rows = [("`pip install iclient`", plain_kib - empty)]
    for extra in EXTRAS:
        venv = work / f"extra-{extra}"
        python = make_venv(venv)
        run(python, "-m", "pip", "install", "-q", f"{wheel}[{extra}]")
        rows.append((f"`pip install 'iclient[{extra}]'`", site_packages_kib(venv) - empty))
        if extra == "web":
            serve_demo(venv, work / "instance")
        shutil.rmtree(venv)
    print("\n| install | installed size |\n|---|---:|")
    for label, kib in rows:
        print(f"| {label} | {kib / 1024:.0f} MiB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", action="store_true", help="also measure every extra")
    parser.add_argument("--keep", action="store_true", help="keep the environments")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="iclient-install-"))
    os.environ.pop("PYTHONPATH", None)  # the installed wheel, not the source tree
    try:
        wheel = build_wheel(work / "dist")
        plain = check_light(work, wheel)
        if options.sizes:
            measure(work, wheel, plain)
    finally:
        if options.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
