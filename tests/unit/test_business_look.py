"""The business's look on the portal: the accent colour an admin chooses (readable both as
text on the page and under white text) and the landing page's introduction."""

from __future__ import annotations

import pytest

from iclient_core.accounts.model import Account
from iclient_core.services import Services
from iclient_core.shared.business import (
    PAGE_BACKGROUND,
    contrast_ratio,
    parse_accent_color,
)
from iclient_core.shared.errors import FieldError, InvalidInput
from iclient_core.staff.settings import current_settings, save_settings
from tests.unit.helpers import IP
from tests.unit.staff_helpers import audit_trail, staff_member


@pytest.fixture
def admin(services: Services) -> Account:
    return staff_member(services)


def save(services: Services, admin: Account, **fields: str) -> None:
    values = {
        "business_name": "",
        "contact_email": "",
        "contact_phone": "",
        "default_language": "",
        "vat_rates": "23, 13, 6, 0",
        "upload_limit_mb": "100",
        **fields,
    }
    save_settings(services=services, actor=admin, ip=IP, **values)


def test_contrast_ratios_match_the_wcag_formula() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#0b5cad", "#ffffff") == contrast_ratio("#ffffff", "#0b5cad")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("#7A1F5C", "#7a1f5c"), ("7a1f5c", "#7a1f5c"), (" #0b5cad ", "#0b5cad"), ("", "")],
)
def test_an_accent_colour_is_read_as_lower_case_rrggbb(typed: str, stored: str) -> None:
    errors: list[FieldError] = []
    assert parse_accent_color(typed, errors) == stored
    assert errors == []


@pytest.mark.parametrize("typed", ["red", "#fff", "#12345g", "#1234567", "rgb(0,0,0)", "##123456"])
def test_what_is_not_a_hex_colour_is_refused(typed: str) -> None:
    errors: list[FieldError] = []
    assert parse_accent_color(typed, errors) == ""
    assert errors == [FieldError("accent_color", "accent_color_invalid")]


@pytest.mark.parametrize("typed", ["#ffd700", "#ffffff", "#1e90ff", "#767676"])
def test_a_colour_too_light_to_read_is_refused(typed: str) -> None:
    # #767676 passes on white (4.54) but not on the page's grey background.
    assert contrast_ratio(typed, PAGE_BACKGROUND) < 4.5
    errors: list[FieldError] = []
    assert parse_accent_color(typed, errors) == ""
    assert errors == [FieldError("accent_color", "accent_color_low_contrast")]


def test_the_admin_sets_the_accent_and_the_introductions(
    services: Services, admin: Account
) -> None:
    save(
        services,
        admin,
        accent_color="#7A1F5C",
        intro_pt="**Olá!**\r\n\r\n- Orçamentos   \r\n- Faturas",
        intro_en="Hello.",
    )
    found = current_settings(services=services)
    assert found.accent_color == "#7a1f5c"
    assert found.intro("pt") == "**Olá!**\n\n- Orçamentos\n- Faturas"
    assert found.intro("en") == "Hello."
    assert "accent_color" in audit_trail(services)[-1].summary


def test_an_introduction_in_one_language_stands_in_for_the_other(
    services: Services, admin: Account
) -> None:
    save(services, admin, intro_pt="Só em português.", intro_en="")
    assert current_settings(services=services).intro("en") == "Só em português."


def test_leaving_the_new_settings_out_keeps_them(services: Services, admin: Account) -> None:
    save(services, admin, accent_color="#7a1f5c", intro_pt="Olá.")
    save(services, admin, business_name="Oficina Nova")
    found = current_settings(services=services)
    assert (found.accent_color, found.intro_pt) == ("#7a1f5c", "Olá.")
    save(services, admin, accent_color="", intro_pt="")
    found = current_settings(services=services)
    assert (found.accent_color, found.intro_pt) == ("", "")


def test_bad_look_settings_are_refused_with_their_field(services: Services, admin: Account) -> None:
    with pytest.raises(InvalidInput) as refused:
        save(services, admin, accent_color="#ffd700", intro_en="x" * 5001, intro_pt="a\x00b")
    assert refused.value.by_field() == {
        "accent_color": ["accent_color_low_contrast"],
        "intro_pt": ["invalid_characters"],
        "intro_en": ["too_long"],
    }
    assert current_settings(services=services).accent_color == ""
