"""The whole accounts journey through the portal's pages, in Portuguese and in English."""

from __future__ import annotations

import pytest

from tests.web.conftest import PASSWORD, Browser

NEW_PASSWORD = "outra frase comprida sobre gaivotas e azulejos"


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_client_registers_activates_signs_in_resets_and_signs_out(
    browser: Browser, lang: str
) -> None:
    page = browser.get(f"/{lang}/auth/sign-up")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.get_data(as_text=True)

    done = browser.register("ana@example.pt", lang=lang)
    assert done.status_code == 200
    activation = browser.last_mail_to("ana@example.pt")
    assert activation["Subject"]
    link = browser.link_in(activation, f"/{lang}/auth/activate/")
    assert link.startswith("https://portal.example.test/")

    refused = browser.sign_in(lang=lang)
    assert refused.status_code == 400  # not activated yet

    path = link.split("portal.example.test", 1)[1]
    form = browser.get(path)
    assert form.status_code == 200
    assert form.headers["Referrer-Policy"] == "no-referrer"
    activated = browser.submit(path, {"password": PASSWORD, "password_confirm": PASSWORD})
    assert activated.status_code == 303

    signed_in = browser.sign_in(lang=lang)
    assert signed_in.status_code == 303
    home = browser.get(f"/{lang}/")
    assert home.status_code == 200
    assert "Ana" in home.get_data(as_text=True)

    browser.submit(f"/{lang}/auth/sign-out", {}, form_page=f"/{lang}/")
    assert browser.get(f"/{lang}/account").status_code == 303

    browser.submit(f"/{lang}/auth/forgot-password", {"email": "ana@example.pt"})
    reset_mail = browser.last_mail_to("ana@example.pt")
    reset_path = browser.link_in(reset_mail, "/auth/reset-password/").split(
        "portal.example.test", 1
    )[1]
    changed = browser.submit(
        reset_path, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )
    assert changed.status_code == 303
    assert browser.sign_in(lang=lang, password=PASSWORD).status_code == 400
    assert browser.sign_in(lang=lang, password=NEW_PASSWORD).status_code == 303


def test_root_redirects_to_portuguese(browser: Browser) -> None:
    response = browser.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/pt/")


def test_root_follows_the_default_language_an_admin_chose(browser: Browser) -> None:
    from iclient_core.staff.settings import save_settings
    from tests.web.conftest import stored_account

    browser.staff_account()
    admin = stored_account(browser.portal, "gestora@example.pt")
    assert admin is not None
    save_settings(
        services=browser.portal.services,
        actor=admin,
        business_name="Oficina Exemplo",
        contact_email="",
        contact_phone="",
        default_language="en",
        vat_rates="23, 13, 6, 0",
        upload_limit_mb="100",
    )
    assert browser.get("/").headers["Location"].endswith("/en/")
