"""The worked example of docs/api.md runs as written: its ``curl`` commands, against a live
server of the portal, put an invoice in a client's documents and the client gets the e-mail."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from iclient_adapters.compose import Portal
from iclient_core.accounts.model import Role
from iclient_core.documents.managing import client_documents
from iclient_core.integrations import create_key
from iclient_core.staff.clients import create_client
from iclient_core.staff.members import create_staff
from tests.web.conftest import PASSWORD, Browser

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLE = re.compile(r"<!-- api-example:[^>]*-->\n```bash\n(?P<script>.*?)^```", re.S | re.M)
PDF = b"%PDF-1.7\n" + hashlib.sha256(b"FT 2026/14").digest() * 200 + b"\n%%EOF\n"


@pytest.fixture
def live(app: Flask) -> Iterator[str]:
    """The portal served over HTTP on a free local port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


def test_the_curl_example_uploads_the_invoice_and_the_client_gets_the_email(
    live: str, portal: Portal, browser: Browser, tmp_path: Path
) -> None:
    (script,) = [m["script"] for m in EXAMPLE.finditer((DOCS / "api.md").read_text())]
    admin = create_staff(
        services=portal.services, email="gestora@example.pt", role=Role.ADMIN, password=PASSWORD
    )
    ana = create_client(
        services=portal.services,
        actor=admin,
        first_name="Ana",
        last_name="Silva",
        email="ana@example.pt",
    )
    secret = create_key(
        services=portal.services,
        actor=admin,
        name="Faturação",
        scopes=["clients:read", "documents:write"],
    ).secret
    (tmp_path / "FT-2026-14.pdf").write_bytes(PDF)
    before = len(browser.mail())
    env = {**os.environ, "ICLIENT_URL": live, "ICLIENT_API_KEY": secret}

    def run() -> str:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    first = run()
    assert '"title":"Fatura FT 2026/14"' in first and '"amount_cents":123456' in first
    found = client_documents(services=portal.services, actor=admin, client_id=ana.id)
    (document,) = found.page.items
    assert document.reference == "FT 2026/14"
    assert document.current is not None
    assert document.current.sha256 == hashlib.sha256(PDF).hexdigest()
    mails = browser.mail()[before:]
    assert [str(m["To"]) for m in mails] == ["Ana Silva <ana@example.pt>"]
    # Sent again (a lost answer), it is the same invoice: no second document, no second e-mail.
    assert run() == first
    again = client_documents(services=portal.services, actor=admin, client_id=ana.id)
    assert again.page.total == 1
    assert len(browser.mail()) == before + 1
