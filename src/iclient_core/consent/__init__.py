"""Consent: versioned Terms, Privacy Policy and other texts, the gate, and the evidence.

- :mod:`.model`: kinds, immutable published versions, append-only acceptance records.
- :mod:`.ports`: the ``ConsentRepository`` port (it has no way to change a record).
- :mod:`.use_cases`: publish, check the gate, accept, withdraw, history.
- :mod:`.defaults`: the example texts a first install publishes.
"""
