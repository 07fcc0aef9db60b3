"""The data a quote is made out with: the business's address and tax number (NIF) in the
settings, and a client's NIF and billing address in their profile."""

from __future__ import annotations

import pytest

from iclient_core.accounts import profile
from iclient_core.accounts.model import Account
from iclient_core.services import Services
from iclient_core.shared.errors import FieldError, InvalidInput
from iclient_core.shared.taxid import clean_address, clean_nif, is_valid_nif
from iclient_core.staff import clients
from iclient_core.staff.settings import current_settings, save_settings
from tests.unit.helpers import IP, active_client, stored
from tests.unit.staff_helpers import staff_member


@pytest.fixture
def admin(services: Services) -> Account:
    return staff_member(services)


def _save(services: Services, admin: Account, **fields: str) -> None:
    save_settings(
        services=services,
        actor=admin,
        ip=IP,
        **{
            "business_name": "",
            "contact_email": "",
            "contact_phone": "",
            "default_language": "",
            "vat_rates": "23, 13, 6, 0",
            "upload_limit_mb": "100",
            **fields,
        },  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("nif", ["123456789", "500000000", "509442013", "999999990"])
def test_nifs_with_the_right_check_digit_are_valid(nif: str) -> None:
    assert is_valid_nif(nif)


@pytest.mark.parametrize(
    "nif", ["123456780", "500000001", "12345678", "1234567890", "12345678a", "١٢٣٤٥٦٧٨٩"]
)
def test_nifs_with_a_wrong_check_digit_or_length_are_not(nif: str) -> None:
    assert not is_valid_nif(nif)


def test_a_nif_is_kept_as_its_nine_digits_however_it_was_typed() -> None:
    errors: list[FieldError] = []
    assert clean_nif("PT 123 456 789", "nif", errors) == "123456789"
    assert clean_nif("123.456.789", "nif", errors) == "123456789"
    assert clean_nif("  ", "nif", errors) == "" and errors == []
    assert clean_nif("123 456 780", "nif", errors) == ""
    assert errors == [FieldError("nif", "nif_invalid")]


def test_an_address_keeps_its_lines_and_drops_blank_ones() -> None:
    errors: list[FieldError] = []
    typed = "  Rua das Flores,  12\r\n\r\n4000-123   Porto \n"
    assert clean_address(typed, "address", errors) == "Rua das Flores, 12\n4000-123 Porto"
    assert clean_address("Rua\x00", "address", errors) == ""
    assert clean_address("\n".join("x" * 7), "address", errors) == ""
    assert [e.code for e in errors] == ["invalid_characters", "too_many_lines"]


def test_an_admin_sets_the_business_address_and_nif(services: Services, admin: Account) -> None:
    _save(services, admin, address="Rua das Flores, 12\n4000-123 Porto", nif="PT 509 442 013")
    found = current_settings(services=services)
    assert found.address_lines == ("Rua das Flores, 12", "4000-123 Porto")
    assert found.nif == "509442013"
    with pytest.raises(InvalidInput) as refused:
        _save(services, admin, nif="509442014")
    assert refused.value.by_field() == {"nif": ["nif_invalid"]}
    assert current_settings(services=services).nif == "509442013"  # nothing changed


def test_a_client_adds_a_nif_and_billing_address_to_their_profile(services: Services) -> None:
    ana = active_client(services)
    fields = {"first_name": "Ana", "last_name": "Silva", "phone": "912 345 678"}
    with pytest.raises(InvalidInput) as refused:
        profile.update_profile(
            services=services, account_id=ana.id, nif="123456780", billing_address="", **fields
        )
    assert refused.value.by_field() == {"nif": ["nif_invalid"]}
    profile.update_profile(
        services=services,
        account_id=ana.id,
        nif="123 456 789",
        billing_address="Rua Nova, 1\n1000-001 Lisboa",
        **fields,
    )
    saved = stored(services, ana.id).profile
    assert (saved.nif, saved.billing_address) == ("123456789", "Rua Nova, 1\n1000-001 Lisboa")
    # A form without the two fields (a staff member's own page) keeps them.
    profile.update_profile(services=services, account_id=ana.id, **fields)
    assert stored(services, ana.id).profile.nif == "123456789"


def test_staff_correcting_a_clients_contacts_keep_their_nif(
    services: Services, admin: Account
) -> None:
    ana = active_client(services)
    profile.update_profile(
        services=services,
        account_id=ana.id,
        first_name="Ana",
        last_name="Silva",
        phone="912 345 678",
        nif="123456789",
        billing_address="Rua Nova, 1",
    )
    clients.update_client(
        services=services,
        actor=admin,
        client_id=ana.id,
        first_name="Ana Maria",
        last_name="Silva",
        email=ana.email.address,
    )
    saved = stored(services, ana.id).profile
    assert (saved.first_name, saved.nif, saved.billing_address) == (
        "Ana Maria",
        "123456789",
        "Rua Nova, 1",
    )
