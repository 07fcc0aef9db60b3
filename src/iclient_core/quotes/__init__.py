"""Quotes: clients ask for a quote, staff answer with a priced proposal, the client decides.

The package is split by what each module holds (nothing is imported here, so that
``iclient_core.services`` can import the settings without loading the use cases):

- :mod:`~iclient_core.shared.money`: ``Money`` in integer cents, quantities in integer
  thousandths, VAT rates in basis points, strict parsing of typed numbers, half-up rounding.
- :mod:`~iclient_core.quotes.pricing`: proposal lines, the discount and the totals per VAT rate.
- :mod:`~iclient_core.quotes.model`: the ``Quote`` aggregate, its states and transition table,
  proposal versions, the history and the decision.
- :mod:`~iclient_core.quotes.ports`: the repository and links ports.
- :mod:`~iclient_core.quotes.requests`, :mod:`~iclient_core.quotes.proposals`,
  :mod:`~iclient_core.quotes.decisions`, :mod:`~iclient_core.quotes.queries`: the use cases.

No float is used anywhere in the money path: amounts are ``int`` cents, computed with
integer arithmetic only (``tests/unit/test_quote_money.py`` checks it, down to the AST).
"""
