"""E-mail and phone normalisation with the real ``StandardContactValidator``."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from iclient_adapters.contacts import StandardContactValidator
from iclient_core.accounts.model import email_key

CONTACTS = StandardContactValidator()

# Portuguese mobile numbers: 91, 92, 93 and 96 followed by seven digits.
pt_mobiles = st.builds(
    lambda prefix, rest: prefix + rest,
    st.sampled_from(["91", "92", "93", "96"]),
    st.text(alphabet="0123456789", min_size=7, max_size=7),
)


def spellings(national: str) -> list[str]:
    """The ways people type one Portuguese mobile number."""
    grouped = f"{national[:3]} {national[3:6]} {national[6:]}"
    return [
        national,
        grouped,
        f"+351{national}",
        f"+351 {national}",
        f"+351 {grouped}",
        f"00351{national}",
        f"00351 {grouped}",
        f"(+351) {national[:3]}-{national[3:6]}-{national[6:]}",
        f"+351.{national[:2]}.{national[2:5]}.{national[5:]}",
    ]


# ----------------------------------------------------------------------------------------- e-mail


@settings(max_examples=300, deadline=None)
@given(st.emails())
def test_email_normalisation_is_idempotent(address: str) -> None:
    normalised = CONTACTS.normalise_email(address)
    assert CONTACTS.normalise_email(normalised) == normalised
    assert email_key(normalised) == email_key(CONTACTS.normalise_email(normalised))


@settings(max_examples=300, deadline=None)
@given(st.emails())
def test_email_normalisation_keeps_the_local_part_and_lowers_the_domain(address: str) -> None:
    # The domain is lower-cased (and an xn-- domain shown in Unicode); the mailbox is kept.
    local, _, domain = CONTACTS.normalise_email(address).rpartition("@")
    assert local == address.rpartition("@")[0]
    assert domain == domain.lower()
    assert domain.encode("idna").decode("ascii") == address.rpartition("@")[2].lower()


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("Ana.Silva@EXAMPLE.PT", "Ana.Silva@example.pt"),
        ("MIKE@X.COM", "MIKE@x.com"),
        ("mıke@x.com", "mıke@x.com"),  # a dotless ı is kept, not turned into an i
        ("mike@ｅｘａｍｐｌｅ.com", "mike@example.com"),
    ],
)
def test_email_examples(raw: str, normalised: str) -> None:
    assert CONTACTS.normalise_email(raw) == normalised


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "ana",
        "ana@",
        "@example.com",
        "ana@@example.com",
        "ana silva@example.com",
        "ana@example",
        "ana@localhost",
        "ana@example.test",  # special-use domains receive no mail
        "ana@example.com\r\nBcc: victim@example.com",
        "ana@exam\u00adple.com",
    ],
)
def test_malformed_addresses_raise_value_error(raw: str) -> None:
    with pytest.raises(ValueError):
        CONTACTS.normalise_email(raw)


@settings(max_examples=500, deadline=None)
@given(st.text())
@example("ana@example.com")
@example("\x00@\x00")
@example("a@" + "b" * 300 + ".com")
def test_any_text_either_normalises_as_email_or_raises_value_error(text: str) -> None:
    try:
        normalised = CONTACTS.normalise_email(text)
    except ValueError:
        return
    assert CONTACTS.normalise_email(normalised) == normalised


# ------------------------------------------------------------------------------------------ phone


@settings(deadline=None)
@given(pt_mobiles)
@example("912345678")
def test_portuguese_mobiles_in_every_spelling_give_one_e164_number(national: str) -> None:
    expected = f"+351{national}"
    assert {CONTACTS.normalise_phone(raw) for raw in spellings(national)} == {expected}


@settings(deadline=None)
@given(pt_mobiles)
def test_phone_normalisation_is_idempotent(national: str) -> None:
    for raw in spellings(national):
        normalised = CONTACTS.normalise_phone(raw)
        assert CONTACTS.normalise_phone(normalised) == normalised


def test_the_usual_spellings_of_one_number() -> None:
    for raw in ("912 345 678", "+351 912345678", "00351912345678"):
        assert CONTACTS.normalise_phone(raw) == "+351912345678"


def test_foreign_numbers_keep_their_country() -> None:
    assert CONTACTS.normalise_phone("+44 20 7946 0958") == "+442079460958"
    assert CONTACTS.normalise_phone("0034 612 345 678") == "+34612345678"


@pytest.mark.parametrize("raw", ["", "12", "912 345", "abc", "+351 000 000 000", "9" * 30])
def test_invalid_phones_raise_value_error(raw: str) -> None:
    with pytest.raises(ValueError):
        CONTACTS.normalise_phone(raw)


@settings(max_examples=500, deadline=None)
@given(st.text())
@example("+351 ٩١٢٣٤٥٦٧٨")  # Arabic-Indic digits
@example("+" * 300)
def test_any_text_either_normalises_as_phone_or_raises_value_error(text: str) -> None:
    try:
        normalised = CONTACTS.normalise_phone(text)
    except ValueError:
        return
    assert normalised.startswith("+")
    assert normalised[1:].isdigit() and normalised[1:].isascii()
    assert CONTACTS.normalise_phone(normalised) == normalised
