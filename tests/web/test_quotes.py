"""Quotes through the portal's pages: the whole story in Portuguese, then each rule on its own
(another client's quote is a 404, CSRF on every form, bad numbers are a form error, extra
fields are ignored, user text is escaped, the public form, the staff queue, printing)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from iclient_adapters.clock import FrozenClock
from iclient_adapters.compose import Portal
from iclient_adapters.mail import MemoryTransport
from iclient_web.cli import main
from tests.web.conftest import Browser, path_of, without_page_help

CLIENT = "ana@example.pt"
STAFF = "gestora@example.pt"
STATIC = Path(__file__).resolve().parents[2] / "src" / "iclient_web" / "static"
NBSP = "\u00a0"


@pytest.fixture
def third_browser(app: Flask, portal: Portal, transport: MemoryTransport) -> Browser:
    """A third person's browser (another client)."""
    return Browser(app.test_client(), portal, transport)


def page(response: object) -> str:
    """The text of a response with no-break spaces made plain (for readable assertions),
    without the page's help box (which names buttons the page may not show)."""
    body = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return without_page_help(body).replace(NBSP, " ")


def ask(browser: Browser, subject: str = "Pintura da fachada", lang: str = "pt") -> str:
    """The signed-in client asks for a quote; returns its id."""
    done = browser.submit(
        f"/{lang}/quotes/new",
        {
            "subject": subject,
            "details": "Fachada de 120 m²,\nduas demãos.",
            "desired_date": "2026-03-01",
        },
    )
    assert done.status_code == 303, done.get_data(as_text=True)
    return done.headers["Location"].rsplit("/", 1)[1]


def proposal(**changes: str) -> dict[str, str]:
    """Two lines at 23 % and 6 %, valid until 4 February 2026 (typed the Portuguese way)."""
    return {
        "lines-0-description": "Pintura da fachada (m²)",
        "lines-0-quantity": "120,5",
        "lines-0-unit_price": "12,50",
        "lines-0-vat_rate": "2300",
        "lines-1-description": "Manual de manutenção",
        "lines-1-quantity": "2",
        "lines-1-unit_price": "19,99",
        "lines-1-vat_rate": "600",
        "lines-2-description": "",
        "lines-2-quantity": "",
        "lines-2-unit_price": "",
        "lines-2-vat_rate": "2300",
        "discount_kind": "",
        "discount_value": "",
        "valid_until": "2026-02-04",
        "message": "Inclui andaimes e limpeza final.",
        **changes,
    }


def send(staff: Browser, quote_id: str, lang: str = "pt", **changes: str) -> object:
    """Staff fill the proposal form and press "Save and send"."""
    form_page = f"/{lang}/admin/quotes/{quote_id}"
    version = re.search(r'name="version"[^>]*value="(\d+)"', staff.get(form_page).get_data(True))
    assert version, "no version field on the staff page"
    data = {"version": version.group(1), **proposal(**changes)}
    return staff.submit(f"{form_page}/send", data, form_page=form_page)


def staff_version(staff: Browser, quote_id: str) -> str:
    """The quote's optimistic-locking version, as the staff page's forms carry it."""
    body = staff.get(f"/pt/admin/quotes/{quote_id}").get_data(as_text=True)
    found = re.search(r'name="version"[^>]*value="(\d+)"', body)
    assert found, "no version on the staff page"
    return found.group(1)


def offered_version(browser: Browser, quote_id: str) -> str:
    found = re.search(
        r'/accept\?version=(\d+)"', browser.get(f"/pt/quotes/{quote_id}").get_data(True)
    )
    assert found, "no link to accept"
    return found.group(1)


def accept(browser: Browser, quote_id: str, version: str = "1") -> object:
    """Accept through the confirmation page of ``version``, as a client does."""
    return browser.submit(
        f"/pt/quotes/{quote_id}/accept",
        {"proposal": version, "confirmed": "yes"},
        form_page=f"/pt/quotes/{quote_id}/accept?version={version}",
    )


# ----------------------------------------------------------------------------- the story


def test_client_asks_staff_send_two_vat_rates_client_accepts_in_portuguese(
    browser: Browser, other_browser: Browser, clock: FrozenClock
) -> None:
    client, staff = browser, other_browser
    client.client_account(CLIENT)
    staff.staff_account(STAFF, role="staff")
    staff.mail()

    # The client asks.
    assert client.get("/pt/quotes/new").status_code == 200
    quote_id = ask(client)
    listed = page(client.get("/pt/quotes"))
    assert (
        "Pintura da fachada" in listed and "Pedido novo" in listed and "À espera de nós" in listed
    )

    # Staff are told, find it waiting for them, and send a priced proposal.
    told = staff.last_mail_to(STAFF)
    assert told["X-Iclient-Kind"] == "quote_requested"
    admin_link = path_of(staff.link_in(told, "/admin/quotes/"))
    assert admin_link == f"/pt/admin/quotes/{quote_id}"
    queue = page(staff.get("/pt/admin/quotes?waiting=staff"))
    assert "ORC 2026/0001" in queue and "Ana Silva" in queue
    assert staff.get(admin_link).status_code == 200
    clock.advance(timedelta(minutes=30))
    sent = send(staff, quote_id)
    assert sent.status_code == 303  # type: ignore[attr-defined]

    # The client gets the e-mail, opens it and sees the totals in Portuguese.
    mail = client.last_mail_to(CLIENT)
    assert mail["X-Iclient-Kind"] == "quote_sent"
    assert "1.895,07 €" in mail.get_body(("plain",)).get_content().replace(NBSP, " ")  # type: ignore[union-attr]
    link = path_of(client.link_in(mail, "/quotes/"))
    assert link == f"/pt/quotes/{quote_id}"
    shown = page(client.get(link))
    for expected in (
        "Proposta enviada",
        "À espera de si",
        "120,5",
        "12,50 €",
        "1.506,25 €",  # 120,5 × 12,50
        "39,98 €",  # 2 × 19,99
        "IVA 23 % sobre 1.506,25 €",
        "346,44 €",  # 23 % of 1506,25 = 346,4375
        "IVA 6 % sobre 39,98 €",
        "2,40 €",  # 6 % of 39,98 = 2,3988
        "1.895,07 €",
        "04/02/2026",
        "Inclui andaimes e limpeza final.",
    ):
        assert expected in shown, expected
    assert 'class="num total">1.895,07 €' in shown

    # The client accepts; both sides see it, with the time.
    clock.advance(timedelta(minutes=40))
    done = accept(client, quote_id, offered_version(client, quote_id))
    assert done.status_code == 303  # type: ignore[attr-defined]
    after = page(client.get(link))
    assert "Aceite por Ana Silva em 05/01/2026 10:10 (versão 1)." in after
    assert "Aceitar o orçamento" not in after
    staff_view = page(staff.get(admin_link))
    assert "Aceite por Ana Silva em 05/01/2026 10:10 (versão 1)." in staff_view
    assert "127.0.0.1" in staff_view  # the IP is recorded for staff
    assert "Aceite" in page(staff.get("/pt/admin/quotes?state=accepted"))
    receipt = client.last_mail_to(CLIENT)
    assert receipt["X-Iclient-Kind"] == "quote_accepted"
    assert staff.last_mail_to(STAFF)["X-Iclient-Kind"] == "quote_answered"

    # A second accept is refused politely, and nothing changes.
    again = accept(client, quote_id)
    assert again.status_code == 409  # type: ignore[attr-defined]
    assert "já foi decidido" in page(again)
    assert page(client.get(link)).count("Aceite por Ana Silva") == 1

    # An expired quote cannot be accepted; the client may ask for a renewal.
    late_id = ask(client, "Pintura do muro")
    assert send(staff, late_id, valid_until="2026-01-10").status_code == 303  # type: ignore[attr-defined]
    clock.advance(timedelta(days=6))  # 11 January
    client.sign_in(CLIENT)  # a new day, a new session
    expired_page = page(client.get(f"/pt/quotes/{late_id}"))
    assert "Expirado" in expired_page and "Aceitar o orçamento" not in expired_page
    refused = accept(client, late_id)
    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert "já não pode ser aceite" in page(refused)
    assert "Pedir a renovação" in page(refused)
    renewed = client.submit(f"/pt/quotes/{late_id}/renew", {}, form_page=f"/pt/quotes/{late_id}")
    assert renewed.status_code == 303
    assert "Pedido novo" in page(client.get(f"/pt/quotes/{late_id}"))


def test_the_same_quote_in_english_shows_english_amounts(
    browser: Browser, other_browser: Browser
) -> None:
    browser.client_account(CLIENT)
    other_browser.staff_account(STAFF)
    quote_id = ask(browser, lang="en")
    assert (
        send(
            other_browser,
            quote_id,
            lang="en",
            **{
                "lines-0-quantity": "120.5",
                "lines-0-unit_price": "1,234.50",
                "lines-1-unit_price": "19.99",
            },
        ).status_code
        == 303
    )  # type: ignore[attr-defined]
    shown = page(browser.get(f"/en/quotes/{quote_id}"))
    assert "€1,234.50" in shown and "€148,757.25" in shown  # 120.5 × 1234.50
    assert "VAT 23% on €148,757.25" in shown
    assert "4 Feb 2026" in shown


def test_a_revised_proposal_is_a_new_version_and_the_old_one_stays_readable(
    browser: Browser, other_browser: Browser
) -> None:
    browser.client_account(CLIENT)
    other_browser.staff_account(STAFF)
    quote_id = ask(browser)
    send(other_browser, quote_id)
    admin = f"/pt/admin/quotes/{quote_id}"
    revised = other_browser.submit(
        f"{admin}/revise", {"version": staff_version(other_browser, quote_id)}, form_page=admin
    )
    assert revised.status_code == 303
    waiting = page(browser.get(f"/pt/quotes/{quote_id}"))
    assert "Estamos a rever esta proposta" in waiting and "Aceitar o orçamento" not in waiting
    assert accept(browser, quote_id).status_code == 409  # type: ignore[attr-defined]
    send(other_browser, quote_id, **{"lines-0-unit_price": "11,00"})
    current = page(browser.get(f"/pt/quotes/{quote_id}"))
    assert "versão 2" in current and "1.325,50 €" in current  # 120,5 × 11
    old = page(browser.get(f"/pt/quotes/{quote_id}?version=1"))
    assert "versão 1" in old and "1.506,25 €" in old and "versão mais antiga" in old
    stale = accept(browser, quote_id, "1")
    assert stale.status_code == 409  # type: ignore[attr-defined]
    assert "A proposta mudou" in page(stale)
    assert accept(browser, quote_id, "2").status_code == 303  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------- ownership


def test_a_client_cannot_see_or_decide_another_clients_quote(
    browser: Browser, other_browser: Browser, third_browser: Browser
) -> None:
    browser.client_account(CLIENT)
    other_browser.staff_account(STAFF)
    quote_id = ask(browser)
    send(other_browser, quote_id)
    third_browser.client_account("bea@example.pt")
    assert third_browser.get(f"/pt/quotes/{quote_id}").status_code == 404
    assert third_browser.get(f"/pt/quotes/{quote_id}?version=1").status_code == 404
    assert quote_id not in third_browser.get("/pt/quotes").get_data(as_text=True)
    for action, data in (
        ("accept", {"proposal": "1"}),
        ("decline", {"proposal": "1", "reason": "não"}),
        ("withdraw", {}),
        ("renew", {}),
    ):
        answer = third_browser.submit(
            f"/pt/quotes/{quote_id}/{action}", data, form_page="/pt/quotes"
        )
        assert answer.status_code == 404, action
    assert third_browser.get(f"/pt/admin/quotes/{quote_id}").status_code == 404  # not staff
    assert "Proposta enviada" in page(browser.get(f"/pt/quotes/{quote_id}"))


def test_drafts_stay_with_staff(browser: Browser, other_browser: Browser) -> None:
    browser.client_account(CLIENT)
    other_browser.staff_account(STAFF)
    quote_id = ask(browser)
    admin = f"/pt/admin/quotes/{quote_id}"
    saved = other_browser.submit(admin, {"version": "0", **proposal()})
    assert saved.status_code == 303
    assert "1.506,25" in page(other_browser.get(admin))
    client_view = page(browser.get(f"/pt/quotes/{quote_id}"))
    assert "1.506,25" not in client_view and "A preparar" in client_view
    assert browser.get(f"/pt/quotes/{quote_id}?version=1").status_code == 404


# ----------------------------------------------------------------------------- forms


def test_every_quote_form_needs_its_csrf_token(browser: Browser, other_browser: Browser) -> None:
    browser.client_account(CLIENT)
    other_browser.staff_account(STAFF)
    quote_id = ask(browser)
    for who, path, data in (
        (browser, "/pt/quotes/new", {"subject": "x", "details": "y"}),
        (browser, f"/pt/quotes/{quote_id}/withdraw", {}),
        (browser, f"/pt/quotes/{quote_id}/accept", {"proposal": "1"}),
        (other_browser, f"/pt/admin/quotes/{quote_id}", {"version": "0", **proposal()}),
        (other_browser, f"/pt/admin/quotes/{quote_id}/send", {"version": "0", **proposal()}),
        (other_browser, f"/pt/admin/quotes/{quote_id}/cancel", {"version": "0"}),
        (browser, "/pt/quote-request", {"name": "x"}),
    ):
        for token in ({}, {"csrf_token": "forged"}):
            answer = who.client.post(path, data={**data, **token})
            assert answer.status_code == 400, path
    assert "Pedido novo" in page(browser.get(f"/pt/quotes/{quote_id}"))
    assert page(browser.get("/pt/quotes")).count("quote-") == 1


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("lines-0-quantity", "-1", "não pode ser negativo"),
        ("lines-0-quantity", "1e309", "Escreva um número"),
        ("lines-0-quantity", "NaN", "Escreva um número"),
        ("lines-0-quantity", "0", "maior do que zero"),
        ("lines-0-unit_price", "inf", "Escreva um número"),
        ("lines-0-unit_price", "12,555", "duas casas decimais"),
        ("lines-0-unit_price", "-3,00", "não pode ser negativo"),
        ("lines-0-vat_rate", "2200", "Escolha uma das taxas de IVA"),
        ("discount_value", "99999", "não pode ser maior do que o subtotal"),
        ("discount_value", "12,5,0", "Escreva um número"),
        ("valid_until", "31/12/2026", "Escreva uma data"),
    ],
)
def test_bad_numbers_get_a_clear_form_error_never_a_500(
    browser: Browser, other_browser: Browser, field: str, typed: str, message: str
) -> None:
    browser.client_account(CLIENT)
    other_browser.staff_account(STAFF)
    quote_id = ask(browser)
    changes = {field: typed}
    if field == "discount_value":
        changes["discount_kind"] = "amount"
    answer = send(other_browser, quote_id, **changes)
    assert answer.status_code == 400  # type: ignore[attr-defined]
    body = page(answer)
    assert message in body
    if field != "lines-0-vat_rate":  # a select offers only the configured rates
        assert f'value="{typed}"' in body  # what was typed is kept
    assert 'aria-invalid="true"' in body
    assert browser.mail() and "quote_sent" not in {m["X-Iclient-Kind"] for m in browser.mail()}


def test_twelve_comma_five_and_twelve_point_five_are_the_same_price(
    browser: Browser, other_browser: Browser
) -> None:
    browser.client_account(CLIENT)
    other_browser.staff_account(STAFF)
    totals = []
    for typed in ("12,5", "12.5"):
        quote_id = ask(browser, f"Pedido {typed}")
        assert send(other_browser, quote_id, **{"lines-0-unit_price": typed}).status_code == 303  # type: ignore[attr-defined]
        totals.append(
            re.search(r'class="num total">([^<]+)<', page(browser.get(f"/pt/quotes/{quote_id}")))
        )
    assert totals[0] and totals[1] and totals[0].group(1) == totals[1].group(1) == "1.895,07 €"


def test_a_request_form_with_mistakes_is_shown_again_with_them(browser: Browser) -> None:
    browser.client_account(CLIENT)
    answer = browser.submit(
        "/pt/quotes/new", {"subject": "", "details": "x", "desired_date": "2020-01-01"}
    )
    assert answer.status_code == 400
    body = page(answer)
    assert "Este campo é obrigatório." in body and "Esta data já passou." in body


def test_forms_take_only_their_fields(browser: Browser, other_browser: Browser) -> None:
    browser.client_account(CLIENT)
    other_browser.staff_account(STAFF)
    done = browser.submit(
        "/pt/quotes/new",
        {
            "subject": "Pintura",
            "details": "x",
            "state": "accepted",
            "client_id": "someone-else",
            "role": "admin",
            "version": "99",
        },
    )
    quote_id = done.headers["Location"].rsplit("/", 1)[1]
    shown = page(browser.get(f"/pt/quotes/{quote_id}"))
    assert "Pedido novo" in shown and "Aceite por" not in shown
    send(other_browser, quote_id, **{"lines-0-amount": "1", "total": "1", "content_hash": "x"})
    assert "1.895,07 €" in page(browser.get(f"/pt/quotes/{quote_id}"))


def test_what_people_type_is_escaped_on_every_quote_page(
    browser: Browser, other_browser: Browser
) -> None:
    browser.client_account(CLIENT)
    other_browser.staff_account(STAFF)
    script = "<script>alert(1)</script>"
    quote_id = ask(browser, script)
    send(other_browser, quote_id, **{"lines-0-description": script, "message": script})
    pages = [
        browser.get("/pt/quotes"),
        browser.get(f"/pt/quotes/{quote_id}"),
        other_browser.get("/pt/admin/quotes"),
        other_browser.get(f"/pt/admin/quotes/{quote_id}"),
    ]
    for answer in pages:
        body = answer.get_data(as_text=True)
        assert script not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# ----------------------------------------------------------------------------- visitors


def test_a_visitor_asks_through_the_public_form_and_staff_invite_them(
    app: Flask, browser: Browser, other_browser: Browser
) -> None:
    visitor = browser
    assert visitor.get("/pt/quote-request").status_code == 200
    form = {
        "name": "Bruno Costa",
        "email": "bruno@example.pt",
        "phone": "912 000 111",
        "subject": "Telhado",
        "details": "Infiltrações no sótão.",
    }
    refused = visitor.submit("/pt/quote-request", form)
    assert refused.status_code == 400
    assert "Só podemos responder se aceitar ser contactado." in page(refused)
    thanks = visitor.submit("/pt/quote-request", {**form, "contact_consent": "y"})
    assert thanks.status_code == 200 and "Obrigado" in page(thanks)
    assert "ORC 2026/0001" in page(thanks)
    (receipt,) = [m for m in visitor.mail() if "bruno" in str(m["To"]).lower()]
    assert receipt["Subject"] == "Recebemos o seu pedido de orçamento ORC 2026/0001"

    other_browser.staff_account(STAFF)
    queue = page(other_browser.get("/pt/admin/quotes"))
    assert "Bruno Costa" in queue and "sem conta" in queue
    quote_id = re.search(r'id="quote-([0-9a-f]+)"', queue).group(1)  # type: ignore[union-attr]
    admin = f"/pt/admin/quotes/{quote_id}"
    before_invite = send(other_browser, quote_id)
    assert before_invite.status_code == 303  # type: ignore[attr-defined]
    assert "convide" in page(other_browser.get(admin))
    invited = other_browser.submit(f"{admin}/invite", {"version": "0"}, form_page=admin)
    assert invited.status_code == 303
    activation = other_browser.last_mail_to("bruno@example.pt")
    assert activation["X-Iclient-Kind"] == "activation"
    assert "Convidar como cliente" not in page(other_browser.get(admin))


def test_the_public_form_is_rate_limited_per_ip(browser: Browser) -> None:
    form = {
        "name": "Bruno",
        "email": "bruno@example.pt",
        "phone": "912000111",
        "subject": "s",
        "details": "d",
        "contact_consent": "y",
    }
    for _ in range(5):
        assert browser.submit("/pt/quote-request", form).status_code == 200
    assert browser.submit("/pt/quote-request", form).status_code == 429


def test_a_signed_in_client_is_sent_to_the_clients_form(browser: Browser) -> None:
    browser.client_account(CLIENT)
    answer = browser.get("/pt/quote-request")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/pt/quotes/new")


# ----------------------------------------------------------------------------- staff area


def test_staff_filter_the_queue_and_see_whose_move_it_is(
    browser: Browser, other_browser: Browser
) -> None:
    browser.client_account(CLIENT)
    other_browser.staff_account(STAFF)
    waiting_for_us = ask(browser, "Pedido novo")
    waiting_for_client = ask(browser, "Já respondido")
    send(other_browser, waiting_for_client)

    def rows(query: str) -> set[str]:
        return set(
            re.findall(
                r'id="quote-([0-9a-f]+)"',
                other_browser.get(f"/pt/admin/quotes{query}").get_data(True),
            )
        )

    assert rows("") == {waiting_for_us, waiting_for_client}
    assert rows("?waiting=staff") == {waiting_for_us}
    assert rows("?waiting=client") == {waiting_for_client}
    assert rows("?state=sent") == {waiting_for_client}
    assert rows("?state=requested&waiting=client") == set()
    assert rows("?expiring=1") == set()  # valid until 4 February, a month away
    queue = page(other_browser.get("/pt/admin/quotes"))
    assert "À espera do cliente" in queue and "À espera de nós" in queue
    dashboard = page(other_browser.get("/pt/admin/"))
    assert "/pt/admin/quotes?waiting=staff" in dashboard


def test_staff_cancel_a_quote_and_the_client_is_told(
    browser: Browser, other_browser: Browser
) -> None:
    browser.client_account(CLIENT)
    other_browser.staff_account(STAFF)
    quote_id = ask(browser)
    admin = f"/pt/admin/quotes/{quote_id}"
    done = other_browser.submit(
        f"{admin}/cancel", {"version": "0", "reason": "Sem agenda."}, form_page=admin
    )
    assert done.status_code == 303
    assert "Cancelado" in page(browser.get(f"/pt/quotes/{quote_id}"))
    assert browser.last_mail_to(CLIENT)["X-Iclient-Kind"] == "quote_update"
    again = other_browser.submit(f"{admin}/cancel", {"version": "1"}, form_page=admin)
    assert again.status_code == 409


def test_a_stale_staff_form_does_not_overwrite_a_newer_change(
    browser: Browser, other_browser: Browser
) -> None:
    browser.client_account(CLIENT)
    other_browser.staff_account(STAFF)
    quote_id = ask(browser)
    admin = f"/pt/admin/quotes/{quote_id}"
    assert other_browser.submit(admin, {"version": "0", **proposal()}).status_code == 303
    stale = other_browser.submit(admin, {"version": "0", **proposal(message="antiga")})
    assert stale.status_code == 409
    assert "Outra pessoa alterou este orçamento" in page(stale)


def test_clients_do_not_reach_the_staff_pages(browser: Browser) -> None:
    browser.client_account(CLIENT)
    quote_id = ask(browser)
    assert browser.get("/pt/admin/quotes").status_code == 404
    assert browser.get(f"/pt/admin/quotes/{quote_id}").status_code == 404


def test_the_expiry_command_expires_overdue_quotes(
    app: Flask, browser: Browser, other_browser: Browser, clock: FrozenClock
) -> None:
    browser.client_account(CLIENT)
    other_browser.staff_account(STAFF)
    quote_id = ask(browser)
    send(other_browser, quote_id, valid_until="2026-01-06")
    clock.advance(timedelta(days=2))
    result = app.test_cli_runner().invoke(main, args=["quotes", "expire"])
    assert result.exit_code == 0 and "1 quote expired." in result.output
    assert browser.last_mail_to(CLIENT)["X-Iclient-Kind"] == "quote_update"


# ----------------------------------------------------------------------------- printing


def test_the_quote_page_prints_cleanly() -> None:
    css = (STATIC / "style.css").read_text(encoding="utf-8")
    prints = " ".join(re.findall(r"@media print\s*\{(.*?)\}\s*\}", css, flags=re.S))
    assert ".no-print" in prints and ".quote-doc" in prints
    assert "page-break-inside" in prints or "break-inside" in prints


def test_the_staff_client_page_and_dashboard_show_the_quotes(
    browser: Browser, other_browser: Browser
) -> None:
    from tests.web.conftest import stored_account

    browser.client_account(CLIENT)
    other_browser.staff_account(STAFF)
    quote_id = ask(browser, "Pintura do portão")
    account = stored_account(browser.portal, CLIENT)
    assert account is not None
    client_page = page(other_browser.get(f"/pt/admin/clients/{account.id}"))
    assert "Pintura do portão" in client_page and f"/pt/admin/quotes/{quote_id}" in client_page
    assert "Pedido novo" in client_page
    dashboard = page(other_browser.get("/pt/admin/"))
    assert 'href="/pt/admin/quotes"' in dashboard  # the admin menu
    assert "/pt/admin/quotes?expiring=1" in dashboard


def test_staff_are_warned_when_a_visitor_uses_an_existing_clients_address(
    app: Flask, browser: Browser, other_browser: Browser
) -> None:
    other_browser.client_account("ana@example.pt")
    visitor = app.test_client()
    stranger = Browser(visitor, browser.portal, browser.transport)
    stranger.submit(
        "/pt/quote-request",
        {
            "name": "Alguém",
            "email": "ANA@example.pt",
            "phone": "912 000 111",
            "subject": "Telhado",
            "details": "Pedido com o endereço de outra pessoa.",
            "contact_consent": "y",
        },
    )
    browser.staff_account(STAFF)
    queue = page(browser.get("/pt/admin/quotes"))
    quote_id = re.search(r'id="quote-([0-9a-f]+)"', queue).group(1)  # type: ignore[union-attr]
    shown = page(browser.get(f"/pt/admin/quotes/{quote_id}"))
    assert "Atenção: ana@example.pt já pertence a uma conta (Ana Silva)" in shown
