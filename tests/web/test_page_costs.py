"""What a signed-in page costs the database: a fixed, small number of statements whatever
the client holds, and none for the session's consent gate or the business settings once they
are known (they are read again only when the portal's revision moves)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from flask import Flask

from iclient_adapters.compose import Portal
from iclient_adapters.mail import MemoryTransport
from iclient_adapters.sql import SqlDatabase
from iclient_core.accounts.model import Role, email_key
from iclient_core.consent.use_cases import ensure_defaults
from iclient_core.documents.publishing import upload_document
from iclient_core.help.pages import save_page_help
from iclient_core.inbox.forms import ensure_default_forms
from iclient_core.inbox.submissions import submit
from iclient_core.quotes.requests import request_quote
from iclient_core.shared.intake import Upload
from iclient_core.staff.members import create_staff
from iclient_core.staff.settings import save_settings
from iclient_core.support.conversations import open_request, reply_as_client, staff_reply
from iclient_web import create_app
from tests.web.conftest import PASSWORD, Browser

PDF = b"%PDF-1.7\n" + b"0" * 2000 + b"\n%%EOF\n"
PAGES = ("/pt/documents", "/pt/quotes", "/pt/")


@pytest.fixture
def database(tmp_path: Path) -> Iterator[SqlDatabase]:
    """A migrated SQLite database of the test's own."""
    found = SqlDatabase.from_url(f"sqlite:///{tmp_path / 'costs.db'}")
    found.upgrade()
    yield found
    found.dispose()


@pytest.fixture
def on_sql(portal: Portal, database: SqlDatabase) -> Portal:
    """The test portal, persisting to SQLite."""
    services = attrs.evolve(portal.services, uow=database.unit_of_work)
    ensure_defaults(services=services)
    return Portal(config=portal.config, services=services)


@attrs.define
class Sent:
    """What one GET sent the database: its statements, and how many times it took a
    connection from the pool (once per unit of work)."""

    statements: list[str] = attrs.Factory(list)
    checkouts: int = 0


def sent_by(database: SqlDatabase, browser: Browser, path: str, *, warmed: bool = False) -> Sent:
    """What one GET of ``path`` sends (after a first visit warmed the caches, this one
    unless ``warmed``)."""
    if not warmed:
        assert browser.client.get(path).status_code == 200
    sent = Sent()

    def note(*args: Any) -> None:
        sent.statements.append(str(args[2]))

    def checked_out(*args: Any) -> None:
        sent.checkouts += 1

    sa.event.listen(database.engine, "before_cursor_execute", note)
    sa.event.listen(database.engine, "checkout", checked_out)
    try:
        assert browser.client.get(path).status_code == 200
    finally:
        sa.event.remove(database.engine, "before_cursor_execute", note)
        sa.event.remove(database.engine, "checkout", checked_out)
    return sent


def statements(
    database: SqlDatabase, browser: Browser, path: str, *, warmed: bool = False
) -> list[str]:
    """The SQL statements one GET of ``path`` sends (see :func:`sent_by`)."""
    return sent_by(database, browser, path, warmed=warmed).statements


@attrs.frozen
class People:
    """The portal on SQLite with its public forms, and at two browsers a client who accepted
    the texts (Ana) and a manager."""

    app: Flask
    client: Browser
    staff: Browser


@pytest.fixture
def people(on_sql: Portal, transport: MemoryTransport) -> People:
    """Ana and a manager, each signed in at a browser of their own."""
    app = create_app({"TESTING": True}, portal=on_sql)
    ensure_default_forms(services=on_sql.services)
    client = Browser(app.test_client(), on_sql, transport)
    client.client_account("ana@example.pt")
    staff = Browser(app.test_client(), on_sql, transport)
    staff.staff_account()
    return People(app=app, client=client, staff=staff)


def give_documents(on_sql: Portal, owner_email: str, count: int) -> None:
    """Staff put ``count`` documents and a few quote requests in the client's area."""
    services = on_sql.services
    with services.uow() as uow:
        owner = uow.accounts.get_by_email_key(email_key(owner_email))
        admin = uow.accounts.get_by_email_key(email_key("gestora@example.pt"))
    assert owner is not None and admin is not None
    for n in range(count):
        upload_document(
            services=services,
            actor=admin,
            client_id=owner.id,
            file=Upload(filename=f"fatura-{n}.pdf", stream=iter([PDF])),
            title=f"Fatura {n}",
            category="invoice",
            amount="12,50",
            notify=False,
        )
    for n in range(3):
        request_quote(
            services=services,
            account_id=owner.id,
            subject=f"Pedido {n}",
            details="Pintura.",
            desired_date=None,
            ip="203.0.113.7",
        )


def test_a_signed_in_page_costs_at_most_three_statements_whatever_the_client_holds(
    on_sql: Portal, database: SqlDatabase, transport: MemoryTransport
) -> None:
    app = create_app({"TESTING": True}, portal=on_sql)
    create_staff(
        services=on_sql.services, email="gestora@example.pt", role=Role.ADMIN, password=PASSWORD
    )
    browser = Browser(app.test_client(), on_sql, transport)
    browser.client_account("ana@example.pt")
    costs: dict[int, dict[str, int]] = {}
    held = 0
    for total in (5, 40):
        give_documents(on_sql, "ana@example.pt", total - held)
        held = total
        costs[total] = {path: len(statements(database, browser, path)) for path in PAGES}
    assert costs[5] == costs[40]
    assert all(count <= 3 for count in costs[40].values()), costs
    # The documents list: the session (with its account and the revision), then the page
    # with the client's years; the quotes list: the session, then the page (the client is
    # the session's account, not read again).
    assert costs[40]["/pt/documents"] == 2, costs
    assert costs[40]["/pt/quotes"] == 2, costs


def test_the_gate_and_the_settings_are_read_again_when_the_revision_moves(
    on_sql: Portal, database: SqlDatabase, transport: MemoryTransport
) -> None:
    app = create_app({"TESTING": True}, portal=on_sql)
    admin = create_staff(
        services=on_sql.services, email="gestora@example.pt", role=Role.ADMIN, password=PASSWORD
    )
    browser = Browser(app.test_client(), on_sql, transport)
    browser.client_account("ana@example.pt")
    before = statements(database, browser, "/pt/documents")
    assert not any("consent" in s or "FROM settings" in s for s in before)
    save_settings(
        services=on_sql.services,
        actor=admin,
        business_name="Oficina Nova",
        contact_email="",
        contact_phone="",
        default_language="",
        vat_rates="23",
        upload_limit_mb="100",
    )
    page = browser.client.get("/pt/documents")
    assert "Oficina Nova" in page.get_data(as_text=True)
    after = statements(database, browser, "/pt/documents")
    assert len(after) == len(before)


def test_the_page_help_is_read_once_per_revision_and_an_admins_text_reaches_every_page(
    on_sql: Portal, database: SqlDatabase, transport: MemoryTransport
) -> None:
    app = create_app({"TESTING": True}, portal=on_sql)
    admin = create_staff(
        services=on_sql.services, email="gestora@example.pt", role=Role.ADMIN, password=PASSWORD
    )
    browser = Browser(app.test_client(), on_sql, transport)
    browser.client_account("ana@example.pt")
    before = statements(database, browser, "/pt/documents")
    assert not any("page_help" in s for s in before)
    save_page_help(
        services=on_sql.services,
        actor=admin,
        page="documents.index",
        language="pt",
        text="Texto escrito pela gestora.",
    )
    sent: list[str] = []

    def note(*args: Any) -> None:
        sent.append(str(args[2]))

    sa.event.listen(database.engine, "before_cursor_execute", note)
    try:
        page = browser.client.get("/pt/documents").get_data(as_text=True)
    finally:
        sa.event.remove(database.engine, "before_cursor_execute", note)
    assert "Texto escrito pela gestora." in page
    assert sum("page_help" in s for s in sent) == 1
    after = statements(database, browser, "/pt/documents")
    assert len(after) == len(before)
    assert not any("page_help" in s for s in after)


def test_the_staff_dashboard_reads_every_count_in_one_unit_of_work(
    on_sql: Portal, database: SqlDatabase, people: People
) -> None:
    """Each area's count (quotes, documents, the inbox, bookings, support) is read beside
    the clients' in one unit of work, the staff member's account read once, whatever there
    is to count."""
    costs, checkouts = [], []
    for total in (2, 12):
        give_documents(on_sql, "ana@example.pt", 2 if total == 2 else 10)
        sent = sent_by(database, people.staff, "/pt/admin/")
        costs.append(len(sent.statements))
        checkouts.append(sent.checkouts)
    assert costs[0] == costs[1], costs
    # The session, the staff member as stored now, the clients' two counts, two for the
    # quotes, two for the documents, one for the inbox, two for bookings (the business's
    # time zone and the day), two for support (open, and waiting on staff).
    assert costs[1] == 13, costs
    # Per GET: one connection for the session, one for the whole dashboard.
    assert checkouts == [2, 2], checkouts
    page = people.staff.get("/pt/admin/").get_data(as_text=True)
    assert re.search(r'id="quote-requests-waiting">\s*<a class="count"[^>]*>6<', page), page


def test_the_list_of_pages_with_help_costs_the_same_whatever_admins_wrote(
    on_sql: Portal, database: SqlDatabase, transport: MemoryTransport
) -> None:
    app = create_app({"TESTING": True}, portal=on_sql)
    staff = Browser(app.test_client(), on_sql, transport)
    staff.staff_account()
    with on_sql.services.uow() as uow:
        admin = uow.accounts.get_by_email_key(email_key("gestora@example.pt"))
    assert admin is not None
    costs = []
    for pages in (("documents.index",), ("quotes.client.index", "home.dashboard", "faq.index")):
        for page in pages:
            save_page_help(
                services=on_sql.services, actor=admin, page=page, language="pt", text="Ajuda."
            )
        costs.append(len(statements(database, staff, "/pt/admin/help/")))
    # The session, the admin as stored now, every text written: one statement each, not one
    # per page and language.
    assert costs == [3, 3], costs
    assert staff.get("/pt/admin/help/").get_data(as_text=True).count("O seu texto") == 4


def _more_of_everything(on_sql: Portal, owner_email: str, count: int, round_: int) -> None:
    """``count`` more documents and a few quote requests for the client, and ``count``
    support requests of theirs and messages from the public contact form."""
    give_documents(on_sql, owner_email, count)
    services = on_sql.services
    with services.uow() as uow:
        owner = uow.accounts.get_by_email_key(email_key(owner_email))
    assert owner is not None
    for n in range(count):
        open_request(
            services=services,
            account_id=owner.id,
            subject=f"Pedido de ajuda {round_}.{n}",
            category="technical",
            message="Não imprime.",
            ip=f"203.0.113.{round_}",
        )
        submit(
            services=services,
            slug="contact",
            values={"subject": "Preços", "message": "Queria saber preços.", "preferred_time": ""},
            name="Bruno Costa",
            email=f"bruno{round_}.{n}@example.pt",
            phone="",
            contact_consent=True,
            language="pt",
            account_id=None,
            ip=f"198.51.100.{round_ * 10 + n}",
        )


def test_no_page_costs_more_statements_for_more_data(
    on_sql: Portal, database: SqlDatabase, people: People
) -> None:
    """Every page a client or a manager opens without an id in its address, walked on the URL
    map, sends the same statements with one of everything as with five (no statement per row),
    and no page sends more than the staff dashboard."""
    paths = sorted(
        rule.rule.replace("<lang>", "pt")
        for rule in people.app.url_map.iter_rules()
        if "GET" in (rule.methods or ())
        and rule.arguments == {"lang"}
        and not rule.rule.startswith(("/<lang>/api", "/<lang>/auth"))
    )
    costs: list[dict[str, int]] = []
    for round_, count in ((1, 1), (2, 4)):
        _more_of_everything(on_sql, "ana@example.pt", count, round_)
        found: dict[str, int] = {}
        for browser, who in ((people.client, "client"), (people.staff, "manager")):
            for path in paths:
                if browser.client.get(path).status_code != 200:
                    continue  # not this person's page (or a form that needs what is not there)
                found[f"{who} {path}"] = len(statements(database, browser, path, warmed=True))
        costs.append(found)
    assert len(costs[0]) > 40, sorted(costs[0])
    assert {"client /pt/documents", "manager /pt/admin/", "manager /pt/admin/help/"} <= set(
        costs[0]
    )
    grew = {page: (costs[0][page], costs[1].get(page)) for page in costs[0]}
    assert {p: c for p, c in grew.items() if c[0] != c[1]} == {}
    # The personal data export is a file of every section of a person's data (their
    # documents' downloads, quotes and support messages batched): more statements than a page,
    # as many for one of everything as for five. Of the pages, the staff dashboard sends the
    # most: it counts for every area (see above).
    exports = {p: costs[1].pop(p) for p in list(costs[1]) if p.endswith("/data-export")}
    assert exports and max(exports.values()) <= 25, exports
    assert max(costs[1].values()) == costs[1]["manager /pt/admin/"] == 13, costs[1]
    # The account page: the session, the consent texts and the person's records (once for
    # both where they stand and their history), the kinds, and the settings (the business's
    # name in example texts).
    assert costs[1]["client /pt/account"] == 5, costs[1]


def test_the_staff_page_of_a_client_reads_every_section_in_one_unit_of_work(
    on_sql: Portal, database: SqlDatabase, people: People
) -> None:
    """The client's profile, timeline and the other areas' sections (their latest
    documents, quotes, bookings and support requests) in one unit of work, the staff
    member read once, the same statements with one of everything as with five."""
    with on_sql.services.uow() as uow:
        ana = uow.accounts.get_by_email_key(email_key("ana@example.pt"))
    assert ana is not None
    page = f"/pt/admin/clients/{ana.id}"
    costs, checkouts = [], []
    for round_, count in ((1, 1), (2, 4)):
        _more_of_everything(on_sql, "ana@example.pt", count, round_)
        sent = sent_by(database, people.staff, page)
        costs.append(len(sent.statements))
        checkouts.append(sent.checkouts)
    assert costs[0] == costs[1], costs
    # The session; the staff member, the client, the timeline (its count, its page and the
    # people it names), the open sessions, whether staff invited them, their notification
    # choices, their second step; the latest documents, the latest quotes, their bookings
    # (with the rules and the services) and their support requests.
    assert costs[1] == 16, costs
    # Per GET: one connection for the session, one for the whole page.
    assert checkouts == [2, 2], checkouts
    shown = people.staff.get(page).get_data(as_text=True)
    assert "Fatura 3" in shown and "Pedido de ajuda 2.3" in shown


def _first_ids(database: SqlDatabase) -> dict[str, str]:
    """The oldest document, quote, support request, form message and consent version."""
    found: dict[str, str] = {}
    with database.engine.connect() as connection:
        for name, table in (
            ("document_id", "documents"),
            ("quote_id", "quotes"),
            ("conversation_id", "support_conversations"),
            ("submission_id", "inbox_submissions"),
        ):
            found[name] = connection.execute(
                sa.text(f"SELECT id FROM {table} ORDER BY created_at, id LIMIT 1")
            ).scalar_one()
        found["version_id"] = connection.execute(
            sa.text("SELECT id FROM consent_versions ORDER BY id LIMIT 1")
        ).scalar_one()
    return found


def test_no_page_of_one_thing_costs_more_statements_for_more_data(
    on_sql: Portal, database: SqlDatabase, people: People
) -> None:
    """Every page of one thing (a client, a document, a quote, a support request, a form
    message…), walked on the URL map with the ids of the first of each, sends the same
    statements when the portal holds one of everything as with five, and when the support
    request holds more messages; no page of one thing sends more than the staff page of a
    client."""
    with on_sql.services.uow() as uow:
        ana = uow.accounts.get_by_email_key(email_key("ana@example.pt"))
        admin = uow.accounts.get_by_email_key(email_key("gestora@example.pt"))
    assert ana is not None and admin is not None
    rules = [
        rule
        for rule in people.app.url_map.iter_rules()
        if "GET" in (rule.methods or ())
        and rule.rule.startswith("/<lang>/")
        and "lang" in rule.arguments
        and len(rule.arguments) > 1
        and "/api/" not in rule.rule
    ]
    ids: dict[str, str] = {}
    costs: list[dict[str, int]] = []
    for round_, count in ((1, 1), (2, 4)):
        _more_of_everything(on_sql, "ana@example.pt", count, round_)
        ids = ids or {
            **_first_ids(database),
            "client_id": ana.id,
            "staff_id": admin.id,
            "page": "documents.index",
            "language": "pt",
            "slug": "contact",
        }
        for n in range(count):
            reply_as_client(
                services=on_sql.services,
                account_id=ana.id,
                conversation_id=ids["conversation_id"],
                message=f"Ainda não imprime ({round_}.{n}).",
                ip="203.0.113.9",
            )
            staff_reply(
                services=on_sql.services,
                actor=admin,
                conversation_id=ids["conversation_id"],
                message=f"Vamos ver ({round_}.{n}).",
                ip="203.0.113.10",
            )
        found: dict[str, int] = {}
        for rule in rules:
            if not rule.arguments - {"lang"} <= set(ids):
                continue  # a token, a file of a message, a booking…: nothing of the kind here
            path = rule.rule.replace("<lang>", "pt")
            for name in rule.arguments - {"lang"}:
                path = path.replace(f"<{name}>", ids[name])
            for browser, who in ((people.client, "client"), (people.staff, "manager")):
                if browser.client.get(path).status_code == 200:
                    found[f"{who} {rule.rule}"] = len(
                        statements(database, browser, path, warmed=True)
                    )
        costs.append(found)
    assert {
        "client /<lang>/quotes/<quote_id>",
        "client /<lang>/support/<conversation_id>",
        "manager /<lang>/admin/clients/<client_id>",
        "manager /<lang>/admin/support/<conversation_id>",
        "manager /<lang>/admin/inbox/<submission_id>",
    } <= set(costs[0]), sorted(costs[0])
    grew = {page: (costs[0][page], costs[1].get(page)) for page in costs[0]}
    assert {p: c for p, c in grew.items() if c[0] != c[1]} == {}
    heaviest = costs[1]["manager /<lang>/admin/clients/<client_id>"]
    assert {p: c for p, c in costs[1].items() if c > heaviest} == {}, costs[1]
