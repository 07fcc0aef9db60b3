"""Support requests through the portal, both sides, in Portuguese and English: a client opens
a request with a photo, staff answer with an internal note and a reply, the client sees the
reply (the live poll answers 304 until something changes) and closes it. Nobody but the
requester and staff reaches a request or its files (the same 404 for all), and internal
notes never reach a client's page, the poll or an e-mail."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from flask import Flask

from iclient_adapters.compose import Portal
from iclient_adapters.mail import MemoryTransport
from iclient_adapters.sql import SqlDatabase
from iclient_core.consent.use_cases import ensure_defaults
from iclient_core.support.ports import ConversationFilter
from iclient_web import create_app
from tests.web.conftest import Browser, stored_account
from tests.web.test_documents import post_multipart

PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(
    hashlib.sha256(b"foto").digest() * 64
)
NOTE = "Nota interna: o cliente deve dois meses, não mencionar."
CLIENT, OTHER, STAFF = "ana@example.pt", "bea@example.pt", "gestora@example.pt"
TEXTS = {
    "pt": {"new": "Novo pedido de suporte", "solved": "Está resolvido", "list": "Suporte"},
    "en": {"new": "New support request", "solved": "This is solved", "list": "Support"},
}


@pytest.fixture
def portal(portal: Portal) -> Portal:
    """The portal, with the business's staff address set (where staff get told)."""
    settings = attrs.evolve(portal.services.settings, contact_email="geral@oficina.pt")
    return attrs.evolve(portal, services=attrs.evolve(portal.services, settings=settings))


@pytest.fixture
def staff_browser(app: Flask, portal: Portal, transport: MemoryTransport) -> Browser:
    """A member of staff's browser."""
    return Browser(app.test_client(), portal, transport)


def open_request(
    browser: Browser,
    *,
    lang: str = "pt",
    files: list[tuple[bytes, str]] | None = None,
    **fields: Any,
) -> Any:
    data: dict[str, Any] = {
        "subject": "A impressora não imprime",
        "category": "technical",
        "message": "Desde ontem que não imprime.\nJá reiniciei.",
        "csrf_token": browser.csrf(f"/{lang}/support/new"),
        **fields,
    }
    if files:
        data["file"] = [(io.BytesIO(content), name) for content, name in files]
    return post_multipart(browser, f"/{lang}/support/new", data)


def request_id(answer: Any) -> str:
    assert answer.status_code == 303, answer.get_data(as_text=True)[:2000]
    return str(answer.headers["Location"].rsplit("/", 1)[1])


def text_of(mail: EmailMessage, kind: str = "plain") -> str:
    part = mail.get_body((kind,))
    assert part is not None
    return str(part.get_content())


def file_links(body: str) -> list[str]:
    return re.findall(r'href="([^"]*/files/[^"]+)"', body)


def setup(browser: Browser, staff_browser: Browser, lang: str = "pt") -> str:
    browser.client_account(CLIENT)
    staff_browser.staff_account(STAFF)
    return request_id(open_request(browser, lang=lang, files=[(PHOTO, "foto do ecrã.jpg")]))


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_a_client_opens_a_request_with_a_photo_staff_answer_and_the_client_closes_it(
    browser: Browser, staff_browser: Browser, lang: str
) -> None:
    words = TEXTS[lang]
    browser.client_account(CLIENT)
    staff_browser.staff_account(STAFF)
    listing = browser.get(f"/{lang}/support")
    assert listing.status_code == 200 and words["list"] in listing.get_data(as_text=True)
    form = browser.get(f"/{lang}/support/new").get_data(as_text=True)
    assert words["new"] in form
    for name in ("subject", "category", "message", "file"):
        assert f'name="{name}"' in form
    conversation_id = request_id(
        open_request(browser, lang=lang, files=[(PHOTO, "foto.jpg"), (PHOTO, "outra.jpg")])
    )
    told = browser.last_mail_to("geral@oficina.pt")
    assert "A impressora não imprime" in str(told["Subject"])
    assert f"/admin/support/{conversation_id}" in text_of(told)

    # Staff: the inbox, the thread with the photo, a note and a reply.
    inbox = staff_browser.get(f"/{lang}/admin/support?status=open")
    assert conversation_id in inbox.get_data(as_text=True)
    page = staff_browser.get(f"/{lang}/admin/support/{conversation_id}").get_data(as_text=True)
    links = file_links(page)
    assert len(links) == 2
    photo = staff_browser.get(links[0])
    assert photo.status_code == 200 and photo.data == PHOTO
    assert photo.headers["Content-Disposition"].startswith("attachment")
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    url = f"/{lang}/admin/support/{conversation_id}"
    assert staff_browser.submit(f"{url}/note", {"note": NOTE}, form_page=url).status_code == 303
    answer = staff_browser.submit(
        f"{url}/reply", {"message": "Experimente desligar e voltar a ligar."}, form_page=url
    )
    assert answer.status_code == 303
    staff_page = staff_browser.get(url).get_data(as_text=True)
    assert NOTE in staff_page and "Experimente desligar" in staff_page

    # The client: the list marks the reply unread, the thread shows it (never the note).
    assert "unread" in browser.get(f"/{lang}/support").get_data(as_text=True)
    thread = browser.get(f"/{lang}/support/{conversation_id}").get_data(as_text=True)
    assert "Experimente desligar" in thread and NOTE not in thread
    assert 'class="unread"' not in browser.get(f"/{lang}/support").get_data(as_text=True)
    mail = browser.last_mail_to(CLIENT)
    body = text_of(mail)
    assert "Experimente desligar" in body and NOTE not in body
    assert f"/pt/support/{conversation_id}" in body  # in the client's own language
    assert not any(part.get_filename() for part in mail.walk())  # no attachments

    # Solved: closed; a reply within the period reopens it.
    show = f"/{lang}/support/{conversation_id}"
    assert words["solved"] in thread
    closed = browser.submit(f"{show}/close", {}, form_page=show)
    assert closed.status_code == 303
    with browser.portal.services.uow() as uow:
        found = uow.support.get(conversation_id)
        assert found is not None and found.status.value == "closed"
    again = browser.submit(f"{show}/reply", {"message": "Voltou a falhar."}, form_page=show)
    assert again.status_code == 303
    with browser.portal.services.uow() as uow:
        found = uow.support.get(conversation_id)
        assert found is not None and found.status.value == "waiting_on_staff"


def test_the_poll_answers_304_until_a_staff_reply_arrives_and_never_carries_notes(
    browser: Browser, staff_browser: Browser
) -> None:
    conversation_id = setup(browser, staff_browser)
    poll = f"/pt/support/{conversation_id}/poll"
    first = browser.get(poll)
    assert first.status_code == 200
    tag = first.headers["ETag"]
    assert browser.get(poll, headers={"If-None-Match": tag}).status_code == 304
    url = f"/pt/admin/support/{conversation_id}"
    staff_browser.submit(f"{url}/note", {"note": NOTE}, form_page=url)
    # A note changes staff's thread, not the client's: still 304, no note.
    unchanged = browser.get(poll, headers={"If-None-Match": tag})
    assert unchanged.status_code == 304 and NOTE.encode() not in unchanged.data
    staff_browser.submit(f"{url}/reply", {"message": "Já está."}, form_page=url)
    news = browser.get(poll, headers={"If-None-Match": tag})
    assert news.status_code == 200 and news.headers["ETag"] != tag
    text = news.get_data(as_text=True)
    assert "Já está." in text and NOTE not in text
    staff_poll = staff_browser.get(f"{url}/poll").get_data(as_text=True)
    assert NOTE in staff_poll


def test_nobody_but_the_requester_and_staff_reaches_a_request_or_its_files(
    app: Flask, browser: Browser, staff_browser: Browser, portal: Portal, transport: MemoryTransport
) -> None:
    conversation_id = setup(browser, staff_browser)
    page = browser.get(f"/pt/support/{conversation_id}").get_data(as_text=True)
    (link,) = file_links(page)
    assert browser.get(link).status_code == 200
    other = Browser(app.test_client(), portal, transport)
    other.client_account(OTHER)
    theirs = request_id(open_request(other, files=[(PHOTO, "deles.jpg")]))
    their_link = file_links(other.get(f"/pt/support/{theirs}").get_data(as_text=True))[0]
    message_id = link.split("/files/")[1].split("/")[0]
    for path in (
        f"/pt/support/{conversation_id}",
        f"/pt/support/{conversation_id}/poll",
        link,
        f"/pt/support/{conversation_id}/files/{message_id}/1",
    ):
        assert other.get(path).status_code == 404, path
    # A guessed id, and a file of another request through one's own request.
    assert browser.get("/pt/support/0190b5c2f3a47c1e8d2f4a6b8c0d1e2f").status_code == 404
    mixed = their_link.replace(theirs, conversation_id)
    assert browser.get(mixed).status_code == 404
    # Posting into another's request changes nothing.
    reply = other.submit(
        f"/pt/support/{conversation_id}/reply",
        {"message": "intruso"},
        form_page=f"/pt/support/{theirs}",
    )
    assert reply.status_code == 404
    # A visitor is sent to sign in; a client never reaches staff's pages.
    visitor = Browser(app.test_client(), portal, transport)
    assert visitor.get(f"/pt/support/{conversation_id}").status_code == 303
    assert visitor.get(link).status_code == 303
    assert browser.get(f"/pt/admin/support/{conversation_id}").status_code == 404
    assert browser.get("/pt/admin/support").status_code == 404


def test_internal_notes_never_reach_the_client_in_any_form(
    browser: Browser, staff_browser: Browser
) -> None:
    conversation_id = setup(browser, staff_browser)
    url = f"/pt/admin/support/{conversation_id}"
    staff_browser.submit(f"{url}/note", {"note": NOTE}, form_page=url)
    staff_browser.submit(f"{url}/reply", {"message": "Resposta visível."}, form_page=url)
    for path in (
        "/pt/support",
        f"/pt/support/{conversation_id}",
        f"/pt/support/{conversation_id}/poll",
        "/en/support",
        f"/en/support/{conversation_id}",
        "/pt/account/data-export",
    ):
        answer = browser.get(path)
        assert answer.status_code in (200, 304), path
        assert NOTE not in answer.get_data(as_text=True), path
    export = browser.get("/pt/account/data-export").get_data(as_text=True)
    assert "Resposta visível." in export  # the export has the thread, and no note
    for mail in browser.mail():
        if CLIENT in str(mail["To"]):
            assert NOTE not in text_of(mail)
            assert NOTE not in text_of(mail, "html")


def test_refused_files_and_empty_messages_get_the_form_again(
    browser: Browser, staff_browser: Browser
) -> None:
    browser.client_account(CLIENT)
    html = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    refused = open_request(browser, files=[(html, "foto.jpg")])
    assert refused.status_code == 400
    empty = open_request(browser, message="", subject="")
    assert empty.status_code == 400
    too_many = open_request(browser, files=[(PHOTO, f"{n}.jpg") for n in range(6)])
    assert too_many.status_code == 400
    with browser.portal.services.uow() as uow:
        assert uow.support.count(ConversationFilter()) == 0


def test_staff_filter_assign_use_canned_answers_and_see_the_dashboard_count(
    browser: Browser, staff_browser: Browser
) -> None:
    conversation_id = setup(browser, staff_browser)
    dashboard = staff_browser.get("/pt/admin/").get_data(as_text=True)
    assert 'id="support-waiting"' in dashboard
    canned = staff_browser.submit(
        "/pt/admin/support/canned", {"title": "Reiniciar", "text": "Reinicie o router, por favor."}
    )
    assert canned.status_code == 303
    with staff_browser.portal.services.uow() as uow:
        (answer,) = uow.support.canned()
    page = staff_browser.get(f"/pt/admin/support/{conversation_id}?canned={answer.id}")
    assert "Reinicie o router, por favor.</textarea>" in page.get_data(as_text=True)
    staff = stored_account(staff_browser.portal, STAFF)
    assert staff is not None
    url = f"/pt/admin/support/{conversation_id}"
    saved = staff_browser.submit(
        f"{url}/update", {"status": "waiting_on_client", "assignee": staff.id}, form_page=url
    )
    assert saved.status_code == 303
    mine = staff_browser.get(f"/pt/admin/support?assignee={staff.id}").get_data(as_text=True)
    assert conversation_id in mine
    open_only = staff_browser.get("/pt/admin/support?status=open").get_data(as_text=True)
    assert conversation_id not in open_only
    waiting = staff_browser.get("/en/admin/support?unanswered=1").get_data(as_text=True)
    assert conversation_id not in waiting
    # The client's page in the staff area links to the request.
    client = stored_account(browser.portal, CLIENT)
    assert client is not None
    client_page = staff_browser.get(f"/pt/admin/clients/{client.id}").get_data(as_text=True)
    section, timeline = client_page.split('id="support"', 1)[1].split('id="timeline"', 1)
    assert f"/pt/admin/support/{conversation_id}" in section
    assert f"/pt/admin/support/{conversation_id}" in timeline  # "… opened the request …"
    removed = staff_browser.submit(
        f"/pt/admin/support/canned/{answer.id}/delete", {}, form_page="/pt/admin/support/canned"
    )
    assert removed.status_code == 303


def test_a_file_over_the_upload_limit_answers_413_and_keeps_nothing(
    browser: Browser, portal: Portal
) -> None:
    from iclient_core.shared.business import BusinessSettings

    with portal.services.uow() as uow:
        uow.settings.save(BusinessSettings(upload_limit_mb=1))
        uow.settings.bump_revision()
        uow.commit()
    browser.client_account(CLIENT)
    answer = open_request(browser, files=[(PHOTO + bytes(1024 * 1024), "grande.jpg")])
    assert answer.status_code == 413
    assert 'name="file"' in answer.get_data(as_text=True)
    client = stored_account(portal, CLIENT)
    assert client is not None
    assert list(portal.services.storage.keys(f"support/{client.id}/")) == []
    with portal.services.uow() as uow:
        assert uow.support.count(ConversationFilter()) == 0


def test_a_client_who_has_not_accepted_the_texts_is_sent_to_the_consent_page(
    browser: Browser,
) -> None:
    browser.register(CLIENT)
    browser.activate(CLIENT)
    browser.sign_in(CLIENT, consent=False)
    for path in ("/pt/support", "/pt/support/new", "/en/support"):
        answer = browser.get(path)
        assert answer.status_code == 303 and "/consent" in answer.headers["Location"], path


@pytest.fixture
def database(tmp_path: Path) -> Iterator[SqlDatabase]:
    """A migrated SQLite database of the test's own."""
    found = SqlDatabase.from_url(f"sqlite:///{tmp_path / 'support.db'}")
    found.upgrade()
    yield found
    found.dispose()


def test_a_poll_that_finds_nothing_new_costs_few_statements_and_no_rendering(
    portal: Portal, database: SqlDatabase, transport: MemoryTransport
) -> None:
    services = attrs.evolve(portal.services, uow=database.unit_of_work)
    ensure_defaults(services=services)
    on_sql = Portal(config=portal.config, services=services)
    app = create_app({"TESTING": True}, portal=on_sql)
    browser = Browser(app.test_client(), on_sql, transport)
    browser.client_account(CLIENT)
    conversation_id = request_id(open_request(browser))
    poll = f"/pt/support/{conversation_id}/poll"
    tag = browser.client.get(poll).headers["ETag"]
    sent: list[str] = []

    def note(*args: Any) -> None:
        sent.append(str(args[2]))

    sa.event.listen(database.engine, "before_cursor_execute", note)
    try:
        answer = browser.client.get(poll, headers={"If-None-Match": tag})
    finally:
        sa.event.remove(database.engine, "before_cursor_execute", note)
    assert answer.status_code == 304 and answer.data == b""
    # The session (with its account), then the request and its latest message: nothing else.
    assert len(sent) == 3, sent
    assert not any("support_messages.text" in s for s in sent)
