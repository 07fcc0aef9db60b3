"""The audit log and the client timeline read as sentences in the page's language: people
named and linked, amounts and dates written the language's way, field names translated."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask, g
from markupsafe import Markup

from iclient_core.accounts.permissions import Permission
from iclient_core.shared import audit
from iclient_core.shared.audit import ACTIONS, AuditEntry, AuditPerson
from iclient_core.webhooks.model import EventType
from iclient_web.staff.audit_sentences import SENTENCES, sentence
from iclient_web.staff.labels import ACTION_LABELS
from tests.web.conftest import Browser

CORE = Path(__file__).resolve().parents[2] / "src" / "iclient_core"

ANA = AuditPerson(id="client-1", name="Ana Silva", staff=False)
GESTORA = AuditPerson(id="staff-1", name="Gestora Exemplo", staff=True)
PEOPLE = {p.id: p for p in (ANA, GESTORA)}

DETAILS = {
    "version": "2",
    "total_cents": "169096",
    "currency": "EUR",
    "valid_until": "2026-12-31",
    "reference": "AB12CD34",
    "subject": "Pintura da fachada",
    "reason": "Demasiado caro",
    "fields": "business_name,contact_phone,first_name",
    "role": "staff",
    "from": "staff",
    "to": "admin",
    "sessions": "2",
    "created": "3",
    "refused": "1",
    "kind": "terms",
    "language": "pt",
    "title": "Fatura de novembro",
    "required": "yes",
    "category": "invoice",
    "file_name": "fatura.pdf",
    "size": "24500",
    "files": "2",
    "service": "Consulta",
    "service_en": "Consultation",
    "when": "2026-01-06 10:00",
    "staff": "Rui Lopes",
    "zone": "Europe/Lisbon",
}
"""Every detail any action keeps (each sentence takes what it needs)."""


def entry(action: str, details: dict[str, str] | None = None, actor: str = "staff-1") -> AuditEntry:
    return AuditEntry(
        id="e1",
        at=datetime(2026, 11, 29, 10, 0, tzinfo=UTC),
        actor_id=actor,
        actor_label="gestora@example.pt",
        ip="203.0.113.7",
        action=action,
        target_type="quote" if action.startswith("quote.") else "account",
        target_id="target-1",
        summary="total 169096 cents",
        subject_id="client-1",
        details=DETAILS if details is None else details,
    )


def text_of(markup: Markup) -> str:
    return re.sub(r"<[^>]+>", "", str(markup))


def sentences(app: Flask, lang: str, details: dict[str, str] | None = None) -> dict[str, str]:
    with app.test_request_context(f"/{lang}/admin/audit/"):
        g.lang = lang
        return {a: text_of(sentence(entry(a, details), PEOPLE)) for a in sorted(ACTIONS)}


def test_every_action_the_core_records_has_a_sentence(app: Flask) -> None:
    assert sorted(ACTIONS - set(SENTENCES)) == []
    assert sorted(ACTIONS - set(ACTION_LABELS)) == []  # the log's filter names each one
    english, portuguese = sentences(app, "en"), sentences(app, "pt")
    for action in sorted(ACTIONS):
        for words in (english[action], portuguese[action]):
            assert action not in words, words
            assert "cents" not in words and "_" not in words, words
            assert words.endswith("."), words
        assert english[action] != portuguese[action], f"{action} is not translated"


def test_entries_recorded_before_details_were_kept_still_read_as_sentences(app: Flask) -> None:
    for lang in ("pt", "en"):
        for action, words in sentences(app, lang, details={}).items():
            assert action not in words and words.endswith("."), words


def test_amounts_and_fields_are_written_in_the_page_language(app: Flask) -> None:
    portuguese = sentences(app, "pt")
    assert "1.690,96" in portuguese["quote.sent"] and "31" in portuguese["quote.sent"]
    assert "nome da empresa" in portuguese["settings.updated"]
    english = sentences(app, "en")
    assert "1,690.96" in english["quote.sent"] and "Dec" in english["quote.sent"]
    assert "the business name" in english["settings.updated"]
    assert "the contact phone" in english["settings.updated"]


def test_people_are_named_and_linked_to_their_page(app: Flask) -> None:
    with app.test_request_context("/pt/admin/audit/"):
        g.lang = "pt"
        html = str(sentence(entry("client.disabled"), PEOPLE))
        system = text_of(sentence(entry("quote.expired", actor=None), PEOPLE))  # type: ignore[arg-type]
    assert '<a href="/pt/admin/clients/client-1">Ana Silva</a>' in html
    assert '<a href="/pt/admin/staff/#staff-staff-1">Gestora Exemplo</a>' in html
    assert "system" not in system and "client" not in system
    with app.test_request_context("/en/admin/audit/"):
        g.lang = "en"
        opened = str(sentence(entry("document.opened", actor="client-1"), PEOPLE))
    assert (
        '<a href="/en/admin/clients/client-1/documents/target-1">Fatura de novembro</a>' in opened
    )


def test_names_are_escaped(app: Flask) -> None:
    people = {"client-1": AuditPerson(id="client-1", name="<b>Ana</b>", staff=False)}
    with app.test_request_context("/en/admin/audit/"):
        g.lang = "en"
        html = str(sentence(entry("account.activated", actor="client-1"), people))
    assert "<b>" not in html and "&lt;b&gt;Ana&lt;/b&gt;" in html


DOMAINS = "|".join(sorted({action.split(".")[0] for action in ACTIONS}))
WRITTEN = re.compile(rf'"((?:{DOMAINS})\.[a-z_]+)"')
NOT_ACTIONS = {permission.value for permission in Permission} | {e.value for e in EventType}
"""Dotted texts of the core that are not audit actions (permissions, webhook event types)."""


def test_every_action_written_in_the_core_is_listed() -> None:
    written = {code for path in CORE.rglob("*.py") for code in WRITTEN.findall(path.read_text())}
    assert len(written) > 40
    assert sorted(written - ACTIONS - NOT_ACTIONS) == []


def test_recording_an_unlisted_action_is_refused(browser: Browser) -> None:
    services = browser.portal.services
    with services.uow() as uow, pytest.raises(ValueError, match="unknown audit action"):
        audit.record(services, uow, actor=None, action="quote.teleported", target_type="quote")


def test_the_audit_page_reads_as_sentences(browser: Browser, other_browser: Browser) -> None:
    browser.staff_account()
    other_browser.client_account()
    services = browser.portal.services
    with services.uow() as uow:
        ana = next(a for a in uow.accounts.list(limit=10) if a.email.address == "ana@example.pt")
        gestora = uow.accounts.get_by_email_key("gestora@example.pt")
        assert gestora is not None
        audit.record(
            services,
            uow,
            actor=gestora,
            action="quote.sent",
            target_type="quote",
            target_id="q1",
            subject_id=ana.id,
            summary="version 1, total 169096 cents",
            details={"version": 1, "total_cents": 169096, "currency": "EUR", "reference": "Q1"},
        )
        uow.commit()
    page = browser.get("/pt/admin/audit/").get_data(as_text=True)
    log = page.split('<ol class="audit-log"', 1)[1]
    assert "quote.sent" not in log and "cents" not in log
    assert "1.690,96" in log, re.findall(r"audit-sentence\">(.*?)</p>", log)
    assert f'href="/pt/admin/clients/{ana.id}"' in log
    assert f'href="/pt/admin/staff/#staff-{gestora.id}"' in log
    english = browser.get("/en/admin/audit/").get_data(as_text=True)
    assert "1,690.96" in english


def test_every_business_setting_has_a_name_in_the_sentences() -> None:
    """A change to any stored setting reads with the setting's name, never as a field code."""
    import attrs

    from iclient_core.shared.business import BusinessSettings
    from iclient_web.staff.audit_sentences import SETTINGS_FIELDS

    stored = {f.name for f in attrs.fields(BusinessSettings)}
    logo = {"logo_key", "logo_content_type", "logo_sha256"}  # recorded as one: "logo"
    assert sorted(stored - logo - set(SETTINGS_FIELDS)) == []
