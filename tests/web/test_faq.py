"""The FAQ: staff write, order and publish questions; everyone reads the published ones of
the page's language, by category, searchable, each under a stable anchor."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iclient_adapters.compose import Portal
from iclient_adapters.mail import MemoryTransport
from iclient_adapters.sql import SqlDatabase
from iclient_core.accounts.model import Role
from iclient_core.help.faq_use_cases import FaqInput, add_faq_entry, ensure_default_faq
from iclient_core.staff.members import create_staff
from iclient_web import create_app
from tests.web.conftest import PASSWORD, Browser
from tests.web.test_page_costs import database, on_sql, statements

__all__ = ["database", "on_sql"]  # fixtures used here, defined with the page costs

QUESTION = {
    "question": "Como recupero a palavra-passe?",
    "answer": "Abra **Esqueceu-se da palavra-passe?** e siga o e-mail.",
    "category": "Área reservada",
    "language": "pt",
    "published": "y",
}


def add(browser: Browser, lang: str = "pt", **fields: str) -> str:
    """Add a question through the staff form; returns the id of the new entry."""
    answer = browser.submit(f"/{lang}/admin/faq", {**QUESTION, **fields})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:2000]
    page = browser.get(f"/{lang}/admin/faq").get_data(as_text=True)
    ids = re.findall(r'id="faq-([^"]+)"', page)
    assert ids
    return ids[-1]


def text(answer: object) -> str:
    return answer.get_data(as_text=True)  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_admin_adds_a_question_that_everyone_reads(
    browser: Browser, other_browser: Browser, lang: str
) -> None:
    browser.staff_account()
    add(browser, lang, language=lang)
    page = other_browser.get(f"/{lang}/faq")  # a visitor, signed out
    assert page.status_code == 200
    body = text(page)
    assert "Como recupero a palavra-passe?" in body
    assert "<strong>Esqueceu-se da palavra-passe?</strong>" in body  # Markdown rendered
    assert "Área reservada" in body
    assert 'id="como-recupero-a-palavra-passe"' in body


def test_public_page_lists_only_published_entries_of_its_language(
    browser: Browser, other_browser: Browser
) -> None:
    browser.staff_account()
    add(browser, question="Pergunta publicada?")
    add(browser, question="Rascunho escondido?", published="")
    add(browser, question="English question?", language="en")
    portuguese = text(other_browser.get("/pt/faq"))
    assert "Pergunta publicada?" in portuguese
    assert "Rascunho escondido?" not in portuguese
    assert "English question?" not in portuguese
    english = text(other_browser.get("/en/faq"))
    assert "English question?" in english and "Pergunta publicada?" not in english


def test_search_ignores_accents_and_case(browser: Browser, other_browser: Browser) -> None:
    browser.staff_account()
    add(browser, question="Onde estão as faturas?", answer="Em **Os meus documentos**.")
    add(browser, question="Como peço um orçamento?", answer="Em Os meus orçamentos.")
    found = text(other_browser.get("/pt/faq?q=ORCAMENTO"))
    assert "Como peço um orçamento?" in found and "Onde estão as faturas?" not in found
    found = text(other_browser.get("/pt/faq?q=estao faturas"))
    assert "Onde estão as faturas?" in found and "orçamento?" not in found
    nothing = text(other_browser.get("/pt/faq?q=inexistente"))
    assert "inexistente" in nothing and "Onde estão" not in nothing


def test_anchor_stays_when_the_question_is_edited(browser: Browser) -> None:
    browser.staff_account()
    entry_id = add(browser)
    edited = browser.submit(
        f"/pt/admin/faq/{entry_id}",
        {**QUESTION, "question": "Perdi a palavra-passe: e agora?"},
    )
    assert edited.status_code == 303
    body = text(browser.get("/pt/faq"))
    assert "Perdi a palavra-passe: e agora?" in body
    assert 'id="como-recupero-a-palavra-passe"' in body
    add(browser)  # the same question again gets an anchor of its own
    assert 'id="como-recupero-a-palavra-passe-2"' in text(browser.get("/pt/faq"))


def test_unpublish_reorder_and_delete(browser: Browser, other_browser: Browser) -> None:
    browser.staff_account()
    first = add(browser, question="Primeira?")
    second = add(browser, question="Segunda?")
    page = text(other_browser.get("/pt/faq"))
    assert page.index("Primeira?") < page.index("Segunda?")
    moved = browser.submit(
        f"/pt/admin/faq/{second}/move", {"direction": "up"}, form_page="/pt/admin/faq"
    )
    assert moved.status_code == 303
    page = text(other_browser.get("/pt/faq"))
    assert page.index("Segunda?") < page.index("Primeira?")
    browser.submit(f"/pt/admin/faq/{first}", {**QUESTION, "question": "Primeira?", "published": ""})
    assert "Primeira?" not in text(other_browser.get("/pt/faq"))
    assert "Primeira?" in text(browser.get("/pt/admin/faq"))  # staff still see it
    deleted = browser.submit(f"/pt/admin/faq/{second}/delete", {}, form_page="/pt/admin/faq")
    assert deleted.status_code == 303
    assert "Segunda?" not in text(browser.get("/pt/admin/faq"))
    assert browser.get(f"/pt/admin/faq/{second}").status_code == 404


@pytest.mark.parametrize(
    ("lang", "fields", "message"),
    [
        ("pt", {"question": ""}, "Este campo é obrigatório."),
        ("en", {"question": ""}, "This field is required."),
        ("en", {"answer": "   "}, "This field is required."),
        ("en", {"question": "x" * 301}, "This is too long."),
        ("en", {"language": "fr"}, ""),
    ],
)
def test_a_bad_question_gets_the_form_back_with_a_400(
    browser: Browser, lang: str, fields: dict[str, str], message: str
) -> None:
    browser.staff_account()
    answer = browser.submit(f"/{lang}/admin/faq", {**QUESTION, **fields})
    assert answer.status_code == 400
    assert message in text(answer)
    assert 'class="error"' in text(answer)
    assert "Como recupero" not in text(browser.get(f"/{lang}/faq"))


def test_editing_with_bad_input_is_a_400_and_keeps_the_entry(browser: Browser) -> None:
    browser.staff_account()
    entry_id = add(browser)
    answer = browser.submit(f"/en/admin/faq/{entry_id}", {**QUESTION, "answer": ""})
    assert answer.status_code == 400 and "This field is required." in text(answer)
    assert "Como recupero a palavra-passe?" in text(browser.get("/pt/faq"))


def test_the_staff_form_needs_its_csrf_token(browser: Browser) -> None:
    browser.staff_account()
    answer = browser.client.post("/pt/admin/faq", data=QUESTION)
    assert answer.status_code == 400
    assert "Como recupero" not in text(browser.get("/pt/faq"))


@pytest.mark.parametrize("role", ["client", "staff"])
def test_only_admins_manage_the_faq(browser: Browser, role: str) -> None:
    if role == "client":
        browser.client_account()
        token_page = "/pt/account"
    else:
        browser.staff_account(role="staff")
        token_page = "/pt/admin/"
    assert browser.get("/pt/admin/faq").status_code == 404
    token = browser.csrf(token_page)
    answer = browser.client.post("/pt/admin/faq", data={**QUESTION, "csrf_token": token})
    assert answer.status_code == 404
    assert "Como recupero" not in text(browser.get("/pt/faq"))


def test_visitors_are_sent_to_sign_in_from_the_staff_pages(browser: Browser) -> None:
    answer = browser.get("/pt/admin/faq")
    assert answer.status_code == 303 and "/auth/sign-in" in answer.headers["Location"]


def test_staff_changes_are_in_the_audit_log(browser: Browser, portal: Portal) -> None:
    browser.staff_account()
    entry_id = add(browser)
    browser.submit(f"/pt/admin/faq/{entry_id}", {**QUESTION, "published": ""})
    browser.submit(f"/pt/admin/faq/{entry_id}/delete", {}, form_page="/pt/admin/faq")
    with portal.services.uow() as uow:
        actions = [e.action for e in uow.audit.list(target_id=entry_id)]
    assert actions == ["faq.created", "faq.unpublished", "faq.deleted"]
    log = text(browser.get("/pt/admin/audit/"))
    assert "apagou a pergunta" in log


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_a_new_portal_ships_a_starting_faq_that_staff_edit(
    browser: Browser, portal: Portal, lang: str
) -> None:
    assert ensure_default_faq(services=portal.services) is True
    body = text(browser.get(f"/{lang}/faq"))
    spam = {"pt": "Spam", "en": "Spam"}[lang]
    password = {"pt": "palavra-passe", "en": "password"}[lang]
    assert spam in body and password in body
    assert body.count('class="faq-entry"') == 6
    browser.staff_account()
    entries = text(browser.get("/pt/admin/faq"))
    assert entries.count('id="faq-') == 12


def test_the_starting_faq_is_written_once_even_after_staff_delete_it_all(
    browser: Browser, portal: Portal
) -> None:
    ensure_default_faq(services=portal.services)
    browser.staff_account()
    for entry_id in re.findall(r'id="faq-([^"]+)"', text(browser.get("/pt/admin/faq"))):
        browser.submit(f"/pt/admin/faq/{entry_id}/delete", {}, form_page="/pt/admin/faq")
    assert ensure_default_faq(services=portal.services) is False
    assert 'class="faq-entry"' not in text(browser.get("/pt/faq"))


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_the_faq_is_linked_from_the_landing_page_footer_and_client_menu(
    browser: Browser, lang: str
) -> None:
    landing = text(browser.get(f"/{lang}/"))
    assert landing.count(f'href="/{lang}/faq"') >= 2  # the landing page and the footer
    browser.client_account()
    home = text(browser.get(f"/{lang}/"))
    label = {"pt": "Ajuda", "en": "FAQ"}[lang]
    assert re.search(rf'href="/{lang}/faq"[^>]*>.*?<span>{label}</span>', home, re.S)


def test_a_signed_in_client_with_texts_pending_still_reads_the_faq(browser: Browser) -> None:
    browser.register()
    browser.activate()
    browser.sign_in(consent=False)
    assert browser.get("/pt/faq").status_code == 200


@pytest.fixture
def signed_in() -> dict[str, bool]:
    """Whether the running test signed its admin in (the examples share the fixtures)."""
    return {}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    question=st.text(max_size=400),
    answer=st.text(max_size=300),
    category=st.text(max_size=120),
    language=st.sampled_from(["pt", "en", "", "xx", "pt\x00"]),
    published=st.sampled_from(["", "y", "on", "nonsense"]),
)
def test_odd_input_never_breaks_the_faq_form(
    browser: Browser,
    signed_in: dict[str, bool],
    question: str,
    answer: str,
    category: str,
    language: str,
    published: str,
) -> None:
    if not signed_in:
        browser.staff_account()
        signed_in["admin"] = True
    response = browser.submit(
        "/pt/admin/faq",
        {
            "question": question,
            "answer": answer,
            "category": category,
            "language": language,
            "published": published,
        },
        form_page="/pt/admin/faq",
    )
    assert response.status_code in (303, 400), response.get_data(as_text=True)[:2000]
    if response.status_code == 400:
        assert 'name="question"' in response.get_data(as_text=True)
    assert browser.get("/pt/faq").status_code == 200
    assert browser.get("/en/faq", query_string={"q": question[:50]}).status_code == 200


def test_the_faq_page_costs_the_same_few_statements_however_many_questions(
    on_sql: Portal, database: SqlDatabase, transport: MemoryTransport
) -> None:
    app = create_app({"TESTING": True}, portal=on_sql)
    admin = create_staff(
        services=on_sql.services, email="gestora@example.pt", role=Role.ADMIN, password=PASSWORD
    )
    visitor = Browser(app.test_client(), on_sql, transport)
    costs = {}
    written = 0
    for total in (6, 60):
        for n in range(written, total):
            add_faq_entry(
                services=on_sql.services,
                actor=admin,
                given=FaqInput(
                    question=f"Pergunta {n}?",
                    answer="Resposta com **negrito**.",
                    category=f"Categoria {n % 4}",
                    language="pt",
                    published=True,
                ),
            )
        written = total
        costs[total] = len(statements(database, visitor, "/pt/faq?q=pergunta"))
    assert costs[6] == costs[60] <= 2, costs
