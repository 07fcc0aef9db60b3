"""The portal's flows in a real browser, each page along the way checked like every other page
(no overflow, no console error, nothing serious for axe-core): in Portuguese on a phone and in
English on a laptop."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from iclient_core.accounts.model import email_key
from tests.e2e.conftest import Checker, Site, Watched, new_context, sign_in
from tests.unit.staff_helpers import with_passkey
from tests.web.conftest import NEW_PASSWORD, PASSWORD

pytestmark = pytest.mark.browser

Open = Callable[[Any], Watched]
WAYS = [pytest.param("pt", 390, id="pt-390"), pytest.param("en", 1280, id="en-1280")]


def submit(watched: Watched, form: str, *, error: bool = False) -> None:
    """Press the submit button of the form matched by ``form``; a form with a mistake answers
    400 (``error``)."""
    watched.expect_error = error
    with watched.page.expect_navigation():
        watched.page.locator(f"{form} button[type=submit]").first.click()


@pytest.mark.parametrize(("lang", "width"), WAYS)
def test_a_new_client_signs_up_activates_accepts_the_texts_and_signs_out(
    lang: str, width: int, site: Site, chromium: Any, open_page: Open, check: Checker
) -> None:
    context = new_context(chromium, width, lang)
    try:
        watched = open_page(context)
        page = watched.page
        email = f"novo-{lang}@example.pt"
        page.goto(f"{site.url}/{lang}/auth/sign-up")
        check(watched, "sign-up")
        page.fill("#first_name", "Inês")
        page.fill("#last_name", "Ramos")
        page.fill("#phone", "912 345 678")
        page.fill("#email", email)
        submit(watched, "main form")
        check(watched, "check-your-email")

        page.goto(site.url + site.mail_link(email, "/auth/activate/"))
        check(watched, "activate")
        page.fill("#password", "curto")
        page.fill("#password_confirm", "curto")
        submit(watched, "main form", error=True)
        assert page.locator("#password").get_attribute("aria-invalid") == "true"
        check(watched, "activate-with-an-error")
        page.fill("#password", PASSWORD)
        page.fill("#password_confirm", PASSWORD)
        submit(watched, "main form")
        check(watched, "activated")

        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        submit(watched, "main form")
        assert "/consent" in page.url
        check(watched, "consent")
        submit(watched, "form[action*='/consent']", error=True)
        check(watched, "consent-with-an-error")
        page.check("input[name=accept_terms]")
        page.check("input[name=accept_privacy]")
        submit(watched, "form[action*='/consent']")
        assert page.url.rstrip("/").endswith(f"/{lang}")
        check(watched, "dashboard")

        submit(watched, "header form[action$='/auth/sign-out']")
        assert "/auth/sign-in" in page.url or page.url.rstrip("/").endswith(f"/{lang}")
        check(watched, "signed-out")
    finally:
        context.close()


@pytest.mark.parametrize(("lang", "width"), WAYS)
def test_client_asks_for_quotes_staff_send_them_client_accepts_one_and_declines_another(
    lang: str,
    width: int,
    site: Site,
    contexts: Callable[[str, int], Any],
    open_page: Open,
    check: Checker,
) -> None:
    look = check
    client = open_page(contexts("client", width))
    staff = open_page(contexts("staff", width))
    numbers = {"pt": ("Descrição da linha 1", "Quantidade da linha 1", "Preço unitário da linha 1")}
    numbers["en"] = ("Line 1 description", "Line 1 quantity", "Line 1 unit price")
    description, quantity, price = numbers[lang]

    asked = []
    for subject in (f"Muro do quintal {lang}", f"Portão da garagem {lang}"):
        client.page.goto(f"{site.url}/{lang}/quotes/new")
        look(client, "quote-new")
        client.page.fill("#subject", subject)
        client.page.fill("#details", "Três metros de muro, com reboco.")
        submit(client, "main form")
        look(client, "quote-requested")
        asked.append(client.page.url.rsplit("/", 1)[1])

        staff.page.goto(f"{site.url}/{lang}/admin/quotes/{asked[-1]}")
        look(staff, "quote-editor")
        staff.page.get_by_label(description, exact=True).fill("Muro de blocos")
        staff.page.get_by_label(quantity, exact=True).fill("3")
        staff.page.get_by_label(price, exact=True).fill("45,50")
        staff.page.fill("#valid_until", "2026-02-04")
        staff.expect_error = False
        with staff.page.expect_navigation():
            staff.page.locator("button[formaction$='/send']").click()
        look(staff, "staff-quote-sent")

    client.page.goto(f"{site.url}/{lang}/quotes")
    look(client, "quotes")
    client.page.goto(f"{site.url}/{lang}/quotes/{asked[0]}")
    look(client, "quote-sent")
    with client.page.expect_navigation():
        client.page.locator("div.accept a.button").click()
    look(client, "quote-accept-confirm")
    submit(client, "form.accept")
    assert client.page.locator(".decision").count() == 1
    look(client, "quote-accepted")

    client.page.goto(f"{site.url}/{lang}/quotes/{asked[1]}")
    client.page.locator("details.decline summary").click()
    client.page.fill("#decline-reason", "Fica para o próximo ano.")
    submit(client, "details.decline form")
    assert "Fica para o próximo ano." in client.page.content()
    look(client, "quote-declined")

    staff.page.goto(f"{site.url}/{lang}/admin/quotes")
    look(staff, "staff-quotes")


@pytest.mark.parametrize(("lang", "width"), WAYS)
def test_staff_upload_a_document_and_the_client_downloads_it(
    lang: str,
    width: int,
    site: Site,
    contexts: Callable[[str, int], Any],
    open_page: Open,
    check: Checker,
    tmp_path: Path,
) -> None:
    look = check
    staff = open_page(contexts("staff", width))
    client = open_page(contexts("client", width))
    invoice = tmp_path / f"fatura-{lang}.pdf"
    invoice.write_bytes(b"%PDF-1.4\n% fatura de teste\n")

    staff.page.goto(f"{site.url}/{lang}/admin/clients/{site.ids['client']}/documents")
    look(staff, "client-documents")
    staff.page.set_input_files("#file", str(invoice))
    staff.page.fill("#title", f"Fatura de janeiro {lang}")
    submit(staff, "#upload form")
    assert f"Fatura de janeiro {lang}" in staff.page.content()
    look(staff, "client-documents")

    client.page.goto(f"{site.url}/{lang}/documents")
    look(client, "documents")
    link = client.page.locator("a[href*='/download']", has_text=f"Fatura de janeiro {lang}")
    if link.count() == 0:  # the title and the link may be in different cells of the row
        link = client.page.locator(
            f"tr:has-text('Fatura de janeiro {lang}') a[href*='/download'], "
            f"li:has-text('Fatura de janeiro {lang}') a[href*='/download']"
        )
    with client.page.expect_download() as download:
        link.first.click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == invoice.read_bytes()


@pytest.mark.parametrize(("lang", "width"), WAYS)
def test_a_client_changes_profile_password_and_e_mail_and_exports_their_data(
    lang: str,
    width: int,
    site: Site,
    chromium: Any,
    open_page: Open,
    check: Checker,
    tmp_path: Path,
) -> None:
    look = check
    email = f"conta-{lang}@example.pt"
    site.new_client(email)
    context = new_context(chromium, width, lang)
    try:
        watched = open_page(context)
        page = watched.page
        sign_in(page, site, email)
        page.goto(f"{site.url}/{lang}/account")
        look(watched, "account")

        page.fill("#first_name", "Teresa")
        submit(watched, "form[action$='/account']")
        assert page.locator("#first_name").input_value() == "Teresa"
        look(watched, "account")

        page.fill("#password-current_password", "not the password at all")
        page.fill("#password", NEW_PASSWORD)
        page.fill("#password_confirm", NEW_PASSWORD)
        submit(watched, "form[action$='/account/password']", error=True)
        box = page.locator("#password-current_password")
        assert box.get_attribute("aria-invalid") == "true"
        look(watched, "account")
        box.fill(PASSWORD)
        page.fill("#password", NEW_PASSWORD)
        page.fill("#password_confirm", NEW_PASSWORD)
        submit(watched, "form[action$='/account/password']")
        look(watched, "account")

        page.fill("#email", f"nova-{email}")
        page.fill("#email-current_password", NEW_PASSWORD)
        submit(watched, "form[action$='/account/email']")
        look(watched, "account")
        page.goto(site.url + site.mail_link(f"nova-{email}", "/account/email/"))
        look(watched, "confirm-email")

        page.goto(f"{site.url}/{lang}/account")
        with page.expect_download() as download:
            page.locator("a[href$='/account/data-export']").click()
        exported = tmp_path / "data.json"
        download.value.save_as(exported)
        assert "Teresa" in json.dumps(json.loads(exported.read_text(encoding="utf-8")))
    finally:
        context.close()


@pytest.mark.parametrize(("lang", "width"), WAYS)
def test_staff_add_a_client_import_a_list_and_save_the_settings(
    lang: str,
    width: int,
    site: Site,
    contexts: Callable[[str, int], Any],
    open_page: Open,
    check: Checker,
    tmp_path: Path,
) -> None:
    look = check
    staff = open_page(contexts("staff", width))
    page = staff.page

    page.goto(f"{site.url}/{lang}/admin/clients/new")
    look(staff, "client-new")
    submit(staff, "main form[action$='/clients/new']", error=True)
    assert page.locator("#email").get_attribute("aria-invalid") == "true"
    look(staff, "client-new-with-errors")
    page.fill("#first_name", "Paulo")
    page.fill("#last_name", "Mendes")
    page.fill("#email", f"paulo-{lang}@example.pt")
    page.fill("#phone", "913 222 333")
    submit(staff, "main form[action$='/clients/new']")
    look(staff, "client-page")

    rows = ["nome;apelido;email;telefone", f"Marta;Sousa;marta-{lang}@example.pt;913 000 111"]
    listing = tmp_path / "clientes.csv"
    listing.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page.goto(f"{site.url}/{lang}/admin/clients/import")
    look(staff, "clients-import")
    page.set_input_files("#file", str(listing))
    page.check("#dry_run")
    submit(staff, "main form[action$='/clients/import']")
    assert page.locator("#report tr.ok").count() == 1
    look(staff, "import-report")
    page.set_input_files("#file", str(listing))
    if page.locator("#dry_run").is_checked():
        page.uncheck("#dry_run")
    submit(staff, "main form[action$='/clients/import']")
    look(staff, "import-report")

    page.goto(f"{site.url}/{lang}/admin/settings/")
    look(staff, "settings")
    submit(staff, "main form[action*='/admin/settings']")
    look(staff, "settings")


@pytest.mark.parametrize(("lang", "width"), WAYS)
def test_a_manager_turns_off_the_second_step_a_client_lost(
    lang: str,
    width: int,
    site: Site,
    contexts: Callable[[str, int], Any],
    open_page: Open,
    check: Checker,
) -> None:
    address = f"sem-telemovel-{lang}@example.pt"
    site.new_client(address)
    with site.portal.services.uow() as uow:
        account = uow.accounts.get_by_email_key(email_key(address))
    assert account is not None
    with_passkey(site.portal.services, account)
    staff = open_page(contexts("staff", width))

    staff.page.goto(f"{site.url}/{lang}/admin/clients/{account.id}")
    check(staff, "client-with-a-second-step")
    submit(staff, "form[action$='/two-step-reset']")
    check(staff, "client-second-step-turned-off")
    shown = staff.page.locator("main").inner_text()
    assert ("foi desligada" if lang == "pt" else "was turned off") in shown
    assert staff.page.locator("form[action$='/two-step-reset']").count() == 0
    site.mail_link(address, "/auth/sign-in")  # the owner was told, with a way back in
