"""Use case: remind clients that a quote they were sent is about to expire."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from iclient_core.notifications.model import Kind
from iclient_core.notifications.preferences import Event
from iclient_core.quotes.common import Context, notify_client, today
from iclient_core.quotes.model import QuoteState
from iclient_core.shared.money import Money
from iclient_core.shared.wording import format_date

if TYPE_CHECKING:
    from iclient_core.services import Services

REMIND_BEFORE = timedelta(days=3)
"""How long before a sent quote's validity ends its client is reminded."""


def _words(total: Money, until: date) -> Context:
    return lambda lang: {"total": total.format(lang), "valid_until": format_date(until, lang)}


def remind_expiring_quotes(
    *, services: Services, before: timedelta = REMIND_BEFORE, page_size: int = 200
) -> int:
    """Tell each client whose sent quote is valid until exactly ``before`` from today that
    it is about to expire, on the channels they want for "quote about to expire".

    Run once a day (the housekeeping job does), each quote is reminded once: on the one
    day its validity date is ``before`` away. Returns how many clients were told.
    """
    day = today(services)
    until = day + before
    told = 0
    number = 1
    while True:
        with services.uow() as uow:
            found = uow.quotes.page(
                today=day,
                states=[QuoteState.SENT],
                valid_until_by=until,
                number=number,
                size=page_size,
            )
        for summary in found.items:
            if summary.valid_until != until:
                continue
            with services.uow() as uow:
                quote = uow.quotes.get(summary.id)
                sent = quote.sent_proposal if quote is not None else None
                if quote is None or sent is None or sent.content.valid_until != until:
                    continue
                words = _words(sent.totals.total, until)
                if notify_client(
                    services, uow, quote, Kind.QUOTE_EXPIRING, words, event=Event.QUOTE_EXPIRING
                ):
                    told += 1
                uow.commit()
        if len(found.items) < page_size:
            return told
        number += 1
