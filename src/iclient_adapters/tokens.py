"""Link tokens on itsdangerous: signed, timestamped, salted by purpose, with key rotation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from iclient_core.errors import TokenExpired, TokenInvalid
from iclient_core.ports import TokenClaims


class ItsDangerousTokens:
    """The ``TokenService`` port.

    Each purpose uses its own salt, so a reset token never verifies as an activation token.
    Tokens signed with a key in ``fallback_keys`` still verify (key rotation).
    """

    def __init__(self, secret_key: str, *, fallback_keys: Sequence[str] = ()) -> None:
        if len(secret_key) < 32:
            raise ValueError("the secret key must have at least 32 characters (256 bits)")
        self._keys = [secret_key, *fallback_keys]

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        # itsdangerous signs with the last key and verifies with any of them.
        return URLSafeTimedSerializer(list(reversed(self._keys)), salt=f"iclient.{purpose}")

    def issue(self, purpose: str, claims: TokenClaims) -> str:
        """A signed token for ``purpose``."""
        payload = {"a": claims.account_id, "f": claims.fingerprint, "d": claims.data}
        return str(self._serializer(purpose).dumps(payload))

    def verify(self, purpose: str, token: str, *, max_age: timedelta) -> TokenClaims:
        """Check signature, purpose and age."""
        serializer = self._serializer(purpose)
        if not token or len(token) > 2000:
            raise TokenInvalid()
        try:
            payload = serializer.loads(token, max_age=int(max_age.total_seconds()))
        except SignatureExpired as expired:
            account_id = None
            if isinstance(expired.payload, bytes | str):
                try:
                    data = serializer.load_payload(
                        expired.payload.encode()
                        if isinstance(expired.payload, str)
                        else expired.payload
                    )
                    account_id = data.get("a") if isinstance(data, dict) else None
                except BadSignature:
                    account_id = None
            raise TokenExpired(account_id if isinstance(account_id, str) else None) from None
        except (BadSignature, ValueError, TypeError):
            raise TokenInvalid() from None
        return _claims(payload)


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
