"""The staff client page's timeline: every event of that client, newest first, paginated
with a fixed number of queries."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from iclient_adapters.sql import SqlDatabase
from iclient_adapters.testing import make_services
from iclient_core.services import Services
from iclient_core.staff import clients
from tests.unit.client_story import later, live, staff_member
from tests.unit.helpers import active_client, sign_in

EVERY_KIND = {
    "account.registered",
    "account.activated",
    "consent.accepted",
    "auth.sign_in",
    "account.password_changed",
    "account.email_changed",
    "quote.requested",
    "quote.sent",
    "quote.accepted",
    "document.uploaded",
    "document.opened",
    "account.deletion_requested",
}


def test_the_timeline_shows_every_event_of_the_client_newest_first(services: Services) -> None:
    rui = staff_member(services)
    ana = live(services, rui, email="ana@example.com", first_name="Ana", subject="Fachada")
    bea = live(services, rui, email="bea@example.com", first_name="Bea", subject="Telhado")
    found = clients.client_file(
        services=services, actor=rui, client_id=ana.client.id, timeline_size=100
    ).timeline
    actions = [e.action for e in found.items]
    assert set(actions) >= EVERY_KIND, EVERY_KIND - set(actions)
    assert actions[0] == "account.deletion_requested" and actions[-1] == "account.registered"
    assert [e.at for e in found.items] == sorted((e.at for e in found.items), reverse=True)
    theirs = {bea.client.id, bea.quote.id, bea.document.id}
    assert not [e for e in found.items if {e.target_id, e.subject_id, e.actor_id} & theirs]
    assert found.people[rui.id].name == "Rui Lopes" and found.people[rui.id].staff
    assert found.people[ana.client.id].name == "Ana Silva"
    sent = next(e for e in found.items if e.action == "quote.sent")
    assert sent.details["total_cents"] and sent.details["version"] == "1"


def test_the_timeline_pages_newest_first(services: Services) -> None:
    rui = staff_member(services)
    ana = live(services, rui, email="ana@example.com", first_name="Ana", subject="Fachada")
    whole = clients.client_file(
        services=services, actor=rui, client_id=ana.client.id, timeline_size=100
    ).timeline
    pages = [
        clients.client_file(
            services=services, actor=rui, client_id=ana.client.id, timeline_page=n, timeline_size=5
        ).timeline
        for n in (1, 2, 3)
    ]
    assert [e for p in pages for e in p.items] == list(whole.items[:15])
    assert pages[0].total == whole.total and pages[0].has_next and pages[1].has_previous


def test_a_timeline_page_costs_the_same_queries_however_long_the_history(
    tmp_path: Path,
) -> None:
    database = SqlDatabase.from_url(f"sqlite:///{tmp_path / 'timeline.db'}")
    database.upgrade()
    statements: list[str] = []
    sa.event.listen(
        database.engine, "before_cursor_execute", lambda *args: statements.append(args[2])
    )
    try:
        services = make_services(uow=database.unit_of_work)
        rui = staff_member(services)
        ana = active_client(services, email="ana@example.com")
        counts = []
        for signs_in in (3, 30):
            for _ in range(signs_in):
                later(services)
                sign_in(services, "ana@example.com")
            for number in (1, 2):
                statements.clear()
                clients.client_file(
                    services=services,
                    actor=rui,
                    client_id=ana.id,
                    timeline_page=number,
                    timeline_size=5,
                )
                counts.append(len(statements))
        assert len(set(counts)) == 1, counts
    finally:
        database.dispose()
