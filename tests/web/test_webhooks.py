"""The admins' webhooks pages in Portuguese and English, and the whole path: an admin adds
an endpoint, a client downloads a document, the background worker posts a signed
``document.downloaded`` to a receiver started by the test."""

from __future__ import annotations

import http.server
import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import attrs
import pytest
from flask import Flask
from standardwebhooks.webhooks import Webhook

from iclient_adapters.compose import Portal
from iclient_adapters.webhooks import HttpWebhookSender
from iclient_core.accounts.model import email_key
from iclient_core.documents.publishing import upload_document
from iclient_core.shared.intake import Upload
from iclient_core.webhooks.model import DeliveryStatus
from iclient_web import create_app
from iclient_web.worker import BackgroundWorker
from tests.web.conftest import Browser

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
SECRET_RE = re.compile(r'id="webhook-secret">(whsec_[A-Za-z0-9+/=]+)<')


class Receiver(http.server.ThreadingHTTPServer):
    """A webhook receiver on 127.0.0.1 that keeps what it is posted and answers 204."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/iclient"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        self.server.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def portal(portal: Portal) -> Portal:
    """The test portal, allowed to post to the test's own receiver (http, 127.0.0.1), as
    ``ICLIENT_WEBHOOKS_ALLOW_PRIVATE`` allows in development."""
    settings = attrs.evolve(
        portal.services.settings, webhooks_allow_http=True, webhooks_allow_private=True
    )
    return attrs.evolve(
        portal,
        services=attrs.evolve(portal.services, settings=settings),
        webhooks=HttpWebhookSender(allow_http=True, allow_private=True, timeout=5),
    )


@pytest.fixture
def app(portal: Portal) -> Flask:
    return create_app({"TESTING": True}, portal=portal)


def add_endpoint(browser: Browser, url: str, events: list[str], lang: str = "pt") -> str:
    """Fill in the new endpoint form; return the endpoint's page."""
    token = browser.csrf(f"/{lang}/admin/webhooks/new")
    answer = browser.client.post(
        f"/{lang}/admin/webhooks/new",
        data={"url": url, "description": "Faturação", "events": events, "csrf_token": token},
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)[:2000]
    return answer.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("pt", ("Novo endpoint", "Registo das entregas", "Mostrar o segredo", "Enviar de novo")),
        ("en", ("New endpoint", "Delivery log", "Show the secret", "Send again")),
    ],
)
def test_an_admin_adds_an_endpoint_and_reads_its_log_in_each_language(
    browser: Browser, portal: Portal, lang: str, words: tuple[str, ...]
) -> None:
    browser.staff_account()
    listing = browser.get(f"/{lang}/admin/webhooks")
    assert listing.status_code == 200
    assert words[0] in listing.get_data(as_text=True)
    assert "/admin/webhooks" in browser.get(f"/{lang}/admin/").get_data(as_text=True)  # menu
    page = add_endpoint(browser, "https://hooks.example.pt/x", ["client.registered"], lang)
    secret = SECRET_RE.search(page)
    assert secret is not None
    assert words[1] in page and words[2] in page
    with portal.services.uow() as uow:
        (endpoint,) = uow.webhooks.endpoints()
    assert endpoint.secret == secret.group(1)
    shown = browser.get(f"/{lang}/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert endpoint.secret not in shown  # only on demand
    revealed = browser.submit(
        f"/{lang}/admin/webhooks/{endpoint.id}/secret",
        {},
        form_page=f"/{lang}/admin/webhooks/{endpoint.id}",
    )
    assert endpoint.secret in revealed.get_data(as_text=True)
    # A failed delivery appears in the log with its "send again" button.
    browser.register("rita@example.pt")
    BackgroundWorker(portal).deliver_webhooks()  # hooks.example.pt: not answering here
    log = browser.get(f"/{lang}/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "client.registered" in log
    assert "hooks.example.pt" in browser.get(f"/{lang}/admin/webhooks").get_data(as_text=True)
    with portal.services.uow() as uow:
        (delivery,) = uow.webhooks.deliveries(endpoint.id, limit=5)
    assert delivery.attempts == 1 and delivery.status is DeliveryStatus.PENDING
    assert "/send-again" not in log  # still being retried: nothing to send again yet


def test_a_private_or_plain_http_address_is_refused_with_a_reason(browser: Browser) -> None:
    browser.staff_account()
    token = browser.csrf("/en/admin/webhooks/new")
    app_settings = browser.portal.services.settings
    assert app_settings.webhooks_allow_private  # this module's portal allows 127.0.0.1…
    answer = browser.client.post(
        "/en/admin/webhooks/new",
        data={"url": "ftp://10.0.0.1/x", "events": ["quote.accepted"], "csrf_token": token},
    )
    assert answer.status_code == 400
    assert "Use an https address" in answer.get_data(as_text=True)
    answer = browser.client.post(
        "/en/admin/webhooks/new", data={"url": "https://hooks.example.pt", "csrf_token": token}
    )
    assert answer.status_code == 400 and 'id="events-error"' in answer.get_data(as_text=True)


def test_a_production_portal_refuses_private_addresses(portal: Portal, browser: Browser) -> None:
    strict = attrs.evolve(
        portal.services.settings, webhooks_allow_http=False, webhooks_allow_private=False
    )
    app = create_app(
        {"TESTING": True},
        portal=attrs.evolve(portal, services=attrs.evolve(portal.services, settings=strict)),
    )
    other = Browser(app.test_client(), browser.portal, browser.transport)
    other.staff_account()
    token = other.csrf("/pt/admin/webhooks/new")
    for url in ("https://169.254.169.254/latest", "http://hooks.example.pt/x", "https://[::1]/"):
        answer = other.client.post(
            "/pt/admin/webhooks/new",
            data={"url": url, "events": ["quote.accepted"], "csrf_token": token},
        )
        assert answer.status_code == 400, url
        assert "Use um endereço https" in answer.get_data(as_text=True)


def test_a_client_download_reaches_a_local_receiver_signed(
    browser: Browser, other_browser: Browser, portal: Portal, receiver: Receiver
) -> None:
    other_browser.staff_account()
    page = add_endpoint(other_browser, receiver.url, ["document.downloaded"])
    secret = SECRET_RE.search(page)
    assert secret is not None
    browser.client_account("ana@example.pt")
    with portal.services.uow() as uow:
        ana = uow.accounts.get_by_email_key(email_key("ana@example.pt"))
        staff = uow.accounts.get_by_email_key(email_key("gestora@example.pt"))
    assert ana is not None and staff is not None
    document = upload_document(
        services=portal.services,
        actor=staff,
        client_id=ana.id,
        file=Upload(filename="fatura.pdf", stream=iter([PDF])),
        title="Fatura 14",
        category="invoice",
    )
    worker = BackgroundWorker(portal)
    worker.run_once()
    assert receiver.received == []  # not subscribed to document.published
    assert browser.get(f"/pt/documents/{document.id}/download").data == PDF
    worker.run_once()
    ((headers, body),) = receiver.received
    event = json.loads(body)
    assert event["type"] == "document.downloaded"
    assert event["data"]["document"]["id"] == document.id
    assert event["data"]["client"]["email"] == "ana@example.pt"
    signed_at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
    assert signed_at == portal.services.clock.now().replace(microsecond=0)
    expected = Webhook(secret.group(1)).sign(headers["webhook-id"], signed_at, body.decode())
    assert headers["webhook-signature"] == expected

    # The log says so, and "send again" posts the same message again.
    with portal.services.uow() as uow:
        (endpoint,) = uow.webhooks.endpoints()
        (delivery,) = uow.webhooks.deliveries(endpoint.id, limit=5)
    assert delivery.status is DeliveryStatus.DELIVERED
    show = f"/en/admin/webhooks/{endpoint.id}"
    log = other_browser.get(show).get_data(as_text=True)
    assert "Delivered" in log and "204" in log and "Send again" in log
    again = other_browser.submit(f"{show}/deliveries/{delivery.id}/send-again", {}, form_page=show)
    assert again.status_code == 303
    worker.run_once()
    assert [h["webhook-id"] for h, _ in receiver.received] == [delivery.id, delivery.id]
    assert worker.failures["webhooks"] == 0

    # Pause, test, resume, remove: each in the audit log, in words.
    assert other_browser.submit(f"{show}/pause", {}, form_page=show).status_code == 303
    assert "Paused since" in other_browser.get(show).get_data(as_text=True)
    assert other_browser.submit(f"{show}/test", {}, form_page=show).status_code == 303
    assert other_browser.submit(f"{show}/resume", {}, form_page=show).status_code == 303
    assert other_browser.submit(f"{show}/test", {}, form_page=show).status_code == 303
    worker.run_once()
    assert json.loads(receiver.received[-1][1])["type"] == "webhook.test"
    assert other_browser.submit(f"{show}/delete", {}, form_page=show).status_code == 303
    assert other_browser.get(show).status_code == 404
    audit = other_browser.get("/en/admin/audit/").get_data(as_text=True)
    for sentence in (
        "added the webhook endpoint",
        "paused the webhook endpoint",
        "resumed the webhook endpoint",
        "sent a test event to the webhook endpoint",
        "sent an event again to the webhook endpoint",
        "removed the webhook endpoint",
    ):
        assert sentence in audit, sentence
