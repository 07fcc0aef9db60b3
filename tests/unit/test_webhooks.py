"""Webhooks in the core: events written with their change, signed deliveries (checked with
the independent ``standardwebhooks`` package), retries against a real local receiver, the
pause of failing endpoints, the admins' use cases and their audit log."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from iclient_adapters.clock import FrozenClock
from iclient_adapters.testing import make_services
from iclient_adapters.webhooks import HttpWebhookSender
from iclient_core.accounts.model import Account, Role
from iclient_core.notifications.model import Kind
from iclient_core.quotes.decisions import decline_quote
from iclient_core.quotes.proposals import send_proposal
from iclient_core.quotes.requests import request_quote, request_quote_as_visitor
from iclient_core.services import Services
from iclient_core.settings import Settings
from iclient_core.shared.errors import InvalidInput, NotFound, PermissionDenied
from iclient_core.staff.clients import create_client
from iclient_core.staff.members import create_staff
from iclient_core.webhooks import (
    DeliveryStatus,
    EndpointState,
    EventType,
    WebhookRequest,
    WebhookResponse,
    create_endpoint,
    delete_endpoint,
    deliver_webhooks,
    emit,
    endpoint_page,
    list_endpoints,
    pause_endpoint,
    resume_endpoint,
    reveal_secret,
    rotate_secret,
    send_again,
    send_test,
    sign,
    update_endpoint,
    verify,
)
from iclient_core.webhooks.model import MAX_ATTEMPTS, backoff
from iclient_core.webhooks.signing import new_secret, secret_key
from tests.unit.client_story import PROPOSAL, live, staff_member
from tests.unit.helpers import IP, PASSWORD, active_client, deliver, register

ALL_EVENTS = [e.value for e in EventType if e is not EventType.PING]
LOCAL = Settings(
    business_name="Oficina Exemplo",
    mail_domain="example.test",
    webhooks_allow_http=True,
    webhooks_allow_private=True,
)


@pytest.fixture
def services() -> Services:
    return make_services(settings=LOCAL)


def admin_of(services: Services, email: str = "ines@oficina.pt") -> Account:
    return create_staff(
        services=services,
        email=email,
        role=Role.ADMIN,
        password=PASSWORD,
        first_name="Inês",
        last_name="Costa",
    )


def endpoint_for(
    services: Services, admin: Account, events: list[str] | None = None, url: str = ""
) -> str:
    return create_endpoint(
        services=services,
        actor=admin,
        url=url or "https://hooks.example.pt/iclient",
        description="Faturação",
        events=ALL_EVENTS if events is None else events,
        ip=IP,
    ).id


def pending(services: Services, endpoint_id: str) -> list[tuple[str, dict[str, object]]]:
    """The event types and bodies queued for an endpoint, oldest first."""
    with services.uow() as uow:
        found = uow.webhooks.deliveries(endpoint_id, limit=1000)
    return [(d.event_type.value, json.loads(d.payload)) for d in reversed(found)]


def clock(services: Services) -> FrozenClock:
    assert isinstance(services.clock, FrozenClock)
    return services.clock


@attrs.define
class RecordingSender:
    """A sender that answers with the statuses given, in turn, and keeps the requests."""

    statuses: list[int] = attrs.Factory(list)
    requests: list[WebhookRequest] = attrs.Factory(list)

    def send(self, request: WebhookRequest) -> WebhookResponse:
        self.requests.append(request)
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 0:
            raise ConnectionRefusedError("connection refused")
        return WebhookResponse(status=status, body="nope" if status >= 300 else "")


# ------------------------------------------------------------------------------- signing


def test_a_signature_is_the_one_the_standard_webhooks_library_makes_and_checks() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_") and len(secret_key(secret)) == 24
    body = '{"data":{"name":"Ana — ç"},"type":"client.registered"}'
    moment = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    ours = sign(secret, "msg_1", int(moment.timestamp()), body.encode())
    theirs = Webhook(secret).sign("msg_1", moment, body)
    assert ours == theirs
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": ours,
    }
    # The library refuses old timestamps: check it against a fresh one too.
    now = datetime.now(UTC)
    fresh = {
        **headers,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": sign(secret, "msg_1", int(now.timestamp()), body.encode()),
    }
    assert Webhook(secret).verify(body, fresh) == json.loads(body)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, fresh)
    assert verify(secret, "msg_1", int(moment.timestamp()), body.encode(), "v1,bad " + ours)
    assert not verify(secret, "msg_2", int(moment.timestamp()), body.encode(), ours)


@given(
    body=st.binary(max_size=300),
    message_id=st.text(alphabet="abcdef0123456789_", min_size=1, max_size=40),
    timestamp=st.integers(min_value=0, max_value=2**33),
    key=st.binary(min_size=24, max_size=64),
)
def test_any_body_id_and_time_sign_as_the_library_does(
    body: bytes, message_id: str, timestamp: int, key: bytes
) -> None:
    import base64

    secret = "whsec_" + base64.b64encode(key).decode()
    moment = datetime.fromtimestamp(timestamp, UTC)
    text = body.decode("latin-1")
    assert sign(secret, message_id, timestamp, text.encode()) == Webhook(secret).sign(
        message_id, moment, text
    )


@pytest.mark.parametrize("bad", ["", "whsec_", "sec_abcd", "whsec_***", "whsec_ab=c"])
def test_a_malformed_secret_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="secret"):
        secret_key(bad)


# ------------------------------------------------------------------- events from use cases


def test_every_use_case_emits_its_event_with_the_change(services: Services) -> None:
    admin = admin_of(services)
    everything = endpoint_for(services, admin)
    quotes_only = endpoint_for(services, admin, ["quote.accepted"])
    staff = staff_member(services)
    story = live(services, staff, email="ana@example.pt", first_name="Ana", subject="Fachada")
    kinds = [kind for kind, _ in pending(services, everything)]
    assert kinds == [
        "client.registered",
        "client.activated",
        "consent.accepted",
        "consent.accepted",
        "quote.requested",
        "quote.accepted",
        "document.published",
        "document.downloaded",
    ]
    bodies = dict(pending(services, everything))
    assert bodies["client.registered"]["data"] == {
        "client": {
            "id": story.client.id,
            "email": "ana@example.pt",
            "first_name": "Ana",
            "last_name": "Silva",
            "language": "pt",
        },
        "source": "sign_up",
    }
    published = bodies["document.published"]["data"]
    assert isinstance(published, dict)
    assert published["document"]["id"] == story.document.id
    assert published["document"]["file"]["name"] == "fatura.pdf"
    assert bodies["document.downloaded"]["data"]["document"]["id"] == story.document.id
    accepted = bodies["quote.accepted"]
    assert accepted["type"] == "quote.accepted"
    assert accepted["data"]["quote"]["id"] == story.quote.id
    assert accepted["data"]["total"]["currency"] == "EUR"
    assert accepted["timestamp"].endswith("Z")
    assert [kind for kind, _ in pending(services, quotes_only)] == ["quote.accepted"]


def test_staff_created_clients_visitor_requests_and_declines_emit_too(
    services: Services,
) -> None:
    admin = admin_of(services)
    endpoint = endpoint_for(services, admin)
    created = create_client(
        services=services,
        actor=admin,
        first_name="Rita",
        last_name="Sousa",
        email="rita@example.pt",
        ip=IP,
    )
    request_quote_as_visitor(
        services=services,
        name="Vera Lima",
        email="vera@example.pt",
        phone="912345678",
        subject="Telhado",
        details="Reparar telhas.",
        contact_consent=True,
        language="pt",
        ip=IP,
    )
    ana = active_client(services, email="ana@example.pt")
    quote = request_quote(
        services=services,
        account_id=ana.id,
        subject="Muro",
        details="Pintar o muro.",
        desired_date=None,
        ip=IP,
    )
    send_proposal(services=services, actor=admin, quote_id=quote.id, proposal=PROPOSAL)
    decline_quote(
        services=services,
        account_id=ana.id,
        quote_id=quote.id,
        proposal_number="1",
        reason="Caro demais",
        ip=IP,
    )
    events = pending(services, endpoint)
    assert [kind for kind, _ in events] == [
        "client.registered",
        "quote.requested",
        "client.registered",
        "client.activated",
        "quote.requested",
        "quote.declined",
    ]
    assert events[0][1]["data"] == {
        "client": {
            "id": created.id,
            "email": "rita@example.pt",
            "first_name": "Rita",
            "last_name": "Sousa",
            "language": "pt",
        },
        "source": "staff",
    }
    assert events[1][1]["data"]["requester"] == "visitor"
    assert events[1][1]["data"]["quote"]["visitor_email"] == "vera@example.pt"
    assert events[5][1]["data"]["reason"] == "Caro demais"


def test_a_change_rolled_back_sends_nothing_and_a_refused_one_emits_nothing(
    services: Services,
) -> None:
    admin = admin_of(services)
    endpoint = endpoint_for(services, admin)
    with services.uow() as uow:
        assert emit(services, uow, EventType.CLIENT_ACTIVATED, {"client": {"id": "x"}})
        # leaves without commit: rolled back
    register(services, email="ana@example.pt")
    register(services, email="ana@example.pt")  # the same address again: no second client
    assert [kind for kind, _ in pending(services, endpoint)] == ["client.registered"]


def test_no_endpoint_no_delivery_and_paused_ones_are_skipped(services: Services) -> None:
    admin = admin_of(services)
    endpoint = endpoint_for(services, admin)
    pause_endpoint(services=services, actor=admin, endpoint_id=endpoint, ip=IP)
    register(services)
    assert pending(services, endpoint) == []


# ---------------------------------------------------------------------------- delivery


class Receiver(http.server.ThreadingHTTPServer):
    """A local webhook receiver: fails the first ``failures`` requests with 503."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.received: list[tuple[dict[str, str], bytes]] = []
        super().__init__(("127.0.0.1", 0), ReceiverHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks?from=iclient"


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        self.server.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        failing = len(self.server.received) <= self.server.failures
        self.send_response(503 if failing else 204)
        self.send_header("content-length", "4" if failing else "0")
        self.end_headers()
        if failing:
            self.wfile.write(b"busy")

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver(failures=2)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_a_delivery_failing_twice_is_retried_with_back_off_then_logged_as_delivered(
    services: Services, receiver: Receiver
) -> None:
    admin = admin_of(services)
    endpoint = endpoint_for(services, admin, ["client.registered"], url=receiver.url)
    secret = reveal_secret(services=services, actor=admin, endpoint_id=endpoint, ip=IP)
    register(services, email="ana@example.pt")
    sender = HttpWebhookSender(allow_http=True, allow_private=True, timeout=5)

    assert deliver_webhooks(services=services, sender=sender).failed == 1
    assert deliver_webhooks(services=services, sender=sender).failed == 0  # backing off
    clock(services).advance(backoff(1))
    assert deliver_webhooks(services=services, sender=sender).failed == 1
    clock(services).advance(backoff(2) - timedelta(seconds=1))
    assert deliver_webhooks(services=services, sender=sender).sent == 0
    clock(services).advance(timedelta(seconds=1))
    assert deliver_webhooks(services=services, sender=sender).sent == 1
    assert deliver_webhooks(services=services, sender=sender).sent == 0

    assert len(receiver.received) == 3
    ids = {headers["webhook-id"] for headers, _ in receiver.received}
    assert len(ids) == 1 and ids.pop().startswith("msg_")  # the same message, retried
    for headers, body in receiver.received:
        # The independent check, at the time each request was signed.
        signed_at = int(headers["webhook-timestamp"])
        assert verify(secret, headers["webhook-id"], signed_at, body, headers["webhook-signature"])
        assert headers["content-type"] == "application/json"
        assert headers["user-agent"].startswith("iclient-webhooks/")
        assert json.loads(body)["type"] == "client.registered"
    timestamps = [int(h["webhook-timestamp"]) for h, _ in receiver.received]
    assert timestamps[1] - timestamps[0] == backoff(1).total_seconds()
    last_headers, last_body = receiver.received[-1]
    fresh_check = Webhook(secret)
    assert (
        fresh_check.sign(
            last_headers["webhook-id"],
            datetime.fromtimestamp(int(last_headers["webhook-timestamp"]), UTC),
            last_body.decode(),
        )
        == last_headers["webhook-signature"]
    )

    page = endpoint_page(services=services, actor=admin, endpoint_id=endpoint)
    (delivery,) = page.deliveries
    assert delivery.status is DeliveryStatus.DELIVERED and delivery.attempts == 3
    log = page.attempts[delivery.id]
    assert [(a.number, a.status_code, a.ok) for a in log] == [
        (3, 204, True),
        (2, 503, False),
        (1, 503, False),
    ]
    assert log[-1].error == "HTTP 503: busy"
    assert page.endpoint.consecutive_failures == 0 and page.endpoint.last_success_at


def test_a_delivery_is_given_up_after_the_last_attempt(services: Services) -> None:
    admin = admin_of(services)
    endpoint = endpoint_for(services, admin, ["client.registered"])
    register(services)
    sender = RecordingSender(statuses=[500] * MAX_ATTEMPTS)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert deliver_webhooks(services=services, sender=sender).failed == 1
        clock(services).advance(backoff(attempt))
    assert deliver_webhooks(services=services, sender=sender).failed == 0
    page = endpoint_page(services=services, actor=admin, endpoint_id=endpoint)
    assert page.deliveries[0].status is DeliveryStatus.FAILED
    assert len(sender.requests) == MAX_ATTEMPTS


def test_an_endpoint_failing_for_a_day_is_paused_and_the_admins_are_told(
    services: Services,
) -> None:
    admin = admin_of(services)
    other_admin = admin_of(services, "joao@oficina.pt")
    endpoint = endpoint_for(services, admin, ["client.registered"])
    deliver(services)
    sender = RecordingSender(statuses=[0] * 1000)
    for hour in range(40):
        if hour % 6 == 0:  # a new client every six hours: fewer than 100 failures a day
            register(services, email=f"c{hour}@example.pt", ip=f"198.51.100.{hour}")
        deliver_webhooks(services=services, sender=sender)
        clock(services).advance(timedelta(hours=1))
        found = endpoint_page(services=services, actor=admin, endpoint_id=endpoint).endpoint
        if found.state is EndpointState.PAUSED:
            break
    assert found.state is EndpointState.PAUSED
    assert found.paused_at is not None and found.failing_since is not None
    assert found.paused_at - found.failing_since >= timedelta(days=1)
    told = [n for n in deliver(services) if n.kind is Kind.WEBHOOK_PAUSED]
    assert {n.to_address for n in told} == {"ines@oficina.pt", "joao@oficina.pt"}
    assert told[0].context["link"].endswith(f"/admin/webhooks/{endpoint}")
    assert told[0].context["url"] == "https://hooks.example.pt/iclient"
    with services.uow() as uow:
        entries = uow.audit.list(limit=50)
    paused = [e for e in entries if e.action == "webhook.paused"]
    assert paused and paused[0].actor_label == "system"
    assert other_admin.id

    # Paused: the deliveries waiting are given up without a request, new events not queued.
    requests = len(sender.requests)
    clock(services).advance(timedelta(hours=12))
    deliver_webhooks(services=services, sender=sender)
    assert len(sender.requests) == requests
    register(services, email="after@example.pt")
    page = endpoint_page(services=services, actor=admin, endpoint_id=endpoint, size=100)
    assert all(d.status is not DeliveryStatus.PENDING for d in page.deliveries)
    assert page.total == len(page.deliveries)

    # Resumed: a given-up delivery is sent again on request, and succeeds.
    resume_endpoint(services=services, actor=admin, endpoint_id=endpoint, ip=IP)
    last = page.deliveries[0]
    send_again(services=services, actor=admin, endpoint_id=endpoint, delivery_id=last.id, ip=IP)
    good = RecordingSender()
    assert deliver_webhooks(services=services, sender=good).sent == 1
    assert good.requests[0].headers[1] == ("webhook-id", last.id)
    resumed = endpoint_page(services=services, actor=admin, endpoint_id=endpoint).endpoint
    assert resumed.is_active and resumed.consecutive_failures == 0


def test_a_test_event_goes_to_the_one_endpoint(services: Services) -> None:
    admin = admin_of(services)
    first = endpoint_for(services, admin)
    second = endpoint_for(services, admin)
    delivery = send_test(services=services, actor=admin, endpoint_id=first, ip=IP)
    assert delivery.event_type is EventType.PING
    assert [k for k, _ in pending(services, first)] == ["webhook.test"]
    assert pending(services, second) == []


# --------------------------------------------------------------------------- admin side


def test_only_admins_manage_webhooks(services: Services) -> None:
    admin = admin_of(services)
    endpoint = endpoint_for(services, admin)
    staff = staff_member(services)
    client = active_client(services, email="ana@example.pt")
    for actor in (staff, client):
        with pytest.raises(PermissionDenied):
            list_endpoints(services=services, actor=actor)
        with pytest.raises(PermissionDenied):
            endpoint_for(services, actor)
        with pytest.raises(PermissionDenied):
            reveal_secret(services=services, actor=actor, endpoint_id=endpoint, ip=IP)
        with pytest.raises(PermissionDenied):
            delete_endpoint(services=services, actor=actor, endpoint_id=endpoint, ip=IP)
    with pytest.raises(NotFound):
        endpoint_page(services=services, actor=admin, endpoint_id="nope")
    with pytest.raises(NotFound):
        send_again(services=services, actor=admin, endpoint_id=endpoint, delivery_id="x", ip=IP)


@pytest.mark.parametrize(
    ("url", "allow_http", "allow_private"),
    [
        ("http://hooks.example.pt/x", False, True),
        ("ftp://hooks.example.pt/x", True, True),
        ("https://127.0.0.1/x", False, False),
        ("https://10.1.2.3/x", False, False),
        ("https://169.254.169.254/latest/meta-data", False, False),
        ("https://[::1]/x", False, False),
        ("https://[::ffff:192.168.1.1]/x", False, False),
        ("https://localhost/x", False, False),
        ("https://user:pw@hooks.example.pt/x", False, False),
        ("https:///x", False, False),
        ("https://hooks.example.pt/x y", False, False),
    ],
)
def test_an_endpoint_url_that_is_not_public_https_is_refused(
    url: str, allow_http: bool, allow_private: bool
) -> None:
    services = make_services(
        settings=Settings(webhooks_allow_http=allow_http, webhooks_allow_private=allow_private)
    )
    admin = admin_of(services)
    with pytest.raises(InvalidInput) as refused:
        endpoint_for(services, admin, url=url)
    assert refused.value.by_field() == {"url": ["webhook_url_refused"]}


def test_endpoint_forms_check_their_events_and_description(services: Services) -> None:
    admin = admin_of(services)
    with pytest.raises(InvalidInput) as refused:
        create_endpoint(
            services=services, actor=admin, url="", description="\x00", events=[], ip=IP
        )
    assert refused.value.by_field() == {
        "url": ["required"],
        "description": ["invalid_characters"],
        "events": ["required"],
    }
    with pytest.raises(InvalidInput) as unknown:
        endpoint_for(services, admin, ["client.registered", "webhook.test"])
    assert unknown.value.by_field() == {"events": ["invalid_choice"]}


def test_every_change_to_an_endpoint_is_in_the_audit_log(services: Services) -> None:
    admin = admin_of(services)
    endpoint = endpoint_for(services, admin, ["client.registered"])
    first_secret = reveal_secret(services=services, actor=admin, endpoint_id=endpoint, ip=IP)
    update_endpoint(
        services=services,
        actor=admin,
        endpoint_id=endpoint,
        url="https://hooks.example.pt/v2",
        description="",
        events=["document.published", "client.registered"],
        ip=IP,
    )
    rotated = rotate_secret(services=services, actor=admin, endpoint_id=endpoint, ip=IP)
    assert rotated.secret != first_secret
    pause_endpoint(services=services, actor=admin, endpoint_id=endpoint, ip=IP)
    resume_endpoint(services=services, actor=admin, endpoint_id=endpoint, ip=IP)
    send_test(services=services, actor=admin, endpoint_id=endpoint, ip=IP)
    (shown,) = list_endpoints(services=services, actor=admin)
    assert shown.url == "https://hooks.example.pt/v2"
    assert shown.events == (EventType.CLIENT_REGISTERED, EventType.DOCUMENT_PUBLISHED)
    delete_endpoint(services=services, actor=admin, endpoint_id=endpoint, ip=IP)
    assert list_endpoints(services=services, actor=admin) == []
    with services.uow() as uow:
        actions = [e.action for e in uow.audit.list(limit=50) if e.target_type == "webhook"]
    assert sorted(actions) == sorted(
        [
            "webhook.created",
            "webhook.secret_revealed",
            "webhook.updated",
            "webhook.secret_rotated",
            "webhook.paused",
            "webhook.resumed",
            "webhook.tested",
            "webhook.deleted",
        ]
    )


def test_erasing_a_client_removes_the_deliveries_that_name_them(services: Services) -> None:
    from iclient_core.accounts import privacy

    admin = admin_of(services)
    endpoint = endpoint_for(services, admin)
    ana = active_client(services, email="ana@example.pt")
    register(services, email="rui@example.pt")
    privacy.request_deletion(services=services, account_id=ana.id, current_password=PASSWORD, ip=IP)
    privacy.confirm_deletion(services=services, actor=admin, client_id=ana.id, ip=IP)
    left = pending(services, endpoint)
    assert [kind for kind, _ in left] == ["client.registered"]
    assert "ana@example.pt" not in json.dumps(left)


def test_removing_an_endpoint_during_a_change_fails_neither(services: Services) -> None:
    admin = admin_of(services)
    endpoint = endpoint_for(services, admin)
    with services.uow() as uow:  # a client's change, with its event, in progress…
        (queued,) = emit(services, uow, EventType.CLIENT_ACTIVATED, {"client": {"id": "c1"}})
        delete_endpoint(services=services, actor=admin, endpoint_id=endpoint, ip=IP)  # meanwhile
        uow.commit()
    sender = RecordingSender()
    assert deliver_webhooks(services=services, sender=sender).failed == 1
    assert sender.requests == []
    with services.uow() as uow:
        orphan = uow.webhooks.get_delivery(queued.id)
    assert orphan is not None and orphan.status is DeliveryStatus.FAILED
    assert orphan.last_error == "the endpoint was removed"


def test_clients_imported_from_a_csv_file_are_registered_events(services: Services) -> None:
    from iclient_core.staff.client_import import import_clients

    admin = admin_of(services)
    endpoint = endpoint_for(services, admin, ["client.registered"])
    text = (
        "nome;apelido;email\nAna;Silva;ana@example.pt\nRui;Costa;rui@\nEva;Lopes;eva@example.pt\n"
    )
    report = import_clients(services=services, actor=admin, data=text.encode(), ip=IP)
    assert report.created == 2
    events = pending(services, endpoint)
    assert [body["data"]["client"]["email"] for _, body in events] == [
        "ana@example.pt",
        "eva@example.pt",
    ]
    assert {body["data"]["source"] for _, body in events} == {"import"}
