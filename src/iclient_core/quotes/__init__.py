"""Quotes: clients ask for a quote, staff answer with a priced proposal, the client decides.

The package is split by what each module holds (nothing is imported here, so that
``iclient_core.services`` can import the settings without loading the use cases):

- :mod:`~iclient_core.shared.money`: ``Money`` in integer cents, quantities in integer
  thousandths, VAT rates in basis points, strict parsing of typed numbers, half-up rounding.
- :mod:`~iclient_core.quotes.pricing`: proposal lines, the discount and the totals per VAT
  rate.
- :mod:`~iclient_core.quotes.model`: the ``Quote`` aggregate, its states and transition table,
  proposal versions, the history and the decision.
- :mod:`~iclient_core.quotes.ports`: the repository and links ports.
- :mod:`~iclient_core.quotes.requests`, :mod:`~iclient_core.quotes.proposals`,
  :mod:`~iclient_core.quotes.decisions`, :mod:`~iclient_core.quotes.queries`: the use cases.

No float is used anywhere in the money path: amounts are ``int`` cents, computed with
integer arithmetic only (``tests/unit/test_quote_money.py`` checks it, down to the AST).

The public names of the package, by module:

- :mod:`.attachments`: ``download_my_attachment``, ``download_quote_attachment``,
  ``store_attachment``
- :mod:`.decisions`: ``accept_quote``, ``check_acceptance``, ``decline_quote``,
  ``expire_overdue_quotes``, ``withdraw_quote``
- :mod:`.model`: ``Action``, ``Actor``, ``Attachment``, ``Decision``, ``InvalidTransition``,
  ``Proposal``, ``ProposalChanged``, ``ProposalContent``, ``Quote``, ``QuoteEvent``,
  ``QuoteExpired``, ``QuoteNumber``, ``QuoteState``, ``Side``, ``Transition``, ``VisitorContact``
- :mod:`.ports`: ``QuoteRepository``, ``QuoteSummary``
- :mod:`.pricing`: ``Discount``, ``DiscountKind``, ``Line``, ``RateTotal``, ``Totals``
- :mod:`.proposals`: ``LineInput``, ``ProposalInput``, ``cancel_quote``,
  ``default_valid_until``, ``revise_proposal``, ``save_draft``, ``send_proposal``
- :mod:`.queries`: ``QuoteView``, ``count_quotes``, ``get_client_quote``, ``get_staff_quote``,
  ``list_client_quotes``, ``list_quote_queue``, ``vat_rates_for_proposals``
- :mod:`.reminders`: ``remind_expiring_quotes``
- :mod:`.requests`: ``invite_requester``, ``request_quote``, ``request_quote_as_visitor``,
  ``request_renewal``
- :mod:`.settings`: ``QuoteSettings``
"""

from iclient_core.quotes.attachments import (
    download_my_attachment,
    download_quote_attachment,
    store_attachment,
)
from iclient_core.quotes.decisions import (
    accept_quote,
    check_acceptance,
    decline_quote,
    expire_overdue_quotes,
    withdraw_quote,
)
from iclient_core.quotes.model import (
    Action,
    Actor,
    Attachment,
    Decision,
    InvalidTransition,
    Proposal,
    ProposalChanged,
    ProposalContent,
    Quote,
    QuoteEvent,
    QuoteExpired,
    QuoteNumber,
    QuoteState,
    Side,
    Transition,
    VisitorContact,
)
from iclient_core.quotes.ports import QuoteRepository, QuoteSummary
from iclient_core.quotes.pricing import Discount, DiscountKind, Line, RateTotal, Totals
from iclient_core.quotes.proposals import (
    LineInput,
    ProposalInput,
    cancel_quote,
    default_valid_until,
    revise_proposal,
    save_draft,
    send_proposal,
)
from iclient_core.quotes.queries import (
    QuoteView,
    count_quotes,
    get_client_quote,
    get_staff_quote,
    list_client_quotes,
    list_quote_queue,
    vat_rates_for_proposals,
)
from iclient_core.quotes.reminders import (
    remind_expiring_quotes,
)
from iclient_core.quotes.requests import (
    invite_requester,
    request_quote,
    request_quote_as_visitor,
    request_renewal,
)
from iclient_core.quotes.settings import QuoteSettings

__all__ = [
    "Action",
    "Actor",
    "Attachment",
    "Decision",
    "Discount",
    "DiscountKind",
    "InvalidTransition",
    "Line",
    "LineInput",
    "Proposal",
    "ProposalChanged",
    "ProposalContent",
    "ProposalInput",
    "Quote",
    "QuoteEvent",
    "QuoteExpired",
    "QuoteNumber",
    "QuoteRepository",
    "QuoteSettings",
    "QuoteState",
    "QuoteSummary",
    "QuoteView",
    "RateTotal",
    "Side",
    "Totals",
    "Transition",
    "VisitorContact",
    "accept_quote",
    "cancel_quote",
    "check_acceptance",
    "count_quotes",
    "decline_quote",
    "default_valid_until",
    "download_my_attachment",
    "download_quote_attachment",
    "expire_overdue_quotes",
    "get_client_quote",
    "get_staff_quote",
    "invite_requester",
    "list_client_quotes",
    "list_quote_queue",
    "remind_expiring_quotes",
    "request_quote",
    "request_quote_as_visitor",
    "request_renewal",
    "revise_proposal",
    "save_draft",
    "send_proposal",
    "store_attachment",
    "vat_rates_for_proposals",
    "withdraw_quote",
]
