"""A quote version as a PDF: the client who owns the quote downloads the version on offer (or an
older sent one), staff download any version (a draft too), nobody else gets anything, and the
PDF says what the page says, formatted in the page's language.

The text is read back from the PDF's page streams: each font's ``ToUnicode`` map turns the
embedded font's glyph codes back into characters (no PDF library needed)."""

from __future__ import annotations

import re
import zlib
from datetime import date

import pytest
from flask import Flask

from iclient_adapters.compose import Portal
from iclient_adapters.mail import MemoryTransport
from iclient_core.quotes.queries import QuoteView
from iclient_web.quotes.pdf import Letterhead, render_quote_pdf
from tests.web.conftest import Browser
from tests.web.test_quotes import CLIENT, STAFF, ask, page, send, staff_version

NBSP = "\u00a0"
_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_TEXT = re.compile(rb"/(F\d+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)\s*Tj", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _stream(body: bytes) -> bytes:
    found = _STREAM.search(body)
    assert found, "an object without a stream"
    # The stream is /Length bytes long: compressed bytes may end in a CR that the pattern's
    # optional CR before "endstream" would otherwise take away.
    length = re.search(rb"/Length\s+(\d+)", body[: found.start()])
    raw = body[found.start(1) : found.start(1) + int(length.group(1))] if length else found.group(1)
    return zlib.decompress(raw) if b"/FlateDecode" in body[: found.start()] else raw


def _unescape(literal: bytes) -> bytes:
    out, index = bytearray(), 0
    while index < len(literal):
        byte = literal[index : index + 1]
        if byte != b"\\":
            out += byte
            index += 1
            continue
        octal = re.match(rb"[0-7]{1,3}", literal[index + 1 : index + 4])
        if octal:
            out.append(int(octal.group(0), 8))
            index += 1 + len(octal.group(0))
        else:
            following = literal[index + 1 : index + 2]
            out += _ESCAPES.get(following, following)
            index += 2
    return bytes(out)


def _cmap(data: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section):
            mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for first, last, start in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section
        ):
            for offset in range(int(last, 16) - int(first, 16) + 1):
                mapping[int(first, 16) + offset] = chr(int(start, 16) + offset)
    return mapping


def pdf_text(data: bytes) -> str:
    """Every string the PDF's pages show, one per line, no-break spaces made plain."""
    objects = {int(number): body for number, body in _OBJECT.findall(data)}
    fonts: dict[str, dict[int, str]] = {}
    for name, number in re.findall(rb"/(F\d+)\s+(\d+) 0 R", data):
        to_unicode = re.search(rb"/ToUnicode\s+(\d+) 0 R", objects[int(number)])
        assert to_unicode, "a font without a ToUnicode map"
        fonts[name.decode()] = _cmap(_stream(objects[int(to_unicode.group(1))]))
    shown: list[str] = []
    for contents in re.findall(rb"/Contents\s+(\d+) 0 R", data):
        font: dict[int, str] = {}
        for token in _TEXT.finditer(_stream(objects[int(contents)])):
            if token.group(1):
                font = fonts[token.group(1).decode()]
                continue
            codes = _unescape(token.group(2))
            shown.append(
                "".join(
                    font[int.from_bytes(codes[i : i + 2], "big")] for i in range(0, len(codes), 2)
                )
            )
    return "\n".join(shown).replace(NBSP, " ")


@pytest.fixture
def third_browser(app: Flask, portal: Portal, transport: MemoryTransport) -> Browser:
    """A third person's browser (another client)."""
    return Browser(app.test_client(), portal, transport)


def sent_quote(client: Browser, staff: Browser, lang: str = "pt", **changes: str) -> str:
    """The client asks, staff send version 1; returns the quote's id."""
    client.client_account(CLIENT)
    staff.staff_account(STAFF, role="staff")
    quote_id = ask(client, lang=lang)
    assert send(staff, quote_id, lang=lang, **changes).status_code == 303  # type: ignore[attr-defined]
    return quote_id


def test_the_client_downloads_the_quote_on_offer_as_a_pdf(
    browser: Browser, other_browser: Browser, portal: Portal
) -> None:
    quote_id = sent_quote(browser, other_browser)
    reference = "ORC 2026/0001"
    shown = page(browser.get(f"/pt/quotes/{quote_id}"))
    assert "Descarregar PDF" in shown and f"/pt/quotes/{quote_id}/pdf?version=1" in shown

    answer = browser.get(f"/pt/quotes/{quote_id}/pdf")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"] == ('attachment; filename="ORC-2026-0001-v1.pdf"')
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.data.startswith(b"%PDF-")
    text = pdf_text(answer.data)
    for expected in (
        portal.services.settings.business_name,
        f"Orçamento {reference} · versão 1",
        "Pintura da fachada",
        "Ana Silva",
        "Válido até",
        "04/02/2026",
        "Pintura da fachada (m²)",
        "Manual de manutenção",
        "120,5",
        "12,50 €",
        "1.506,25 €",  # 120,5 × 12,50
        "39,98 €",
        "23 %",
        "6 %",
        "IVA 23 % sobre 1.506,25 €",
        "346,44 €",
        "IVA 6 % sobre 39,98 €",
        "2,40 €",
        "1.895,07 €",
        "Inclui andaimes e limpeza final.",
    ):
        assert expected in text, expected


def test_an_older_sent_version_is_downloadable_but_never_a_draft(
    browser: Browser, other_browser: Browser
) -> None:
    quote_id = sent_quote(browser, other_browser)
    admin = f"/pt/admin/quotes/{quote_id}"
    revised = other_browser.submit(
        f"{admin}/revise", {"version": staff_version(other_browser, quote_id)}, form_page=admin
    )
    assert revised.status_code == 303
    assert browser.get(f"/pt/quotes/{quote_id}/pdf?version=2").status_code == 404  # a draft
    assert browser.get(f"/pt/quotes/{quote_id}/pdf?version=7").status_code == 404
    send(other_browser, quote_id, **{"lines-0-unit_price": "11,00"})
    newest = browser.get(f"/pt/quotes/{quote_id}/pdf")
    assert newest.headers["Content-Disposition"].endswith('-v2.pdf"')
    assert "1.325,50 €" in pdf_text(newest.data)  # 120,5 × 11
    older = browser.get(f"/pt/quotes/{quote_id}/pdf?version=1")
    assert older.headers["Content-Disposition"].endswith('-v1.pdf"')
    assert "1.506,25 €" in pdf_text(older.data)


def test_another_client_gets_a_404_and_nothing_else(
    browser: Browser, other_browser: Browser, third_browser: Browser
) -> None:
    quote_id = sent_quote(browser, other_browser)
    third_browser.client_account("bea@example.pt")
    for path in (
        f"/pt/quotes/{quote_id}/pdf",
        f"/pt/quotes/{quote_id}/pdf?version=1",
        f"/pt/admin/quotes/{quote_id}/pdf",
        "/pt/quotes/no-such-quote/pdf",
    ):
        answer = third_browser.get(path)
        assert answer.status_code == 404, path
        assert not answer.data.startswith(b"%PDF")


def test_a_request_without_a_sent_proposal_has_no_pdf(browser: Browser) -> None:
    browser.client_account(CLIENT)
    quote_id = ask(browser)
    assert browser.get(f"/pt/quotes/{quote_id}/pdf").status_code == 404
    assert "Descarregar PDF" not in page(browser.get(f"/pt/quotes/{quote_id}"))


def test_a_signed_out_visitor_is_sent_to_sign_in(
    browser: Browser, other_browser: Browser, third_browser: Browser
) -> None:
    quote_id = sent_quote(browser, other_browser)
    for path in (f"/pt/quotes/{quote_id}/pdf", f"/pt/admin/quotes/{quote_id}/pdf"):
        answer = third_browser.get(path)
        assert answer.status_code in (302, 303), path
        assert "/auth/sign-in" in answer.headers["Location"]


def test_staff_download_any_version_a_draft_included(
    browser: Browser, other_browser: Browser
) -> None:
    quote_id = sent_quote(browser, other_browser)
    staff, admin = other_browser, f"/pt/admin/quotes/{quote_id}"
    assert "Descarregar PDF" in page(staff.get(admin))
    staff.submit(f"{admin}/revise", {"version": staff_version(staff, quote_id)}, form_page=admin)

    draft = staff.get(f"{admin}/pdf")
    assert draft.status_code == 200 and draft.data.startswith(b"%PDF")
    assert draft.headers["Content-Disposition"].endswith('-v2.pdf"')
    assert "Rascunho: não enviado ao cliente." in pdf_text(draft.data)
    first = staff.get(f"{admin}/pdf?version=1")
    assert first.headers["Content-Disposition"].endswith('-v1.pdf"')
    first_text = pdf_text(first.data)
    assert "1.895,07 €" in first_text and "Rascunho" not in first_text
    assert staff.get(f"{admin}/pdf?version=9").status_code == 404
    # Staff following a client's link land on their own download.
    redirected = staff.get(f"/pt/quotes/{quote_id}/pdf?version=1")
    assert redirected.status_code == 303
    assert redirected.headers["Location"].endswith(f"{admin}/pdf?version=1")


def test_the_english_page_gives_an_english_pdf(browser: Browser, other_browser: Browser) -> None:
    quote_id = sent_quote(
        browser,
        other_browser,
        lang="en",
        **{
            "lines-0-quantity": "120.5",
            "lines-0-unit_price": "1,234.50",
            "lines-1-unit_price": "19.99",
        },
    )
    assert "Download PDF" in page(browser.get(f"/en/quotes/{quote_id}"))
    text = pdf_text(browser.get(f"/en/quotes/{quote_id}/pdf").data)
    for expected in (
        "Quote ORC 2026/0001 · version 1",
        "Valid until",
        "4 Feb 2026",
        "€1,234.50",
        "€148,757.25",
        "VAT 23% on €148,757.25",
        "Total",
    ):
        assert expected in text, expected
    assert "1.234,50 €" not in text


def test_the_renderer_writes_readable_uncompressed_text_with_a_discount(
    app: Flask, browser: Browser, other_browser: Browser, portal: Portal
) -> None:
    quote_id = sent_quote(browser, other_browser, discount_kind="percent", discount_value="10")
    with portal.services.uow() as uow:
        quote = uow.quotes.get(quote_id)
    assert quote is not None and quote.sent_proposal is not None
    view = QuoteView(
        quote=quote, today=date(2026, 1, 5), client_name="Ana Silva", client_email=CLIENT
    )
    letterhead = Letterhead(name="Tintas & Filhos, Lda.", email="geral@example.pt", phone="+351")
    with app.test_request_context("/pt/"):
        data = render_quote_pdf(
            view, quote.sent_proposal, lang="pt", letterhead=letterhead, compress=False
        )
    assert data.startswith(b"%PDF-") and b"/FlateDecode" not in data.split(b"/FontFile2")[0]
    text = pdf_text(data)
    for expected in (
        "Tintas & Filhos, Lda.",
        "geral@example.pt · +351",
        "Ana Silva",
        "Desconto (10 %)",
        "−154,63 €",  # 10 % of 1506,25 + 10 % of 39,98, each rounded
        "Impressão digital (SHA-256) desta versão",
    ):
        assert expected in text, expected
