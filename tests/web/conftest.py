"""Fixtures for the portal's web tests: an app on in-memory adapters, a client that fills
forms like a browser (CSRF token included), and the mailbox."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from iclient_adapters.clock import FrozenClock
from iclient_adapters.compose import Portal
from iclient_adapters.config import Config
from iclient_adapters.mail import MemoryTransport, TemplateMailer
from iclient_adapters.storage import build_storage
from iclient_adapters.testing import TEST_SECRET_KEY, make_services
from iclient_adapters.testing.outages import DatabaseOutage
from iclient_core.accounts.model import Account, email_key
from iclient_core.consent.use_cases import ensure_defaults
from iclient_core.inbox.forms import ensure_default_forms
from iclient_core.notifications.delivery import deliver_outbox
from iclient_web import create_app
from tests.hashing import CHEAP_HASHER
from tests.web.compiled import shared_url_builders, sharing_templates

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LINK_RE = re.compile(r"https?://[^\s<>\"]+")
PASSWORD = "um passeio longo pela ribeira ao fim da tarde"
NEW_PASSWORD = "outra frase comprida sobre gaivotas e azulejos"


@pytest.fixture(scope="session", autouse=True)
def _url_builders_compiled_once() -> Iterator[None]:
    """Each app's URL rules reuse the builders compiled for the apps before it
    (``tests.web.compiled``): the URLs built are the same, only compiled once."""
    with shared_url_builders():
        yield


@pytest.fixture
def transport() -> MemoryTransport:
    """Where the portal's e-mails land."""
    return MemoryTransport()


@pytest.fixture
def portal(tmp_path: Path, clock: FrozenClock, transport: MemoryTransport) -> Portal:
    """The core on in-memory adapters, as the app sees it."""
    config = Config(
        instance_path=tmp_path,
        database_url="memory://",
        storage_url="memory://",
        mail_url="memory://",
        mail_from="Oficina Exemplo <no-reply@portal.example.test>",
        secret_key=TEST_SECRET_KEY,
        base_url="http://portal.example.test",
        business_name="Oficina Exemplo",
    )
    services = make_services(
        clock=clock,
        mailer=TemplateMailer(transport, sender=config.mail_from),
        hasher=CHEAP_HASHER,  # no web test is about the hash's cost (tests.hashing)
    )
    ensure_defaults(services=services)  # a first install publishes the example texts
    ensure_default_forms(services=services)  # and has the contact and demo forms
    return Portal(config=config, services=services)


@pytest.fixture
def served_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The ``ICLIENT_*`` environment of a portal served from ``tmp_path`` (SQLite, a files
    folder, mail kept in memory), as ``iclient serve`` reads it; returns the instance path."""
    monkeypatch.setenv("ICLIENT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ICLIENT_MAIL_URL", "memory://")
    monkeypatch.setenv("ICLIENT_DATABASE_URL", f"sqlite:///{tmp_path}/portal.db")
    monkeypatch.setenv("ICLIENT_STORAGE_URL", (tmp_path / "files").as_uri())
    return tmp_path


@pytest.fixture
def outage(portal: Portal) -> DatabaseOutage:
    """The portal's database, breakable (every view sees the wrapped factory)."""
    found = DatabaseOutage(portal.services.uow)
    portal.services = attrs.evolve(portal.services, uow=found)
    return found


@pytest.fixture
def app(portal: Portal) -> Flask:
    """The portal app (CSRF on, as in production), its templates compiled once per worker
    (``tests.web.compiled``)."""
    return sharing_templates(create_app({"TESTING": True}, portal=portal))


class Browser:
    """A test client that fills forms like a person: it reads the CSRF token off the page."""

    def __init__(self, client: FlaskClient, portal: Portal, transport: MemoryTransport) -> None:
        self.client = client
        self.portal = portal
        self.transport = transport

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        # Read whole and closed, as a web server does once the last byte is out (a download
        # counts as sent only then).
        kwargs.setdefault("buffered", True)
        return self.client.get(url, **kwargs)

    def csrf(self, url: str) -> str:
        page = self.client.get(url)
        found = CSRF_RE.search(page.get_data(as_text=True))
        assert found, f"no CSRF token on {url} ({page.status})"
        return found.group(1)

    def submit(
        self, url: str, data: Mapping[str, str], *, form_page: str | None = None, **kw: Any
    ) -> TestResponse:
        token = self.csrf(form_page or url)
        return self.client.post(url, data={**data, "csrf_token": token}, **kw)

    def mail(self) -> list[EmailMessage]:
        """Deliver the outbox and return everything sent so far."""
        deliver_outbox(services=self.portal.services)
        return list(self.transport.sent)

    def last_mail_to(self, address: str) -> EmailMessage:
        found = [m for m in self.mail() if address in str(m["To"])]
        assert found, f"no mail to {address}"
        return found[-1]

    def link_in(self, message: EmailMessage, contains: str) -> str:
        body = message.get_body(("plain",))
        assert body is not None
        links = [link for link in LINK_RE.findall(body.get_content()) if contains in link]
        assert links, f"no link with {contains!r}"
        return links[0]

    def register(self, email: str = "ana@example.pt", lang: str = "pt") -> TestResponse:
        return self.submit(
            f"/{lang}/auth/sign-up",
            {"first_name": "Ana", "last_name": "Silva", "phone": "912 345 678", "email": email},
        )

    def activate(self, email: str = "ana@example.pt", password: str = PASSWORD) -> TestResponse:
        link = self.link_in(self.last_mail_to(email), "/auth/activate/")
        path = link.split("portal.example.test", 1)[1]
        return self.submit(path, {"password": password, "password_confirm": password})

    def sign_in(
        self,
        email: str = "ana@example.pt",
        password: str = PASSWORD,
        lang: str = "pt",
        *,
        consent: bool = True,
    ) -> TestResponse:
        """Sign in; with ``consent`` (the default) also accept any texts the gate asks for,
        so that tests about other pages meet a client who uses the portal normally."""
        response = self.submit(f"/{lang}/auth/sign-in", {"email": email, "password": password})
        if consent and response.status_code == 303:
            gate = self.client.get(f"/{lang}/consent")
            if gate.status_code == 200:
                self.accept_consent(lang)
        return response

    def staff_account(
        self, email: str = "gestora@example.pt", role: str = "admin", password: str = PASSWORD
    ) -> TestResponse:
        """Create a staff member (as `iclient create-staff` does) and sign in as them."""
        from iclient_core.accounts.model import Role
        from iclient_core.staff.members import create_staff

        create_staff(
            services=self.portal.services,
            email=email,
            role=Role(role),
            password=password,
            first_name="Gestora",
            last_name="Exemplo",
        )
        return self.sign_in(email, password)

    def accept_consent(self, lang: str = "pt") -> TestResponse:
        """Tick the Terms and Privacy Policy boxes on the consent page."""
        return self.submit(f"/{lang}/consent", {"accept_terms": "y", "accept_privacy": "y"})

    def client_account(self, email: str = "ana@example.pt") -> TestResponse:
        """Register, activate, sign in and accept the current texts; returns the sign-in
        response."""
        self.register(email)
        self.activate(email)
        return self.sign_in(email)


@pytest.fixture
def browser(app: Flask, portal: Portal, transport: MemoryTransport) -> Browser:
    """A person at a browser, with a mailbox."""
    return Browser(app.test_client(), portal, transport)


@pytest.fixture
def other_browser(app: Flask, portal: Portal, transport: MemoryTransport) -> Browser:
    """A second browser (another device of the same person, or an attacker)."""
    return Browser(app.test_client(), portal, transport)


# ----------------------------------------------------------------------------------- helpers


def without_csrf(body: str) -> str:
    """A page with its CSRF token blanked, so that two answers can be compared."""
    return CSRF_RE.sub('name="csrf_token" value=""', body)


PAGE_HELP_RE = re.compile(r'<details class="page-help">.*?</details>', re.S)


def without_page_help(body: str) -> str:
    """A page without its help box, whose text names buttons the page may not show."""
    return PAGE_HELP_RE.sub("", body)


def path_of(link: str) -> str:
    """The local part (path and query) of an e-mailed absolute link."""
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def record_consent(portal: Portal, email: str = "ana@example.pt") -> None:
    """The client accepted the current Terms and Privacy Policy earlier (straight in the core)."""
    from iclient_core.consent.use_cases import accept

    account = stored_account(portal, email)
    assert account is not None
    accept(
        services=portal.services,
        account_id=account.id,
        accepted={"terms", "privacy"},
        ip="203.0.113.1",
        user_agent="test",
    )


def stored_account(portal: Portal, email: str) -> Account | None:
    """The account with ``email`` as committed, or None."""
    with portal.services.uow() as uow:
        return uow.accounts.get_by_email_key(email_key(email))


def app_with(portal: Portal, **config: Any) -> Flask:
    """Another app on the same core, with some configuration changed (``base_url``…)."""
    services = portal.services
    if "storage_url" in config:
        services = attrs.evolve(services, storage=build_storage(config["storage_url"]))
    changed = Portal(config=attrs.evolve(portal.config, **config), services=services)
    return sharing_templates(create_app({"TESTING": True}, portal=changed))
