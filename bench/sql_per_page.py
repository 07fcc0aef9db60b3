"""Statements per signed-in page, for a client with 20 documents and one with 10,000.

``python bench/sql_per_page.py --database-url URL --instance DIR`` (on a database
``bench/seed.py`` made) adds a client with 10,000 documents, then requests each page twice
through the portal (the first visit fills the caches, as any earlier request would have) and
counts the statements the second one sends. Prints one JSON line:
``{"/pt/documents": {"small": 4, "large": 4}, …}``.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

PAGES = ("/pt/documents", "/pt/quotes", "/pt/")
LARGE = 10_000


def add_large_client(services: Any, password: str) -> str:
    """A client with ``LARGE`` ready documents, stored in bulk; returns the e-mail."""
    from iclient_core.accounts import Account, EmailAddress, Profile
    from iclient_core.documents import Category, Document, FileVersion

    email = "grande@bench.example"
    now = services.clock.now()
    account = Account.register_client(
        id=services.ids.new_id(),
        email=EmailAddress.from_normalised(email),
        profile=Profile(first_name="Grande", last_name="Cliente", phone=""),
        language="pt",
        now=now,
    )
    account.activate(password_hash=services.hasher.hash(password), now=now)
    with services.uow() as uow:
        uow.accounts.add(account)
        for n in range(LARGE):
            document_id = services.ids.new_id()
            file = FileVersion(
                number=1,
                storage_key=f"documents/{account.id}/{document_id}/v1-bench",
                display_name=f"fatura-{n}.pdf",
                content_type="application/pdf",
                uploaded_by=account.id,
                uploaded_at=now - timedelta(minutes=n),
            )
            document = Document.start(
                id=document_id,
                client_id=account.id,
                title=f"Fatura {n}",
                category=Category.INVOICE,
                reference=None,
                issue_date=None,
                amount=None,
                due_date=None,
                file=file,
                now=now - timedelta(minutes=n),
            )
            document.complete_file(file.storage_key, size=20_000, sha256="0" * 64)
            uow.documents.add(document)
        uow.commit()
    return email


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--instance", type=Path, required=True)
    args = parser.parse_args()
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from seed import CLIENT_EMAIL, PASSWORD, environment

    os.environ.update(environment(args.database_url, args.instance))
    import sqlalchemy as sa

    from iclient_web import create_app

    app = create_app({"WTF_CSRF_ENABLED": False})
    services = app.extensions["iclient"].services
    large = add_large_client(services, PASSWORD)
    engine = services.uow.__self__.database().engine  # the DeferredDatabase's, now built
    sent: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: sent.append(str(a[2])))
    found: dict[str, dict[str, int]] = {path: {} for path in PAGES}
    for size, email in (("small", CLIENT_EMAIL), ("large", large)):
        client = app.test_client()
        answer = client.post("/pt/auth/sign-in", data={"email": email, "password": PASSWORD})
        assert answer.status_code == 303, answer.status_code
        if client.get("/pt/").status_code != 200:  # the consent gate, once
            status = client.get("/pt/consent")
            assert status.status_code == 200
            client.post("/pt/consent", data={"accept_terms": "y", "accept_privacy": "y"})
        for path in PAGES:
            assert client.get(path).status_code == 200
            sent.clear()
            assert client.get(path).status_code == 200
            found[path][size] = len(sent)
    print(json.dumps(found))


if __name__ == "__main__":
    main()
