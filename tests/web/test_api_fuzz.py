"""Every operation of the API fuzzed against its own description with Schemathesis (bounded
examples): any 5xx, undocumented status, content type, header or body fails the test."""

from __future__ import annotations

import io

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis import checks as st_checks

from iclient_adapters.compose import Portal
from iclient_adapters.mail import MemoryTransport
from iclient_core.accounts.model import Role
from iclient_core.bookings import ServiceInput, book_for_client, save_availability, save_service
from iclient_core.integrations import Scope, create_key
from iclient_core.shared.intake import Upload
from iclient_core.staff.clients import create_client
from iclient_core.staff.members import create_staff
from iclient_core.support import open_request, staff_reply
from iclient_web.api.operations import OPERATIONS
from iclient_web.api.routes import PREFIX
from tests.web.conftest import PASSWORD, Browser, app_with, stored_account

CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_headers_conformance,
    st_checks.response_schema_conformance,
]


@pytest.fixture
def fuzzed(portal: Portal, transport: MemoryTransport) -> tuple[Flask, str]:
    """The portal with a manager's key of every scope (and a client to find, a booking and
    a support request with an internal note and a file, so that the lists have items)."""
    admin = create_staff(
        services=portal.services, email="gestora@example.pt", role=Role.ADMIN, password=PASSWORD
    )
    create_client(
        services=portal.services,
        actor=admin,
        first_name="Ana",
        last_name="Silva",
        email="ana@example.pt",
    )
    app = app_with(portal)
    Browser(app.test_client(), portal, transport).client_account("bea@example.pt")
    bea = stored_account(portal, "bea@example.pt")
    assert bea is not None
    save_availability(
        services=portal.services,
        actor=admin,
        staff_id=admin.id,
        weekly="1 09:00-18:00",
        exceptions="",
    )
    service = save_service(
        services=portal.services,
        actor=admin,
        data=ServiceInput(
            name_pt="Consulta",
            name_en="Visit",
            description="",
            duration_minutes="30",
            price="",
            buffer_minutes="0",
            audience="everyone",
            staff_ids=[admin.id],
        ),
    )
    book_for_client(  # Monday 12 January 2026 (the clock says the 5th)
        services=portal.services,
        actor=admin,
        service_id=service.id,
        client_id=bea.id,
        start="2026-01-12T10:00:00+00:00",
    )
    request = open_request(
        services=portal.services,
        account_id=bea.id,
        subject="A impressora",
        category="technical",
        message="Não imprime.",
        files=[Upload(filename="log.txt", stream=io.BytesIO(b"printer: offline\n"))],
        ip="-",
    )
    staff_reply(
        services=portal.services,
        actor=admin,
        conversation_id=request.id,
        message="Nota interna.",
        internal=True,
        ip="-",
    )
    secret = create_key(
        services=portal.services, actor=admin, name="Fuzz", scopes=[s.value for s in Scope]
    ).secret
    app.config["ICLIENT_API_RATE_LIMIT"] = "100000/60"
    auth = {"Authorization": f"Bearer {secret}"}
    for path in ("/api/v1/bookings", "/api/v1/support/requests"):
        assert len(app.test_client().get(path, headers=auth).get_json()["items"]) == 1
    return app, secret


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_described(
    fuzzed: tuple[Flask, str], mode: GenerationMode
) -> None:
    """Each operation with valid (positive) and invalid (negative) input, a few examples
    each, derandomized: the same run every time, in seconds."""
    app, secret = fuzzed
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {(o.method.upper(), o.path) for o in operations} == {
        (o.method, PREFIX + o.path) for o in OPERATIONS
    }
    statuses: set[int] = set()
    for operation in operations:

        @settings(
            max_examples=10,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def call(case: schemathesis.Case) -> None:
            answer = case.call_and_validate(
                headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS
            )
            statuses.add(answer.status_code)

        call()
    # The run reached the operations themselves, not only the key check or the router.
    assert {200, 404, 422} <= statuses, statuses
