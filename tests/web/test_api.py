"""The JSON API: keys and scopes (401, 403), every operation, problems (RFC 9457), cursor
pages, ETags, Idempotency-Key and rate limits; and the admins' API keys page in pt and en."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from iclient_adapters.clock import FrozenClock
from iclient_adapters.compose import Portal
from iclient_core.accounts.model import Account, Role
from iclient_core.integrations import Scope, create_key, revoke_key
from iclient_core.shared.audit import AuditEntry
from iclient_core.staff.clients import create_client, disable_client
from iclient_core.staff.members import change_role, create_staff
from tests.web.conftest import PASSWORD, Browser, app_with

PDF = b"%PDF-1.7\n" + hashlib.sha256(b"invoice").digest() * 100 + b"\n%%EOF\n"
ALL = [s.value for s in Scope]


@pytest.fixture
def admin(portal: Portal) -> Account:
    """The manager who creates the keys."""
    return create_staff(
        services=portal.services,
        email="gestora@example.pt",
        role=Role.ADMIN,
        password=PASSWORD,
        first_name="Gestora",
        last_name="Exemplo",
    )


def key_for(portal: Portal, owner: Account, *scopes: str, expires_on: str | None = None) -> str:
    """A new key's secret."""
    return create_key(
        services=portal.services,
        actor=owner,
        name="Faturação",
        scopes=scopes or ALL,
        expires_on=expires_on,
    ).secret


class Api:
    """A program using the API with one key."""

    def __init__(self, client: FlaskClient, secret: str) -> None:
        self.client = client
        self.secret = secret

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}", **(extra or {})}

    def get(self, path: str, **kw: Any) -> TestResponse:
        return self.client.get(
            f"/api/v1{path}", headers=self.headers(kw.pop("headers", None)), **kw
        )

    def post(self, path: str, body: object = None, **kw: Any) -> TestResponse:
        if body is not None:
            kw["json"] = body
        return self.client.post(
            f"/api/v1{path}", headers=self.headers(kw.pop("headers", None)), **kw
        )

    def patch(self, path: str, body: object, **kw: Any) -> TestResponse:
        return self.client.patch(
            f"/api/v1{path}", json=body, headers=self.headers(kw.pop("headers", None)), **kw
        )


@pytest.fixture
def api(app: Flask, portal: Portal, admin: Account) -> Api:
    """The API with a key that holds every scope."""
    return Api(app.test_client(), key_for(portal, admin))


def a_client(portal: Portal, admin: Account, email: str = "ana@example.pt") -> Account:
    return create_client(
        services=portal.services,
        actor=admin,
        first_name="Ana",
        last_name="Silva",
        email=email,
    )


def problem(answer: TestResponse, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    body: dict[str, Any] = answer.get_json(force=True)
    assert body["status"] == status and body["code"] == code, body
    assert body["type"] == f"urn:iclient:problem:{code}"
    return body


def audit_actions(portal: Portal) -> list[AuditEntry]:
    with portal.services.uow() as uow:
        return list(uow.audit.list(action="api_key.used", limit=1000))


# keys, scopes, problems ---------------------------------------------------------------


def test_a_request_without_a_key_or_with_a_wrong_one_is_refused(app: Flask, api: Api) -> None:
    client = app.test_client()
    answer = client.get("/api/v1/clients")
    problem(answer, 401, "api_key_invalid")
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    for header in ("Bearer ick_nope.nope", "Basic abc", "Bearer " + api.secret[:-1] + "x", ""):
        problem(
            client.get("/api/v1/clients", headers={"Authorization": header}), 401, "api_key_invalid"
        )
    assert "Set-Cookie" not in answer.headers


def test_a_revoked_key_is_refused_at_once(
    app: Flask, portal: Portal, admin: Account, api: Api
) -> None:
    assert api.get("/clients").status_code == 200
    key_id = api.secret.removeprefix("ick_").split(".")[0]
    revoke_key(services=portal.services, actor=admin, key_id=key_id)
    problem(api.get("/clients"), 401, "api_key_invalid")


def test_an_expired_key_is_refused(
    app: Flask, portal: Portal, admin: Account, clock: FrozenClock
) -> None:
    tomorrow = (clock.now() + timedelta(days=1)).date().isoformat()
    api = Api(app.test_client(), key_for(portal, admin, "clients:read", expires_on=tomorrow))
    assert api.get("/clients").status_code == 200
    clock.advance(timedelta(days=2))
    problem(api.get("/clients"), 401, "api_key_invalid")


def test_a_key_stops_with_its_owner(app: Flask, portal: Portal, admin: Account) -> None:
    other = create_staff(
        services=portal.services, email="rui@example.pt", role=Role.ADMIN, password=PASSWORD
    )
    api = Api(app.test_client(), key_for(portal, other, "clients:read"))
    assert api.get("/clients").status_code == 200
    change_role(services=portal.services, actor=admin, account_id=other.id, role="staff")
    assert api.get("/clients").status_code == 200  # collaborators may read clients too
    from iclient_core.staff.members import disable_staff

    disable_staff(services=portal.services, actor=admin, account_id=other.id)
    problem(api.get("/clients"), 401, "api_key_invalid")


OPERATIONS = [
    ("GET", "/clients", "clients:read"),
    ("POST", "/clients", "clients:write"),
    ("GET", "/clients/{client}", "clients:read"),
    ("PATCH", "/clients/{client}", "clients:write"),
    ("POST", "/clients/{client}/disable", "clients:write"),
    ("GET", "/clients/{client}/documents", "documents:read"),
    ("POST", "/clients/{client}/documents", "documents:write"),
    ("GET", "/documents/{document}", "documents:read"),
    ("POST", "/documents/{document}/archive", "documents:write"),
]


@pytest.mark.parametrize(("method", "path", "scope"), OPERATIONS)
def test_a_key_without_the_scope_gets_403_and_nothing_changes(
    app: Flask, portal: Portal, admin: Account, method: str, path: str, scope: str
) -> None:
    ana = a_client(portal, admin)
    others = [s for s in ALL if s != scope]
    api = Api(app.test_client(), key_for(portal, admin, *others))
    url = path.format(client=ana.id, document="no-such-document")
    answer = api.client.open(
        f"/api/v1{url}", method=method, headers=api.headers(), json={"first_name": "X"}
    )
    body = problem(answer, 403, "insufficient_scope")
    assert scope in body["detail"]
    assert audit_actions(portal) == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/clients/nobody"),
        ("PATCH", "/clients/nobody"),
        ("POST", "/clients/nobody/disable"),
        ("GET", "/clients/nobody/documents"),
        ("POST", "/clients/nobody/documents"),
        ("GET", "/documents/nothing"),
        ("POST", "/documents/nothing/archive"),
        ("GET", "/no/such/path"),
    ],
)
def test_unknown_ids_are_404_problems(api: Api, method: str, path: str) -> None:
    body: dict[str, Any] = {"first_name": "X"} if method == "PATCH" else {}
    kw: dict[str, Any] = {"json": body} if method == "PATCH" else {}
    if path.endswith("/documents") and method == "POST":
        path += "?title=Fatura"
        kw = {"data": PDF, "content_type": "application/pdf"}
    answer = api.client.open(f"/api/v1{path}", method=method, headers=api.headers(), **kw)
    problem(answer, 404, "not_found")


def test_a_known_path_with_another_method_is_405(api: Api) -> None:
    answer = api.client.delete("/api/v1/clients", headers=api.headers())
    problem(answer, 405, "method_not_allowed")
    assert "GET" in answer.headers["Allow"] and "POST" in answer.headers["Allow"]


# clients ------------------------------------------------------------------------------


def test_a_program_creates_a_client_who_is_invited_by_email(
    api: Api, browser: Browser, portal: Portal
) -> None:
    answer = api.post(
        "/clients",
        {"first_name": "Rita", "last_name": "Sousa", "email": "Rita@Example.pt", "language": "en"},
    )
    assert answer.status_code == 201, answer.get_json()
    created = answer.get_json()
    assert created["email"] == "Rita@example.pt"
    assert created["status"] == "pending_activation"
    assert answer.headers["Location"] == f"/api/v1/clients/{created['id']}"
    invitation = browser.last_mail_to("Rita@example.pt")
    assert "/en/auth/activate/" in invitation.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    (used,) = audit_actions(portal)
    assert used.details["path"] == "/api/v1/clients" and used.details["method"] == "POST"
    again = api.post("/clients", {"first_name": "R", "last_name": "S", "email": "rita@example.pt"})
    body = problem(again, 422, "invalid_input")
    assert body["errors"] == [{"field": "email", "code": "email_taken"}]


def test_bad_bodies_are_422_or_415_problems(api: Api) -> None:
    problem(api.post("/clients", {"first_name": "A"}), 422, "invalid_input")
    problem(
        api.post(
            "/clients", {"first_name": "A", "last_name": "B", "email": "x@y.pt", "admin": True}
        ),
        422,
        "invalid_input",
    )
    problem(
        api.post("/clients", data="{nope", content_type="application/json"), 422, "invalid_input"
    )
    problem(
        api.post("/clients", data="a=b", content_type="application/x-www-form-urlencoded"),
        415,
        "unsupported_media_type",
    )
    problem(api.get("/clients?limit=0"), 422, "invalid_input")
    problem(api.get("/clients?color=red"), 422, "invalid_input")


def test_a_client_is_read_changed_and_disabled(api: Api, portal: Portal, admin: Account) -> None:
    ana = a_client(portal, admin)
    read = api.get(f"/clients/{ana.id}")
    assert read.get_json()["first_name"] == "Ana"
    changed = api.patch(f"/clients/{ana.id}", {"phone": "+351 912 345 678", "last_name": "Costa"})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["last_name"] == "Costa"
    assert changed.get_json()["first_name"] == "Ana"
    assert changed.get_json()["phone"] == "+351912345678"
    disabled = api.post(f"/clients/{ana.id}/disable")
    assert disabled.status_code == 200 and disabled.get_json()["status"] == "disabled"
    assert [e.details["method"] for e in audit_actions(portal)] == ["PATCH", "POST"]


def test_clients_are_paged_by_cursor_and_found_by_email(
    api: Api, portal: Portal, admin: Account, clock: FrozenClock
) -> None:
    for n in range(7):
        a_client(portal, admin, f"c{n}@example.pt")
        clock.advance(timedelta(seconds=1))
    seen: list[str] = []
    answer = api.get("/clients?limit=3")
    while True:
        page = answer.get_json()
        seen += [c["email"] for c in page["items"]]
        if page["next_cursor"] is None:
            break
        answer = api.get("/clients", query_string={"limit": 3, "cursor": page["next_cursor"]})
    assert seen == [f"c{n}@example.pt" for n in reversed(range(7))]
    found = api.get("/clients", query_string={"email": "C3@example.pt"}).get_json()
    assert [c["email"] for c in found["items"]] == ["c3@example.pt"]


def test_reads_carry_an_etag_and_answer_304_when_unchanged(
    api: Api, portal: Portal, admin: Account
) -> None:
    ana = a_client(portal, admin)
    first = api.get(f"/clients/{ana.id}")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    same = api.get(f"/clients/{ana.id}", headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.data == b""
    api.patch(f"/clients/{ana.id}", {"first_name": "Anabela"})
    changed = api.get(f"/clients/{ana.id}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


# idempotency and rate limits ----------------------------------------------------------


def test_a_repeated_post_with_the_same_idempotency_key_returns_the_first_answer(
    api: Api, browser: Browser, portal: Portal
) -> None:
    body = {"first_name": "Rita", "last_name": "Sousa", "email": "rita@example.pt"}
    first = api.post("/clients", body, headers={"Idempotency-Key": "req-1"})
    again = api.post("/clients", body, headers={"Idempotency-Key": "req-1"})
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert len([m for m in browser.mail() if "rita@example.pt" in str(m["To"])]) == 1
    assert len(audit_actions(portal)) == 1
    other = api.post(
        "/clients", {**body, "first_name": "Outra"}, headers={"Idempotency-Key": "req-1"}
    )
    problem(other, 422, "idempotency_key_reused")
    fresh = api.post("/clients", body, headers={"Idempotency-Key": "req-2"})
    problem(fresh, 422, "invalid_input")  # a new key does the work again: the address is taken


def test_idempotency_keys_belong_to_their_api_key(
    app: Flask, api: Api, portal: Portal, admin: Account
) -> None:
    body = {"first_name": "Rita", "last_name": "Sousa", "email": "rita@example.pt"}
    api.post("/clients", body, headers={"Idempotency-Key": "same"})
    other = Api(app.test_client(), key_for(portal, admin))
    answer = other.post("/clients", body, headers={"Idempotency-Key": "same"})
    problem(answer, 422, "invalid_input")  # not the first key's answer


def test_a_repeated_upload_is_stored_once(
    api: Api, portal: Portal, admin: Account, browser: Browser
) -> None:
    ana = a_client(portal, admin)
    path = f"/clients/{ana.id}/documents?title=Fatura&filename=fatura.pdf"
    first = api.post(
        path, data=PDF, content_type="application/pdf", headers={"Idempotency-Key": "up-1"}
    )
    again = api.post(
        path, data=PDF, content_type="application/pdf", headers={"Idempotency-Key": "up-1"}
    )
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    listed = api.get(f"/clients/{ana.id}/documents").get_json()
    assert listed["total"] == 1
    problem(
        api.post(
            path,
            data=PDF + b" ",
            content_type="application/pdf",
            headers={"Idempotency-Key": "up-1"},
        ),
        422,
        "idempotency_key_reused",
    )


def test_each_key_has_its_rate_limit_with_headers(portal: Portal, admin: Account) -> None:
    app = app_with(portal)
    app.config["ICLIENT_API_RATE_LIMIT"] = "3/60"
    one = Api(app.test_client(), key_for(portal, admin))
    two = Api(app.test_client(), key_for(portal, admin))
    answers = [one.get("/clients") for _ in range(3)]
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert all(a.headers["RateLimit-Limit"] == "3" for a in answers)
    assert answers[0].headers["RateLimit-Policy"] == "3;w=60"
    assert 0 < int(answers[0].headers["RateLimit-Reset"]) <= 60
    over = one.get("/clients")
    problem(over, 429, "rate_limited")
    assert int(over.headers["Retry-After"]) > 0
    assert two.get("/clients").status_code == 200


# documents ----------------------------------------------------------------------------


def test_a_document_is_uploaded_as_a_form_and_the_client_is_emailed(
    api: Api, portal: Portal, admin: Account, browser: Browser
) -> None:
    ana = a_client(portal, admin)
    browser.mail()
    before = len(browser.transport.sent)
    answer = api.post(
        f"/clients/{ana.id}/documents",
        data={
            "file": (io.BytesIO(PDF), "Fatura março.pdf"),
            "title": "Fatura de março",
            "reference": "FT 2026/14",
            "amount": "1234.56",
            "issue_date": "2026-03-01",
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201, answer.get_json()
    doc = answer.get_json()
    assert doc["title"] == "Fatura de março" and doc["status"] == "ready"
    assert doc["amount_cents"] == 123456 and doc["reference"] == "FT 2026/14"
    assert doc["file"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert doc["file"]["content_type"] == "application/pdf"
    mails = browser.mail()[before:]
    assert [str(m["To"]) for m in mails] == ["Ana Silva <ana@example.pt>"]
    assert api.get(f"/documents/{doc['id']}").get_json() == doc
    listed = api.get(f"/clients/{ana.id}/documents").get_json()
    assert [d["id"] for d in listed["items"]] == [doc["id"]]
    archived = api.post(f"/documents/{doc['id']}/archive")
    assert archived.status_code == 200 and archived.get_json()["status"] == "archived"
    problem(api.post(f"/documents/{doc['id']}/archive"), 422, "invalid_input")


def test_a_document_is_uploaded_as_the_body_and_refused_when_not_allowed(
    api: Api, portal: Portal, admin: Account
) -> None:
    ana = a_client(portal, admin)
    answer = api.post(
        f"/clients/{ana.id}/documents?title=Contrato&category=contract",
        data=PDF,
        content_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="contrato.pdf"'},
    )
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["file"]["name"] == "contrato.pdf"
    assert answer.get_json()["category"] == "contract"
    exe = api.post(
        f"/clients/{ana.id}/documents?filename=x.pdf",
        data=b"MZ\x90\x00" * 50,
        content_type="application/octet-stream",
    )
    body = problem(exe, 422, "invalid_input")
    assert body["errors"][0]["field"] == "file"


def test_the_api_never_uses_the_browser_session(app: Flask, api: Api, browser: Browser) -> None:
    """A signed-in browser's cookie gives no access to the API, and the API sets none."""
    browser.staff_account("rui@example.pt")
    problem(browser.client.get("/api/v1/clients"), 401, "api_key_invalid")
    answer = api.post("/clients", {"first_name": "A", "last_name": "B", "email": "ab@example.pt"})
    assert answer.status_code == 201
    assert "Set-Cookie" not in answer.headers


# the description and the reference page -----------------------------------------------


def test_the_description_is_openapi_3_1_and_lists_every_operation(app: Flask) -> None:
    answer = app.test_client().get("/api/v1/openapi.json")
    spec = json.loads(answer.data)
    assert spec["openapi"] == "3.1.0"
    found = {(m.upper(), p.removeprefix("/api/v1")) for p, ms in spec["paths"].items() for m in ms}
    expected = {
        (m, p.replace("{client}", "{client_id}").replace("{document}", "{document_id}"))
        for m, p, _ in OPERATIONS
    }
    assert expected <= found
    assert spec["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"


def test_the_reference_page_shows_every_operation(app: Flask) -> None:
    page = app.test_client().get("/api/v1/").get_data(as_text=True)
    assert "POST /api/v1/clients/{client_id}/documents" in page
    assert "documents:write" in page


# the admins' page ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "title", "shown_once"),
    [("en", "API keys", "shown only this once"), ("pt", "Chaves de API", "mostrada uma única vez")],
)
def test_an_admin_creates_a_key_sees_it_once_and_revokes_it(
    browser: Browser, lang: str, title: str, shown_once: str
) -> None:
    browser.staff_account()
    page = browser.get(f"/{lang}/admin/api-keys")
    assert page.status_code == 200 and title in page.get_data(as_text=True)
    assert page.mimetype == "text/html"
    created = browser.submit(
        f"/{lang}/admin/api-keys",
        {"name": "Faturação", "scopes": ["clients:read", "documents:write"], "expires_on": ""},
    )
    body = created.get_data(as_text=True)
    assert created.status_code == 201 and shown_once in body
    secret = body.split('id="secret" type="text" readonly value="')[1].split('"')[0]
    assert secret.startswith("ick_")
    api = Api(browser.client.application.test_client(), secret)
    assert api.get("/clients").status_code == 200
    listing = browser.get(f"/{lang}/admin/api-keys").get_data(as_text=True)
    assert secret not in listing and "Faturação" in listing and secret[-4:] in listing
    key_id = secret.removeprefix("ick_").split(".")[0]
    revoked = browser.submit(f"/{lang}/admin/api-keys/{key_id}/revoke", {})
    assert revoked.status_code == 303
    assert api.get("/clients").status_code == 401


def test_a_key_needs_a_name_and_a_scope(browser: Browser) -> None:
    browser.staff_account()
    answer = browser.submit("/en/admin/api-keys", {"name": "", "expires_on": "2001-01-01"})
    assert answer.status_code == 400
    assert answer.get_data(as_text=True).count('class="error"') >= 3


def test_collaborators_do_not_see_the_api_keys_page(browser: Browser) -> None:
    browser.staff_account("rui@example.pt", role="staff")
    assert browser.get("/en/admin/api-keys").status_code == 404
    assert "api-keys" not in browser.get("/en/admin/").get_data(as_text=True)


def test_the_last_use_of_a_key_is_on_the_page(browser: Browser, portal: Portal) -> None:
    browser.staff_account()
    with portal.services.uow() as uow:
        admin = uow.accounts.get_by_email_key("gestora@example.pt")
    assert admin is not None
    api = Api(browser.client.application.test_client(), key_for(portal, admin))
    api.get("/clients", environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert "203.0.113.5" in browser.get("/en/admin/api-keys").get_data(as_text=True)


def test_a_key_reaches_only_what_its_scopes_name(
    app: Flask, portal: Portal, admin: Account
) -> None:
    """A key for clients only reaches no documents, a key for documents no clients."""
    ana = a_client(portal, admin)
    docs_only = Api(app.test_client(), key_for(portal, admin, "documents:read"))
    problem(docs_only.get(f"/clients/{ana.id}"), 403, "insufficient_scope")
    assert docs_only.get(f"/clients/{ana.id}/documents").status_code == 200
    problem(docs_only.post(f"/clients/{ana.id}/disable"), 403, "insufficient_scope")
    disable_client(services=portal.services, actor=admin, client_id=ana.id)
    assert docs_only.get(f"/clients/{ana.id}/documents").status_code == 200


# quotes -------------------------------------------------------------------------------


def a_request(browser: Browser, portal: Portal) -> str:
    """A quote an active client asked for; its id."""
    from iclient_core.quotes.requests import request_quote

    browser.client_account("ana@example.pt")
    with portal.services.uow() as uow:
        ana = uow.accounts.get_by_email_key("ana@example.pt")
    assert ana is not None
    return request_quote(
        services=portal.services,
        account_id=ana.id,
        subject="Remodelação da cozinha",
        details="Azulejos e bancada.",
        desired_date="",
        ip="-",
    ).id


LINE = {"description": "Azulejos", "quantity": "12.5", "unit_price": "20.00", "vat_rate": 2300}


def test_a_program_drafts_adds_lines_and_sends_a_quote(
    api: Api, browser: Browser, portal: Portal, clock: FrozenClock
) -> None:
    quote_id = a_request(browser, portal)
    listed = api.get("/quotes?state=requested").get_json()
    assert [q["id"] for q in listed["items"]] == [quote_id]
    assert api.get(f"/quotes/{quote_id}").get_json()["proposal"] is None
    drafted = api.post(f"/quotes/{quote_id}/proposal", {"lines": [LINE], "message": "Olá"})
    assert drafted.status_code == 200, drafted.get_json()
    assert drafted.get_json()["state"] == "draft"
    added = api.post(
        f"/quotes/{quote_id}/lines",
        {"lines": [{**LINE, "description": "Bancada", "quantity": "1", "unit_price": "300"}]},
    ).get_json()
    proposal = added["proposal"]
    assert [line["description"] for line in proposal["lines"]] == ["Azulejos", "Bancada"]
    assert proposal["subtotal_cents"] == 25000 + 30000 and proposal["message"] == "Olá"
    problem(api.post(f"/quotes/{quote_id}/send", {}), 422, "invalid_input")  # no validity date
    before = len(browser.mail())
    until = (clock.now().date() + timedelta(days=30)).isoformat()
    sent = api.post(f"/quotes/{quote_id}/send", {"valid_until": until})
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json()["state"] == "sent" and sent.get_json()["proposal"]["sent"] is True
    assert [str(m["To"]) for m in browser.mail()[before:]] == ["Ana Silva <ana@example.pt>"]
    problem(
        api.post(f"/quotes/{quote_id}/lines", {"lines": [LINE]}), 409, "quote_transition_refused"
    )


def test_bad_quote_lines_are_refused_by_the_core(
    api: Api, browser: Browser, portal: Portal
) -> None:
    quote_id = a_request(browser, portal)
    body = problem(
        api.post(f"/quotes/{quote_id}/proposal", {"lines": [{**LINE, "vat_rate": 1700}]}),
        422,
        "invalid_input",
    )
    assert body["errors"] == [{"field": "lines-0-vat_rate", "code": "vat_rate_invalid"}]
    problem(api.get("/quotes/nothing"), 404, "not_found")
    problem(api.post("/quotes/nothing/send", {}), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("GET", "/quotes", "quotes:read"),
        ("GET", "/quotes/x", "quotes:read"),
        ("POST", "/quotes/x/proposal", "quotes:write"),
        ("POST", "/quotes/x/lines", "quotes:write"),
        ("POST", "/quotes/x/send", "quotes:write"),
    ],
)
def test_quotes_need_their_scope(
    app: Flask, portal: Portal, admin: Account, method: str, path: str, scope: str
) -> None:
    api = Api(app.test_client(), key_for(portal, admin, *[s for s in ALL if s != scope]))
    answer = api.client.open(f"/api/v1{path}", method=method, headers=api.headers(), json={})
    problem(answer, 403, "insufficient_scope")


def test_a_form_upload_sent_again_with_a_new_boundary_is_the_same_request(
    api: Api, portal: Portal, admin: Account, browser: Browser
) -> None:
    ana = a_client(portal, admin)
    browser.mail()
    before = len(browser.transport.sent)

    def send(title: str) -> TestResponse:
        return api.post(
            f"/clients/{ana.id}/documents",
            data={"file": (io.BytesIO(PDF), "fatura.pdf"), "title": title},
            content_type="multipart/form-data",
            headers={"Idempotency-Key": "form-1"},
        )

    first, again = send("Fatura"), send("Fatura")
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert len(browser.mail()) == before + 1
    problem(send("Outra fatura"), 422, "idempotency_key_reused")


def test_a_form_part_without_a_name_is_no_server_error(
    api: Api, portal: Portal, admin: Account
) -> None:
    """Found by the fuzzing: multipart parts without a name, under an Idempotency-Key."""
    ana = a_client(portal, admin)
    boundary = "b0undary"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data\r\n\r\nfalse\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data\r\n\r\ntrue\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nFatura\r\n'
        f"--{boundary}--\r\n"
    )
    answer = api.post(
        f"/clients/{ana.id}/documents",
        data=body.encode(),
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Idempotency-Key": "odd-1"},
    )
    body_json = problem(answer, 422, "invalid_input")
    assert body_json["errors"] == [{"field": "file", "code": "required"}]
    with_file = (
        (
            f"--{boundary}\r\nContent-Disposition: form-data\r\n\r\nfalse\r\n"
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    stored = api.post(
        f"/clients/{ana.id}/documents",
        data=with_file,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Idempotency-Key": "odd-2"},
    )
    assert stored.status_code == 201, stored.get_json()
    assert stored.get_json()["title"] == "f"


def test_the_routes_registered_at_start_up_are_the_declared_operations() -> None:
    from iclient_web.api.operations import OPERATIONS
    from iclient_web.api.routes import ROUTES

    declared = [(o.method, o.path, o.operation_id, o.upload) for o in OPERATIONS]
    assert [tuple(r) for r in ROUTES] == declared
    assert [r.flask_rule for r in ROUTES] == [o.flask_rule for o in OPERATIONS]


def test_the_operations_are_loaded_at_the_first_api_request(app: Flask) -> None:
    from iclient_web.api.routes import ROUTES

    rules = {r.endpoint: r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    for route in ROUTES:
        rule = rules[f"api.{route.operation_id}"]
        assert rule.rule == "/api/v1" + route.flask_rule
        assert rule.methods is not None and route.method in rule.methods
    assert app.test_client().get("/api/v1/clients").status_code == 401
