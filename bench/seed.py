"""Benchmark data: a fresh PostgreSQL database with a business, an admin and clients.

``python bench/seed.py --database-url URL --instance DIR [--documents 20] [--clients 100]``
migrates the database, publishes the default consent texts, creates an admin and
``--clients`` clients, gives the first client ``--documents`` documents and a few quotes,
accepts the consent for every client, and writes ``DIR/cookies.json`` with a signed-in
session cookie for the first client and for the admin (made through the portal's own sign-in
page, so the benchmark requests are exactly what a browser sends).

``--sessions N`` also signs in the first N clients (N at most ``--clients``), each through the
portal's sign-in page, and writes their N cookies to ``DIR/sessions.json`` (a list): the
load test's ``bench/sessions.lua`` rotates between them.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

ADMIN_EMAIL = "admin@bench.example"
CLIENT_EMAIL = "cliente0@bench.example"
PASSWORD = "violet tugboat umbrella 42 harbour"
IP = "127.0.0.1"


def environment(database_url: str, instance: Path) -> dict[str, str]:
    """The ``ICLIENT_*`` settings the seed and the servers share."""
    return {
        "ICLIENT_DATABASE_URL": database_url,
        "ICLIENT_STORAGE_URL": (instance / "files").as_uri(),
        "ICLIENT_MAIL_URL": (instance / "mail").as_uri() + "?log_links=0",
        "ICLIENT_INSTANCE_PATH": str(instance),
        "ICLIENT_SECRET_KEY": "bench-secret-key-that-is-long-enough-for-256-bits",
        "ICLIENT_BUSINESS_NAME": "Oficina Exemplo",
        "ICLIENT_BASE_URL": "http://127.0.0.1:8000",
        "ICLIENT_LOG_LEVEL": "WARNING",  # a line per request would measure the terminal
    }


def seed(
    database_url: str, instance: Path, *, documents: int, clients: int, sessions: int = 0
) -> dict[str, str]:
    """Create the data and return the session cookies by role."""
    os.environ.update(environment(database_url, instance))
    from iclient_adapters import Config, from_config
    from iclient_adapters.sql import SqlDatabase
    from iclient_core.accounts import Role, activate_account, register_client
    from iclient_core.consent import accept, consent_status, ensure_defaults
    from iclient_core.documents import upload_document
    from iclient_core.quotes import request_quote
    from iclient_core.shared import Upload
    from iclient_core.staff import create_staff
    from iclient_web import create_app

    database = SqlDatabase.from_url(database_url)
    database.upgrade()
    database.dispose()
    config = Config.from_env()
    with from_config(config) as portal:
        services = portal.services
        ensure_defaults(services=services)
        admin = create_staff(
            services=services, email=ADMIN_EMAIL, role=Role.ADMIN, password=PASSWORD
        )
        first_id = ""
        for n in range(clients):
            email = f"cliente{n}@bench.example"
            register_client(
                services=services,
                first_name=f"Cliente{n}",
                last_name="Ensaio",
                phone=f"+3519123{n:05d}",
                email=email,
                language="pt",
                ip=_client_ip(n),
            )
            with services.uow() as uow:
                account = uow.accounts.get_by_email_key(email)
            assert account is not None
            token = _token(services, account)
            activate_account(
                services=services, token=token, password=PASSWORD, password_confirm=PASSWORD, ip=IP
            )
            status = consent_status(services=services, account=account)
            accept(
                services=services,
                account_id=account.id,
                accepted=[state.kind.key for state in status.kinds],
                ip=IP,
                user_agent="bench",
            )
            first_id = first_id or account.id
        pdf = b"%PDF-1.7\n" + b"0" * 20_000 + b"\n%%EOF\n"
        for n in range(documents):
            upload_document(
                services=services,
                actor=admin,
                client_id=first_id,
                file=Upload(filename=f"fatura-{n}.pdf", stream=iter([pdf])),
                title=f"Fatura 2026/{n:04d}",
                category="invoice",
                amount=f"{100 + n},50",
                issue_date=f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}",
                notify=False,
            )
        for n in range(5):
            request_quote(
                services=services,
                account_id=first_id,
                subject=f"Pedido {n}",
                details="Pintura da fachada.",
                desired_date=None,
                ip=IP,
            )
    app = create_app({"WTF_CSRF_ENABLED": False}, config=config)
    cookies = {}
    for role, email in (("client", CLIENT_EMAIL), ("admin", ADMIN_EMAIL)):
        cookies[role] = _sign_in(app, email)
    signed_in = [_sign_in(app, f"cliente{n}@bench.example") for n in range(min(sessions, clients))]
    app.extensions["iclient"].close()
    (instance / "cookies.json").write_text(json.dumps(cookies))
    if sessions:
        (instance / "sessions.json").write_text(json.dumps(signed_in))
    return cookies


def _client_ip(n: int) -> str:
    """Where client ``n`` registers from: sign-ups are limited per address (20 an hour)."""
    return IP if n < 20 else f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def _sign_in(app: object, email: str) -> str:
    """A session cookie for ``email``, signed in through the portal's own sign-in page."""
    client = app.test_client()  # type: ignore[attr-defined]
    answer = client.post("/pt/auth/sign-in", data={"email": email, "password": PASSWORD})
    assert answer.status_code == 303, answer.status_code
    client.get("/pt/")  # the consent gate's pass goes into the cookie, as a browser keeps it
    cookie = client.get_cookie("iclient")
    assert cookie is not None
    return f"iclient={cookie.value}"


def _token(services: object, account: object) -> str:
    """The activation token the outbox holds for ``account``."""
    with services.uow() as uow:  # type: ignore[attr-defined]
        pending = uow.outbox.claim_due(services.clock.now(), limit=1000, lease=_lease())  # type: ignore[attr-defined]
        uow.rollback()
    for message in pending:
        if message.notification.to_address == account.email.address:  # type: ignore[attr-defined]
            return message.notification.links["link"].rsplit("/", 1)[1]
    raise LookupError("no activation e-mail")


def _lease() -> object:
    from datetime import timedelta

    return timedelta(seconds=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--instance", type=Path, required=True)
    parser.add_argument("--documents", type=int, default=20)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--sessions", type=int, default=0, help="signed-in clients for wrk")
    args = parser.parse_args()
    args.instance.mkdir(parents=True, exist_ok=True)
    cookies = seed(
        args.database_url,
        args.instance,
        documents=args.documents,
        clients=args.clients,
        sessions=args.sessions,
    )
    print(json.dumps(cookies))


if __name__ == "__main__":
    main()
