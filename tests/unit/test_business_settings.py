"""The business settings an admin edits, and where they are used (issue 6)."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

from iclient_core.accounts.model import Account
from iclient_core.notifications.model import Kind
from iclient_core.services import Services
from iclient_core.shared import business
from iclient_core.shared.business import BusinessSettings
from iclient_core.shared.errors import FieldError, InvalidInput
from iclient_core.staff import clients
from iclient_core.staff.settings import current_settings, save_settings
from tests.unit.helpers import IP, deliver, only, register
from tests.unit.staff_helpers import audit_trail, staff_member


@pytest.fixture
def admin(services: Services) -> Account:
    return staff_member(services)


def save(services: Services, admin: Account, **fields: str) -> BusinessSettings:
    values = {
        "business_name": "",
        "contact_email": "",
        "contact_phone": "",
        "default_language": "",
        "vat_rates": "23, 13, 6, 0",
        "upload_limit_mb": "100",
        **fields,
    }
    return save_settings(services=services, actor=admin, ip=IP, **values)


def test_until_an_admin_sets_them_the_configured_values_apply(services: Services) -> None:
    configured = attrs.evolve(
        services,
        settings=attrs.evolve(services.settings, contact_email="geral@oficina.pt"),
    )
    found = current_settings(services=configured)
    assert (found.business_name, found.contact_email, found.default_language) == (
        "Oficina Exemplo",
        "geral@oficina.pt",
        "pt",
    )
    assert found.vat_rates == (Decimal(23), Decimal(13), Decimal(6), Decimal(0))
    assert found.upload_limit_mb == 100 and found.upload_limit_bytes == 100 * 1024 * 1024


def test_the_stored_name_and_contact_email_reach_every_email(
    services: Services, admin: Account
) -> None:
    save(services, admin, business_name="Oficina Nova, Lda.", contact_email="geral@nova.pt")
    register(services)
    mail = only(deliver(services), Kind.ACTIVATION)
    assert mail.context["business_name"] == "Oficina Nova, Lda."
    assert mail.context["contact_email"] == "geral@nova.pt"
    found = current_settings(services=services)
    assert (found.business_name, found.contact_email) == ("Oficina Nova, Lda.", "geral@nova.pt")


def test_emptying_a_field_goes_back_to_the_configuration(
    services: Services, admin: Account
) -> None:
    save(services, admin, business_name="Oficina Nova")
    save(services, admin, business_name="  ")
    assert current_settings(services=services).business_name == "Oficina Exemplo"


def test_every_field_is_checked(services: Services, admin: Account) -> None:
    with pytest.raises(InvalidInput) as error:
        save(
            services,
            admin,
            business_name="Oficina\x00",
            contact_email="geral@",
            contact_phone="12",
            default_language="fr",
            vat_rates="23, abc",
            upload_limit_mb="0",
        )
    assert error.value.by_field() == {
        "business_name": ["invalid_characters"],
        "contact_email": ["email_invalid"],
        "contact_phone": ["phone_invalid"],
        "default_language": ["invalid_choice"],
        "vat_rates": ["vat_rates_invalid"],
        "upload_limit_mb": ["upload_limit_invalid"],
    }
    assert current_settings(services=services).business_name == "Oficina Exemplo"


@pytest.mark.parametrize(
    ("typed", "rates"),
    [
        ("23, 13, 6, 0", ("23", "13", "6", "0")),
        ("23 13 6 0", ("23", "13", "6", "0")),
        ("23;13;6;0", ("23", "13", "6", "0")),
        ("23; 5,5; 0", ("23", "5.5", "0")),
        ("22, 12.5, 6.25", ("22", "12.5", "6.25")),
        ("23, 23, 6", ("23", "6")),
        ("100", ("100",)),
    ],
)
def test_vat_rates_are_read_as_people_write_them(typed: str, rates: tuple[str, ...]) -> None:
    errors: list[FieldError] = []
    assert business.parse_vat_rates(typed, errors) == tuple(Decimal(r) for r in rates)
    assert errors == []


@pytest.mark.parametrize(
    "typed", ["", "abc", "101", "5,555", "1.234", "-6", "1 2 3 4 5 6 7 8 9 10 11", "NaN", "1e2"]
)
def test_impossible_vat_rates_are_refused(typed: str) -> None:
    errors: list[FieldError] = []
    business.parse_vat_rates(typed, errors)
    assert len(errors) == 1 and errors[0].field == "vat_rates"


def test_rates_are_shown_as_they_were_typed() -> None:
    assert [business.format_rate(Decimal(t)) for t in ("23", "5.5", "0", "6.25", "10")] == [
        "23",
        "5.5",
        "0",
        "6.25",
        "10",
    ]


def test_saving_is_audited_with_what_changed(services: Services, admin: Account) -> None:
    save(services, admin, business_name="Oficina Nova", vat_rates="23, 6")
    [entry] = audit_trail(services, action="settings.updated")
    assert entry.actor_id == admin.id and entry.ip == IP
    assert entry.summary == "Changed business_name, vat_rates"


def test_the_default_language_is_used_for_clients_staff_create(
    services: Services, admin: Account
) -> None:
    save(services, admin, default_language="en")
    account = clients.create_client(
        services=services,
        actor=admin,
        first_name="Ana",
        last_name="Silva",
        email="ana@example.pt",
        language=None,
    )
    assert account.language == "en"
