"""Documents through the portal: staff upload into a client's area, the client finds and
downloads them, nobody else can reach them, and nothing damaged or oversized gets through."""

from __future__ import annotations

import hashlib
import io
import logging
import re
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import TestResponse, stream_encode_multipart

from iclient_adapters.clock import FrozenClock
from iclient_adapters.compose import Portal
from iclient_adapters.testing import TEST_BASE_URL
from iclient_core.documents.model import Document, DocumentQuery
from iclient_core.shared.downloads import FileCorrupted
from tests.web.conftest import Browser, app_with, stored_account

PDF = b"%PDF-1.7\n" + hashlib.sha256(b"invoice").digest() * 400 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def client_id(portal: Portal, email: str = "ana@example.pt") -> str:
    """The id of a client account."""
    account = stored_account(portal, email)
    assert account is not None
    return account.id


def documents_of(portal: Portal, owner: str) -> list[Document]:
    """Every document of ``owner`` (any status), newest first."""
    with portal.services.uow() as uow:
        query = DocumentQuery(client_id=owner, statuses=frozenset(_all()), per_page=100)
        return list(uow.documents.list(query).items)


def _all() -> list[Any]:
    from iclient_core.documents.model import DocumentStatus

    return list(DocumentStatus)


def post_multipart(browser: Browser, url: str, data: dict[str, Any], **kw: Any) -> TestResponse:
    """POST ``data`` as multipart/form-data, encoded to a temporary file this closes after.

    (The test client leaves its own temporary file open when a body is over 500 kB.)
    """
    fields = MultiDict()
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, tuple):
                item = FileStorage(stream=item[0], filename=item[1])
            fields.add(key, item)
    stream, length, boundary = stream_encode_multipart(fields, use_tempfile=True)
    try:
        return browser.client.post(
            url,
            input_stream=stream,
            content_length=length,
            content_type=f'multipart/form-data; boundary="{boundary}"',
            **kw,
        )
    finally:
        stream.close()


def upload(
    staff: Browser,
    owner: str,
    *files: tuple[bytes | io.IOBase, str],
    lang: str = "pt",
    **fields: str,
) -> TestResponse:
    """Staff fill in the upload form of ``owner``'s documents and send ``files``."""
    page = f"/{lang}/admin/clients/{owner}/documents"
    data: dict[str, Any] = {"title": "Fatura 2026/14", "category": "invoice", **fields}
    data["file"] = [
        (content if not isinstance(content, bytes) else io.BytesIO(content), name)
        for content, name in files
    ]
    data["csrf_token"] = staff.csrf(page)
    return post_multipart(staff, page, data)


@pytest.fixture
def ana(browser: Browser, portal: Portal) -> str:
    """Ana, a client signed in on ``browser``; her account id."""
    browser.client_account("ana@example.pt")
    return client_id(portal)


@pytest.fixture
def staff(other_browser: Browser, ana: str) -> Browser:
    """A collaborator signed in on another browser."""
    other_browser.staff_account("colaborador@example.pt", role="staff")
    return other_browser


def allow_uploads_of(portal: Portal, megabytes: int) -> None:
    """An admin raised the business's upload limit."""
    from iclient_core.shared.business import BusinessSettings

    with portal.services.uow() as uow:
        uow.settings.save(BusinessSettings(upload_limit_mb=megabytes))
        uow.settings.bump_revision()  # as saving the settings page does
        uow.commit()


def only_document(portal: Portal, owner: str) -> Document:
    """The one document ``owner`` has."""
    (document,) = documents_of(portal, owner)
    return document


# --------------------------------------------------------------------------- the journey


def test_client_downloads_a_document_staff_uploaded(
    browser: Browser, staff: Browser, portal: Portal, ana: str
) -> None:
    sent = upload(staff, ana, (PDF, "Fatura março.pdf"), reference="FT 2026/14", amount="1.234,56")
    assert sent.status_code == 303
    document = only_document(portal, ana)
    assert document.status.value == "ready" and document.amount is not None
    assert document.amount.cents == 123456

    listing = browser.get("/pt/documents")
    assert listing.status_code == 200
    page = listing.get_data(as_text=True)
    assert "Fatura 2026/14" in page and "FT 2026/14" in page
    assert 'class="badge new"' in page
    assert "Fatura 2026/14" in browser.get("/pt/").get_data(as_text=True)  # the dashboard

    downloaded = browser.get(f"/pt/documents/{document.id}/download")
    assert downloaded.status_code == 200
    assert downloaded.data == PDF
    headers = downloaded.headers
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Length"] == str(len(PDF))
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"].startswith("sandbox")
    assert headers["ETag"] == f'"{hashlib.sha256(PDF).hexdigest()}"'
    assert headers["Cache-Control"] == "no-store"
    disposition = headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="Fatura marco.pdf"' in disposition
    assert f"filename*=UTF-8''{quote('Fatura março.pdf', safe='')}" in disposition

    assert 'class="badge new"' not in browser.get("/pt/documents").get_data(as_text=True)
    opened = only_document(portal, ana).first_downloaded_at
    assert opened is not None
    staff_page = staff.get(f"/en/admin/clients/{ana}/documents/{document.id}")
    assert staff_page.status_code == 200
    text = staff_page.get_data(as_text=True)
    assert "ana@example.pt" in text and "127.0.0.1" in text  # who, from where
    assert "Not yet" not in text


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_the_client_is_emailed_a_link_and_never_the_file(
    browser: Browser, staff: Browser, portal: Portal, ana: str, lang: str
) -> None:
    if lang == "en":
        with portal.services.uow() as uow:
            account = uow.accounts.get(ana)
            assert account is not None
            account.language = "en"
            uow.accounts.save(account)
            uow.commit()
    upload(staff, ana, (PDF, "fatura.pdf"))
    message = browser.last_mail_to("ana@example.pt")
    assert message["Content-Language"] == lang
    assert not any(part.get_filename() for part in message.walk())
    assert all(not p.get_content_type().startswith("application/") for p in message.walk())
    link = browser.link_in(message, "/documents")
    assert link == f"{TEST_BASE_URL}/{lang}/documents"
    body = message.get_body(("plain",))
    assert body is not None and "Fatura 2026/14" in body.get_content()
    assert PDF[:40].decode("latin-1") not in message.as_string()


def test_several_files_at_once_become_several_documents_and_one_email(
    browser: Browser, staff: Browser, portal: Portal, ana: str
) -> None:
    before = len(browser.mail())
    sent = upload(staff, ana, (PDF, "janeiro.pdf"), (PNG, "talão.png"), title="Despesas")
    assert sent.status_code == 303
    assert sorted(d.title for d in documents_of(portal, ana)) == [
        "Despesas — janeiro",
        "Despesas — talão",
    ]
    mails = browser.mail()[before:]
    assert len(mails) == 1
    assert "Despesas — janeiro" in mails[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]


# --------------------------------------------------------------------------- who may see it


def test_nobody_but_the_owner_and_staff_reaches_a_document(
    browser: Browser, staff: Browser, portal: Portal, app: Flask, ana: str
) -> None:
    upload(staff, ana, (PDF, "fatura.pdf"))
    document = only_document(portal, ana)
    url = f"/pt/documents/{document.id}/download"
    assert browser.get(url).status_code == 200

    intruder = Browser(app.test_client(), portal, browser.transport)
    intruder.client_account("rui@example.pt")
    for path in (
        url,
        f"/en/documents/{document.id}/download",
        "/pt/documents/0123456789abcdef0123456789abcdef/download",
        "/pt/documents/..%2F..%2Fetc%2Fpasswd/download",
        f"/pt/admin/clients/{ana}/documents/{document.id}/download",
        f"/pt/admin/clients/{ana}/documents",
    ):
        refused = intruder.get(path)
        assert refused.status_code == 404, path
        assert PDF not in refused.data
    assert "Fatura 2026/14" not in intruder.get("/pt/documents").get_data(as_text=True)

    visitor = app.test_client()
    signed_out = visitor.get(url)
    assert signed_out.status_code == 303
    assert "/auth/sign-in" in signed_out.headers["Location"]

    # Staff reach it through the staff pages; the client's URL is the client's only.
    assert staff.get(url).status_code == 404
    staff_copy = staff.get(f"/pt/admin/clients/{ana}/documents/{document.id}/download")
    assert staff_copy.status_code == 200 and staff_copy.data == PDF
    other = client_id(portal, "rui@example.pt")
    assert staff.get(f"/pt/admin/clients/{other}/documents/{document.id}").status_code == 404
    # A staff download does not count as the client opening it.
    assert only_document(portal, ana).first_downloaded_at is not None


def test_the_consent_gate_stands_in_front_of_downloads(
    staff: Browser, portal: Portal, app: Flask, browser: Browser
) -> None:
    carla = Browser(app.test_client(), portal, browser.transport)
    carla.register("carla@example.pt")
    carla.activate("carla@example.pt")
    assert carla.sign_in("carla@example.pt", consent=False).status_code == 303
    owner = client_id(portal, "carla@example.pt")
    upload(staff, owner, (PDF, "fatura.pdf"))
    document = only_document(portal, owner)
    gated = carla.get(f"/pt/documents/{document.id}/download")
    assert gated.status_code == 303
    assert gated.headers["Location"].startswith("/pt/consent")
    assert PDF not in gated.data
    carla.accept_consent()
    assert carla.get(f"/pt/documents/{document.id}/download").data == PDF


# --------------------------------------------------------------------------- what is refused


def test_an_html_page_renamed_pdf_is_refused(staff: Browser, portal: Portal, ana: str) -> None:
    refused = upload(staff, ana, (HTML, "fatura.pdf"))
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "not accepted" in page or "não é aceite" in page or "aceit" in page
    assert documents_of(portal, ana) == []
    assert list(portal.services.storage.keys()) == []


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (HTML, "pagina.html"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200), "programa.exe"),
        (b"PK\x03\x04" + bytes(100), "arquivo.zip"),
        (b"", "vazio.pdf"),
        (PNG, "imagem.pdf"),
    ],
)
def test_files_outside_the_allow_list_are_refused(
    staff: Browser, portal: Portal, ana: str, content: bytes, name: str
) -> None:
    assert upload(staff, ana, (content, name)).status_code == 400
    assert documents_of(portal, ana) == []


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        # Werkzeug reads a backslash in a quoted file name as an escape: it never arrives.
        ("..\\..\\windows\\system32\\fatura.pdf", "windowssystem32fatura.pdf"),
        ("fatu\x07ra\x1b[31m\u202e.pdf", "fatura[31m.pdf"),
        ("\u202efdp.exe", "fdp.exe.pdf"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
        ("<script>alert(1)</script>.pdf", "script_.pdf"),
        ("...", "document.pdf"),
    ],
)
def test_hostile_file_names_are_made_safe(
    browser: Browser, staff: Browser, portal: Portal, ana: str, name: str, stored: str
) -> None:
    assert upload(staff, ana, (PDF, name)).status_code == 303
    document = only_document(portal, ana)
    assert document.current is not None
    assert document.current.display_name == stored
    key = document.current.storage_key
    assert key.startswith(f"documents/{ana}/{document.id}/v1-")
    assert name not in key
    disposition = browser.get(f"/pt/documents/{document.id}/download").headers[
        "Content-Disposition"
    ]
    assert "\r" not in disposition and "\n" not in disposition and ".." not in disposition


def test_an_upload_over_the_limit_gets_the_friendly_413_page(
    portal: Portal, browser: Browser, ana: str
) -> None:
    small = app_with(portal, max_upload_mb=1)
    staff = Browser(small.test_client(), portal, browser.transport)
    staff.staff_account("colaborador@example.pt", role="staff")
    big = PDF + bytes(2 * 1024 * 1024)
    answer = upload(staff, ana, (big, "grande.pdf"))
    assert answer.status_code == 413
    page = answer.get_data(as_text=True)
    assert "1 MB" in page and "<form" not in page.split("<main>", 1)[-1].split("</main>")[0]
    assert documents_of(portal, ana) == []
    # Other forms keep the portal's small limit.
    flood = post_multipart(staff, "/pt/auth/sign-in", {"email": "x" * (3 * 1024 * 1024)})
    assert flood.status_code == 413


def test_the_business_setting_can_lower_the_upload_limit(
    staff: Browser, portal: Portal, ana: str
) -> None:
    allow_uploads_of(portal, 1)
    answer = upload(staff, ana, (PDF + bytes(2 * 1024 * 1024), "grande.pdf"))
    assert answer.status_code == 413
    assert "1 MB" in answer.get_data(as_text=True)
    assert upload(staff, ana, (PDF, "pequena.pdf")).status_code == 303


def test_uploads_need_the_csrf_token(staff: Browser, portal: Portal, ana: str) -> None:
    answer = staff.client.post(
        f"/pt/admin/clients/{ana}/documents",
        data={"title": "x", "category": "invoice", "file": (io.BytesIO(PDF), "f.pdf")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400
    assert documents_of(portal, ana) == []


def test_a_client_cannot_upload(browser: Browser, portal: Portal, ana: str) -> None:
    page = f"/pt/admin/clients/{ana}/documents"
    answer = browser.client.post(
        page,
        data={"title": "x", "category": "invoice", "file": (io.BytesIO(PDF), "f.pdf")},
        content_type="multipart/form-data",
    )
    assert answer.status_code in (400, 404)
    assert documents_of(portal, ana) == []


def test_bad_details_show_the_form_again(staff: Browser, portal: Portal, ana: str) -> None:
    answer = upload(
        staff, ana, (PDF, "f.pdf"), title="", amount="doze euros", due_date="2026-13-40"
    )
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert page.count('class="error"') >= 3
    assert documents_of(portal, ana) == []


# --------------------------------------------------------------------------- integrity


def _corrupt(portal: Portal, document: Document, data: bytes) -> None:
    assert document.current is not None
    portal.services.storage.put(document.current.storage_key, [data])


def test_a_damaged_stored_file_is_refused_and_logged(
    browser: Browser, staff: Browser, portal: Portal, ana: str, caplog: pytest.LogCaptureFixture
) -> None:
    upload(staff, ana, (PDF, "fatura.pdf"))
    document = only_document(portal, ana)
    damaged = bytearray(PDF)
    damaged[100] ^= 0xFF
    _corrupt(portal, document, bytes(damaged))
    with caplog.at_level(logging.INFO):
        answer = browser.get(f"/pt/documents/{document.id}/download")
    assert answer.status_code == 500
    assert bytes(damaged) not in answer.data and PDF not in answer.data
    assert "integrity" in answer.get_data(as_text=True) or "integridade" in answer.get_data(
        as_text=True
    )
    events = [r.getMessage() for r in caplog.records if r.name == "iclient.security"]
    assert any("document_integrity_failed" in e and "reason=checksum" in e for e in events)
    assert only_document(portal, ana).first_downloaded_at is None  # not counted as opened


def test_missing_stored_bytes_are_refused_and_logged(
    browser: Browser, staff: Browser, portal: Portal, ana: str, caplog: pytest.LogCaptureFixture
) -> None:
    upload(staff, ana, (PDF, "fatura.pdf"))
    document = only_document(portal, ana)
    assert document.current is not None
    portal.services.storage.delete(document.current.storage_key)
    with caplog.at_level(logging.INFO):
        answer = staff.get(f"/pt/admin/clients/{ana}/documents/{document.id}/download")
    assert answer.status_code == 500
    assert any("reason=missing" in r.getMessage() for r in caplog.records)


def test_a_large_damaged_file_never_arrives_complete(
    portal: Portal, browser: Browser, ana: str, tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    on_disk = app_with(portal, storage_url=(tmp_path / "files").as_uri())
    staff = Browser(on_disk.test_client(), portal, browser.transport)
    staff.staff_account("colaborador@example.pt", role="staff")
    owner = Browser(on_disk.test_client(), portal, browser.transport)
    owner.sign_in("ana@example.pt")
    size = 20 * 1024 * 1024  # above what is checked before the first byte
    content = PDF + bytes(size)
    assert upload(staff, ana, (content, "grande.pdf")).status_code == 303
    document = only_document(portal, ana)
    store = on_disk.extensions["iclient"].services.storage
    damaged = bytearray(content)
    damaged[-5] ^= 0x01
    assert document.current is not None
    store.put(document.current.storage_key, [bytes(damaged)])

    answer = owner.client.get(f"/pt/documents/{document.id}/download", buffered=False)
    assert answer.status_code == 200
    received = 0
    with caplog.at_level(logging.INFO), pytest.raises(FileCorrupted):
        for chunk in answer.response:
            received += len(chunk)
    answer.close()
    assert received < len(content)  # the last chunk was held back
    assert any("reason=checksum" in r.getMessage() for r in caplog.records)


# --------------------------------------------------------------------------- ranges


def test_downloads_can_be_resumed_with_ranges(
    browser: Browser, staff: Browser, portal: Portal, ana: str
) -> None:
    upload(staff, ana, (PDF, "fatura.pdf"))
    document = only_document(portal, ana)
    url = f"/pt/documents/{document.id}/download"
    etag = browser.get(url).headers["ETag"]

    part = browser.get(url, headers={"Range": "bytes=10-19", "If-Range": etag})
    assert part.status_code == 206
    assert part.data == PDF[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(PDF)}"
    assert part.headers["Content-Length"] == "10"

    tail = browser.get(url, headers={"Range": "bytes=-7"})
    assert (tail.status_code, tail.data) == (206, PDF[-7:])

    changed = browser.get(url, headers={"Range": "bytes=10-19", "If-Range": '"other"'})
    assert (changed.status_code, changed.data) == (200, PDF)

    outside = browser.get(url, headers={"Range": f"bytes={len(PDF) + 5}-"})
    assert outside.status_code == 416
    assert outside.headers["Content-Range"] == f"bytes */{len(PDF)}"


def test_a_head_request_is_not_a_download(
    browser: Browser, staff: Browser, portal: Portal, ana: str
) -> None:
    upload(staff, ana, (PDF, "fatura.pdf"))
    document = only_document(portal, ana)
    looked = browser.client.head(f"/pt/documents/{document.id}/download")
    assert looked.status_code == 200
    assert looked.headers["Content-Length"] == str(len(PDF))
    assert only_document(portal, ana).first_downloaded_at is None


# --------------------------------------------------------------------------- staff management


def test_the_client_page_shows_the_documents_and_leads_to_them(
    staff: Browser, portal: Portal, ana: str
) -> None:
    upload(staff, ana, (PDF, "fatura.pdf"))
    page = staff.get(f"/en/admin/clients/{ana}").get_data(as_text=True)
    section = page.split('id="documents"', 1)[1].split("</section>", 1)[0]
    assert "Fatura 2026/14" in section and "Not yet" in section
    assert f"/en/admin/clients/{ana}/documents" in section


def test_replacing_a_file_keeps_the_old_version_in_the_history(
    browser: Browser, staff: Browser, portal: Portal, ana: str
) -> None:
    upload(staff, ana, (PDF, "fatura.pdf"))
    document = only_document(portal, ana)
    page = f"/pt/admin/clients/{ana}/documents/{document.id}"
    corrected = PDF.replace(b"%PDF-1.7", b"%PDF-1.4")
    answer = post_multipart(
        staff,
        f"{page}/replace",
        {"csrf_token": staff.csrf(page), "file": (io.BytesIO(corrected), "fatura-v2.pdf")},
    )
    assert answer.status_code == 303
    replaced = only_document(portal, ana)
    assert [v.display_name for v in replaced.history] == ["fatura-v2.pdf", "fatura.pdf"]
    assert browser.get(f"/pt/documents/{document.id}/download").data == corrected
    old = staff.get(f"{page}/download?version=1")
    assert old.data == PDF
    assert "fatura-v2.pdf" in staff.get(page).get_data(as_text=True)


def test_archiving_hides_a_document_from_the_client_until_it_is_put_back(
    browser: Browser, staff: Browser, portal: Portal, ana: str
) -> None:
    upload(staff, ana, (PDF, "fatura.pdf"))
    document = only_document(portal, ana)
    page = f"/pt/admin/clients/{ana}/documents/{document.id}"
    assert staff.submit(f"{page}/archive", {}, form_page=page).status_code == 303
    assert browser.get(f"/pt/documents/{document.id}/download").status_code == 404
    assert "Fatura 2026/14" not in browser.get("/pt/documents").get_data(as_text=True)
    assert staff.submit(f"{page}/unarchive", {}, form_page=page).status_code == 303
    assert browser.get(f"/pt/documents/{document.id}/download").status_code == 200


def test_deleting_asks_for_confirmation_then_removes_the_bytes(
    browser: Browser, staff: Browser, portal: Portal, ana: str
) -> None:
    upload(staff, ana, (PDF, "fatura.pdf"))
    document = only_document(portal, ana)
    assert document.current is not None
    key = document.current.storage_key
    confirm = f"/pt/admin/clients/{ana}/documents/{document.id}/delete"
    assert staff.get(confirm).status_code == 200
    assert staff.submit(confirm, {}).status_code == 400  # box not ticked
    assert portal.services.storage.exists(key)
    assert staff.submit(confirm, {"confirm": "y"}).status_code == 303
    assert documents_of(portal, ana) == []
    assert not portal.services.storage.exists(key)
    assert browser.get(f"/pt/documents/{document.id}/download").status_code == 404


def test_the_client_list_filters_searches_and_pages(
    browser: Browser, staff: Browser, portal: Portal, ana: str, clock: FrozenClock
) -> None:
    upload(staff, ana, (PDF, "a.pdf"), title="Fatura água", issue_date="2025-06-01")
    upload(staff, ana, (PDF, "b.pdf"), title="Contrato de manutenção", category="contract")
    for number in range(21):
        clock.advance(timedelta(seconds=10))
        upload(staff, ana, (PDF, f"{number}.pdf"), title=f"Recibo {number:02d}", category="other")

    def titles(query: str) -> list[str]:
        page = browser.get(f"/pt/documents?{query}").get_data(as_text=True)
        table = page.split('class="list documents"', 1)[-1].split("</table>", 1)[0]
        return re.findall(r"<strong>([^<]+)</strong>", table)

    assert titles("q=AGUA") == ["Fatura água"]
    assert titles("category=contract") == ["Contrato de manutenção"]
    assert titles("year=2025") == ["Fatura água"]
    assert len(titles("")) == 20
    assert len(titles("page=2")) == 3
    assert titles("category=nonsense&year=abc&page=-3")[:1] == ["Recibo 20"]


# --------------------------------------------------------------------------- memory


class _Generated(io.RawIOBase):
    """A file of ``size`` bytes made while it is read: never in memory at once."""

    def __init__(self, size: int) -> None:
        self._left = size
        self._block = PDF + bytes(1024 * 1024 - len(PDF))

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = min(len(buffer), self._left, len(self._block))
        buffer[:count] = self._block[:count]
        self._left -= count
        return count


def test_a_large_upload_and_download_keep_memory_flat(
    portal: Portal, browser: Browser, ana: str, tmp_path: Any
) -> None:
    import os
    import tracemalloc

    size = 256 * 1024 * 1024
    allow_uploads_of(portal, 300)
    # The server's ceiling well above the file: nothing in the app refuses or buffers it.
    on_disk = app_with(portal, storage_url=(tmp_path / "files").as_uri(), max_upload_mb=2048)
    staff = Browser(on_disk.test_client(), portal, browser.transport)
    staff.staff_account("colaborador@example.pt", role="staff")
    owner = Browser(on_disk.test_client(), portal, browser.transport)
    owner.sign_in("ana@example.pt")
    token = staff.csrf(f"/pt/admin/clients/{ana}/documents")

    def download() -> tuple[int, str, int]:
        """Download as a server would (the answer closed at the end): bytes, SHA-256, peak."""
        tracemalloc.reset_peak()
        answer = owner.client.get(f"/pt/documents/{document.id}/download", buffered=False)
        digest = hashlib.sha256()
        received = 0
        for chunk in answer.response:
            digest.update(chunk)
            received += len(chunk)
        answer.close()
        return received, digest.hexdigest(), tracemalloc.get_traced_memory()[1]

    tracemalloc.start()
    try:
        sent = post_multipart(
            staff,
            f"/pt/admin/clients/{ana}/documents",
            {
                "csrf_token": token,
                "title": "Arquivo anual",
                "category": "other",
                "file": (io.BufferedReader(_Generated(size)), "arquivo.pdf"),
            },
        )
        _, upload_peak = tracemalloc.get_traced_memory()
        document = only_document(portal, ana)
        # The bytes as the upload checked them: read as a file (sendfile on a real server).
        trusted = download()
        assert only_document(portal, ana).first_downloaded_at is not None
        # Touched behind the portal's back: every byte hashed again as it streams.
        assert document.current is not None
        stored = tmp_path / "files" / document.current.storage_key
        os.utime(stored, ns=(stored.stat().st_atime_ns, stored.stat().st_mtime_ns + 1))
        rehashed = download()
    finally:
        tracemalloc.stop()
    assert sent.status_code == 303
    assert document.current.size == size
    for received, sha256, _peak in (trusted, rehashed):
        assert received == size and sha256 == document.current.sha256
    # 256 MiB went through each way with a few MiB of Python memory.
    assert upload_peak < 16 * 1024 * 1024, upload_peak
    assert trusted[2] < 16 * 1024 * 1024, trusted[2]
    assert rehashed[2] < 16 * 1024 * 1024, rehashed[2]


def test_staff_see_documents_their_clients_have_not_opened_after_a_week(
    app: Flask, browser: Browser, other_browser: Browser, portal: Portal, clock: FrozenClock
) -> None:
    other_browser.client_account("ana@example.pt")
    browser.staff_account(role="staff", email="colaborador@example.pt")
    client = stored_account(portal, "ana@example.pt")
    assert client is not None
    for title in ("Fatura FT 2026/1", "Contrato de manutenção"):
        uploaded = browser.client.post(
            f"/pt/admin/clients/{client.id}/documents",
            data={
                "csrf_token": browser.csrf(f"/pt/admin/clients/{client.id}/documents"),
                "title": title,
                "category": "invoice",
                "file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "doc.pdf"),
            },
            content_type="multipart/form-data",
        )
        assert uploaded.status_code == 303
    clock.advance(timedelta(days=8))  # sessions ended long ago: both sign in again
    browser.sign_in("colaborador@example.pt")
    other_browser.sign_in("ana@example.pt")
    listed = browser.get("/pt/admin/documents/unopened").get_data(as_text=True)
    assert "Fatura FT 2026/1" in listed and "Contrato de manutenção" in listed
    dashboard = browser.get("/pt/admin/").get_data(as_text=True)
    assert 'href="/pt/admin/documents/unopened"' in dashboard

    page = other_browser.get("/pt/documents").get_data(as_text=True)
    link = re.search(r'href="(/pt/documents/[^"/]+/download)"', page)
    assert link is not None
    assert other_browser.get(link.group(1)).status_code == 200
    listed = browser.get("/pt/admin/documents/unopened").get_data(as_text=True)
    assert listed.count("<tr>") == 2  # the header and the one document still unopened
