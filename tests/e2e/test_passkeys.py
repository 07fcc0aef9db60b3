"""Passkeys in a real browser: Chromium's virtual authenticator, driven through the DevTools
protocol (WebAuthn.enable, WebAuthn.addVirtualAuthenticator), registers a passkey on the
security page and then signs in with it, instead of the password and as the second step.

WebAuthn refuses IP addresses as the site's name, so the browser reaches the test server as
``localhost``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from tests.e2e.conftest import Site, new_context
from tests.web.conftest import PASSWORD

EMAIL = "chave@example.pt"


def authenticator(context: Any, page: Any) -> tuple[Any, str]:
    """A virtual platform authenticator with user verification, on ``page``."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    made = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "ctap2Version": "ctap2_1",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, made["authenticatorId"]


def test_item_49_passkeys_registered_and_used_with_a_virtual_authenticator(
    chromium: Any, site: Site
) -> None:
    site.new_client(EMAIL)
    base = f"http://localhost:{urlsplit(site.url).port}"
    context = new_context(chromium, 1280)
    page = context.new_page()
    cdp, authenticator_id = authenticator(context, page)
    try:
        page.goto(f"{base}/pt/auth/sign-in")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state("load")
        assert "/auth/sign-in" not in page.url

        # Register: the security page's button asks the browser for a passkey.
        page.goto(f"{base}/pt/account/security")
        page.fill("#name", "Portátil")
        with page.expect_navigation():
            page.get_by_role("button", name="Acrescentar uma chave de acesso").click()
        assert "Os seus códigos de recuperação" in page.content()
        codes = re.findall(r"<code>([a-z0-9-]{19})</code>", page.content())
        assert len(codes) == 10
        stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
        assert len(stored["credentials"]) == 1 and stored["credentials"][0]["isResidentCredential"]
        page.goto(f"{base}/pt/account/security")
        assert "Portátil" in page.content()

        # Instead of the password: the sign-in page's passkey button, nothing typed.
        page.context.clear_cookies()
        page.goto(f"{base}/pt/auth/sign-in")
        with page.expect_navigation():
            page.get_by_role("button", name="Entrar com uma chave de acesso").click()
        page.wait_for_load_state("load")
        assert "/auth/" not in page.url
        page.goto(f"{base}/pt/account/sessions")
        assert "Este navegador" in page.content()

        # As the second step: the password first, then the passkey.
        page.context.clear_cookies()
        page.goto(f"{base}/pt/auth/sign-in")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state("load")
        assert page.url.endswith("/pt/auth/two-factor")
        with page.expect_navigation():
            page.get_by_role("button", name="Usar antes uma chave de acesso").click()
        page.wait_for_load_state("load")
        assert "/auth/" not in page.url
        used = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
        assert used["credentials"][0]["signCount"] >= 2
        with site.portal.services.uow() as uow:
            account = uow.accounts.get_by_email_key(EMAIL)
            assert account is not None
            (passkey,) = uow.two_step.passkeys(account.id)
        assert passkey.name == "Portátil" and passkey.last_used_at is not None
    finally:
        context.close()
