"""Consent: versioned Terms, Privacy Policy and other texts, the gate, and the evidence.

- :mod:`.model`: kinds, immutable published versions, append-only acceptance records.
- :mod:`.ports`: the ``ConsentRepository`` port (it has no way to change a record).
- :mod:`.use_cases`: publish, check the gate, accept, withdraw, history.
- :mod:`.defaults`: the example texts a first install publishes.
- :mod:`.legal`: the current texts for everyone, the accepted versions for their reader.

The public names of the package, by module:

- :mod:`.model`: ``Action``, ``ConsentKind``, ``ConsentRecord``, ``ConsentVersion``, ``Method``
- :mod:`.ports`: ``ConsentRepository``
- :mod:`.use_cases`: ``ClientConsent``, ``ConsentStatus``, ``HistoryEntry``, ``KindState``,
  ``accept``, ``account_consents``, ``add_kind``, ``catalogue``, ``client_consent``,
  ``client_history``, ``consent_status``, ``current_text``, ``ensure_defaults``, ``give``,
  ``history``, ``is_gated``, ``missing_languages``, ``preview_version``,
  ``publish_version``, ``record_on_behalf``, ``withdraw``
- :mod:`.legal`: ``accepted_text``, ``published_text``
"""

from iclient_core.consent.legal import accepted_text, published_text
from iclient_core.consent.model import Action, ConsentKind, ConsentRecord, ConsentVersion, Method
from iclient_core.consent.ports import ConsentRepository
from iclient_core.consent.use_cases import (
    ClientConsent,
    ConsentStatus,
    HistoryEntry,
    KindState,
    accept,
    account_consents,
    add_kind,
    catalogue,
    client_consent,
    client_history,
    consent_status,
    current_text,
    ensure_defaults,
    give,
    history,
    is_gated,
    missing_languages,
    preview_version,
    publish_version,
    record_on_behalf,
    withdraw,
)

__all__ = [
    "Action",
    "ClientConsent",
    "ConsentKind",
    "ConsentRecord",
    "ConsentRepository",
    "ConsentStatus",
    "ConsentVersion",
    "HistoryEntry",
    "KindState",
    "Method",
    "accept",
    "accepted_text",
    "account_consents",
    "add_kind",
    "catalogue",
    "client_consent",
    "client_history",
    "consent_status",
    "current_text",
    "ensure_defaults",
    "give",
    "history",
    "is_gated",
    "missing_languages",
    "preview_version",
    "publish_version",
    "published_text",
    "record_on_behalf",
    "withdraw",
]
