"""A quote version as a PDF, drawn with fpdf2 from the same ``QuoteView`` the quote page shows.

The texts, amounts and dates are the page's (Babel through :mod:`iclient_web.quotes.forms`:
``1.234,56 €`` in Portuguese, ``€1,234.56`` in English), in the language of the request. The
font is Roboto, a TrueType font shipped on PyPI (``font-roboto``): it is embedded (subset), so
accents, ``€`` and ``²`` show the same on every machine and no system font is needed.
"""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from typing import Any

import attrs
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from iclient_core.quotes.model import Proposal
from iclient_core.quotes.queries import QuoteView
from iclient_web.quotes import forms

FONT = "Roboto"
_FONT_FILES = {"": "Roboto-Regular.ttf", "B": "Roboto-Bold.ttf"}

_MARGIN = 18.0
_LINE = 5.5
_COLUMNS = (78.0, 20.0, 28.0, 16.0, 32.0)
"""Description, quantity, unit price, VAT, amount (mm; the A4 page less the margins)."""

_MUTED = (90, 90, 90)


@attrs.frozen
class Letterhead:
    """Who the PDF comes from: the business's name, address, tax number and how to reach it."""

    name: str
    email: str = ""
    phone: str = ""
    address: tuple[str, ...] = ()
    nif: str = ""


def pdf_filename(view: QuoteView, shown: Proposal) -> str:
    """The download's name: the quote's number and the version, ``ORC-2026-0007-v2.pdf``
    (ASCII letters, digits and hyphens: safe in every file system and header)."""
    return f"{view.quote.number.file_stem}-v{shown.number}.pdf"


def _font_path(style: str) -> str:
    return str(files("font_roboto").joinpath("files", _FONT_FILES[style]))


class _Document(FPDF):
    """An A4 page with the business's name at the foot of every page, and page numbers."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._footer_text = footer_text
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(True, margin=_MARGIN)
        for style in _FONT_FILES:
            self.add_font(FONT, style, _font_path(style))

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*_MUTED)
        self.cell(0, 4, f"{self._footer_text} · {self.page_no()}/{{nb}}", align="C")


def render_quote_pdf(
    view: QuoteView,
    shown: Proposal,
    *,
    lang: str,
    letterhead: Letterhead,
    compress: bool = True,
) -> bytes:
    """The PDF of version ``shown`` of ``view``'s quote, worded and formatted in ``lang``.

    Needs a request (or app) context whose locale is ``lang``: the labels are translated
    with Flask-Babel, like the page's.

    Args:
        view: the quote as the page shows it (the client's view never holds a draft).
        shown: the version to draw (one of ``view.quote.proposals``).
        lang: the language of amounts, quantities, rates and dates.
        letterhead: the business's name and contacts.
        compress: compress the page streams (tests turn it off to read the text).
    """
    quote, content, totals = view.quote, shown.content, shown.totals

    def money(amount: Any) -> str:
        return forms.money(amount, lang)

    def day(value: date | None) -> str:
        return forms.day(value, lang) or "—"

    title = _("Quote %(reference)s", reference=quote.reference)
    pdf = _Document(letterhead.name or title)
    pdf.set_compression(compress)
    pdf.set_title(f"{title} · {_('version %(number)d', number=shown.number)}")
    pdf.set_author(letterhead.name)
    pdf.set_subject(quote.subject)
    pdf.set_lang("pt-PT" if lang == "pt" else lang)
    pdf.set_creator("iclient")
    pdf.add_page()
    width = pdf.epw

    # The letterhead.
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(width, 7, letterhead.name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    contacts = " · ".join(part for part in (letterhead.email, letterhead.phone) if part)
    below = [*letterhead.address]
    if letterhead.nif:
        below.append(_("NIF %(nif)s", nif=letterhead.nif))
    if contacts:
        below.append(contacts)
    if below:
        pdf.set_font(FONT, "", 9)
        pdf.set_text_color(*_MUTED)
        for text in below:
            pdf.multi_cell(width, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
    pdf.ln(6)

    # What this is, for whom, and until when.
    pdf.set_font(FONT, "B", 13)
    heading = f"{title} · {_('version %(number)d', number=shown.number)}"
    pdf.multi_cell(width, 7, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(width, 6, quote.subject, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if not shown.is_frozen:
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(
            width,
            6,
            _("Draft: not sent to the client."),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    pdf.ln(2)
    client = [view.client_name or "—"]
    if view.client_nif:
        client.append(_("NIF %(nif)s", nif=view.client_nif))
    facts = [(_("Client"), "\n".join([*client, *view.client_address_lines]))]
    if shown.sent_at is not None:
        facts.append((_("Sent on"), day(shown.sent_at.date())))
    facts.append((_("Valid until"), day(content.valid_until)))
    for label, value in facts:
        pdf.set_font(FONT, "B", 10)
        pdf.cell(35, _LINE, label)
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(width - 35, _LINE, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(5)

    # The lines and the totals.
    if content.lines:
        pdf.set_font(FONT, "", 9.5)
        with pdf.table(
            col_widths=_COLUMNS,
            width=width,
            text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
            headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
            borders_layout="HORIZONTAL_LINES",
            line_height=_LINE,
            padding=1.2,
        ) as table:
            header = table.row()
            for label in (_("Description"), _("Quantity"), _("Unit price"), _("VAT"), _("Amount")):
                header.cell(label)
            for line in content.lines:
                row = table.row()
                row.cell(line.description)
                row.cell(forms.quantity(line.quantity, lang))
                row.cell(money(line.unit_price))
                row.cell(forms.rate(line.vat_rate, lang))
                row.cell(money(line.amount))
        pdf.ln(3)
        rows: list[tuple[str, str, bool]] = [(_("Subtotal"), money(totals.subtotal), False)]
        discount = content.discount
        if discount is not None:
            label = (
                _("Discount (%(rate)s)", rate=forms.rate(discount.value, lang))
                if discount.kind.value == "percent"
                else _("Discount")
            )
            rows.append((label, "−" + money(totals.discount), False))
            rows.append((_("Taxable amount"), money(totals.taxable), False))
        for group in totals.by_rate:
            label = _(
                "VAT %(rate)s on %(base)s",
                rate=forms.rate(group.rate, lang),
                base=money(group.taxable),
            )
            rows.append((label, money(group.vat), False))
        rows.append((_("Total"), money(totals.total), True))
        label_width, value_width = 90.0, 36.0
        for label, value, strong in rows:
            pdf.set_font(FONT, "B" if strong else "", 11 if strong else 10)
            pdf.set_x(pdf.l_margin + width - label_width - value_width)
            pdf.cell(label_width, _LINE + (1 if strong else 0), label, align="R")
            pdf.cell(
                value_width,
                _LINE + (1 if strong else 0),
                value,
                align="R",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
    else:
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(width, _LINE, _("No lines yet."), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # The message, and the fingerprint of a sent version.
    if content.message:
        pdf.ln(6)
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(width, _LINE, content.message, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if shown.content_hash:
        pdf.ln(6)
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(*_MUTED)
        pdf.multi_cell(
            width,
            4,
            f"{_('Fingerprint (SHA-256) of this version')}: {shown.content_hash}",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    return bytes(pdf.output())
