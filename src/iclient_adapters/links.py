"""Absolute links for e-mails, built from ``ICLIENT_BASE_URL`` only (never a Host header)."""

from __future__ import annotations

from urllib.parse import quote


class PortalLinks:
    """The ``Links`` port for the bundled Flask portal's routes (an embedder with other URLs
    writes its own)."""

    def __init__(self, base_url: str) -> None:
        self._base = base_url.rstrip("/")

    def _url(self, language: str, path: str) -> str:
        return f"{self._base}/{quote(language)}/{path}"

    def activation(self, language: str, token: str) -> str:
        """``/<lang>/auth/activate/<token>``."""
        return self._url(language, f"auth/activate/{quote(token)}")

    def password_reset(self, language: str, token: str) -> str:
        """``/<lang>/auth/reset-password/<token>``."""
        return self._url(language, f"auth/reset-password/{quote(token)}")

    def email_change(self, language: str, token: str) -> str:
        """``/<lang>/account/email/<token>``."""
        return self._url(language, f"account/email/{quote(token)}")

    def sign_in(self, language: str) -> str:
        """``/<lang>/auth/sign-in``."""
        return self._url(language, "auth/sign-in")

    def forgot_password(self, language: str) -> str:
        """``/<lang>/auth/forgot-password``."""
        return self._url(language, "auth/forgot-password")

    def documents(self, language: str) -> str:
        """``/<lang>/documents``."""
        return self._url(language, "documents")

    def sessions(self, language: str) -> str:
        """``/<lang>/account/sessions``."""
        return self._url(language, "account/sessions")

    def quote(self, language: str, quote_id: str) -> str:
        """``/<lang>/quotes/<id>``."""
        return self._url(language, f"quotes/{quote(quote_id)}")

    def staff_quote(self, language: str, quote_id: str) -> str:
        """``/<lang>/admin/quotes/<id>``."""
        return self._url(language, f"admin/quotes/{quote(quote_id)}")

    def notifications(self, language: str) -> str:
        """``/<lang>/account/notifications``."""
        return self._url(language, "account/notifications")

    def unsubscribe(self, language: str, token: str) -> str:
        """``/<lang>/unsubscribe/<token>``."""
        return self._url(language, f"unsubscribe/{quote(token)}")

    def booking(self, language: str, token: str) -> str:
        """``/<lang>/book/manage/<token>``."""
        return self._url(language, f"book/manage/{quote(token)}")

    def staff_webhook(self, language: str, endpoint_id: str) -> str:
        """The admins' page of one webhook endpoint."""
        return self._url(language, f"admin/webhooks/{quote(endpoint_id)}")

    def support(self, language: str, conversation_id: str) -> str:
        """``/<lang>/support/<id>``."""
        return self._url(language, f"support/{quote(conversation_id)}")

    def staff_support(self, language: str, conversation_id: str) -> str:
        """``/<lang>/admin/support/<id>``."""
        return self._url(language, f"admin/support/{quote(conversation_id)}")

    def logo(self, version: str) -> str:
        """``/logo?v=<version>`` (outside any language)."""
        return f"{self._base}/logo?v={quote(version)}"
