"""``/healthz`` and ``/readyz``: public, outside any language, no session or CSRF, no
trusted-host check, logged at DEBUG only; readiness names the check that failed."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from flask import Flask

from iclient_adapters.clock import FrozenClock
from iclient_adapters.compose import Portal
from iclient_adapters.testing.notifications import message
from iclient_adapters.testing.outages import DatabaseOutage
from tests.web.conftest import Browser, app_with


def test_healthz_answers_without_touching_anything(
    browser: Browser, outage: DatabaseOutage
) -> None:
    outage.go_down()
    answer = browser.get("/healthz")
    assert answer.status_code == 200
    assert answer.get_data(as_text=True) == "ok\n"
    assert answer.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in answer.headers
    assert answer.headers["X-Request-ID"]
    assert outage.begun == 0
    assert browser.client.head("/healthz").status_code == 200


def test_readyz_is_ready_with_every_check_passing(browser: Browser) -> None:
    answer = browser.get("/readyz")
    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    assert json.loads(answer.data) == {
        "status": "ready",
        "checks": {"database": "ok", "outbox": "ok", "storage": "ok"},
        "failed": [],
        "outbox_lag_seconds": 0.0,
    }
    assert "Set-Cookie" not in answer.headers


def test_readyz_says_the_database_failed_with_503_and_retry_after(
    browser: Browser, outage: DatabaseOutage, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    outage.go_down()
    for _ in range(3):
        answer = browser.get("/readyz")
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "5"
        body = json.loads(answer.data)
        assert body["status"] == "unavailable"
        assert body["failed"] == ["database"]
        assert body["checks"] == {"database": "unavailable", "storage": "ok"}
        assert "outbox" not in answer.get_data(as_text=True)
    # one warning when it stopped being ready, not one per poll; details for the operators
    (warning,) = [r for r in caplog.records if r.name == "iclient.health"]
    assert warning.levelno == logging.WARNING
    assert "cannot connect" in warning.getMessage()
    outage.come_back()
    assert browser.get("/readyz").status_code == 200
    assert [r.getMessage() for r in caplog.records if r.name == "iclient.health"][-1] == (
        "ready again"
    )


def test_readyz_fails_when_mail_delivery_is_too_far_behind(
    portal: Portal, clock: FrozenClock
) -> None:
    with portal.services.uow() as uow:
        uow.outbox.add(message(now=clock.now() - timedelta(minutes=11)))
        uow.commit()
    client = app_with(portal, ready_max_outbox_lag_seconds=600).test_client()
    answer = client.get("/readyz")
    assert answer.status_code == 503
    body = json.loads(answer.data)
    assert body["failed"] == ["outbox"]
    assert body["checks"]["outbox"] == "behind by 660s (limit 600s)"
    assert body["outbox_lag_seconds"] == 660.0
    lenient = app_with(portal, ready_max_outbox_lag_seconds=900).test_client()
    assert lenient.get("/readyz").status_code == 200


def test_probes_are_logged_at_debug_only(
    browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="iclient.request")
    browser.get("/healthz")
    browser.get("/readyz")
    browser.get("/pt/auth/sign-in")
    levels = {
        r.iclient_fields["endpoint"]: r.levelno  # type: ignore[attr-defined]
        for r in caplog.records
        if r.name == "iclient.request"
    }
    assert levels == {
        "health.alive": logging.DEBUG,
        "health.ready": logging.DEBUG,
        "auth.sign_in": logging.INFO,
    }


def test_probes_answer_whatever_the_host_in_production(portal: Portal) -> None:
    app = app_with(portal, production=True, trusted_hosts=("portal.example.test",))
    client = app.test_client()
    # a load balancer calls the backend by its address: no trusted-host check here
    assert client.get("/healthz", headers={"Host": "10.0.0.7:5000"}).status_code == 200
    assert client.get("/readyz", headers={"Host": "10.0.0.7:5000"}).status_code == 200
    assert client.get("/pt/auth/sign-in", headers={"Host": "10.0.0.7:5000"}).status_code == 400


def test_probes_live_outside_the_languages_and_take_only_get(browser: Browser) -> None:
    assert browser.get("/pt/healthz").status_code == 404
    assert browser.get("/en/readyz").status_code == 404
    refused = browser.client.post("/healthz")
    assert refused.status_code == 405
    assert refused.headers["Allow"] == "GET, HEAD"


def test_probes_are_not_in_the_portals_url_map(app: Flask) -> None:
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert not {"/healthz", "/readyz", "/metrics"} & rules


def test_the_probes_need_no_session_even_with_a_cookie(
    browser: Browser, outage: DatabaseOutage
) -> None:
    browser.client_account()
    begun = outage.begun
    assert browser.get("/healthz").status_code == 200
    assert outage.begun == begun  # no session lookup
