"""Who reaches which staff page: every ``/<lang>/admin/`` route × {signed out, client,
collaborator, manager} (issue 6; SECURITY.md items 30 and 32).

The table is walked against the app's URL map: a new admin route (or method) without a row
here fails ``test_every_admin_route_has_a_row``, so nobody adds a staff page without saying
who may use it. Expected outcomes:

- ``SIGN_IN``: a redirect to the sign-in page (nothing private is shown);
- ``NOT_FOUND``: 404, the staff area (or that page of it) does not exist for this person;
- ``OK``: the view ran for this person — a page, a redirect after an action, or a 400 form
  error for the empty form the matrix sends.

Rules whose sample URL names nothing real (``<document_id>``, ``<quote_id>``,
``<version_id>``) are 404 for everyone signed in; what they show is that signed-out visitors
and clients never get further.
"""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from iclient_core.accounts.model import Role
from iclient_core.staff.clients import create_client
from iclient_core.staff.members import create_staff, invite_staff
from tests.web.conftest import PASSWORD, Browser

SIGN_IN, NOT_FOUND, OK = "sign-in", "404", "ok"

STAFF_PAGE = (SIGN_IN, NOT_FOUND, OK, OK)
"""Collaborators and managers."""

ADMIN_PAGE = (SIGN_IN, NOT_FOUND, NOT_FOUND, OK)
"""Managers only."""

NO_SUCH_OBJECT = (SIGN_IN, NOT_FOUND, NOT_FOUND, NOT_FOUND)
"""The sample id names nothing: nobody gets anything."""

ROLES = ("signed out", "client", "staff", "admin")

MATRIX: dict[tuple[str, str], tuple[str, str, str, str]] = {
    # the dashboard and the clients (issue 6)
    ("/<lang>/admin/", "GET"): STAFF_PAGE,
    ("/<lang>/admin/clients/", "GET"): STAFF_PAGE,
    ("/<lang>/admin/clients/new", "GET"): STAFF_PAGE,
    ("/<lang>/admin/clients/new", "POST"): STAFF_PAGE,
    ("/<lang>/admin/clients/import", "GET"): STAFF_PAGE,
    ("/<lang>/admin/clients/import", "POST"): STAFF_PAGE,
    ("/<lang>/admin/clients/<client_id>", "GET"): STAFF_PAGE,
    ("/<lang>/admin/clients/<client_id>/edit", "GET"): STAFF_PAGE,
    ("/<lang>/admin/clients/<client_id>/edit", "POST"): STAFF_PAGE,
    ("/<lang>/admin/clients/<client_id>/resend", "POST"): STAFF_PAGE,
    ("/<lang>/admin/clients/<client_id>/disable", "POST"): STAFF_PAGE,
    ("/<lang>/admin/clients/<client_id>/enable", "POST"): STAFF_PAGE,
    ("/<lang>/admin/clients/<client_id>/end-sessions", "POST"): STAFF_PAGE,
    ("/<lang>/admin/clients/<client_id>/two-step-reset", "POST"): ADMIN_PAGE,
    # staff accounts, audit log and settings: managers only (issue 6)
    ("/<lang>/admin/staff/", "GET"): ADMIN_PAGE,
    ("/<lang>/admin/staff/invite", "POST"): ADMIN_PAGE,
    ("/<lang>/admin/staff/<account_id>/role", "POST"): ADMIN_PAGE,
    ("/<lang>/admin/staff/<account_id>/disable", "POST"): ADMIN_PAGE,
    ("/<lang>/admin/staff/<account_id>/enable", "POST"): ADMIN_PAGE,
    ("/<lang>/admin/staff/<account_id>/resend", "POST"): ADMIN_PAGE,
    ("/<lang>/admin/staff/<account_id>/end-sessions", "POST"): ADMIN_PAGE,
    ("/<lang>/admin/staff/<account_id>/two-step-reset", "POST"): ADMIN_PAGE,
    ("/<lang>/admin/audit/", "GET"): ADMIN_PAGE,
    ("/<lang>/admin/audit/export.csv", "GET"): ADMIN_PAGE,
    ("/<lang>/admin/settings/", "GET"): ADMIN_PAGE,
    ("/<lang>/admin/settings/", "POST"): ADMIN_PAGE,
    # consent texts, a client's consents, deletion requests (issue 3)
    ("/<lang>/admin/consent", "GET"): STAFF_PAGE,
    ("/<lang>/admin/consent", "POST"): ADMIN_PAGE,
    ("/<lang>/admin/consent/kinds", "POST"): ADMIN_PAGE,
    ("/<lang>/admin/consent/versions/<version_id>", "GET"): NO_SUCH_OBJECT,
    ("/<lang>/admin/consent/clients/<client_id>", "GET"): STAFF_PAGE,
    ("/<lang>/admin/consent/clients/<client_id>", "POST"): STAFF_PAGE,
    ("/<lang>/admin/deletions", "GET"): STAFF_PAGE,
    ("/<lang>/admin/deletions/<client_id>", "POST"): STAFF_PAGE,
    # the inbox of the public forms (staff) and the form builder (managers)
    ("/<lang>/admin/inbox", "GET"): STAFF_PAGE,
    ("/<lang>/admin/inbox/export.csv", "GET"): STAFF_PAGE,
    ("/<lang>/admin/inbox/<submission_id>", "GET"): NO_SUCH_OBJECT,
    ("/<lang>/admin/inbox/<submission_id>", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/forms", "GET"): ADMIN_PAGE,
    ("/<lang>/admin/forms/new", "GET"): ADMIN_PAGE,
    ("/<lang>/admin/forms/new", "POST"): ADMIN_PAGE,
    ("/<lang>/admin/forms/<form_id>", "GET"): NO_SUCH_OBJECT,
    ("/<lang>/admin/forms/<form_id>", "POST"): NO_SUCH_OBJECT,
    # API keys: managers only
    ("/<lang>/admin/api-keys", "GET"): ADMIN_PAGE,
    ("/<lang>/admin/api-keys", "POST"): ADMIN_PAGE,
    ("/<lang>/admin/api-keys/<key_id>/revoke", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/forms/<form_id>/publish", "POST"): NO_SUCH_OBJECT,
    # documents their clients never opened (the dashboard's count links here)
    ("/<lang>/admin/documents/unopened", "GET"): STAFF_PAGE,
    ("/<lang>/admin/documents/integrity", "GET"): STAFF_PAGE,
    # a client's documents (issue 4)
    ("/<lang>/admin/clients/<client_id>/documents", "GET"): STAFF_PAGE,
    ("/<lang>/admin/clients/<client_id>/documents", "POST"): STAFF_PAGE,
    ("/<lang>/admin/clients/<client_id>/documents/<document_id>", "GET"): NO_SUCH_OBJECT,
    ("/<lang>/admin/clients/<client_id>/documents/<document_id>", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/clients/<client_id>/documents/<document_id>/archive", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/clients/<client_id>/documents/<document_id>/unarchive", "POST"): (
        NO_SUCH_OBJECT
    ),
    ("/<lang>/admin/clients/<client_id>/documents/<document_id>/delete", "GET"): NO_SUCH_OBJECT,
    ("/<lang>/admin/clients/<client_id>/documents/<document_id>/delete", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/clients/<client_id>/documents/<document_id>/download", "GET"): (NO_SUCH_OBJECT),
    ("/<lang>/admin/clients/<client_id>/documents/<document_id>/replace", "POST"): (NO_SUCH_OBJECT),
    # quotes (issue 5)
    ("/<lang>/admin/quotes", "GET"): STAFF_PAGE,
    ("/<lang>/admin/quotes/<quote_id>", "GET"): NO_SUCH_OBJECT,
    ("/<lang>/admin/quotes/<quote_id>", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/quotes/<quote_id>/cancel", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/quotes/<quote_id>/invite", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/quotes/<quote_id>/revise", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/quotes/<quote_id>/send", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/quotes/<quote_id>/attachment", "GET"): NO_SUCH_OBJECT,
    ("/<lang>/admin/quotes/<quote_id>/pdf", "GET"): NO_SUCH_OBJECT,
    # help on every page: managers rewrite it; the tutorials are for all staff
    ("/<lang>/admin/help/", "GET"): ADMIN_PAGE,
    ("/<lang>/admin/help/<page>/<language>", "GET"): ADMIN_PAGE,
    ("/<lang>/admin/help/<page>/<language>", "POST"): ADMIN_PAGE,
    ("/<lang>/admin/help/<page>/<language>/restore", "POST"): ADMIN_PAGE,
    ("/<lang>/admin/guides/", "GET"): STAFF_PAGE,
    ("/<lang>/admin/guides/<slug>", "GET"): STAFF_PAGE,
    # the FAQ: managers only
    ("/<lang>/admin/faq", "GET"): ADMIN_PAGE,
    ("/<lang>/admin/faq", "POST"): ADMIN_PAGE,
    ("/<lang>/admin/faq/<entry_id>", "GET"): NO_SUCH_OBJECT,
    ("/<lang>/admin/faq/<entry_id>", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/faq/<entry_id>/delete", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/faq/<entry_id>/move", "POST"): NO_SUCH_OBJECT,
    # bookings: the calendar for staff; services, hours and rules for managers
    ("/<lang>/admin/bookings", "GET"): STAFF_PAGE,
    ("/<lang>/admin/bookings/new", "GET"): STAFF_PAGE,
    ("/<lang>/admin/bookings/new", "POST"): STAFF_PAGE,
    ("/<lang>/admin/bookings/<booking_id>", "GET"): NO_SUCH_OBJECT,
    ("/<lang>/admin/bookings/<booking_id>", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/bookings/services", "GET"): ADMIN_PAGE,
    ("/<lang>/admin/bookings/services/new", "GET"): ADMIN_PAGE,
    ("/<lang>/admin/bookings/services/new", "POST"): ADMIN_PAGE,
    ("/<lang>/admin/bookings/services/<service_id>", "GET"): NO_SUCH_OBJECT,
    ("/<lang>/admin/bookings/services/<service_id>", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/bookings/availability/<staff_id>", "GET"): ADMIN_PAGE,
    ("/<lang>/admin/bookings/availability/<staff_id>", "POST"): ADMIN_PAGE,
    ("/<lang>/admin/bookings/rules", "GET"): ADMIN_PAGE,
    ("/<lang>/admin/bookings/rules", "POST"): ADMIN_PAGE,
    # webhooks: managers only
    ("/<lang>/admin/webhooks", "GET"): ADMIN_PAGE,
    ("/<lang>/admin/webhooks/new", "GET"): ADMIN_PAGE,
    ("/<lang>/admin/webhooks/new", "POST"): ADMIN_PAGE,
    ("/<lang>/admin/webhooks/<endpoint_id>", "GET"): NO_SUCH_OBJECT,
    ("/<lang>/admin/webhooks/<endpoint_id>", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/webhooks/<endpoint_id>/secret", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/webhooks/<endpoint_id>/rotate", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/webhooks/<endpoint_id>/pause", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/webhooks/<endpoint_id>/resume", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/webhooks/<endpoint_id>/test", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/webhooks/<endpoint_id>/delete", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/webhooks/<endpoint_id>/deliveries/<delivery_id>/send-again", "POST"): (
        NO_SUCH_OBJECT
    ),
    # support requests: all staff
    ("/<lang>/admin/support", "GET"): STAFF_PAGE,
    ("/<lang>/admin/support/canned", "GET"): STAFF_PAGE,
    ("/<lang>/admin/support/canned", "POST"): STAFF_PAGE,
    ("/<lang>/admin/support/canned/<answer_id>/delete", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/support/<conversation_id>", "GET"): NO_SUCH_OBJECT,
    ("/<lang>/admin/support/<conversation_id>/reply", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/support/<conversation_id>/note", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/support/<conversation_id>/update", "POST"): NO_SUCH_OBJECT,
    ("/<lang>/admin/support/<conversation_id>/poll", "GET"): NO_SUCH_OBJECT,
    ("/<lang>/admin/support/<conversation_id>/files/<message_id>/<index>", "GET"): (NO_SUCH_OBJECT),
}


FORMS: dict[tuple[str, str], dict[str, str]] = {
    ("/<lang>/admin/consent/clients/<client_id>", "POST"): {"kind": "terms"},
}
"""What a few POSTs send besides the CSRF token, so that the view has something to act on."""

DELETING = {("/<lang>/admin/deletions/<client_id>", "POST")}
"""Rules whose ``<client_id>`` is a client who asked for their account to be deleted."""


def admin_rules(app: Flask) -> dict[tuple[str, str], Rule]:
    """Every (rule, method) under ``/<lang>/admin``."""
    return {
        (rule.rule, method): rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/<lang>/admin")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    }


def test_every_admin_route_has_a_row(app: Flask) -> None:
    found = set(admin_rules(app))
    assert not found - set(MATRIX), f"admin routes without a row: {sorted(found - set(MATRIX))}"
    assert not set(MATRIX) - found, f"rows for routes that are gone: {sorted(set(MATRIX) - found)}"


def outcome(answer: TestResponse) -> str:
    """What a response amounts to, in the matrix's terms."""
    if answer.status_code in (302, 303) and "/auth/sign-in" in answer.headers["Location"]:
        return SIGN_IN
    if answer.status_code == 404:
        return NOT_FOUND
    assert answer.status_code < 500, answer.get_data(as_text=True)[:1000]
    return OK


def become(browser: Browser, role: str) -> str:
    """Sign in as ``role`` (or stay out); return a page to take a CSRF token from."""
    if role == "signed out":
        return "/pt/auth/sign-in"
    if role == "client":
        browser.client_account("cliente@example.pt")
        if browser.get("/pt/consent").status_code == 200:  # texts to accept
            browser.submit("/pt/consent", {"accept_terms": "y", "accept_privacy": "y"})
        return "/pt/account"
    browser.staff_account("pessoa@example.pt", role=role)
    return "/pt/admin/"


@pytest.mark.parametrize("role", ROLES)
def test_each_admin_route_answers_each_role_as_the_table_says(
    app: Flask, browser: Browser, role: str
) -> None:
    services = browser.portal.services
    actor = create_staff(  # makes the targets; never signs in
        services=services,
        email="dona@example.pt",
        role=Role.ADMIN,
        password=PASSWORD,
        first_name="Dona",
        last_name="Exemplo",
    )
    client = create_client(
        services=services,
        actor=actor,
        first_name="Alvo",
        last_name="Cliente",
        email="alvo@example.pt",
    )
    deleting = create_client(
        services=services,
        actor=actor,
        first_name="Vai",
        last_name="Embora",
        email="embora@example.pt",
    )
    with services.uow() as uow:
        leaving = uow.accounts.get(deleting.id)
        assert leaving is not None
        leaving.request_deletion(services.clock.now())
        uow.accounts.save(leaving)
        uow.commit()
    colleague = invite_staff(
        services=services,
        actor=actor,
        email="colega@example.pt",
        first_name="Colega",
        last_name="Novo",
        role=Role.STAFF,
    )
    token_page = become(browser, role)
    token = browser.csrf(token_page)
    values = {
        "lang": "pt",
        "client_id": client.id,
        "account_id": colleague.id,
        "document_id": "no-such-document",
        "quote_id": "no-such-quote",
        "version_id": "no-such-version",
        "page": "documents.index",
        "language": "en",
        "slug": "upload-documents",
        "entry_id": "no-such-entry",
        "submission_id": "no-such-message",
        "form_id": "no-such-form",
        "booking_id": "no-such-booking",
        "service_id": "no-such-service",
        "staff_id": actor.id,
        "endpoint_id": "no-such-endpoint",
        "delivery_id": "no-such-delivery",
        "conversation_id": "no-such-request",
        "message_id": "no-such-message",
        "index": "0",
        "answer_id": "no-such-answer",
        "key_id": "no-such-key",
    }
    column = ROLES.index(role)
    wrong = []
    for (path, method), rule in sorted(admin_rules(app).items()):
        sample = {**values, "client_id": deleting.id} if (path, method) in DELETING else values
        url = path
        for argument in rule.arguments:
            url = url.replace(f"<{argument}>", sample[argument])
        if method == "GET":
            answer = browser.client.get(url)
        else:
            form = {**FORMS.get((path, method), {}), "csrf_token": token}
            answer = browser.client.post(url, data=form)
        expected = MATRIX[(path, method)][column]
        if outcome(answer) != expected:
            wrong.append(f"{method} {path}: expected {expected}, got {answer.status_code}")
    assert wrong == []
