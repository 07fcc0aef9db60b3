"""When the database goes away: a GET whose connection broke runs again and succeeds; a POST
is never run again and answers 503 with Retry-After; a database that is down gives the 503
page on every page, sign-in included, in the visitor's language, never a 500 or a traceback.

The outage here is the testing kit's ``DatabaseOutage``; ``tests/faults`` does the same to a
real PostgreSQL.
"""

from __future__ import annotations

import logging

import pytest

from iclient_adapters.testing.outages import DatabaseOutage
from tests.web.conftest import CSRF_RE, Browser

DOWN_PT = "O portal está momentaneamente indisponível"
DOWN_EN = "The portal is briefly unavailable"


def _request_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "iclient.request"]


def test_a_get_whose_connection_broke_runs_again_and_succeeds(
    browser: Browser, outage: DatabaseOutage, caplog: pytest.LogCaptureFixture
) -> None:
    browser.client_account()
    caplog.set_level(logging.INFO)
    outage.lose_connections(1)

    page = browser.get("/pt/documents")

    assert page.status_code == 200
    assert outage.failed == 1
    (line,) = [r for r in _request_lines(caplog) if "documents.index" in r.getMessage()]
    assert "(retried)" in line.getMessage()
    assert line.iclient_fields["retried"] is True  # type: ignore[attr-defined]
    assert line.iclient_fields["status"] == 200  # type: ignore[attr-defined]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_head_is_run_again_too(browser: Browser, outage: DatabaseOutage) -> None:
    outage.lose_connections(1)
    assert browser.client.head("/pt/auth/sign-in").status_code == 200


def test_a_get_is_run_again_only_once(browser: Browser, outage: DatabaseOutage) -> None:
    browser.client_account()
    outage.lose_connections(2)

    page = browser.get("/en/documents")

    assert page.status_code == 503
    assert page.headers["Retry-After"] == "5"
    assert DOWN_EN in page.get_data(as_text=True)
    assert outage.failed == 2
    assert browser.get("/en/documents").status_code == 200  # and then it is over


def test_a_post_whose_connection_broke_is_not_run_again_and_answers_503(
    browser: Browser, outage: DatabaseOutage
) -> None:
    browser.client_account()
    page = browser.get("/pt/account").get_data(as_text=True)
    token = CSRF_RE.search(page)
    assert token
    outage.lose_connections(1)
    begun = outage.begun

    answer = browser.client.post(
        "/pt/account", data={"csrf_token": token.group(1), "first_name": "Ana", "last_name": "S"}
    )

    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert answer.headers["Cache-Control"] == "no-store"
    body = answer.get_data(as_text=True)
    assert DOWN_PT in body
    assert "Traceback" not in body and "ServiceUnavailable" not in body
    assert outage.begun == begun + 1  # the failed one only: not run again


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/pt/auth/sign-in", DOWN_PT),
        ("/en/auth/sign-in", DOWN_EN),
        ("/pt/auth/sign-up", DOWN_PT),
        ("/pt/", DOWN_PT),
        ("/", DOWN_PT),
        ("/pt/no-such-page", DOWN_PT),
        ("/en/legal/terms", DOWN_EN),
    ],
)
def test_a_database_that_is_down_gives_503_on_every_page(
    browser: Browser,
    outage: DatabaseOutage,
    caplog: pytest.LogCaptureFixture,
    path: str,
    text: str,
) -> None:
    outage.go_down()

    page = browser.get(path, follow_redirects=True)  # a visitor at / goes to sign-in

    assert page.status_code == 503, path
    assert page.headers["Retry-After"] == "5"
    body = page.get_data(as_text=True)
    assert text in body
    assert "Oficina Exemplo" in body  # the business's name, from the configuration
    assert "Traceback" not in body
    assert outage.failed <= 2  # the 503 page asks the database nothing more
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("database unavailable" in r.getMessage() for r in caplog.records)


def test_a_signed_in_person_gets_503_while_the_database_is_down_and_stays_signed_in(
    browser: Browser, outage: DatabaseOutage
) -> None:
    browser.client_account()
    outage.go_down()
    assert browser.get("/pt/documents").status_code == 503
    assert browser.get("/pt/account").status_code == 503
    outage.come_back()
    assert browser.get("/pt/documents").status_code == 200


def test_static_files_need_no_database(browser: Browser, outage: DatabaseOutage) -> None:
    outage.go_down()
    with browser.get("/static/style.css") as sheet:
        assert sheet.status_code == 200


def test_a_lost_connection_while_making_a_404_page_runs_the_get_again(
    browser: Browser, outage: DatabaseOutage
) -> None:
    outage.lose_connections(1)
    assert browser.get("/pt/no-such-page").status_code == 404
