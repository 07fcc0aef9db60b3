"""The client's data download holds everything the portal keeps about them (the core use case
is tested on its own; this checks that the page serves it)."""

from __future__ import annotations

import json

from tests.web.conftest import Browser
from tests.web.test_quotes import ask


def test_the_data_download_holds_the_clients_quotes_and_activity(browser: Browser) -> None:
    browser.client_account()
    quote_id = ask(browser, subject="Pintura da fachada")
    answer = browser.get("/pt/account/data-export")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(answer.get_data(as_text=True))
    assert data["schema_version"] == 1
    assert [(q["id"], q["subject"]) for q in data["quotes"]] == [(quote_id, "Pintura da fachada")]
    assert {"account.registered", "account.activated", "quote.requested"} <= {
        a["action"] for a in data["activity"]
    }
    assert data["documents"] == []
