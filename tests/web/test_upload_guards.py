"""The pages that take files: nobody's body is read before they are known, and a file over the
limit is always answered 413, however little over it is."""

from __future__ import annotations

import io
from typing import Any

import pytest
from werkzeug.test import TestResponse

from iclient_adapters.compose import Portal
from tests.web.conftest import Browser
from tests.web.test_documents import (
    PDF,
    allow_uploads_of,
    client_id,
    documents_of,
    post_multipart,
    upload,
)


class CountingStream(io.BytesIO):
    """A request body that counts the bytes the server reads from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.taken = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        chunk = super().readline(size)
        self.taken += len(chunk)
        return chunk

    def readinto(self, buffer: Any) -> int:
        count = super().readinto(buffer)
        self.taken += count
        return count


BOUNDARY = "x-boundary"


def _multipart_body(size: int) -> bytes:
    head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="f.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return head + PDF + bytes(size) + f"\r\n--{BOUNDARY}--\r\n".encode()


def _anonymous_post(browser: Browser, url: str) -> tuple[TestResponse, CountingStream]:
    body = CountingStream(_multipart_body(512 * 1024))
    answer = browser.client.post(
        url,
        input_stream=body,
        content_length=len(body.getvalue()),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    return answer, body


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_an_anonymous_upload_to_a_clients_documents_is_refused_unread(
    browser: Browser, other_browser: Browser, portal: Portal, lang: str
) -> None:
    browser.client_account("ana@example.pt")
    ana = client_id(portal)
    answer, body = _anonymous_post(other_browser, f"/{lang}/admin/clients/{ana}/documents")
    assert answer.status_code in (303, 401, 403)
    assert body.taken == 0
    assert documents_of(portal, ana) == []


def test_an_anonymous_quote_request_with_a_file_is_refused_unread(browser: Browser) -> None:
    answer, body = _anonymous_post(browser, "/pt/quotes/new")
    assert answer.status_code in (303, 401, 403)
    assert body.taken == 0


def test_a_signed_in_upload_is_still_read(browser: Browser, other_browser: Browser) -> None:
    """The guard lets a signed-in member of staff through (CSRF then refuses this one)."""
    browser.client_account("ana@example.pt")
    other_browser.staff_account("colaborador@example.pt", role="staff")
    ana = client_id(browser.portal)
    answer, body = _anonymous_post(other_browser, f"/pt/admin/clients/{ana}/documents")
    assert answer.status_code == 400  # no CSRF token in the form
    assert body.taken > 0


@pytest.mark.parametrize("over", [1, 300 * 1024, 1024 * 1024 - 4096])
def test_a_document_just_over_the_limit_answers_413(
    browser: Browser, other_browser: Browser, portal: Portal, over: int
) -> None:
    browser.client_account("ana@example.pt")
    other_browser.staff_account("colaborador@example.pt", role="staff")
    ana = client_id(portal)
    allow_uploads_of(portal, 1)
    content = PDF + bytes(1024 * 1024 - len(PDF) + over)
    answer = upload(other_browser, ana, (content, "grande.pdf"))
    assert answer.status_code == 413
    assert "1 MB" in answer.get_data(as_text=True)
    assert documents_of(portal, ana) == []


def test_a_replacement_just_over_the_limit_answers_413(
    browser: Browser, other_browser: Browser, portal: Portal
) -> None:
    browser.client_account("ana@example.pt")
    other_browser.staff_account("colaborador@example.pt", role="staff")
    ana = client_id(portal)
    assert upload(other_browser, ana, (PDF, "fatura.pdf")).status_code == 303
    [document] = documents_of(portal, ana)
    allow_uploads_of(portal, 1)
    page = f"/pt/admin/clients/{ana}/documents/{document.id}"
    content = PDF + bytes(1024 * 1024 - len(PDF) + 300 * 1024)
    answer = post_multipart(
        other_browser,
        f"{page}/replace",
        {"file": (io.BytesIO(content), "grande.pdf"), "csrf_token": other_browser.csrf(page)},
    )
    assert answer.status_code == 413
