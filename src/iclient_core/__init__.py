"""iclient's domain core: the use cases of a customer portal, behind ports.

One package per domain, each exporting its use cases, values and errors in ``__all__``:

- :mod:`iclient_core.accounts`: registration, activation, sign-in, password recovery, profile,
  privacy rights; the ``Account`` aggregate and its ports.
- :mod:`iclient_core.consent`: Terms, Privacy Policy and other consents, versions and evidence.
- :mod:`iclient_core.documents`: the documents and invoices staff put in a client's area.
- :mod:`iclient_core.quotes`: quote requests, proposals and decisions.
- :mod:`iclient_core.staff`: the staff area: clients, staff members, settings, audit log.
- :mod:`iclient_core.notifications`: e-mails queued in an outbox and delivered after commit.
- :mod:`iclient_core.shared`: what the domains share (errors, money, pages, files, limits…).

Every use case takes ``services=`` (:class:`iclient_core.services.Services`), the one bundle of
ports a composition root builds (``iclient_adapters.in_memory()`` or your own). This package
imports only the standard library, attrs and cattrs.
"""

__version__ = "0.1.0"
