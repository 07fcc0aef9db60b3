"""Link tokens on itsdangerous: signed, salted by purpose, with key rotation.

The issue time travels inside the signed payload and is compared with the core's clock
(not the wall clock), so a test that moves its clock ages links too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from itsdangerous import BadData, URLSafeSerializer

from iclient_core.accounts.ports import TokenClaims
from iclient_core.shared.errors import TokenExpired, TokenInvalid

CLOCK_SKEW = timedelta(minutes=5)
"""A token stamped this far in the future is still accepted (clocks of several servers)."""


class ItsDangerousTokens:
    """The ``TokenService`` port.

    Each purpose uses its own salt, so a reset token never verifies as an activation token.
    Tokens signed with a key in ``fallback_keys`` still verify (key rotation).
    """

    def __init__(self, secret_key: str, *, fallback_keys: Sequence[str] = ()) -> None:
        if len(secret_key) < 32:
            raise ValueError("the secret key must have at least 32 characters (256 bits)")
        self._keys = [secret_key, *fallback_keys]

    def _serializer(self, purpose: str) -> URLSafeSerializer:
        # itsdangerous signs with the last key and verifies with any of them.
        return URLSafeSerializer(list(reversed(self._keys)), salt=f"iclient.{purpose}")

    def issue(self, purpose: str, claims: TokenClaims, *, now: datetime) -> str:
        """A signed token for ``purpose``, stamped with ``now``."""
        payload = {
            "a": claims.account_id,
            "f": claims.fingerprint,
            "d": claims.data,
            "t": int(now.timestamp()),
        }
        return str(self._serializer(purpose).dumps(payload))

    def verify(self, purpose: str, token: str, *, max_age: timedelta, now: datetime) -> TokenClaims:
        """Check signature, purpose and age at ``now``."""
        if not token or len(token) > 2000:
            raise TokenInvalid()
        try:
            payload = self._serializer(purpose).loads(token)
        except (BadData, ValueError, TypeError):
            raise TokenInvalid() from None
        claims = _claims(payload)
        stamp = payload.get("t")
        if not isinstance(stamp, int) or isinstance(stamp, bool):
            raise TokenInvalid()
        issued = datetime.fromtimestamp(stamp, UTC)
        if issued > now + CLOCK_SKEW:
            raise TokenInvalid()
        # The stamp has whole seconds: compare whole seconds too, or a link opened exactly
        # ``max_age`` after it was issued (from a clock with microseconds) would be expired.
        if now.replace(microsecond=0) - issued > max_age:
            raise TokenExpired(claims.account_id)
        return claims


def _claims(payload: object) -> TokenClaims:
    if not isinstance(payload, dict):
        raise TokenInvalid()
    account_id, fingerprint, data = payload.get("a"), payload.get("f"), payload.get("d", {})
    if not isinstance(account_id, str) or not isinstance(fingerprint, str):
        raise TokenInvalid()
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise TokenInvalid()
    return TokenClaims(account_id=account_id, fingerprint=fingerprint, data=data)
