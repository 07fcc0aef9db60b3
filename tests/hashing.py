"""The password hasher of the tests that are not about password hashing.

The same adapter as in production (passlib, argon2id, bcrypt still read and upgraded), at
argon2's smallest cost instead of OWASP's (m=8 KiB, t=1 instead of m=19 MiB, t=2): a hash
costs well under a millisecond instead of tens, and a web test signs in several times.

What is about the hasher itself keeps the production parameters: the parameters and salt of
a hash, the upgrade of weaker hashes at sign-in (``tests/unit/test_passwords.py``, which
builds its own ``services``), the dummy verification costing as much as a real one
(``tests/unit/test_sign_in.py``), sign-up and forgot-password taking the same time for known
and unknown addresses (``tests/unit/test_enumeration_timing.py``), the hasher's contract
(``tests/contract/test_passwords.py``), and every test that builds its services with
``make_services()`` or ``from_config()`` without a ``hasher``.
"""

from __future__ import annotations

from iclient_adapters.passwords import PasslibHasher

CHEAP_HASHER = PasslibHasher(memory_kib=8, time_cost=1)
"""argon2id at its smallest cost; stateless, so one is shared by every test of a worker."""
