"""The public forms and the staff inbox, through the portal's pages in both languages."""

from __future__ import annotations

import re

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iclient_adapters.compose import Portal
from iclient_core.inbox.submissions import list_submissions, submit
from tests.web.conftest import Browser, without_csrf

CONTACT = {
    "name": "Bruno Costa",
    "email": "bruno@example.pt",
    "phone": "912 000 111",
    "subject": "Orçamento para telhado",
    "message": "Queria saber preços.",
    "preferred_time": "manhã",
    "contact_consent": "y",
}


@pytest.fixture
def portal(portal: Portal) -> Portal:
    """The portal, with the business's contact address set (where staff get told)."""
    settings = attrs.evolve(portal.services.settings, contact_email="geral@oficina.pt")
    return attrs.evolve(portal, services=attrs.evolve(portal.services, settings=settings))


def stored(browser: Browser) -> int:
    from iclient_core.inbox.ports import SubmissionFilter

    with browser.portal.services.uow() as uow:
        return uow.inbox.count_submissions(SubmissionFilter())


@pytest.mark.parametrize(
    ("lang", "title", "thanks"),
    [("pt", "Pedido de contacto", "Obrigado"), ("en", "Contact request", "Thank you")],
)
def test_a_visitor_sends_the_contact_form_and_staff_and_visitor_get_mail(
    browser: Browser, lang: str, title: str, thanks: str
) -> None:
    page = browser.get(f"/{lang}/form/contact")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert title in body
    for name in ("name", "email", "phone", "subject", "message", "contact_consent", "website"):
        assert f'name="{name}"' in body
    sent = browser.submit(f"/{lang}/form/contact", CONTACT)
    assert sent.status_code == 200 and thanks in sent.get_data(as_text=True)
    assert stored(browser) == 1
    staff_mail = browser.last_mail_to("geral@oficina.pt")
    assert "Bruno Costa" in staff_mail.get_body(("plain",)).get_content()
    ack = browser.last_mail_to("bruno@example.pt")
    text = ack.get_body(("plain",)).get_content()
    assert ("Recebemos" if lang == "pt" else "We received") in text
    assert "telhado" not in text and "preços" not in text


def test_the_demo_form_is_public_in_both_languages(browser: Browser) -> None:
    for lang in ("pt", "en"):
        assert browser.get(f"/{lang}/form/demo").status_code == 200
    assert browser.get("/pt/form/nope").status_code == 404


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_missing_required_fields_give_the_form_again_with_a_400(
    browser: Browser, lang: str
) -> None:
    answer = browser.submit(f"/{lang}/form/contact", {"name": "", "email": "x"})
    assert answer.status_code == 400
    body = answer.get_data(as_text=True)
    assert body.count('class="error"') >= 5
    assert ("Assinale" if lang == "pt" else "Tick this box") in body
    assert stored(browser) == 0


def test_a_filled_honeypot_gets_thanks_and_nothing_is_stored(browser: Browser) -> None:
    answer = browser.submit("/en/form/contact", {**CONTACT, "website": "http://spam.example"})
    assert answer.status_code == 200 and "Thank you" in answer.get_data(as_text=True)
    assert stored(browser) == 0
    assert browser.mail() == []


def test_without_the_csrf_token_nothing_is_sent(browser: Browser) -> None:
    answer = browser.client.post("/en/form/contact", data=CONTACT)
    assert answer.status_code == 400
    assert stored(browser) == 0


def test_too_many_messages_from_one_address_get_the_429_page(browser: Browser) -> None:
    for _ in range(5):
        assert browser.submit("/pt/form/contact", CONTACT).status_code == 200
    answer = browser.submit("/pt/form/contact", CONTACT)
    assert answer.status_code == 429
    assert "Demasiadas tentativas" in answer.get_data(as_text=True)
    assert stored(browser) == 5


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(browser: Browser) -> None:
    browser.client_account("ana@example.pt")
    browser.client.post("/pt/auth/sign-out", data={"csrf_token": browser.csrf("/pt/account")})
    visitor = Browser(browser.client.application.test_client(), browser.portal, browser.transport)
    known = visitor.submit("/en/form/contact", {**CONTACT, "email": "ana@example.pt"})
    unknown = visitor.submit("/en/form/contact", {**CONTACT, "email": "zeca@example.pt"})
    assert known.status_code == unknown.status_code == 200
    assert without_csrf(known.get_data(as_text=True)) == without_csrf(
        unknown.get_data(as_text=True)
    )


def test_a_signed_in_client_finds_their_data_filled_in_and_owns_the_message(
    browser: Browser,
) -> None:
    browser.client_account("ana@example.pt")
    body = browser.get("/pt/form/contact").get_data(as_text=True)
    assert 'value="ana@example.pt"' in body and 'value="Ana Silva"' in body
    sent = browser.submit(
        "/pt/form/contact", {**CONTACT, "name": "Ana Silva", "email": "ana@example.pt"}
    )
    assert sent.status_code == 200
    with browser.portal.services.uow() as uow:
        (account,) = [a for a in uow.accounts.list(limit=10, offset=0) if not a.role.is_staff]
        (sub,) = uow.inbox.submissions_of_account(account.id)
    assert sub.name == "Ana Silva"


def test_the_inbox_is_for_staff_only(browser: Browser) -> None:
    assert browser.get("/pt/admin/inbox").status_code in (302, 303)
    browser.client_account("ana@example.pt")
    assert browser.get("/pt/admin/inbox").status_code in (403, 404)
    assert browser.get("/pt/admin/forms").status_code in (403, 404)


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_staff_sort_a_message_assign_it_and_write_a_note(browser: Browser, lang: str) -> None:
    browser.submit(f"/{lang}/form/contact", CONTACT)
    browser.staff_account("gestora@example.pt")
    listing = browser.get(f"/{lang}/admin/inbox")
    assert listing.status_code == 200
    body = listing.get_data(as_text=True)
    assert "Bruno Costa" in body
    (sub_id,) = re.findall(r'id="submission-(\w+)"', body)
    page = browser.get(f"/{lang}/admin/inbox/{sub_id}")
    assert page.status_code == 200 and "Orçamento para telhado" in page.get_data(as_text=True)
    with browser.portal.services.uow() as uow:
        (gestora,) = [a for a in uow.accounts.list(limit=10, offset=0) if a.role.is_staff]
    saved = browser.submit(
        f"/{lang}/admin/inbox/{sub_id}",
        {"status": "in_progress", "assignee": gestora.id, "note": "Ligar amanhã."},
    )
    assert saved.status_code == 303
    shown = browser.get(f"/{lang}/admin/inbox/{sub_id}").get_data(as_text=True)
    assert "Ligar amanhã." in shown
    done = browser.get(f"/{lang}/admin/inbox?status=in_progress&assignee={gestora.id}")
    assert sub_id in done.get_data(as_text=True)
    assert sub_id not in browser.get(f"/{lang}/admin/inbox?status=new").get_data(as_text=True)
    bad = browser.submit(f"/{lang}/admin/inbox/{sub_id}", {"status": "lost", "assignee": ""})
    assert bad.status_code == 400
    export = browser.get(f"/{lang}/admin/inbox/export.csv?status=in_progress")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert "bruno@example.pt" in export.get_data(as_text=True)
    dashboard = browser.get(f"/{lang}/admin/").get_data(as_text=True)
    assert 'id="inbox-new"' in dashboard


def test_the_inbox_list_costs_the_same_queries_for_one_or_many(browser: Browser) -> None:
    """The memory store has no queries to count: the list reads one page of rows per call
    (its size is checked by the page's rows)."""
    for n in range(30):
        submit(
            services=browser.portal.services,
            slug="contact",
            values={"subject": "Olá", "message": "Uma mensagem."},
            name=f"Pessoa {n}",
            email=f"p{n}@example.pt",
            phone="",
            contact_consent=True,
            language="en",
            account_id=None,
            ip=f"198.51.{n}.1",
        )
    browser.staff_account("gestora@example.pt")
    body = browser.get("/en/admin/inbox").get_data(as_text=True)
    assert body.count('id="submission-') == 25
    assert "Page 1 of 2" in body
    with browser.portal.services.uow() as uow:
        (gestora,) = [a for a in uow.accounts.list(limit=10, offset=0) if a.role.is_staff]
    second = list_submissions(services=browser.portal.services, actor=gestora, page=2)
    assert len(second.items) == 5


def test_an_admin_builds_a_form_and_publishes_it(browser: Browser) -> None:
    browser.staff_account("gestora@example.pt")
    assert browser.get("/pt/admin/forms").status_code == 200
    assert browser.get("/en/admin/forms/new").status_code == 200
    refused = browser.submit(
        "/en/admin/forms/new", {"slug": "Bad!", "title_pt": "", "title_en": ""}
    )
    assert refused.status_code == 400
    made = browser.submit(
        "/en/admin/forms/new",
        {
            "slug": "workshop",
            "title_pt": "Inscrição no workshop",
            "title_en": "Workshop sign-up",
            "intro_pt": "",
            "intro_en": "",
            "published": "y",
            "fields-0-name": "size",
            "fields-0-kind": "choice",
            "fields-0-required": "y",
            "fields-0-label_pt": "Quantas pessoas",
            "fields-0-label_en": "How many people",
            "fields-0-choices": "1\n2-5",
            "fields-1-name": "",
        },
    )
    assert made.status_code == 303
    public = browser.get("/en/form/workshop")
    assert public.status_code == 200 and "How many people" in public.get_data(as_text=True)
    body = browser.get("/en/admin/forms").get_data(as_text=True)
    (form_id,) = re.findall(r"/admin/forms/(\w+)/publish", body)[-1:]
    browser.submit(
        f"/en/admin/forms/{form_id}/publish", {"published": ""}, form_page="/en/admin/forms"
    )
    assert browser.get("/en/form/workshop").status_code == 404


def test_collaborators_read_the_inbox_but_do_not_build_forms(browser: Browser) -> None:
    browser.staff_account("rui@example.pt", role="staff")
    assert browser.get("/pt/admin/inbox").status_code == 200
    assert browser.get("/pt/admin/forms").status_code == 404


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.dictionaries(
        st.sampled_from(
            ["name", "email", "phone", "subject", "message", "preferred_time", "contact_consent"]
        ),
        st.text(max_size=300),
    )
)
def test_odd_input_on_the_public_form_never_gives_a_server_error(
    browser: Browser, data: dict[str, str]
) -> None:
    answer = browser.submit("/en/form/contact", data)
    assert answer.status_code in (200, 400, 429)
