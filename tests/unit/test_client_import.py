"""Importing clients from the CSV files spreadsheets really write (issue 6).

Portuguese Excel saves with ``;`` and Windows-1252 (or UTF-8 with a BOM); LibreOffice and
Google Sheets with ``,``; quoted cells may hold separators and line breaks.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from iclient_adapters.sql import SqlDatabase
from iclient_adapters.testing import make_services
from iclient_core.accounts import registration
from iclient_core.accounts.model import Account, Role, Status
from iclient_core.notifications.model import Kind
from iclient_core.services import Services
from iclient_core.shared.errors import FieldError, InvalidInput, PermissionDenied
from iclient_core.staff import client_import
from iclient_core.staff.client_import import ImportReport, check_import, import_clients
from tests.unit.helpers import IP, PASSWORD, active_client, deliver, sign_in, token_in
from tests.unit.staff_helpers import actions, staff_member


@pytest.fixture
def admin(services: Services) -> Account:
    return staff_member(services)


def dry_run(services: Services, admin: Account, text: str | bytes) -> ImportReport:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return check_import(services=services, actor=admin, data=data)


def problems(report: ImportReport) -> dict[int, list[str]]:
    """Line → ``field:code`` of every refused row."""
    return {
        row.line: [f"{p.field}:{p.code}" for p in row.problems]
        for row in report.rows
        if row.problems
    }


def test_a_portuguese_excel_file_with_bom_semicolons_and_portuguese_headers(
    services: Services, admin: Account
) -> None:
    text = (
        "\ufeffNome;Apelido;E-mail;Telemóvel;Idioma\r\n"
        "Ana;Silva;ana@example.pt;912 345 678;Português\r\n"
        "João;Araújo;joao@example.pt;+351 961 111 222;en\r\n"
    )
    report = dry_run(services, admin, text)
    assert report.delimiter == ";" and report.dry_run
    assert [
        (r.line, r.first_name, r.last_name, r.email, r.phone, r.language) for r in report.rows
    ] == [
        (2, "Ana", "Silva", "ana@example.pt", "+351912345678", "pt"),
        (3, "João", "Araújo", "joao@example.pt", "+351961111222", "en"),
    ]
    assert report.accepted == 2 and report.refused == 0
    with services.uow() as uow:
        assert uow.accounts.count(roles={Role.CLIENT}) == 0  # a dry run creates nothing
    assert deliver(services) == []


def test_windows_1252_and_utf_16_files_are_read_too(services: Services, admin: Account) -> None:
    text = "first_name;last_name;email\r\nJoão;Araújo;joao@example.pt\r\n"
    for data in (text.encode("cp1252"), text.replace(";", "\t").encode("utf-16")):
        [row] = dry_run(services, admin, data).rows
        assert (row.first_name, row.last_name, row.accepted) == ("João", "Araújo", True)


def test_quoted_fields_keep_their_separators_quotes_and_line_breaks(
    services: Services, admin: Account
) -> None:
    text = (
        "first_name,last_name,email,phone\n"
        '"Ana, a mais nova","Silva\nSousa",ana@example.pt,\n'
        '"O ""Zé""","Costa, Filhos",ze@example.pt,"912 345 678"\n'
        "Rui,Lopes,rui@example.pt,\n"
    )
    report = dry_run(services, admin, text)
    assert report.delimiter == ","
    assert [r.line for r in report.rows] == [2, 4, 5]  # a quoted line break spans two lines
    ana, ze, rui = report.rows
    assert ana.first_name == "Ana, a mais nova"
    assert problems(report) == {2: ["last_name:invalid_characters"]}  # no line break in a name
    assert (ze.first_name, ze.last_name) == ('O "Zé"', "Costa, Filhos")
    assert ze.phone == "+351912345678" and ze.accepted
    assert rui.accepted and rui.phone == ""


def test_duplicate_addresses_in_the_file_and_existing_accounts_are_refused(
    services: Services, admin: Account
) -> None:
    active_client(services)  # ana.silva@example.com
    text = (
        "first_name;last_name;email\n"
        "Eva;Lopes;eva@example.pt\n"
        "Eva;Lopes;EVA@Example.PT\n"
        "Ana;Silva;Ana.Silva@example.com\n"
        "Rui;Staff;gestora@example.pt\n"
    )
    report = dry_run(services, admin, text)
    assert problems(report) == {
        3: ["email:duplicate_in_file"],
        4: ["email:already_exists"],
        5: ["email:already_exists"],
    }
    assert report.rows[1].duplicate_of == 2
    assert report.accepted == 1


def test_invalid_phones_emails_names_and_languages_are_refused_row_by_row(
    services: Services, admin: Account
) -> None:
    text = (
        "first_name,last_name,email,phone,language\n"
        "Ana,Silva,ana@example.pt,123,pt\n"
        "Rui,Costa,rui@@example,,\n"
        ",Lopes,eva@example.pt,,klingon\n"
        "Zé,Bad\x07Bell,ze@example.pt,912345678,EN\n"
        "\n"
        ",,,,\n"
        "Ok,Fine,ok@example.pt,+44 20 7946 0958,english,extra,cells\n"
    )
    report = dry_run(services, admin, text)
    assert problems(report) == {
        2: ["phone:phone_invalid"],
        3: ["email:email_invalid"],
        4: ["first_name:required", "language:invalid_choice"],
        5: ["last_name:invalid_characters"],
    }
    last = report.rows[-1]
    assert (last.line, last.phone, last.language, last.accepted) == (8, "+442079460958", "en", True)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "file_empty"),
        (b"\xef\xbb\xbf \r\n", "file_empty"),
        (b"name;surname;mail_address\nAna;Silva;a@b.pt\n", "file_header"),
        (b"first_name;email\nAna;a@b.pt\n", "file_header"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file_unreadable"),
        (b'first_name,last_name,email\n"' + b"x" * 5000 + b"\n", "file_malformed"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(
    services: Services, admin: Account, data: bytes, code: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        dry_run(services, admin, data)
    assert error.value.errors == [FieldError("file", code)]


def test_the_real_run_creates_invites_and_audits_every_accepted_row(
    services: Services, admin: Account
) -> None:
    text = (
        "nome;apelido;email;telefone\n"
        "Ana;Silva;ana@example.pt;912345678\n"
        "Rui;Costa;rui@example.pt;123\n"
        "Eva;Lopes;eva@example.pt;\n"
    )
    report = import_clients(services=services, actor=admin, data=text.encode(), ip=IP)
    assert (report.dry_run, report.created, report.refused) == (False, 2, 1)
    mails = deliver(services)
    assert sorted(m.to_address for m in mails) == ["ana@example.pt", "eva@example.pt"]
    assert {m.kind for m in mails} == {Kind.INVITATION}
    token = token_in(
        next(m for m in mails if m.to_address == "ana@example.pt"), path="auth/activate"
    )
    registration.activate_account(
        services=services, token=token, password=PASSWORD, password_confirm=PASSWORD, ip=IP
    )
    ana = sign_in(services, "ana@example.pt").account
    assert ana.status is Status.ACTIVE and ana.profile.phone == "+351912345678"
    assert actions(services, action="client.created") == ["client.created"] * 2
    [summary] = [e for e in _entries(services) if e.action == "client.imported"]
    assert summary.summary == "CSV import: 2 created, 1 refused" and summary.actor_id == admin.id


def test_an_import_may_create_clients_without_inviting_them_yet(
    services: Services, admin: Account
) -> None:
    data = b"first_name,last_name,email\nAna,Silva,ana@example.pt\n"
    report = import_clients(services=services, actor=admin, data=data, send_invitations=False)
    assert report.created == 1
    assert deliver(services) == []


def test_the_same_file_twice_creates_nobody_twice(services: Services, admin: Account) -> None:
    data = b"first_name,last_name,email\nAna,Silva,ana@example.pt\n"
    assert import_clients(services=services, actor=admin, data=data).created == 1
    again = import_clients(services=services, actor=admin, data=data)
    assert again.created == 0 and problems(again) == {2: ["email:already_exists"]}


def test_a_collaborator_may_import_but_a_client_may_not(services: Services) -> None:
    collaborator = staff_member(services, role=Role.STAFF, email="rui@oficina.pt")
    client = active_client(services)
    data = b"first_name,last_name,email\nAna,Sousa,ana@example.pt\n"
    assert import_clients(services=services, actor=collaborator, data=data).created == 1
    with pytest.raises(PermissionDenied):
        check_import(services=services, actor=client, data=data)


def ten_thousand_rows() -> bytes:
    """10 000 clients as Excel in Portugal saves them: BOM, ``;``, CRLF, quoted cells."""
    lines = ["\ufeffnome;apelido;email;telefone;idioma"]
    for n in range(10_000):
        prefix = (91, 92, 93, 96)[n % 4]
        lines.append(f'Cliente {n};"Sousa; Filhos";cliente{n}@example.com;{prefix}{n:07d};pt')
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_ten_thousand_rows_are_checked_in_about_a_second(
    services: Services, admin: Account
) -> None:
    data = ten_thousand_rows()
    started = time.perf_counter()
    report = check_import(services=services, actor=admin, data=data)
    elapsed = time.perf_counter() - started
    assert (len(report.rows), report.accepted) == (10_000, 10_000)
    assert report.rows[-1].line == 10_001 and report.rows[-1].last_name == "Sousa; Filhos"
    assert elapsed < 20  # about 0.6 s on the development machine; generous for slow CI


def test_ten_thousand_rows_are_imported_into_sqlite_in_one_transaction(tmp_path: Path) -> None:
    database = SqlDatabase.from_url(f"sqlite:///{tmp_path / 'import.db'}")
    database.upgrade()
    try:
        services = make_services(uow=database.unit_of_work)
        admin = staff_member(services)
        started = time.perf_counter()
        report = import_clients(services=services, actor=admin, data=ten_thousand_rows())
        elapsed = time.perf_counter() - started
        assert report.created == 10_000
        with services.uow() as uow:
            assert uow.accounts.count(roles={Role.CLIENT}) == 10_000
            assert uow.outbox.pending_count() == 10_000
        assert elapsed < 60  # about 3.7 s on the development machine
    finally:
        database.dispose()


def test_more_than_twenty_thousand_rows_are_refused(services: Services, admin: Account) -> None:
    rows = "".join(f"A,B,c{n}@example.com\n" for n in range(client_import.MAX_ROWS + 1))
    with pytest.raises(InvalidInput) as error:
        dry_run(services, admin, "first_name,last_name,email\n" + rows)
    assert error.value.errors == [FieldError("file", "file_too_many_rows")]


def _entries(services: Services) -> list:  # type: ignore[type-arg]
    with services.uow() as uow:
        return list(uow.audit.list(limit=1000))
