"""iclient's domain core: accounts, consent, documents and quotes, behind ports.

This package imports only the standard library, attrs and cattrs. Everything outside
(databases, mail, files, hashing, signing) is reached through the Protocols in
:mod:`iclient_core.shared.ports`, whose implementations are handed in by a composition root.
"""

__version__ = "0.1.0"
