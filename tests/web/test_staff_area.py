"""The staff area through the browser (issue 6): the "Done when" story first, then each page."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta

from flask import Flask

from iclient_adapters.clock import FrozenClock
from iclient_adapters.mail import MemoryTransport
from iclient_core.accounts.model import Role, Status
from iclient_core.staff.clients import create_client
from iclient_core.staff.members import create_staff
from tests.unit.staff_helpers import with_passkey
from tests.web.conftest import PASSWORD, Browser, path_of, stored_account

COLLABORATOR = "colaborador@example.pt"
CLIENT = "cliente@example.pt"


def another_browser(app: Flask, browser: Browser) -> Browser:
    """One more person at their own browser, sharing the mailbox."""
    return Browser(app.test_client(), browser.portal, browser.transport)


def set_password_from(browser: Browser, address: str) -> None:
    """Follow the set-password link e-mailed to ``address`` and choose ``PASSWORD``."""
    link = path_of(browser.link_in(browser.last_mail_to(address), "/auth/activate/"))
    assert browser.get(link).status_code == 200  # a GET only shows the form
    answer = browser.submit(link, {"password": PASSWORD, "password_confirm": PASSWORD})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]


def accept_texts_if_asked(browser: Browser) -> None:
    """Accept the Terms and Privacy Policy when the portal asks (the consent gate)."""
    if browser.get("/pt/consent").status_code == 200:
        browser.submit("/pt/consent", {"accept_terms": "y", "accept_privacy": "y"})


def client_id_from(location: str) -> str:
    found = re.search(r"/admin/clients/([0-9a-f]+)$", location)
    assert found, location
    return found.group(1)


def audit_csv(browser: Browser) -> list[dict[str, str]]:
    answer = browser.get("/pt/admin/audit/export.csv")
    assert answer.status_code == 200
    return list(csv.DictReader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))


def test_done_when_the_staff_area_runs_the_client_relationship(
    app: Flask, browser: Browser, clock: FrozenClock
) -> None:
    def later() -> None:
        clock.advance(timedelta(seconds=30))

    # An admin (the first one comes from `iclient create-staff`) signs in...
    manager = browser
    assert manager.staff_account("gestora@example.pt", role="admin").status_code == 303
    later()
    # ...and invites a collaborator,
    answer = manager.submit(
        "/pt/admin/staff/invite",
        {
            "first_name": "Rui",
            "last_name": "Costa",
            "email": COLLABORATOR,
            "role": "staff",
            "language": "pt",
        },
        form_page="/pt/admin/staff/",
    )
    assert answer.status_code == 303
    later()
    # who sets a password and signs in as staff;
    collaborator = another_browser(app, browser)
    set_password_from(collaborator, COLLABORATOR)
    later()
    assert collaborator.sign_in(COLLABORATOR).status_code == 303
    assert collaborator.get("/pt/admin/").status_code == 200
    later()
    # the collaborator creates a client,
    answer = collaborator.submit(
        "/pt/admin/clients/new",
        {
            "first_name": "Ana",
            "last_name": "Silva",
            "email": CLIENT,
            "phone": "912 345 678",
            "language": "pt",
        },
    )
    assert answer.status_code == 303
    client_id = client_id_from(answer.headers["Location"])
    later()
    # who receives the invitation and activates;
    client = another_browser(app, browser)
    invitation = client.last_mail_to(CLIENT)
    assert "Rui Costa" in invitation.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    set_password_from(client, CLIENT)
    later()
    assert client.sign_in(CLIENT).status_code == 303
    accept_texts_if_asked(client)
    assert client.get("/pt/").status_code == 200
    later()
    # the collaborator cannot reach staff management or settings;
    for page in ("/pt/admin/staff/", "/pt/admin/settings/", "/pt/admin/audit/"):
        assert collaborator.get(page).status_code == 404, page
    refused = collaborator.submit(
        "/pt/admin/staff/invite",
        {"first_name": "X", "last_name": "Y", "email": "x@example.pt", "role": "admin"},
        form_page="/pt/admin/",
    )
    assert refused.status_code == 404
    staff_page = collaborator.get("/pt/admin/").get_data(as_text=True)
    assert "/pt/admin/clients/" in staff_page and "/pt/admin/staff/" not in staff_page
    # the admin disables the client, whose open session ends at the next request;
    answer = manager.submit(
        f"/pt/admin/clients/{client_id}/disable", {}, form_page=f"/pt/admin/clients/{client_id}"
    )
    assert answer.status_code == 303
    next_request = client.get("/pt/account")
    assert next_request.status_code == 303 and "/auth/sign-in" in next_request.headers["Location"]
    later()
    # the audit log shows all of it in order.
    rows = [r for r in audit_csv(manager) if r["action"] in STAFF_STORY]
    assert [(r["action"], r["actor_label"]) for r in rows] == [
        ("auth.sign_in", "gestora@example.pt"),
        ("staff.invited", "gestora@example.pt"),
        ("auth.sign_in", COLLABORATOR),
        ("client.created", COLLABORATOR),
        ("auth.sign_in", "client"),
        ("client.disabled", "gestora@example.pt"),
    ]
    assert rows[-1]["target_id"] == client_id and rows[-1]["ip"] == "127.0.0.1"
    log = manager.get("/pt/admin/audit/").get_data(as_text=True).split('<ol class="audit-log"')[1]
    assert log.index("desativou a conta de") < log.index("criou o cliente")  # newest first


STAFF_STORY = {"auth.sign_in", "staff.invited", "client.created", "client.disabled"}
"""What staff did in the story above (the consents and the activation are in the log too)."""


def listed(page: str) -> list[str]:
    """The e-mail addresses of the clients a list page shows, in order."""
    return re.findall(r"<td[^>]*>([^<@]+@example\.com)</td>", page)


def pager_link(page: str, rel: str) -> str:
    """The URL of a page's "next" or "prev" link."""
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', page)
    assert found is not None, rel
    return html.unescape(found.group(1))


def test_staff_find_clients_by_name_email_or_phone_and_by_status(
    browser: Browser, clock: FrozenClock
) -> None:
    browser.staff_account(role="staff")
    actor = stored_account(browser.portal, "gestora@example.pt")
    assert actor is not None
    for n in range(30):
        clock.advance(timedelta(minutes=1))
        create_client(
            services=browser.portal.services,
            actor=actor,
            first_name="Joana" if n == 7 else "Cliente",
            last_name=f"Número {n}",
            email=f"c{n}@example.com",
            phone=f"91234{n:04}",
        )
    first = browser.get("/pt/admin/clients/").get_data(as_text=True)
    assert "A mostrar 25 clientes; há mais." in first and "Página 1" not in first
    assert "c29@example.com" in first and "c0@example.com" not in first  # newest first
    assert 'rel="prev"' not in first and len(listed(first)) == 25
    second = browser.get(pager_link(first, "next")).get_data(as_text=True)
    assert "c0@example.com" in second and "c29@example.com" not in second
    assert "A mostrar 5 clientes, os últimos." in second and 'rel="next"' not in second
    back = browser.get(pager_link(second, "prev")).get_data(as_text=True)
    assert listed(back) == listed(first) and 'rel="prev"' not in back
    old_link = browser.get("/pt/admin/clients/?page=2").get_data(as_text=True)
    assert listed(old_link) == listed(first)  # an old numbered link starts at the first page
    for query in ("joana", "C7@EXAMPLE", "912 340 007"):
        found = browser.get("/pt/admin/clients/", query_string={"q": query})
        assert "Clientes encontrados: 1<" in found.get_data(as_text=True), query
    pending = browser.get("/pt/admin/clients/?status=pending_activation&q=cliente")
    pending_page = pending.get_data(as_text=True)
    assert "A mostrar 25 clientes; há mais." in pending_page
    rest = browser.get(pager_link(pending_page, "next")).get_data(as_text=True)
    assert "A mostrar 4 clientes, os últimos." in rest  # the search and filter are kept
    assert "Primeira página" in rest
    assert "Clientes encontrados: 0" in browser.get("/pt/admin/clients/?status=disabled").get_data(
        as_text=True
    )
    odd = browser.get("/pt/admin/clients/?status=<script>&page=-4&q=%00")
    assert odd.status_code == 200 and "<script>" not in odd.get_data(as_text=True)
    dashboard = browser.get("/pt/admin/").get_data(as_text=True)
    assert re.search(r'href="/pt/admin/clients/\?status=pending_activation">30</a>', dashboard)


def test_staff_import_clients_from_a_csv_file_after_a_dry_run(browser: Browser) -> None:
    browser.staff_account(role="staff")
    data = (
        "\ufeffnome;apelido;email;telefone\r\n"
        "Ana;Silva;ana@example.pt;912 345 678\r\n"
        "Rui;Costa;rui@example.pt;123\r\n"
        'Eva;"Lopes; Filhos";ana@example.pt;\r\n'
    ).encode()

    def send(dry_run: bool) -> str:
        fields: dict[str, object] = {"file": (io.BytesIO(data), "clientes.csv", "text/csv")}
        if dry_run:
            fields["dry_run"] = "y"
        fields["send_invitations"] = "y"
        token = browser.csrf("/pt/admin/clients/import")
        answer = browser.client.post(
            "/pt/admin/clients/import",
            data={**fields, "csrf_token": token},
            content_type="multipart/form-data",
        )
        assert answer.status_code == 200
        return answer.get_data(as_text=True)

    report = send(dry_run=True)
    assert "1 linha pode ser criada." in report and "2 linhas são recusadas." in report
    assert "Telefone:" in report and "linha 2" in report
    assert stored_account(browser.portal, "ana@example.pt") is None
    send(dry_run=False)
    assert stored_account(browser.portal, "ana@example.pt") is not None
    assert browser.last_mail_to("ana@example.pt")["Subject"]

    token = browser.csrf("/pt/admin/clients/import")
    empty = browser.client.post(
        "/pt/admin/clients/import",
        data={"csrf_token": token, "dry_run": "y", "file": (io.BytesIO(b""), "x.csv")},
        content_type="multipart/form-data",
    )
    assert empty.status_code == 400 and 'name="file"' in empty.get_data(as_text=True)


def test_the_audit_export_is_a_download_whose_cells_cannot_run_as_formulas(
    browser: Browser,
) -> None:
    create_staff(
        services=browser.portal.services,
        email="=cmd@example.pt",  # a valid address that a spreadsheet would run
        role=Role.ADMIN,
        password=PASSWORD,
    )
    browser.sign_in("=cmd@example.pt")
    answer = browser.get("/pt/admin/audit/export.csv?action=auth.sign_in", buffered=False)
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    assert answer.mimetype == "text/csv"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.is_streamed
    [row] = csv.DictReader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff")))
    assert row["actor_label"] == "'=cmd@example.pt" and row["action"] == "auth.sign_in"


def test_settings_change_the_name_and_contact_on_every_page_and_email(
    app: Flask, browser: Browser, transport: MemoryTransport
) -> None:
    browser.staff_account(role="admin")
    answer = browser.submit(
        "/pt/admin/settings/",
        {
            "business_name": "Oficina Nova, Lda.",
            "contact_email": "geral@nova.example.pt",
            "contact_phone": "234 000 111",
            "default_language": "en",
            "vat_rates": "23; 5,5; 0",
            "upload_limit_mb": "250",
        },
    )
    assert answer.status_code == 303
    form = browser.get("/pt/admin/settings/").get_data(as_text=True)
    assert 'value="23, 5.5, 0"' in form and 'value="+351 234 000 111"' in form
    visitor = another_browser(app, browser)
    page = visitor.get("/pt/auth/sign-in").get_data(as_text=True)
    assert "Oficina Nova, Lda." in page and "geral@nova.example.pt" in page
    visitor.register("nova.cliente@example.pt")
    mail = visitor.last_mail_to("nova.cliente@example.pt")
    assert "Oficina Nova, Lda." in mail["Subject"]
    footer = mail.get_body(("plain",)).get_content().split("-- \n", 1)[1]  # type: ignore[union-attr]
    assert footer.startswith("Oficina Nova, Lda.\ngeral@nova.example.pt\n")
    bad = browser.submit("/pt/admin/settings/", {"vat_rates": "abc", "upload_limit_mb": "0"})
    assert bad.status_code == 400
    assert "Oficina Nova, Lda." in visitor.get("/pt/auth/sign-in").get_data(as_text=True)


def test_a_role_change_takes_effect_at_the_next_request(app: Flask, browser: Browser) -> None:
    browser.staff_account(role="admin")
    colleague = another_browser(app, browser)
    colleague.staff_account("segunda@example.pt", role="admin")
    assert colleague.get("/pt/admin/staff/").status_code == 200
    second = stored_account(browser.portal, "segunda@example.pt")
    assert second is not None
    answer = browser.submit(
        f"/pt/admin/staff/{second.id}/role", {"role": "staff"}, form_page="/pt/admin/staff/"
    )
    assert answer.status_code == 303
    assert colleague.get("/pt/admin/staff/").status_code == 404  # same session, new role
    assert colleague.get("/pt/admin/clients/").status_code == 200


def test_the_last_manager_cannot_step_down(browser: Browser) -> None:
    browser.staff_account(role="admin")
    me = stored_account(browser.portal, "gestora@example.pt")
    assert me is not None
    for action, data in (("role", {"role": "staff"}), ("disable", {})):
        answer = browser.submit(
            f"/pt/admin/staff/{me.id}/{action}", data, form_page="/pt/admin/staff/"
        )
        assert answer.status_code == 303
        page = browser.get("/pt/admin/staff/").get_data(as_text=True)
        assert "último gestor ativo" in page
    me = stored_account(browser.portal, "gestora@example.pt")
    assert me is not None and me.role is Role.ADMIN and me.status is Status.ACTIVE


def test_staff_sign_a_client_out_everywhere_with_a_button(app: Flask, browser: Browser) -> None:
    client = another_browser(app, browser)
    client.client_account(CLIENT)
    accept_texts_if_asked(client)
    assert client.get("/pt/account").status_code == 200
    browser.staff_account(role="staff")
    account = stored_account(browser.portal, CLIENT)
    assert account is not None
    page = browser.get(f"/pt/admin/clients/{account.id}").get_data(as_text=True)
    assert f"/pt/admin/clients/{account.id}/end-sessions" in page
    answer = browser.submit(
        f"/pt/admin/clients/{account.id}/end-sessions",
        {},
        form_page=f"/pt/admin/clients/{account.id}",
    )
    assert answer.status_code == 303
    assert client.get("/pt/account").status_code == 303  # back to the sign-in page
    assert stored_account(browser.portal, CLIENT).status is Status.ACTIVE  # type: ignore[union-attr]


def test_staff_correct_a_clients_details_and_bad_input_gets_the_form_back(
    browser: Browser,
) -> None:
    browser.staff_account(role="staff")
    answer = browser.submit(
        "/pt/admin/clients/new",
        {"first_name": "Ana", "last_name": "Silva", "email": CLIENT, "language": "pt"},
    )
    client_id = client_id_from(answer.headers["Location"])
    edit = f"/pt/admin/clients/{client_id}/edit"
    bad = browser.submit(edit, {"first_name": "", "last_name": "Silva", "email": "nope"})
    assert bad.status_code == 400
    body = bad.get_data(as_text=True)
    assert 'name="first_name"' in body and "Indique um endereço de e-mail válido" in body
    good = browser.submit(
        edit,
        {
            "first_name": "Ana",
            "last_name": "Sousa",
            "email": CLIENT,
            "phone": "961111222",
            "language": "en",
            "role": "admin",
        },
    )
    assert good.status_code == 303
    account = stored_account(browser.portal, CLIENT)
    assert account is not None
    assert (account.profile.last_name, account.profile.phone, account.role) == (
        "Sousa",
        "+351961111222",
        Role.CLIENT,  # the extra field was ignored (item 17)
    )
    taken = browser.submit(
        "/pt/admin/clients/new",
        {"first_name": "A", "last_name": "B", "email": CLIENT, "language": "pt"},
    )
    assert taken.status_code == 400 and "já está a ser usado" in taken.get_data(as_text=True)


def test_a_manager_turns_off_the_second_step_a_client_lost(app: Flask, browser: Browser) -> None:
    client = another_browser(app, browser)
    client.client_account(CLIENT)
    browser.staff_account()
    account = stored_account(browser.portal, CLIENT)
    assert account is not None
    action = f"/pt/admin/clients/{account.id}/two-step-reset"
    assert action not in browser.get(f"/pt/admin/clients/{account.id}").get_data(as_text=True)
    with_passkey(browser.portal.services, account)
    page = browser.get(f"/pt/admin/clients/{account.id}").get_data(as_text=True)
    assert action in page and "Desligar a entrada em dois passos" in page

    answer = browser.submit(action, {}, form_page=f"/pt/admin/clients/{account.id}")

    assert answer.status_code == 303
    shown = browser.get(path_of(answer.headers["Location"])).get_data(as_text=True)
    assert "A entrada em dois passos foi desligada e 1 sessão terminada." in shown
    assert action not in shown
    assert client.get("/pt/account").status_code == 303  # signed out
    again = browser.submit(action, {}, form_page=f"/pt/admin/clients/{account.id}")
    shown = browser.get(path_of(again.headers["Location"])).get_data(as_text=True)
    assert "Esta conta não entra em dois passos" in shown


def test_the_staff_list_offers_to_turn_off_a_members_second_step_but_not_ones_own(
    app: Flask, browser: Browser
) -> None:
    browser.staff_account()
    me = stored_account(browser.portal, "gestora@example.pt")
    rui = create_staff(
        services=browser.portal.services,
        email="rui@oficina.pt",
        role=Role.STAFF,
        password=PASSWORD,
        first_name="Rui",
        last_name="Costa",
    )
    assert me is not None
    for account in (me, rui):
        with_passkey(browser.portal.services, account)
    page = browser.get("/pt/admin/staff/").get_data(as_text=True)
    assert f"/pt/admin/staff/{rui.id}/two-step-reset" in page
    assert f"/pt/admin/staff/{me.id}/two-step-reset" not in page

    answer = browser.submit(
        f"/pt/admin/staff/{rui.id}/two-step-reset", {}, form_page="/pt/admin/staff/"
    )
    assert answer.status_code == 303
    page = browser.get("/pt/admin/staff/").get_data(as_text=True)
    assert "A entrada em dois passos foi desligada e 0 sessões terminadas." in page
    assert f"/pt/admin/staff/{rui.id}/two-step-reset" not in page

    mine = browser.submit(
        f"/pt/admin/staff/{me.id}/two-step-reset", {}, form_page="/pt/admin/staff/"
    )
    assert mine.status_code == 303
    page = browser.get("/pt/admin/staff/").get_data(as_text=True)
    assert "na página de segurança da sua conta" in page


def test_collaborators_cannot_turn_off_a_clients_second_step(app: Flask, browser: Browser) -> None:
    client = another_browser(app, browser)
    client.client_account(CLIENT)
    browser.staff_account(role="staff")
    account = stored_account(browser.portal, CLIENT)
    assert account is not None
    with_passkey(browser.portal.services, account)
    page = browser.get(f"/pt/admin/clients/{account.id}").get_data(as_text=True)
    assert "two-step-reset" not in page
    answer = browser.submit(
        f"/pt/admin/clients/{account.id}/two-step-reset",
        {},
        form_page=f"/pt/admin/clients/{account.id}",
    )
    assert answer.status_code == 404
    with browser.portal.services.uow() as uow:  # the passkey is still there
        assert uow.two_step.has_second_step(account.id)
