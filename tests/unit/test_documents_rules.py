"""The documents area's pure rules: which files are accepted, safe names, amounts, details."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from iclient_core.documents.inputs import clean_details, list_query, parse_amount
from iclient_core.documents.model import Category, DocumentStatus, search_key
from iclient_core.shared.errors import InvalidInput
from iclient_core.shared.filetypes import (
    CSV,
    DOCX,
    JPEG,
    ODS,
    ODT,
    PDF,
    PNG,
    TEXT,
    XLSX,
    FileRefused,
    download_content_type,
    safe_display_name,
    sniff,
    title_from_filename,
)
from iclient_core.shared.money import Money


def office_file(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    """A ZIP container like the office suites write."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


DOCX_BYTES = office_file(
    [
        ("[Content_Types].xml", b"<Types/>"),
        ("_rels/.rels", b"<Relationships/>"),
        ("word/document.xml", b"<w:document/>"),
    ]
)
XLSX_BYTES = office_file(
    [("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")]
)
ODT_BYTES = office_file(
    [("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<x/>")],
    stored_first=True,
)
ODS_BYTES = office_file(
    [("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", b"<x/>")],
    stored_first=True,
)


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (b"%PDF-1.7\n...", "fatura.pdf", PDF),
        (b"%PDF-1.4\n...", "FATURA.PDF", PDF),
        (b"%PDF-1.4\n...", "no extension", PDF),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "scan.png", PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "foto.jpeg", JPEG),
        (DOCX_BYTES, "contrato.docx", DOCX),
        (XLSX_BYTES, "contas.xlsx", XLSX),
        (ODT_BYTES, "carta.odt", ODT),
        (ODS_BYTES, "mapa.ods", ODS),
        ("Olá, obrigado pela preferência.\n".encode(), "nota.txt", TEXT),
        ("data;valor\n2026-01-05;12,50 €\n".encode("cp1252"), "extrato.csv", CSV),
        (b"\xef\xbb\xbfdata,valor\n", "extrato.csv", CSV),
    ],
)
def test_allowed_files_are_told_by_their_leading_bytes(
    head: bytes, name: str, expected: object
) -> None:
    assert sniff(head, name, complete=True) == expected


@pytest.mark.parametrize(
    ("head", "name", "code"),
    [
        (b"<!DOCTYPE html><html><script>x</script>", "fatura.pdf", "file_type_not_allowed"),
        (b"  <html><body>hi</body></html>", "nota.txt", "file_type_not_allowed"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>",
            "logo.png",
            "file_type_not_allowed",
        ),
        (b"<?xml version='1.0'?><x/>", "dados.csv", "file_type_not_allowed"),
        (b"ok so far\n<script>alert(1)</script>", "nota.txt", "file_type_not_allowed"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "programa.exe", "file_type_not_allowed"),
        (b"\x7fELF\x02\x01\x01", "binario", "file_type_not_allowed"),
        (b"PK\x03\x04" + bytes(60), "arquivo.zip", "file_type_not_allowed"),
        (b"GIF89a\x01\x00", "animacao.gif", "file_type_not_allowed"),
        (b"text with a \x00 inside", "nota.txt", "file_type_not_allowed"),
        (b"bell \x07 and escape \x1b[31m", "nota.txt", "file_type_not_allowed"),
        (b"\x89PNG\r\n\x1a\n", "fatura.pdf", "file_type_mismatch"),
        (b"%PDF-1.7", "imagem.png", "file_type_mismatch"),
        (b"just text", "fatura.pdf", "file_type_mismatch"),
        (b"", "vazio.pdf", "file_empty"),
    ],
)
def test_other_files_are_refused(head: bytes, name: str, code: str) -> None:
    with pytest.raises(FileRefused) as refused:
        sniff(head, name, complete=True)
    assert refused.value.code == code


def test_a_multibyte_character_cut_by_the_sniffing_window_is_still_text() -> None:
    head = ("ã" * 10).encode()[:-1]  # the window ends inside the last "ã"
    assert sniff(head, "nota.txt", complete=False) == TEXT
    with pytest.raises(FileRefused):
        sniff(b"\xc3\x28 broken in the middle" + bytes([0x81]) * 3, "nota.txt", complete=True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("fatura.pdf", "fatura.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\ana\\Desktop\\fatura março.pdf", "fatura março.pdf"),
        ("/abs/path/to/.hidden.pdf", "hidden.pdf"),
        ("fatura\r\nSet-Cookie: x=1.pdf", "faturaSet-Cookie_ x=1.pdf"),
        ("\u202efdp.exe", "fdp.exe.pdf"),
        ("nul\x00byte.pdf", "nulbyte.pdf"),
        ('a<b>c:d"e|f?g*h.pdf', "a_b_c_d_e_f_g_h.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("fatura.PDF", "fatura.pdf"),
        ("invoice.html", "invoice.html.pdf"),
        ("...", "document.pdf"),
        ("", "document.pdf"),
        (None, "document.pdf"),
        ("  spaced   out  .pdf ", "spaced out.pdf"),
        ("é" * 300 + ".pdf", "é" * 116 + ".pdf"),
    ],
)
def test_file_names_are_made_safe(raw: str | None, expected: str) -> None:
    made = safe_display_name(raw, PDF)
    assert made == expected
    assert len(made) <= 120 and "/" not in made and "\\" not in made
    assert not made.startswith(".")


def test_titles_from_file_names_drop_the_path_and_extension() -> None:
    assert title_from_filename("../scans/Fatura 14.pdf") == "Fatura 14"
    assert title_from_filename("\x00") == "document"
    assert len(title_from_filename("x" * 500 + ".pdf")) == 120


def test_only_allow_listed_types_are_served_as_themselves() -> None:
    assert download_content_type("application/pdf") == "application/pdf"
    assert download_content_type("text/csv") == "text/csv"
    for other in ("text/html", "image/svg+xml", "application/javascript", ""):
        assert download_content_type(other) == "application/octet-stream"


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("1234", 123400),
        ("1234,5", 123450),
        ("1234.56", 123456),
        ("1 234,56", 123456),
        ("1\u00a0234,56 €", 123456),
        ("1.234,56", 123456),
        ("1,234.56", 123456),
        ("1.234.567,89", 123456789),
        ("€ 0,07", 7),
        ("-12,30", -1230),
        ("0.1", 10),
    ],
)
def test_amounts_are_read_as_integer_cents(typed: str, cents: int) -> None:
    amount = parse_amount(typed)
    assert amount == Money(cents, "EUR")
    assert isinstance(amount.cents, int)


@pytest.mark.parametrize(
    "typed", ["", "doze", "1,234,56", "1.2.3", "1e3", "12,3456", "9" * 20, "--1"]
)
def test_malformed_amounts_are_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(typed)


def test_money_is_shown_without_float_rounding() -> None:
    assert Money(123456789).format("pt") == "1.234.567,89\u00a0€"
    assert Money(-5).format("en") == "-€0.05"
    with pytest.raises(ValueError):
        Money(1, "eur")


def test_details_are_checked_together() -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_details(
            title=" ",
            category="receipt",
            reference="x" * 101,
            issue_date="2026-02-30",
            amount="doze",
            due_date="amanhã",
        )
    assert refused.value.by_field() == {
        "title": ["required"],
        "category": ["invalid_choice"],
        "reference": ["too_long"],
        "issue_date": ["date_invalid"],
        "due_date": ["date_invalid"],
        "amount": ["amount_invalid"],
    }


def test_an_invoice_is_due_after_it_is_issued() -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_details(
            title="Fatura", category="invoice", issue_date="2026-03-01", due_date="2026-02-01"
        )
    assert refused.value.by_field() == {"due_date": ["due_before_issue"]}
    details = clean_details(
        title="  Fatura   14 ",
        category="invoice",
        reference="",
        issue_date="2026-03-01",
        amount="99,90",
        due_date="2026-03-31",
    )
    assert details.title == "Fatura 14" and details.reference is None
    assert (details.issue_date, details.due_date) == (date(2026, 3, 1), date(2026, 3, 31))
    assert details.amount == Money(9990)


def test_amounts_and_due_dates_belong_to_invoices_only() -> None:
    details = clean_details(
        title="Contrato", category="contract", amount="100", due_date="2026-01-01"
    )
    assert details.category is Category.CONTRACT
    assert details.amount is None and details.due_date is None


def test_list_filters_from_a_url_never_fail() -> None:
    query = list_query(
        client_id="c",
        statuses=[DocumentStatus.READY],
        category="nonsense",
        year="20x6",
        search="  água   FT  " + "x" * 200,
        page="-3",
        per_page=500,
    )
    assert query.category is None and query.year is None
    assert query.page == 1 and query.per_page == 100
    assert len(query.search) == 100
    assert query.search_words[:2] == ["agua", "ft"]
    good = list_query(client_id="c", statuses=[], category="invoice", year="2025", page="3")
    assert (good.category, good.year, good.page) == (Category.INVOICE, 2025, 3)


def test_search_folds_case_and_accents() -> None:
    assert search_key("  Fatura ÁGUA  Março ") == "fatura agua marco"
    assert search_key("Straße") == "strasse"
