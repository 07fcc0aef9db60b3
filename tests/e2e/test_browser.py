"""A person in a real browser (Debian's Chromium, driven by Playwright) goes through the portal."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from iclient_adapters.compose import Portal
from tests.e2e.conftest import new_context, served
from tests.web.conftest import LINK_RE, PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def live_url(app: Flask) -> Iterator[str]:
    """The app served over real HTTP on a free loopback port."""
    with served(app) as url:
        yield url


@pytest.fixture
def page(chromium: object) -> Iterator[object]:
    """A Chromium page on a phone, in the worker's one browser; Debian's, never a download."""
    context = new_context(chromium, 390)
    yield context.new_page()
    context.close()


def _activation_path(portal: Portal, transport: object) -> str:
    from iclient_core.notifications.delivery import deliver_outbox

    deliver_outbox(services=portal.services)
    message = transport.sent[-1]  # type: ignore[attr-defined]
    text = message.get_body(("plain",)).get_content()
    link = next(link for link in LINK_RE.findall(text) if "/auth/activate/" in link)
    return link.split("portal.example.test", 1)[1]


def press(page: Any, name: str, *, exact: bool = False) -> None:
    """Press a button that sends a form, and wait until the answer has loaded: a click alone
    returns once the next page starts to load, when its content may still be empty."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=exact).click()


def test_person_registers_activates_and_signs_in_on_a_phone(
    page, live_url: str, portal: Portal, transport: object, tmp_path: Path
) -> None:
    page.goto(f"{live_url}/")
    assert page.locator("html").get_attribute("lang") == "pt"
    page.get_by_role("link", name="Registar").first.click()
    page.fill("#first_name", "João")
    page.fill("#last_name", "Conceição")
    page.fill("#phone", "912 345 678")
    page.fill("#email", "joao@example.pt")
    press(page, "Registar")
    assert "Verifique o seu e-mail" in page.content()

    page.goto(live_url + _activation_path(portal, transport))
    page.fill("#password", "curto")
    page.fill("#password_confirm", "curto")
    press(page, "Guardar palavra-passe")
    assert "Use pelo menos 12 caracteres" in page.content()
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    press(page, "Guardar palavra-passe")
    assert "A sua conta está ativa" in page.content()

    page.fill("#email", "joao@example.pt")
    page.fill("#password", PASSWORD)
    press(page, "Entrar", exact=True)
    # the consent gate: nothing else opens before the Terms and Privacy Policy are accepted
    assert "Termos e Condições" in page.content()
    page.screenshot(path=str(tmp_path / "consent.png"), full_page=True)
    press(page, "Aceitar e continuar")
    assert "É necessário aceitar" in page.content()
    page.check("input[name=accept_terms]")
    page.check("input[name=accept_privacy]")
    press(page, "Aceitar e continuar")
    assert "Olá, João." in page.content()
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    if shots := os.environ.get("ICLIENT_SCREENSHOTS"):
        for name in ("dashboard.png", "consent.png"):
            shutil.copy(tmp_path / name, Path(shots) / name)

    press(page, "Sair")
    assert "Saiu da sua conta." in page.content()
