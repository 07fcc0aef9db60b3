"""Every operation of the API fuzzed against its own description with Schemathesis (bounded
examples): any 5xx, undocumented status, content type, header or body fails the test."""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis import checks as st_checks

from iclient_adapters.compose import Portal
from iclient_core.accounts.model import Role
from iclient_core.integrations import Scope, create_key
from iclient_core.staff.clients import create_client
from iclient_core.staff.members import create_staff
from tests.web.conftest import PASSWORD, app_with

CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_headers_conformance,
    st_checks.response_schema_conformance,
]


@pytest.fixture
def fuzzed(portal: Portal) -> tuple[Flask, str]:
    """The portal with a manager's key of every scope (and a client to find)."""
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
    secret = create_key(
        services=portal.services, actor=admin, name="Fuzz", scopes=[s.value for s in Scope]
    ).secret
    app = app_with(portal)
    app.config["ICLIENT_API_RATE_LIMIT"] = "100000/60"
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
    assert len(operations) >= 14
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
