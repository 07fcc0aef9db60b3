"""What a second sign-in step is made of: an authenticator app (TOTP), single-use recovery
codes and passkeys (WebAuthn credentials).

Recovery codes are random and long (80 bits each), so a fast digest is enough to store them:
nobody can try 2**80 candidates against a stolen table, whereas a slow password hash would
make every code check cost up to ten slow hashes. The digest is salted with the account id,
so one table of precomputed digests serves no two accounts.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import attrs

RECOVERY_CODES = 10
"""How many recovery codes one account holds at a time."""

_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper without doubt
_GROUPS, _GROUP = 4, 4


@attrs.define
class Authenticator:
    """An authenticator app's shared secret for one account.

    Attributes:
        secret: the base32 TOTP secret (RFC 6238), as shown in the QR code.
        confirmed_at: when the owner proved the app works by typing a first code; until then
            it is not a second step.
        last_step: the last accepted time step (Unix time // 30): no code of this step or an
            earlier one is accepted again, so a code seen over a shoulder is worthless.
    """

    account_id: str
    secret: str
    created_at: datetime
    confirmed_at: datetime | None = None
    last_step: int = 0

    @property
    def confirmed(self) -> bool:
        """Whether the app was confirmed and is a second step."""
        return self.confirmed_at is not None


@attrs.define
class RecoveryCode:
    """One single-use recovery code, stored as a digest (the code is shown only once)."""

    account_id: str
    digest: str
    created_at: datetime
    used_at: datetime | None = None


@attrs.define
class Passkey:
    """A WebAuthn credential registered by its owner.

    Attributes:
        credential_id: the authenticator's credential id, base64url without padding.
        public_key: the COSE public key, base64url without padding.
        sign_count: the authenticator's signature counter as last seen (a counter that goes
            back betrays a cloned authenticator).
        name: what the owner calls it ("Phone", "Laptop").
    """

    id: str
    account_id: str
    credential_id: str
    public_key: str
    sign_count: int
    name: str
    created_at: datetime
    last_used_at: datetime | None = None


@attrs.frozen
class NewPasskey:
    """What a verified registration yields, before it is stored."""

    credential_id: str
    public_key: str
    sign_count: int


def new_recovery_code() -> str:
    """A fresh code to show once, like ``k7qe-2mzr-p9xa-hd4w`` (80 random bits)."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_GROUPS * _GROUP))
    return "-".join(raw[i : i + _GROUP] for i in range(0, len(raw), _GROUP))


def normalise_recovery_code(code: str) -> str:
    """The code as typed, reduced to its letters and digits, lower-cased."""
    return "".join(ch for ch in code.lower() if ch.isalnum())[:64]


def recovery_digest(account_id: str, code: str) -> str:
    """The stored digest of ``code`` for ``account_id``."""
    material = f"iclient-recovery\x1f{account_id}\x1f{normalise_recovery_code(code)}"
    return hashlib.sha256(material.encode()).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    """Whether ``code`` has the shape of a recovery code (rather than a six-digit TOTP)."""
    return len(normalise_recovery_code(code)) == _GROUPS * _GROUP
