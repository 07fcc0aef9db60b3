"""Use cases that read quotes: the client's list and page, the staff queue and page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.authentication import lookup_key
from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import (
    ClientReading,
    Permission,
    Tally,
    as_active_client,
    require,
    tally,
)
from iclient_core.quotes.common import (
    FOR_CLIENTS,
    clients_quote,
    offered_vat_rates,
    staff_quote,
    today,
)
from iclient_core.quotes.model import Quote, QuoteState, Side
from iclient_core.quotes.ports import QuoteSummary
from iclient_core.shared.paging import Page, requested_page

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

PER_PAGE = 20
"""Rows per page of a quote list."""

EXPIRING_WITHIN = timedelta(days=7)
"""A sent quote "about to expire" is valid for at most this much longer."""

WAITING_STATES: dict[Side, frozenset[QuoteState]] = {
    Side.STAFF: frozenset({QuoteState.REQUESTED, QuoteState.DRAFT}),
    Side.CLIENT: frozenset({QuoteState.SENT}),
}
"""The effective states in which each side has the next move."""


@attrs.frozen
class QuoteView:
    """One quote as a page shows it, with its client's name and the day it is looked at."""

    quote: Quote
    today: date
    client_name: str
    client_email: str
    existing_account: Account | None = None
    """For a visitor's request: the account that already uses the visitor's address, if any
    (inviting links the request to it, so staff should check it is really them)."""
    client_nif: str = ""
    """The client's tax number, as their profile holds it (empty if none)."""
    client_billing_address: str = ""
    """The client's billing address, lines joined by ``\\n`` (empty if none)."""

    @property
    def client_address_lines(self) -> tuple[str, ...]:
        """The client's billing address, line by line."""
        return tuple(line for line in self.client_billing_address.split("\n") if line)

    @property
    def state(self) -> QuoteState:
        """The effective state (a sent quote past its date is expired)."""
        return self.quote.effective_state(self.today)

    @property
    def waiting_for(self) -> Side | None:
        """Whose move it is."""
        return self.quote.waiting_for(self.today)


def parse_filter(
    state: str | None = None, waiting: str | None = None
) -> frozenset[QuoteState] | None:
    """The effective states a list asks for, by state name and/or whose move it is.

    Returns None for "all". Unknown values are ignored: a filter in a URL is not an error
    worth a page of its own. A state and a side that contradict each other give no state.
    """
    found: set[QuoteState] | None = None
    if state in {s.value for s in QuoteState}:
        found = {QuoteState(state)}
    if waiting in {s.value for s in WAITING_STATES}:
        waiting_states = set(WAITING_STATES[Side(waiting)])
        found = waiting_states if found is None else found & waiting_states
    return frozenset(found) if found is not None else None


def _read_page(
    services: Services,
    uow: UnitOfWork,
    *,
    client_id: str | None,
    states: frozenset[QuoteState] | None,
    page: int | str | None,
    per_page: int,
    expiring: bool = False,
) -> Page[QuoteSummary]:
    number = requested_page(page)
    day = today(services)
    by, wanted = _narrowed(day, states, expiring)
    if wanted is not None and not wanted:
        return Page(items=(), total=0, number=number, size=per_page)
    return uow.quotes.page(
        today=day,
        client_id=client_id,
        states=wanted,
        valid_until_by=by,
        number=number,
        size=per_page,
    )


def _narrowed(
    day: date, states: frozenset[QuoteState] | None, expiring: bool
) -> tuple[date | None, Sequence[QuoteState] | None]:
    """The last day of validity and the states a list asks the store for (about to expire:
    sent, and valid for at most :data:`EXPIRING_WITHIN` longer)."""
    by = day + EXPIRING_WITHIN if expiring else None
    if expiring:
        states = frozenset({QuoteState.SENT}) if states is None else states & {QuoteState.SENT}
    return by, sorted(states) if states is not None else None


def list_client_quotes(
    *,
    services: Services,
    actor: Account,
    state: str | None = None,
    waiting: str | None = None,
    page: int | str | None = 1,
    per_page: int = PER_PAGE,
) -> Page[QuoteSummary]:
    """The signed-in client's quotes, newest activity first, optionally filtered (one query).

    Raises:
        PermissionDenied: the actor is not an active client.
    """
    client = as_active_client(actor, FOR_CLIENTS)
    with services.uow() as uow:
        return _read_page(
            services,
            uow,
            client_id=client.id,
            states=parse_filter(state, waiting),
            page=page,
            per_page=per_page,
        )


def list_quote_queue(
    *,
    services: Services,
    actor: Account,
    state: str | None = None,
    waiting: str | None = None,
    expiring: bool = False,
    client_id: str | None = None,
    page: int | str | None = 1,
    per_page: int = PER_PAGE,
) -> Page[QuoteSummary]:
    """Every quote (or one client's) for staff, newest activity first, in two queries.

    Args:
        state: only this effective state (a ``QuoteState`` value).
        waiting: only quotes waiting for this side (``staff`` or ``client``).
        expiring: only sent quotes valid for at most :data:`EXPIRING_WITHIN` longer.
        client_id: only this client's quotes.

    Raises:
        PermissionDenied: the actor may not manage quotes.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.QUOTES_MANAGE)
        return _read_page(
            services,
            uow,
            client_id=client_id,
            states=parse_filter(state, waiting),
            page=page,
            per_page=per_page,
            expiring=expiring,
        )


def quotes_tally(*, waiting: str | None = None, expiring: bool = False) -> Tally:
    """The count of quotes waiting for ``waiting``'s move (``staff`` or ``client``), or about
    to expire, as staff see it at a glance (one statement)."""
    states = parse_filter(None, waiting)

    def read(services: Services, uow: UnitOfWork) -> int:
        day = today(services)
        by, wanted = _narrowed(day, states, expiring)
        if wanted is not None and not wanted:
            return 0
        return uow.quotes.count(today=day, states=wanted, valid_until_by=by)

    return Tally(Permission.QUOTES_MANAGE, read)


QUOTES_WAITING_FOR_STAFF = quotes_tally(waiting="staff")
"""The staff dashboard's quote requests waiting for an answer."""

QUOTES_EXPIRING = quotes_tally(expiring=True)
"""The staff dashboard's sent quotes about to expire."""


def count_quotes(
    *, services: Services, actor: Account, waiting: str | None = None, expiring: bool = False
) -> int:
    """How many quotes wait for ``waiting``'s move, or are about to expire (for dashboards).

    Raises:
        PermissionDenied: the actor may not manage quotes.
    """
    return tally(services, actor, quotes_tally(waiting=waiting, expiring=expiring))


def _latest_of_client(services: Services, uow: UnitOfWork, client: Account) -> Page[QuoteSummary]:
    return _read_page(services, uow, client_id=client.id, states=None, page=1, per_page=5)


CLIENT_QUOTES = ClientReading(Permission.QUOTES_MANAGE, _latest_of_client)
"""A client's five latest quotes, with the total, for their page in the staff area (one
statement)."""


def get_client_quote(*, services: Services, actor: Account, quote_id: str) -> QuoteView:
    """One of the signed-in client's quotes, without the versions staff have not sent.

    Raises:
        PermissionDenied: the actor is not an active client.
        NotFound: no such quote, or another client's.
    """
    client = as_active_client(actor, FOR_CLIENTS)
    with services.uow() as uow:
        quote = clients_quote(uow, client, quote_id)
    return QuoteView(
        quote=quote.for_client(),
        today=today(services),
        client_name=client.profile.full_name,
        client_email=client.email.address,
        client_nif=client.profile.nif,
        client_billing_address=client.profile.billing_address,
    )


def get_staff_quote(*, services: Services, actor: Account, quote_id: str) -> QuoteView:
    """Any quote, every version included, for staff.

    Raises:
        PermissionDenied: the actor may not manage quotes.
        NotFound: no such quote.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.QUOTES_MANAGE)
        quote = staff_quote(uow, quote_id)
        client = uow.accounts.get(quote.client_id) if quote.client_id else None
        existing = (
            uow.accounts.get_by_email_key(lookup_key(services, quote.visitor.email))
            if client is None and quote.visitor is not None
            else None
        )
    if client is not None:
        name, email = client.profile.full_name, client.email.address
    elif quote.visitor is not None:
        name, email = quote.visitor.name, quote.visitor.email
    else:
        name, email = "", ""
    return QuoteView(
        quote=quote,
        today=today(services),
        client_name=name,
        client_email=email,
        existing_account=existing,
        client_nif=client.profile.nif if client is not None else "",
        client_billing_address=client.profile.billing_address if client is not None else "",
    )


def vat_rates_for_proposals(*, services: Services, actor: Account) -> tuple[int, ...]:
    """The VAT rates (basis points) staff may choose for a line, the default first.

    Raises:
        PermissionDenied: the actor may not manage quotes.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.QUOTES_MANAGE)
        return offered_vat_rates(services, uow)
