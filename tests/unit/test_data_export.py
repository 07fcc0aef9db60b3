"""The personal-data export (GDPR articles 15 and 20): everything the portal holds about the
person, in one JSON document with a schema version, and nothing about anybody else."""

from __future__ import annotations

import json

from iclient_core.services import Services
from iclient_core.staff import personal_data
from tests.unit.client_story import PDF, live, staff_member
from tests.unit.helpers import IP


def test_the_export_holds_every_kind_of_data_of_the_client_and_nothing_of_another(
    services: Services,
) -> None:
    rui = staff_member(services)
    ana = live(services, rui, email="ana@example.com", first_name="Ana", subject="Fachada")
    bea = live(services, rui, email="bea@example.com", first_name="Bea", subject="Telhado")

    from iclient_core.accounts.profile import update_profile

    update_profile(
        services=services,
        account_id=ana.client.id,
        first_name="Ana",
        last_name="Silva",
        phone="+351912345678",
        nif="123456789",
        billing_address="Avenida da Liberdade, 100\n1250-096 Lisboa",
    )
    data = personal_data.export_data(services=services, account_id=ana.client.id)

    assert json.loads(json.dumps(data)) == data
    assert data["schema_version"] == personal_data.SCHEMA_VERSION
    assert data["profile"]["email"] == "novo.ana@example.com"
    assert data["profile"]["deletion_requested_at"]
    assert data["profile"]["nif"] == "123456789"
    assert data["profile"]["billing_address"] == "Avenida da Liberdade, 100\n1250-096 Lisboa"
    assert {c["kind"] for c in data["consents"]} == {"terms", "privacy"}
    assert data["sessions"] and data["sessions"][0]["ip"] == IP

    [quote] = data["quotes"]
    assert (quote["id"], quote["subject"], quote["state"]) == (ana.quote.id, "Fachada", "accepted")
    assert quote["details"] == "Fachada de 120 m²." and quote["desired_date"] == "2026-03-01"
    assert quote["attachment"]["name"] == "planta.pdf"
    assert quote["attachment"]["size"] == len(PDF)
    [version] = quote["versions"]
    [line] = version["lines"]
    assert line["description"] == "Pintura da fachada"
    assert line["unit_price"] == {"cents": 1250, "currency": "EUR"}
    assert line["quantity"] == "120.5" and line["vat_rate"] == "23"
    assert (
        version["totals"]["total"]["cents"]
        == version["totals"]["subtotal"]["cents"] + (version["totals"]["vat"]["cents"])
    )
    assert version["sent_at"] and version["valid_until"] == "2026-02-04"
    assert quote["decision"]["action"] == "accept" and quote["decision"]["ip"] == IP
    assert quote["decision"]["version"] == 1
    assert [h["action"] for h in quote["history"]][:1] == ["request"]

    [document] = data["documents"]
    assert (document["id"], document["title"]) == (ana.document.id, "Fatura de Ana")
    assert document["category"] == "invoice" and document["first_opened_at"]
    assert [f["name"] for f in document["files"]] == ["fatura.pdf"]
    [receipt] = document["downloads"]
    assert receipt["ip"] == IP and receipt["version"] == 1

    actions = {a["action"] for a in data["activity"]}
    assert {
        "account.registered",
        "account.activated",
        "account.password_changed",
        "account.email_changed",
        "quote.requested",
        "quote.accepted",
        "document.opened",
        "account.deletion_requested",
    } <= actions
    assert all(a["by"] in {"you", "staff", "portal"} for a in data["activity"])

    text = json.dumps(data, ensure_ascii=False)
    for theirs in (bea.client.id, bea.quote.id, bea.document.id, "Telhado", "Fatura de Bea"):
        assert theirs not in text
    assert "bea@example.com" not in text
