"""A web worker warms up before it serves: the database opened, the first pages compiled."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from flask import Flask

from iclient_adapters.compose import Portal
from iclient_adapters.testing.outages import DatabaseOutage
from iclient_core.accounts.model import LANGUAGES
from iclient_web import create_app
from iclient_web.cli import _portal_app
from iclient_web.templating import PageEnvironment
from iclient_web.warmup import FIRST_PAGES, warm_up


def compiled(app: Flask, language: str) -> set[str]:
    """The templates ``app`` has compiled in ``language``."""
    environment = app.jinja_env
    assert isinstance(environment, PageEnvironment)
    return {name for _loader, name in environment.in_language(language).cache or {}}


def test_the_warm_up_opens_the_database_and_compiles_the_first_pages_in_every_language(
    portal: Portal, outage: DatabaseOutage
) -> None:
    app = create_app({"TESTING": True}, portal=portal)  # compiles on its own (no shared code)
    assert all(compiled(app, language) == set() for language in LANGUAGES)
    assert outage.begun == 0
    warm_up(app)
    assert outage.begun >= 1
    for language in LANGUAGES:
        assert set(FIRST_PAGES) <= compiled(app, language)


def test_a_database_that_is_away_does_not_stop_the_warm_up(
    portal: Portal, outage: DatabaseOutage, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app({"TESTING": True}, portal=portal)
    outage.go_down()
    warm_up(app)
    assert "warm-up: database not ready: unavailable" in caplog.text
    assert set(FIRST_PAGES) <= compiled(app, "pt")
    outage.come_back()
    assert app.test_client().get("/pt/auth/sign-in").status_code == 200


def test_each_web_worker_builds_its_app_warmed_up(served_environment: Path) -> None:
    app = _portal_app()  # what PortalServer.load calls in each worker, after the fork
    try:
        for language in LANGUAGES:
            assert set(FIRST_PAGES) <= compiled(app, language)
        # Built for good: kept out of the collector's passes (iclient_web.collector.settle).
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # this test process goes on with other tests
        app.extensions["iclient"].close()
