"""Importing clients from a spreadsheet's CSV file, with a dry run that reports row by row.

The file may come from Excel in Portugal (``;`` separators, Windows-1252 or UTF-8 with a
BOM), from LibreOffice or Google Sheets (``,``, UTF-8), or be tab-separated; quoted fields
may hold separators and line breaks. The header names the columns, in English or Portuguese:

=========== ==================================
column      accepted headers (case, accents and spaces ignored)
=========== ==================================
first_name  first_name, first name, nome, primeiro nome
last_name   last_name, last name, apelido, apelidos, sobrenome
email       email, e-mail, mail, correio eletrónico
phone       phone, telephone, mobile, telefone, telemóvel
language    language (optional): pt/en, português/inglês, portuguese/english
=========== ==================================

Each row is created or refused with its reasons: a missing or invalid field, an address
used twice in the file, or one that already has an account. Nothing is created on a dry
run; a real run creates every acceptable row in one transaction and invites each client.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.contact import clean_email
from iclient_core.accounts.model import LANGUAGES, Account, EmailAddress, Profile, Role
from iclient_core.accounts.permissions import Permission, require
from iclient_core.notifications.outbox import branding
from iclient_core.shared import audit
from iclient_core.shared.business import effective
from iclient_core.shared.errors import AlreadyExists, FieldError, InvalidInput
from iclient_core.shared.security_log import security_event
from iclient_core.staff.clients import CREATED, clean_contact, send_invitation
from iclient_core.webhooks.events import client_data, emit
from iclient_core.webhooks.model import EventType

if TYPE_CHECKING:
    from iclient_core.services import Services

MAX_ROWS = 20_000
"""Larger files are refused as a whole: split them."""

MAX_FIELD = 1_000
"""Longest cell accepted by the CSV reader (a runaway quote fails fast, not slowly)."""

COLUMNS = ("first_name", "last_name", "email", "phone", "language")
REQUIRED = ("first_name", "last_name", "email")
DELIMITERS = (";", ",", "\t")


def _fold(text: str) -> str:
    """Case, accents, and separators (space, ``_``, ``-``, ``.``) ignored."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for separator in "_-.":
        bare = bare.replace(separator, " ")
    return " ".join(bare.split())


_HEADERS = {
    "first_name": ("first name", "firstname", "given name", "nome", "primeiro nome"),
    "last_name": (
        "last name",
        "lastname",
        "surname",
        "family name",
        "apelido",
        "apelidos",
        "sobrenome",
        "ultimo nome",
    ),
    "email": (
        "email",
        "e mail",
        "mail",
        "email address",
        "correio eletronico",
        "correio electronico",
        "endereco de email",
        "endereco de e mail",
    ),
    "phone": (
        "phone",
        "telephone",
        "mobile",
        "phone number",
        "telefone",
        "telemovel",
        "tel",
        "numero de telefone",
        "contacto telefonico",
    ),
    "language": ("language", "lang", "idioma", "lingua"),
}
HEADER_ALIASES: dict[str, str] = {
    _fold(alias): column for column, aliases in _HEADERS.items() for alias in aliases
}
"""Every accepted header (folded) and the column it names."""

_LANGUAGE_ALIASES = {
    **dict.fromkeys(("pt", "pt pt", "pt br", "portugues", "portuguese"), "pt"),
    **dict.fromkeys(("en", "en gb", "en us", "ingles", "english"), "en"),
}


@attrs.frozen
class ImportRow:
    """One data row of the file and what the import does with it.

    Attributes:
        line: the line of the file where the row starts (the header is line 1).
        problems: why the row is refused (field and code); empty when it will be created.
        duplicate_of: for an address repeated in the file, the line that used it first.
    """

    line: int
    first_name: str
    last_name: str
    email: str
    phone: str
    language: str
    problems: tuple[FieldError, ...] = ()
    duplicate_of: int | None = None
    email_key: str = ""

    @property
    def accepted(self) -> bool:
        """Whether the row is (or would be) created."""
        return not self.problems


@attrs.frozen
class ImportReport:
    """What an import did or, on a dry run, would do."""

    rows: tuple[ImportRow, ...]
    dry_run: bool
    delimiter: str
    created: int = 0

    @property
    def accepted(self) -> int:
        """Rows that are (or would be) created."""
        return sum(1 for row in self.rows if row.accepted)

    @property
    def refused(self) -> int:
        """Rows refused."""
        return len(self.rows) - self.accepted


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (a BOM is dropped), UTF-16 with a BOM, else Windows-1252.

    Raises:
        InvalidInput: ``file_unreadable`` for a binary file.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise InvalidInput.single("file", "file_unreadable")
    return text


def _header_columns(cells: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = HEADER_ALIASES.get(_fold(cell))
        if column is not None and column not in found:
            found[column] = index
    return found


def sniff(text: str) -> tuple[str, dict[str, int]]:
    """The separator and the column positions, read from the header line.

    The separator is the one that makes the most header cells known column names.

    Raises:
        InvalidInput: ``file_empty``, or ``file_header`` when a required column is missing.
    """
    first_line = next(iter(text.splitlines()), "")
    if not text.strip():
        raise InvalidInput.single("file", "file_empty")
    best: tuple[int, int, str, dict[str, int]] | None = None
    for delimiter in DELIMITERS:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        columns = _header_columns(cells)
        score = (len(columns), len(cells))
        if best is None or score > best[:2]:
            best = (*score, delimiter, columns)
    assert best is not None
    _, _, delimiter, columns = best
    if any(column not in columns for column in REQUIRED):
        raise InvalidInput.single("file", "file_header")
    return delimiter, columns


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Data records after the header, each with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        next(reader)  # the header
        line = reader.line_num + 1
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as error:
        raise InvalidInput.single("file", "file_malformed") from error


def _language(raw: str, default: str, problems: list[FieldError]) -> str:
    if not raw.strip():
        return default
    language = _LANGUAGE_ALIASES.get(_fold(raw))
    if language is None or language not in LANGUAGES:
        problems.append(FieldError("language", "invalid_choice"))
        return default
    return language


def parse_clients_csv(
    data: bytes, *, services: Services, default_language: str
) -> tuple[str, list[ImportRow]]:
    """Read and check every row of a clients file (the database is not read).

    Addresses repeated in the file are refused after their first use; whether an address
    already has an account is for :func:`check_import` to say.

    Returns:
        The separator found and the rows, blank rows left out.

    Raises:
        InvalidInput: a problem with the file as a whole (field ``file``): ``file_empty``,
            ``file_unreadable``, ``file_header``, ``file_malformed``, ``file_too_many_rows``.
    """
    text = decode(data)
    delimiter, columns = sniff(text)
    validator = _Validator(services)
    seen: dict[str, int] = {}
    rows: list[ImportRow] = []
    previous_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD)
    try:
        for line, cells in _records(text, delimiter):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise InvalidInput.single("file", "file_too_many_rows")
            values = {
                column: cells[index] if index < len(cells) else ""
                for column, index in columns.items()
            }
            rows.append(validator.row(line, values, seen, default_language))
    finally:
        csv.field_size_limit(previous_limit)
    return delimiter, rows


@attrs.define
class _Validator:
    """Checks rows with the same rules as the staff's "new client" form."""

    services: Services

    def row(
        self, line: int, values: dict[str, str], seen: dict[str, int], default_language: str
    ) -> ImportRow:
        problems: list[FieldError] = []
        first, last, phone = clean_contact(
            self.services,
            first_name=values.get("first_name"),
            last_name=values.get("last_name"),
            phone=values.get("phone"),
            errors=problems,
        )
        address = clean_email(self.services, values.get("email"), problems)
        language = _language(values.get("language", ""), default_language, problems)
        duplicate_of = None
        key = ""
        if address is not None:
            key = address.key
            if key in seen:
                duplicate_of = seen[key]
                problems.append(FieldError("email", "duplicate_in_file"))
            else:
                seen[key] = line
        return ImportRow(
            line=line,
            first_name=first or values.get("first_name", "").strip()[:100],
            last_name=last or values.get("last_name", "").strip()[:100],
            email=address.address if address else values.get("email", "").strip()[:254],
            phone=phone or values.get("phone", "").strip()[:40],
            language=language,
            problems=tuple(problems),
            duplicate_of=duplicate_of,
            email_key=key,
        )


def _with_existing(rows: list[ImportRow], existing: set[str]) -> list[ImportRow]:
    return [
        attrs.evolve(row, problems=(*row.problems, FieldError("email", "already_exists")))
        if row.email_key and row.email_key in existing and row.duplicate_of is None
        else row
        for row in rows
    ]


def check_import(*, services: Services, actor: Account, data: bytes) -> ImportReport:
    """Dry run: what importing ``data`` would create and refuse, row by row.

    Raises:
        PermissionDenied: the actor may not manage clients.
        InvalidInput: the file as a whole cannot be read (see :func:`parse_clients_csv`).
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CLIENTS_MANAGE)
        default = effective(services.settings, uow.settings.get()).default_language
        delimiter, rows = parse_clients_csv(data, services=services, default_language=default)
        existing = uow.accounts.existing_email_keys([r.email_key for r in rows if r.email_key])
    return ImportReport(
        rows=tuple(_with_existing(rows, existing)), dry_run=True, delimiter=delimiter
    )


def import_clients(
    *,
    services: Services,
    actor: Account,
    data: bytes,
    send_invitations: bool = True,
    ip: str = "-",
) -> ImportReport:
    """Create every acceptable row of ``data`` as a client, in one transaction.

    Each new client is audited (``client.created``) and, if ``send_invitations``, invited
    to choose a password; one more entry (``client.imported``) sums the import up.

    Raises:
        PermissionDenied: the actor may not manage clients.
        InvalidInput: the file cannot be read, or ``import_conflict`` when an address was
            registered while the import ran (nothing was created; run it again).
    """
    now = services.clock.now()
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CLIENTS_MANAGE)
        default = effective(services.settings, uow.settings.get()).default_language
        delimiter, parsed = parse_clients_csv(data, services=services, default_language=default)
        existing = uow.accounts.existing_email_keys([r.email_key for r in parsed if r.email_key])
        rows = _with_existing(parsed, existing)
        brand = branding(services, uow)
        created = 0
        try:
            for row in rows:
                if not row.accepted:
                    continue
                account = Account.register_client(
                    id=services.ids.new_id(),
                    email=EmailAddress(address=row.email, key=row.email_key),
                    profile=Profile(
                        first_name=row.first_name, last_name=row.last_name, phone=row.phone
                    ),
                    language=row.language,
                    now=now,
                )
                assert account.role is Role.CLIENT
                uow.accounts.add(account)
                if send_invitations:
                    send_invitation(services, uow, account, actor, brand=brand)
                audit.record(
                    services,
                    uow,
                    actor=actor,
                    action=CREATED,
                    target_type="account",
                    target_id=account.id,
                    summary="Client created by CSV import"
                    + ("; invitation sent" if send_invitations else ""),
                    ip=ip,
                )
                emit(
                    services,
                    uow,
                    EventType.CLIENT_REGISTERED,
                    {"client": client_data(account), "source": "import"},
                )
                created += 1
            audit.record(
                services,
                uow,
                actor=actor,
                action="client.imported",
                target_type="import",
                summary=f"CSV import: {created} created, {len(rows) - created} refused",
                ip=ip,
                details={"created": created, "refused": len(rows) - created},
            )
            uow.commit()
        except AlreadyExists:
            raise InvalidInput.single("file", "import_conflict") from None
    security_event("clients_imported", account_id=actor.id, ip=ip, created=created)
    return ImportReport(rows=tuple(rows), dry_run=False, delimiter=delimiter, created=created)
