"""The business's logo through the browser (issue 6): upload, header, e-mails, removal."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask
from werkzeug.test import TestResponse

from iclient_adapters.testing import TEST_BASE_URL
from iclient_core.shared.storage import sha256_of
from tests.web.conftest import Browser
from tests.web.test_documents import post_multipart

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
SETTINGS = "/pt/admin/settings/"
FIELDS = {"business_name": "Oficina Exemplo", "vat_rates": "23, 13, 6, 0", "upload_limit_mb": "100"}


def send_settings(
    browser: Browser, logo: tuple[str, bytes] | None = None, **extra: Any
) -> TestResponse:
    """Post the settings form as a browser does (multipart), with a logo when given."""
    data: dict[str, Any] = {**FIELDS, **extra, "csrf_token": browser.csrf(SETTINGS)}
    if logo is not None:
        data["logo"] = (io.BytesIO(logo[1]), logo[0])
    return post_multipart(browser, SETTINGS, data)


def another_browser(app: Flask, browser: Browser) -> Browser:
    return Browser(app.test_client(), browser.portal, browser.transport)


def logo_src(page: str) -> str:
    found = re.search(r'<a class="brand"[^>]*><img src="([^"]+)" alt="([^"]+)"', page)
    assert found, "no logo in the header"
    assert found.group(2) == "Oficina Exemplo"
    return found.group(1)


def test_an_admin_uploads_a_logo_that_everyone_sees_without_signing_in(
    app: Flask, browser: Browser
) -> None:
    browser.staff_account(role="admin")
    answer = send_settings(browser, ("logo.png", PNG_BYTES))
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    visitor = another_browser(app, browser)
    sign_in = visitor.get("/pt/auth/sign-in").get_data(as_text=True)
    src = logo_src(sign_in)
    assert src.startswith("/logo?v=")
    logo = visitor.get(src)
    assert logo.status_code == 200
    assert logo.data == PNG_BYTES
    assert logo.headers["Content-Type"] == "image/png"
    assert logo.headers["X-Content-Type-Options"] == "nosniff"
    assert logo.headers["ETag"] == f'"{sha256_of([PNG_BYTES]).sha256}"'
    assert logo.headers["Cache-Control"] == "public, max-age=300"
    assert visitor.get("/en/logo").data == PNG_BYTES
    again = visitor.get("/logo", headers={"If-None-Match": logo.headers["ETag"]})
    assert again.status_code == 304 and again.headers["Cache-Control"] == "public, max-age=300"
    # every other page stays out of caches
    assert visitor.get("/pt/auth/sign-in").headers["Cache-Control"] == "no-store"


def test_without_a_logo_the_header_shows_the_name_and_logo_is_404(browser: Browser) -> None:
    page = browser.get("/pt/auth/sign-in").get_data(as_text=True)
    assert '<a class="brand"' in page and "/logo" not in page
    missing = browser.get("/logo")
    assert missing.status_code == 404
    assert missing.headers["Cache-Control"] == "no-store"


def test_an_admin_removes_the_logo(app: Flask, browser: Browser) -> None:
    browser.staff_account(role="admin")
    send_settings(browser, ("logo.png", PNG_BYTES))
    form = browser.get(SETTINGS).get_data(as_text=True)
    assert 'name="remove_logo"' in form
    answer = send_settings(browser, remove_logo="y")
    assert answer.status_code == 303
    assert browser.get("/logo").status_code == 404
    assert list(browser.portal.services.storage.keys()) == []
    page = another_browser(app, browser).get("/pt/auth/sign-in").get_data(as_text=True)
    assert "/logo" not in page


def test_a_logo_that_is_not_a_png_or_jpeg_is_refused_with_the_form(browser: Browser) -> None:
    browser.staff_account(role="admin")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    answer = send_settings(browser, ("logo.png", svg))
    assert answer.status_code == 400
    assert "PNG" in answer.get_data(as_text=True)
    assert browser.get("/logo").status_code == 404


def test_a_logo_over_1_mb_is_refused_with_a_friendly_answer(browser: Browser) -> None:
    browser.staff_account(role="admin")
    big = PNG_BYTES + b"\x00" * (1024 * 1024)
    answer = send_settings(browser, ("big.png", big))
    assert answer.status_code == 400
    assert "1 MB" in answer.get_data(as_text=True)
    huge = PNG_BYTES + b"\x00" * (3 * 1024 * 1024)
    answer = send_settings(browser, ("huge.png", huge))
    assert answer.status_code == 413
    assert "1 MB" in answer.get_data(as_text=True)
    assert browser.get("/logo").status_code == 404


def test_the_settings_form_needs_its_csrf_token(browser: Browser) -> None:
    browser.staff_account(role="admin")
    data = {**FIELDS, "logo": (io.BytesIO(PNG_BYTES), "logo.png")}
    answer = browser.client.post(SETTINGS, data=data, content_type="multipart/form-data")
    assert answer.status_code == 400
    assert browser.get("/logo").status_code == 404


def test_a_collaborator_cannot_reach_the_settings(browser: Browser) -> None:
    browser.staff_account(role="staff")
    assert browser.get(SETTINGS).status_code == 404
    token = browser.csrf("/pt/admin/")
    data = {**FIELDS, "csrf_token": token, "logo": (io.BytesIO(PNG_BYTES), "logo.png")}
    answer = browser.client.post(SETTINGS, data=data, content_type="multipart/form-data")
    assert answer.status_code == 404
    assert browser.get("/logo").status_code == 404


def test_emails_sent_after_a_logo_is_set_show_it_by_absolute_address(
    app: Flask, browser: Browser
) -> None:
    browser.staff_account(role="admin")
    send_settings(browser, ("logo.png", PNG_BYTES))
    visitor = another_browser(app, browser)
    visitor.register("nova@example.pt")
    mail = visitor.last_mail_to("nova@example.pt")
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    version = sha256_of([PNG_BYTES]).sha256[:16]
    assert f'<img src="{TEST_BASE_URL}/logo?v={version}" alt="Oficina Exemplo"' in html
    assert visitor.get(f"/logo?v={version}").data == PNG_BYTES
