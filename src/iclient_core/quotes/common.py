"""What the quote use cases share: actors, loading with ownership checks, text, dates, e-mails."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from iclient_core.accounts.events import notify_event
from iclient_core.accounts.mail import notify
from iclient_core.accounts.model import Account, Role, Status
from iclient_core.accounts.permissions import Permission, allowed, as_active_client
from iclient_core.notifications.model import Kind
from iclient_core.notifications.preferences import Event
from iclient_core.quotes.model import Actor, Quote, QuoteNumber, Side
from iclient_core.shared.business import effective
from iclient_core.shared.errors import FieldError, NotFound
from iclient_core.shared.money import FULL_PERCENT
from iclient_core.shared.wording import format_date

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

MAX_DETAILS = 5000
"""Longest free text (request details, proposal message)."""

MAX_REASON = 1000
"""Longest reason given when declining or cancelling."""

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def offered_vat_rates(services: Services, uow: UnitOfWork) -> tuple[int, ...]:
    """The VAT rates staff may choose, in basis points: those an admin set in the business
    settings (percentages with at most two decimals), else :attr:`QuoteSettings.vat_rates`."""
    rates: list[int] = []
    for rate in effective(services.settings, uow.settings.get()).vat_rates:
        numerator, denominator = rate.as_integer_ratio()  # exact: no float on the way
        basis_points, rest = divmod(numerator * 100, denominator)
        if rest == 0 and 0 <= basis_points <= FULL_PERCENT:
            rates.append(basis_points)
    return tuple(dict.fromkeys(rates)) or services.settings.quotes.vat_rates


def actor_of(account: Account) -> Actor:
    """The history's view of ``account``: its side, id and a readable label."""
    side = Side.STAFF if account.role.is_staff else Side.CLIENT
    return Actor(side, account.id, account.profile.full_name or account.email.address)


def today(services: Services) -> date:
    """The business's date now."""
    return services.settings.quotes.today(services.clock.now())


def new_number(services: Services, uow: UnitOfWork) -> QuoteNumber:
    """The next quote number of the business's year, with the prefix in force (taken in
    ``uow``'s transaction: concurrent requests never share one)."""
    prefix = effective(services.settings, uow.settings.get()).quote_prefix
    year = today(services).year
    return QuoteNumber(prefix, year, uow.quotes.next_number(year))


def active_client(uow: UnitOfWork, account_id: str) -> Account:
    """The active client account ``account_id``, read in ``uow`` (for a use case that writes).

    Raises:
        PermissionDenied: no such active client (staff do not ask or decide as clients).
    """
    return as_active_client(uow.accounts.get(account_id), FOR_CLIENTS)


FOR_CLIENTS = "quotes are for clients"
"""Why anyone but an active client is refused a client's quote use case."""


def clients_quote(uow: UnitOfWork, account: Account, quote_id: str) -> Quote:
    """Quote ``quote_id`` if it belongs to ``account``.

    Raises:
        NotFound: no such quote, or another client's (the two are not told apart).
    """
    quote = uow.quotes.get(quote_id)
    if quote is None or quote.client_id is None or quote.client_id != account.id:
        raise NotFound("quote")
    return quote


def staff_quote(uow: UnitOfWork, quote_id: str) -> Quote:
    """Quote ``quote_id`` for staff.

    Raises:
        NotFound: no such quote.
    """
    quote = uow.quotes.get(quote_id)
    if quote is None:
        raise NotFound("quote")
    return quote


def clean_text(
    value: str | None,
    field: str,
    errors: list[FieldError],
    *,
    max_length: int = MAX_DETAILS,
    required: bool = True,
) -> str:
    """Normalise multi-line text: NFC, ``\\n`` line ends, no control or format characters.

    Appends a ``FieldError`` (``required``, ``too_long``, ``invalid_characters``) and returns
    ``""`` when the text is bad.
    """
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    bad = {"Cc", "Cf", "Cs", "Co", "Cn"}
    if any(unicodedata.category(ch) in bad and ch not in "\n\t" for ch in text):
        errors.append(FieldError(field, "invalid_characters"))
        return ""
    lines = [" ".join(line.split()) for line in text.strip().split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if not text:
        if required:
            errors.append(FieldError(field, "required"))
        return ""
    if len(text) > max_length:
        errors.append(FieldError(field, "too_long"))
        return ""
    return text


def parse_date(
    value: str | None, field: str, errors: list[FieldError], *, required: bool = False
) -> date | None:
    """Read an ISO date (``2026-12-31``, as ``<input type=date>`` sends it).

    Appends ``required`` or ``date_invalid`` to ``errors`` when it is missing or malformed.
    """
    text = (value or "").strip()
    if not text:
        if required:
            errors.append(FieldError(field, "required"))
        return None
    if not _DATE.fullmatch(text):
        errors.append(FieldError(field, "date_invalid"))
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(FieldError(field, "date_invalid"))
        return None


def format_moment(services: Services, moment: datetime, language: str) -> str:
    """A time for an e-mail, in the business's time zone: ``31/12/2026 17:05``."""
    local = moment.astimezone(services.settings.quotes.zone())
    return f"{format_date(local.date(), language)} {local:%H:%M}"


# --------------------------------------------------------------------------- e-mails


def client_link(services: Services, language: str, quote_id: str) -> str:
    """The client's page of the quote."""
    return services.links.quote(language, quote_id)


def staff_link(services: Services, language: str, quote_id: str) -> str:
    """The staff page of the quote."""
    return services.links.staff_quote(language, quote_id)


def quote_details(quote: Quote) -> dict[str, object]:
    """What every audit entry on a quote keeps, so that its sentence can name the quote."""
    return {"reference": quote.reference, "subject": quote.subject}


def quote_event(quote: Quote) -> dict[str, object]:
    """A quote as webhook events describe it: ids, number, subject, who asked."""
    return {
        "id": quote.id,
        "number": str(quote.number),
        "subject": quote.subject,
        "client_id": quote.client_id,
        "visitor_email": quote.visitor.email if quote.visitor is not None else None,
        "language": quote.language,
    }


def base_context(quote: Quote) -> dict[str, str]:
    """What every quote e-mail names: the subject and the reference."""
    return {"quote_subject": quote.subject, "reference": quote.reference}


Context = Callable[[str], dict[str, str]]
"""Builds an e-mail's context in the recipient's language (amounts and dates are worded)."""


def notify_staff(
    services: Services, uow: UnitOfWork, quote: Quote, kind: Kind, context: Context
) -> int:
    """Queue ``kind`` for every active staff member who manages quotes; returns how many."""
    count = 0
    for role in (Role.ADMIN, Role.STAFF):
        offset = 0
        while True:
            batch = uow.accounts.list(role=role, status=Status.ACTIVE, limit=200, offset=offset)
            for member in batch:
                if allowed(member, Permission.QUOTES_MANAGE):
                    lang = member.language
                    link = staff_link(services, lang, quote.id)
                    words = {**base_context(quote), **context(lang), "link": link}
                    notify(services, uow, member, kind, words)
                    count += 1
            if len(batch) < 200:
                break
            offset += 200
    return count


def notify_client(
    services: Services,
    uow: UnitOfWork,
    quote: Quote,
    kind: Kind,
    context: Context,
    *,
    event: Event | None = None,
) -> bool:
    """Queue ``kind`` for the quote's client, in their language; False if there is none
    (or, with ``event``, when they want it on no channel).

    With ``event``, the message goes only on the channels the client wants for it
    (:func:`~iclient_core.accounts.events.notify_event`); without, it is a receipt of the
    client's own step and always goes by e-mail.
    """
    if quote.client_id is None:
        return False
    client = uow.accounts.get(quote.client_id)
    if client is None or client.status is Status.DISABLED:
        return False
    lang = client.language
    link = client_link(services, lang, quote.id)
    words = {**base_context(quote), **context(lang), "link": link}
    if event is None:
        notify(services, uow, client, kind, words)
        return True
    return bool(notify_event(services, uow, client, event, kind, words))
