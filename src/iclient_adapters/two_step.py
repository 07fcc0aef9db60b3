"""Second sign-in steps: authenticator app codes with PyOTP (RFC 6238) and passkeys with
Duo's ``webauthn`` library (WebAuthn Level 3 ceremonies, no attestation kept).

PyOTP is small and pure Python, part of the plain install; ``webauthn`` (with ``cryptography``)
comes with the ``passkeys`` extra (and ``web``), imported when a ceremony first needs it.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any

import pyotp

from iclient_core.accounts.second_factor import NewPasskey
from iclient_core.shared.errors import InvalidCredentials, InvalidInput

STEP = 30
"""Seconds per TOTP time step (what every authenticator app uses)."""


class PyotpCodes:
    """Six-digit, 30-second, SHA-1 TOTP codes (what Google Authenticator, Aegis, 1Password…
    show)."""

    def new_secret(self) -> str:
        """A fresh random 160-bit base32 secret."""
        return pyotp.random_base32(32)

    def provisioning_uri(self, secret: str, *, account_name: str, issuer: str) -> str:
        """The ``otpauth://totp/…`` address for the QR code."""
        return pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=issuer or None)

    def code_at(self, secret: str, when: datetime) -> str:
        """The code an app shows at ``when``."""
        return str(pyotp.TOTP(secret).at(when))

    def matching_step(self, secret: str, code: str, *, now: datetime, window: int) -> int | None:
        """The time step whose code is ``code`` within ``window`` steps of ``now``."""
        if len(code) != 6 or not code.isdigit():
            return None
        totp = pyotp.TOTP(secret)
        found = None
        for offset in range(-window, window + 1):  # every candidate is compared: same time
            moment = now + timedelta(seconds=offset * STEP)
            if hmac.compare_digest(str(totp.at(moment)), code):
                found = int(moment.timestamp()) // STEP
        return found


def _webauthn() -> ModuleType:
    try:
        import webauthn
        import webauthn.helpers.structs
    except ImportError as error:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "passkeys need the passkeys extra: pip install 'iclient[passkeys]'"
        ) from error
    return webauthn


def _b64(data: bytes) -> str:
    from webauthn.helpers import bytes_to_base64url

    return str(bytes_to_base64url(data))


def _bytes(text: str) -> bytes:
    from webauthn.helpers import base64url_to_bytes

    return bytes(base64url_to_bytes(text))


class WebAuthnPasskeys:
    """Passkeys that verify the user (screen lock or biometrics) and live on the
    authenticator (discoverable), so they can stand in for the password."""

    def registration_options(
        self,
        *,
        rp_id: str,
        rp_name: str,
        user_id: str,
        user_name: str,
        display_name: str,
        exclude: Sequence[str],
    ) -> tuple[str, str]:
        """The options JSON for ``navigator.credentials.create`` and its challenge."""
        wa = _webauthn()
        structs: Any = wa.helpers.structs
        options = wa.generate_registration_options(
            rp_id=rp_id,
            rp_name=rp_name,
            user_id=user_id.encode(),
            user_name=user_name,
            user_display_name=display_name or user_name,
            authenticator_selection=structs.AuthenticatorSelectionCriteria(
                resident_key=structs.ResidentKeyRequirement.REQUIRED,
                user_verification=structs.UserVerificationRequirement.REQUIRED,
            ),
            exclude_credentials=[
                structs.PublicKeyCredentialDescriptor(id=_bytes(c)) for c in exclude
            ],
        )
        return str(wa.options_to_json(options)), _b64(options.challenge)

    def verify_registration(
        self, *, response: str, challenge: str, rp_id: str, origin: str
    ) -> NewPasskey:
        """Check the browser's answer to a registration."""
        wa = _webauthn()
        try:
            verified = wa.verify_registration_response(
                credential=response,
                expected_challenge=_bytes(challenge),
                expected_rp_id=rp_id,
                expected_origin=origin,
                require_user_verification=True,
            )
        except Exception as error:  # the library's errors, and malformed JSON or base64
            raise InvalidInput.single("passkey", "passkey_rejected") from error
        return NewPasskey(
            credential_id=_b64(verified.credential_id),
            public_key=_b64(verified.credential_public_key),
            sign_count=verified.sign_count,
        )

    def authentication_options(self, *, rp_id: str, allow: Sequence[str]) -> tuple[str, str]:
        """The options JSON for ``navigator.credentials.get`` and its challenge."""
        wa = _webauthn()
        structs: Any = wa.helpers.structs
        options = wa.generate_authentication_options(
            rp_id=rp_id,
            allow_credentials=[structs.PublicKeyCredentialDescriptor(id=_bytes(c)) for c in allow],
            user_verification=structs.UserVerificationRequirement.REQUIRED,
        )
        return str(wa.options_to_json(options)), _b64(options.challenge)

    def credential_id(self, response: str) -> str | None:
        """The credential id the answer names (its ``rawId``), or None."""
        try:
            found = json.loads(response).get("rawId")
        except (ValueError, AttributeError):
            return None
        if not isinstance(found, str) or not 0 < len(found) <= 1400:
            return None
        return found

    def verify_authentication(
        self,
        *,
        response: str,
        challenge: str,
        rp_id: str,
        origin: str,
        public_key: str,
        sign_count: int,
    ) -> int:
        """Check a signed answer against the stored passkey; the new counter."""
        wa = _webauthn()
        try:
            verified = wa.verify_authentication_response(
                credential=response,
                expected_challenge=_bytes(challenge),
                expected_rp_id=rp_id,
                expected_origin=origin,
                credential_public_key=_bytes(public_key),
                credential_current_sign_count=sign_count,
                require_user_verification=True,
            )
        except Exception as error:  # the library's errors, and malformed JSON or base64
            raise InvalidCredentials() from error
        return int(verified.new_sign_count)
