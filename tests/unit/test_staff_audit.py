"""The audit log: sign-ins, failures and resets are in it; admins filter and export it
(issue 6, items 11 and 32)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from iclient_adapters.clock import FrozenClock
from iclient_core.accounts import recovery
from iclient_core.accounts.model import Account
from iclient_core.notifications.model import Kind
from iclient_core.services import Services
from iclient_core.shared import audit
from iclient_core.shared.errors import InvalidCredentials, PermissionDenied
from iclient_core.staff.audit import AuditQuery, audit_page, csv_row, csv_safe, export_audit
from tests.unit.helpers import (
    IP,
    NEW_PASSWORD,
    OTHER_IP,
    PASSWORD,
    active_client,
    deliver,
    only,
    sign_in,
    token_in,
)
from tests.unit.staff_helpers import audit_trail, staff_member


@pytest.fixture
def admin(services: Services) -> Account:
    return staff_member(services)


def test_a_sign_in_is_recorded_with_who_when_and_where(
    services: Services, clock: FrozenClock
) -> None:
    ana = active_client(services)
    sign_in(services, ip=OTHER_IP)
    [entry] = audit_trail(services, action="auth.sign_in")
    assert (entry.actor_id, entry.actor_label, entry.target_id, entry.ip) == (
        ana.id,
        "client",  # clients by id only: erasing one leaves no address in the log
        ana.id,
        OTHER_IP,
    )
    assert entry.at == clock.now()


def test_failed_sign_ins_are_recorded_even_though_nothing_else_is_kept(
    services: Services, clock: FrozenClock
) -> None:
    ana = active_client(services)
    with pytest.raises(InvalidCredentials):
        sign_in(services, password="not the password at all")
    clock.advance(timedelta(seconds=1))
    with pytest.raises(InvalidCredentials):
        sign_in(services, "nobody@example.com", password="whatever it is")
    known, unknown = audit_trail(services, action="auth.sign_in_failed")
    assert (known.actor_id, known.actor_label, known.target_id, known.ip) == (
        None,
        "system",
        ana.id,
        IP,
    )
    assert unknown.target_id == ""
    for entry in (known, unknown):  # no typed password or address in the log
        assert "not the password" not in entry.summary and "nobody" not in entry.summary


def test_a_password_reset_is_recorded(services: Services) -> None:
    ana = active_client(services)
    recovery.request_password_reset(services=services, email="ana.silva@example.com", ip=IP)
    token = token_in(only(deliver(services), Kind.PASSWORD_RESET), path="auth/reset-password")
    recovery.reset_password(
        services=services,
        token=token,
        password=NEW_PASSWORD,
        password_confirm=NEW_PASSWORD,
        ip=OTHER_IP,
    )
    [entry] = audit_trail(services, action="auth.password_reset")
    assert (entry.actor_id, entry.target_id, entry.ip) == (ana.id, ana.id, OTHER_IP)
    assert token not in entry.summary and PASSWORD not in entry.summary


def _history(services: Services, clock: FrozenClock, admin: Account) -> None:
    """Three days of sign-ins by the admin and a client."""
    active_client(services)
    for _day in range(3):
        clock.advance(timedelta(days=1))
        sign_in(services, "gestora@example.pt")
        clock.advance(timedelta(minutes=1))
        sign_in(services)


def test_admins_read_the_log_newest_first_with_filters(
    services: Services, clock: FrozenClock, admin: Account
) -> None:
    start = clock.now().date()
    _history(services, clock, admin)
    page = audit_page(services=services, actor=admin)
    assert page.total == 8  # the client's sign-up and activation, then six sign-ins
    assert [e.at for e in page.items] == sorted((e.at for e in page.items), reverse=True)
    mine = audit_page(services=services, actor=admin, query=AuditQuery(actor="GESTORA@example.pt"))
    assert mine.total == 3 and {e.actor_id for e in mine.items} == {admin.id}
    nobody = audit_page(services=services, actor=admin, query=AuditQuery(actor="x@example.pt"))
    assert nobody.total == 0
    second_day = start + timedelta(days=2)
    one_day = audit_page(
        services=services, actor=admin, query=AuditQuery(since=second_day, until=second_day)
    )
    assert one_day.total == 2 and {e.at.date() for e in one_day.items} == {second_day}
    assert (
        audit_page(
            services=services, actor=admin, query=AuditQuery(action="auth.sign_in", until=start)
        ).total
        == 0
    )


def test_the_log_pages_from_the_newest(
    services: Services, clock: FrozenClock, admin: Account
) -> None:
    with services.uow() as uow:
        for n in range(7):
            clock.advance(timedelta(seconds=1))
            audit.record(
                services,
                uow,
                actor=admin,
                action="settings.updated",
                target_type="settings",
                summary=str(n),
            )
        uow.commit()
    pages = [audit_page(services=services, actor=admin, page=n, size=3) for n in (1, 2, 3)]
    assert [[e.summary for e in p.items] for p in pages] == [
        ["6", "5", "4"],
        ["3", "2", "1"],
        ["0"],
    ]
    assert audit_page(services=services, actor=admin, page="x", size=3).number == 1


def test_the_export_streams_everything_oldest_first_and_is_itself_recorded(
    services: Services, clock: FrozenClock, admin: Account
) -> None:
    with services.uow() as uow:
        for n in range(1200):
            clock.advance(timedelta(seconds=1))
            audit.record(
                services,
                uow,
                actor=admin,
                action="settings.updated",
                target_type="settings",
                summary=str(n),
            )
        uow.commit()
    clock.advance(timedelta(seconds=1))
    entries = list(
        export_audit(
            services=services, actor=admin, query=AuditQuery(action="settings.updated"), ip=IP
        )
    )
    assert [e.summary for e in entries] == [str(n) for n in range(1200)]
    [exported] = audit_trail(services, action="audit.exported")
    assert exported.actor_id == admin.id and exported.ip == IP


def test_a_refused_export_fails_before_anything_is_read(services: Services) -> None:
    client = active_client(services)
    with pytest.raises(PermissionDenied):
        export_audit(services=services, actor=client)  # refused at the call, not on iteration
    assert audit_trail(services, action="audit.exported") == []


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+351912345678", "'+351912345678"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\r=1", "'\r=1"),
        ("ana@example.pt", "ana@example.pt"),
        ("Role staff -> admin", "Role staff -> admin"),
        (None, ""),
    ],
)
def test_csv_cells_cannot_become_formulas(value: object, cell: str) -> None:
    assert csv_safe(value) == cell


def test_a_csv_row_names_every_column(services: Services, admin: Account) -> None:
    with services.uow() as uow:
        entry = audit.record(
            services,
            uow,
            actor=admin,
            action="client.updated",
            target_type="account",
            target_id="c1",
            summary="=cmd|' /C calc'!A0",
            ip="203.0.113.7",
        )
    assert csv_row(entry) == [
        entry.at.isoformat(),
        "gestora@example.pt",
        admin.id,
        "203.0.113.7",
        "client.updated",
        "account",
        "c1",
        "'=cmd|' /C calc'!A0",
    ]


def test_dates_filter_whole_days_in_utc(services: Services, admin: Account) -> None:
    query = AuditQuery(since=date(2026, 1, 5), until=date(2026, 1, 5))
    page = audit_page(services=services, actor=admin, query=query)
    assert page.total == 0  # create_staff writes nothing to the log


def test_control_characters_in_the_filters_match_nothing_and_break_nothing(
    services: Services, admin: Account
) -> None:
    query = AuditQuery(action="auth.sign_in\x00", actor="gestora@example.pt\x00\r\n")
    page = audit_page(services=services, actor=admin, query=query)
    assert page.total == 0
