"""One way to write amounts, dates and phones: every page, the e-mails and the quote PDF say
``1.234,56 €``, ``28/11/2026`` and ``+351 912 345 678`` in Portuguese, ``€1,234.56`` and
``28 Nov 2026`` in English."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from iclient_adapters.compose import Portal
from iclient_core.quotes.common import format_moment
from iclient_core.shared.money import Money
from iclient_core.shared.wording import format_date
from iclient_web import formats
from tests.web.conftest import Browser
from tests.web.test_documents import client_id, upload
from tests.web.test_quote_pdf import pdf_text
from tests.web.test_quotes import CLIENT, STAFF, ask, page, send

WRONG = [
    re.compile(r"€ \d"),  # Babel's pt (Brazil) style: € 1.234,56
    re.compile(r"\d+ de [a-z]{3}\. de \d{4}"),  # 28 de nov. de 2026
    re.compile(r"\+351\d{9}"),  # a phone number as stored
]


def _no_other_format(text: str) -> None:
    for pattern in WRONG:
        assert not pattern.search(text), (pattern.pattern, pattern.search(text))


def _text(message: EmailMessage) -> str:
    parts = [message.get_body(("plain",)), message.get_body(("html",))]
    return " ".join(p.get_content() for p in parts if p is not None).replace("\u00a0", " ")


# ------------------------------------------------------------------------- the module itself


@pytest.mark.parametrize(
    ("lang", "amount", "day", "moment"),
    [
        ("pt", "1.690,96 €", "29/11/2026", "29/11/2026 17:05"),
        ("en", "€1,690.96", "29 Nov 2026", "29 Nov 2026 17:05"),
    ],
)
def test_the_one_style_of_each_language(lang: str, amount: str, day: str, moment: str) -> None:
    assert formats.money(Money(169096), lang).replace("\u00a0", " ") == amount
    assert formats.day(date(2026, 11, 29), lang) == day
    at = datetime(2026, 11, 29, 17, 5, tzinfo=UTC)  # Lisbon is on UTC in winter
    assert formats.moment(at, lang, ZoneInfo("Europe/Lisbon")) == moment
    assert formats.local_day(at, lang, ZoneInfo("Europe/Lisbon")) == day


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+351912345678", "+351 912 345 678"),
        ("+351213456789", "+351 21 345 6789"),
        ("+442079460000", "+44 20 7946 0000"),
        ("", ""),
        ("not a number", "not a number"),
    ],
)
def test_phones_are_written_internationally_with_spaces(stored: str, shown: str) -> None:
    assert formats.phone(stored) == shown


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.sampled_from(["pt", "en"]),
)
def test_the_e_mails_write_amounts_as_the_pages_do(cents: int, lang: str) -> None:
    assert Money(cents).format(lang) == formats.money(Money(cents), lang)


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)),
    st.sampled_from(["pt", "en"]),
    st.sampled_from(["Europe/Lisbon", "Atlantic/Azores", "America/Sao_Paulo", "Asia/Kolkata"]),
)
def test_times_and_their_days_read_as_babel_writes_them(
    moment: datetime, lang: str, zone_name: str
) -> None:
    # A list writes many times: the day is kept per day, the time added by hand; the text
    # is exactly the one Babel writes from the language's pattern.
    from babel.dates import format_datetime

    at, zone = moment.replace(tzinfo=UTC), ZoneInfo(zone_name)
    day_pattern = {"pt": "dd/MM/yyyy", "en": "d MMM yyyy"}[lang]
    assert formats.moment(at, lang, zone) == format_datetime(
        at, f"{day_pattern} HH:mm", tzinfo=zone, locale=lang
    )
    assert formats.local_day(at, lang, zone) == format_datetime(
        at, day_pattern, tzinfo=zone, locale=lang
    )


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)),
    st.sampled_from(["pt", "en"]),
)
def test_the_e_mails_write_dates_and_times_as_the_pages_do(moment: datetime, lang: str) -> None:
    assert format_date(moment.date(), lang) == formats.day(moment.date(), lang)
    at = moment.replace(tzinfo=UTC)
    zone = ZoneInfo("Europe/Lisbon")

    class _Quotes:
        @staticmethod
        def zone() -> ZoneInfo:
            return zone

    class _Settings:
        quotes = _Quotes()

    class _Services:
        settings = _Settings()

    assert format_moment(_Services(), at, lang) == formats.moment(at, lang, zone)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ every page


@pytest.fixture
def ana(browser: Browser, other_browser: Browser, portal: Portal) -> str:
    """Ana (phone 912 345 678) with an invoice of 1.234,56 € issued on 28/11/2026."""
    browser.client_account(CLIENT)  # registers with the phone 912 345 678
    other_browser.staff_account(STAFF, role="staff")
    owner = client_id(portal)
    sent = upload(
        other_browser,
        owner,
        (b"%PDF-1.7\n" + bytes(2000) + b"\n%%EOF\n", "fatura.pdf"),
        amount="1234,56",
        issue_date="2026-11-28",
        due_date="2026-12-28",
    )
    assert sent.status_code == 303
    return owner


@pytest.mark.parametrize(
    ("lang", "amount", "issued", "due"),
    [
        ("pt", "1.234,56 €", "28/11/2026", "28/12/2026"),
        ("en", "€1,234.56", "28 Nov 2026", "28 Dec 2026"),
    ],
)
def test_document_pages_write_amounts_and_dates_one_way(
    browser: Browser,
    other_browser: Browser,
    ana: str,
    lang: str,
    amount: str,
    issued: str,
    due: str,
) -> None:
    for shown in (
        page(browser.get(f"/{lang}/documents")),
        page(other_browser.get(f"/{lang}/admin/clients/{ana}/documents")),
    ):
        assert amount in shown
        assert issued in shown
        _no_other_format(shown)
    _no_other_format(page(browser.get(f"/{lang}/")))
    listed = page(browser.get(f"/{lang}/documents"))
    assert due in listed


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_staff_pages_and_the_account_page_write_phones_one_way(
    browser: Browser, other_browser: Browser, ana: str, lang: str
) -> None:
    for shown in (
        page(other_browser.get(f"/{lang}/admin/clients/{ana}")),
        page(other_browser.get(f"/{lang}/admin/clients/?q=ana")),
        page(browser.get(f"/{lang}/account")),
    ):
        assert "+351 912 345 678" in shown
        _no_other_format(shown)


@pytest.mark.parametrize(
    ("lang", "total", "valid"),
    [("pt", "1.895,07 €", "04/02/2026"), ("en", "€1,895.07", "4 Feb 2026")],
)
def test_a_quote_reads_the_same_on_its_pages_its_e_mail_and_its_pdf(
    browser: Browser, other_browser: Browser, lang: str, total: str, valid: str
) -> None:
    browser.client_account(CLIENT)
    other_browser.staff_account(STAFF, role="staff")
    quote_id = ask(browser, lang=lang)
    changes = {}
    if lang == "en":
        changes = {"lines-0-quantity": "120.5", "lines-0-unit_price": "12.50"}
        changes["lines-1-unit_price"] = "19.99"
    assert send(other_browser, quote_id, lang=lang, **changes).status_code == 303  # type: ignore[attr-defined]
    mail = _text(browser.last_mail_to(CLIENT))  # in Ana's language, Portuguese
    assert "1.895,07 €" in mail and "04/02/2026" in mail
    _no_other_format(mail)
    client_page = page(browser.get(f"/{lang}/quotes/{quote_id}"))
    staff_page = page(other_browser.get(f"/{lang}/admin/quotes/{quote_id}"))
    listing = page(browser.get(f"/{lang}/quotes"))
    pdf = pdf_text(browser.get(f"/{lang}/quotes/{quote_id}/pdf").data)
    for shown in (client_page, staff_page, listing, pdf):
        assert total in shown
        assert valid in shown
        _no_other_format(shown)


def test_times_on_staff_pages_are_the_business_s_local_time(
    browser: Browser, other_browser: Browser, ana: str, portal: Portal
) -> None:
    now = portal.services.clock.now()
    local = now.astimezone(portal.services.settings.quotes.zone())
    shown = page(other_browser.get(f"/pt/admin/clients/{ana}"))
    assert local.strftime("%d/%m/%Y %H:%M") in shown
    _no_other_format(shown)


def test_a_template_that_names_a_babel_format_still_gets_the_one_style(app: Flask) -> None:
    template = app.jinja_env.from_string(
        "{{ format_date(d, 'long') }}|{{ format_datetime(t, 'short') }}|{{ format_date(t) }}"
    )
    at = datetime(2026, 11, 29, 17, 5, tzinfo=UTC)
    with app.test_request_context("/pt/"):
        app.preprocess_request()
        assert template.render(d=date(2026, 11, 29), t=at) == (
            "29/11/2026|29/11/2026 17:05|29/11/2026"
        )
