"""Log lines: JSON on request (one object per line, UTC times, the request's fields and id),
the security log's escaping kept, request ids honoured from a trusted proxy only."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from iclient_adapters.compose import Portal
from iclient_adapters.config import Config, ConfigError
from iclient_web import logs
from tests.web.conftest import Browser, app_with

WRONG = "palavra-passe-errada-mas-comprida"


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """Log lines in JSON, from INFO up, into a buffer (the text handler comes back after)."""
    buffer = io.StringIO()
    logs.configure("json", "INFO", stream=buffer)
    try:
        yield buffer
    finally:
        logs.configure()


def parsed(buffer: io.StringIO) -> list[dict[str, Any]]:
    lines = buffer.getvalue().splitlines()
    assert lines
    return [json.loads(line) for line in lines]


def test_json_lines_are_one_object_each_with_utc_time_level_logger_and_message(
    json_lines: io.StringIO,
) -> None:
    logging.getLogger("iclient.test").warning("two\nlines\u2028and a separator")
    (entry,) = parsed(json_lines)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "iclient.test"
    assert entry["message"] == "two\nlines\u2028and a separator"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["time"])
    when = datetime.strptime(entry["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - when).total_seconds()) < 60
    assert json_lines.getvalue().count("\n") == 1
    assert json_lines.getvalue().isascii()


def test_a_request_writes_one_json_line_with_its_fields_and_id(
    browser: Browser, json_lines: io.StringIO
) -> None:
    answer = browser.get("/pt/auth/sign-in")
    request_id = answer.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    (line,) = [e for e in parsed(json_lines) if e["logger"] == "iclient.request"]
    assert line["method"] == "GET"
    assert line["endpoint"] == "auth.sign_in"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["request_id"] == request_id
    assert line["level"] == "INFO"


def test_request_lines_never_carry_the_path_or_its_tokens(
    browser: Browser, json_lines: io.StringIO
) -> None:
    token = "eyJhIjoiYiJ9.c2VjcmV0LXRva2Vu"
    browser.get(f"/pt/auth/reset-password/{token}?x=segredo")
    text = json_lines.getvalue()
    assert token not in text and "segredo" not in text
    assert "auth.reset" in text


def test_security_events_in_json_keep_their_escaping_and_their_fields(
    browser: Browser, json_lines: io.StringIO
) -> None:
    forged = "ana@example.pt\r\nevent=sign_in account=admin ip=127.0.0.1"
    browser.sign_in(forged, WRONG)
    browser.submit(
        "/pt/auth/sign-in",
        {"email": "ana@example.pt", "password": WRONG},
        environ_base={"REMOTE_ADDR": '203.0.113.9\r\n{"event": "sign_in"}'},
    )
    entries = parsed(json_lines)  # every line is one whole JSON object
    security = [e for e in entries if e["logger"] == "iclient.security"]
    assert [e["event"] for e in security] == ["sign_in_failed", "sign_in_failed"]
    assert security[1]["ip"] == '203.0.113.9\\r\\n{"event": "sign_in"}'
    assert security[1]["message"].startswith("event=sign_in_failed account=- ip=203.0.113.9\\r\\n")
    assert all(e["request_id"] for e in security)
    assert WRONG not in json_lines.getvalue()


def test_text_lines_name_the_request_too(browser: Browser) -> None:
    buffer = io.StringIO()
    logs.configure("text", "INFO", stream=buffer)
    try:
        answer = browser.get("/pt/auth/sign-in")
    finally:
        logs.configure()
    (line,) = [x for x in buffer.getvalue().splitlines() if " iclient.request " in x]
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ iclient\.request GET auth\.sign_in 200 [\d.]+ms "
        r"request_id=[0-9a-f]{32}",
        line,
    )
    assert line.endswith(answer.headers["X-Request-ID"])


def test_configure_replaces_its_own_handler_only() -> None:
    root = logging.getLogger()
    others = [h for h in root.handlers if not getattr(h, "_iclient_handler", False)]
    logs.configure("json")
    logs.configure("text")
    ours = [h for h in root.handlers if getattr(h, "_iclient_handler", False)]
    assert len(ours) == 1
    assert [h for h in root.handlers if h not in ours] == others
    with pytest.raises(ValueError, match="log format"):
        logs.configure("xml")


def test_create_app_logs_json_when_configured(
    portal: Portal, capsys: pytest.CaptureFixture[str]
) -> None:
    app = app_with(portal, log_format="json")
    try:
        app.test_client().get("/pt/auth/sign-in")
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    finally:
        logs.configure()
    assert any(e.get("endpoint") == "auth.sign_in" for e in lines)


# ---------------------------------------------------------------------------- request ids


def test_a_request_id_from_a_trusted_proxy_is_kept(portal: Portal) -> None:
    client = app_with(portal, proxy_hops=1).test_client()
    answer = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a.1:2"})
    assert answer.headers["X-Request-ID"] == "edge-7f3a.1:2"


@pytest.mark.parametrize("given", ["", "a b", "x" * 129, "ok\tx", "<script>", "-leading-dash"])
def test_an_insane_request_id_is_replaced(portal: Portal, given: str) -> None:
    client = app_with(portal, proxy_hops=1).test_client()
    answer = client.get("/healthz", headers={"X-Request-ID": given} if given else {})
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"])


def test_without_a_proxy_the_request_id_is_always_ours(browser: Browser) -> None:
    answer = browser.get("/pt/auth/sign-in", headers={"X-Request-ID": "client-chosen"})
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"])


def test_every_response_has_a_request_id(browser: Browser) -> None:
    for path in ("/pt/auth/sign-in", "/pt/no-such-page", "/static/style.css", "/readyz"):
        with browser.get(path) as answer:
            assert answer.headers["X-Request-ID"], path


# ---------------------------------------------------------------------------- configuration


def test_the_log_and_metrics_settings_are_read_and_checked(tmp_path: Any) -> None:
    env = {
        "ICLIENT_SECRET_KEY": "k" * 40,
        "ICLIENT_LOG_FORMAT": "JSON",
        "ICLIENT_LOG_LEVEL": "warning",
        "ICLIENT_METRICS_TOKEN": "t" * 20,
        "ICLIENT_METRICS_ALLOW": "10.0.0.0/8, 192.0.2.7",
        "ICLIENT_READY_MAX_OUTBOX_LAG_SECONDS": "120",
    }
    config = Config.from_env(env, instance_path=tmp_path)
    assert (config.log_format, config.log_level) == ("json", "warning")
    assert config.metrics_allow == ("10.0.0.0/8", "192.0.2.7/32")
    assert config.metrics_enabled
    assert config.ready_max_outbox_lag_seconds == 120
    defaults = Config.from_env({"ICLIENT_SECRET_KEY": "k" * 40}, instance_path=tmp_path)
    assert (defaults.log_format, defaults.metrics_enabled) == ("text", False)
    for name, bad in [
        ("ICLIENT_LOG_FORMAT", "xml"),
        ("ICLIENT_LOG_LEVEL", "loud"),
        ("ICLIENT_METRICS_TOKEN", "short"),
        ("ICLIENT_METRICS_ALLOW", "10.0.0.300"),
    ]:
        with pytest.raises(ConfigError, match=name):
            Config.from_env({"ICLIENT_SECRET_KEY": "k" * 40, name: bad}, instance_path=tmp_path)
