"""Typed names and addresses that only look like something: a Cyrillic ``а`` among Latin
letters in an e-mail address, a name of nothing but invisible or combining characters."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from iclient_adapters.testing import make_services
from iclient_core.accounts.contact import clean_email
from iclient_core.shared.errors import FieldError
from iclient_core.shared.text import clean_line

SERVICES = make_services()

# Cyrillic and Greek letters drawn like Latin ones.
LOOK_ALIKES = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і", "s": "ѕ"}
COMBINING = [chr(c) for c in range(0x300, 0x370)] + ["\u20dd", "\u20de", "\u0488"]
INVISIBLE = ["\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u034f", "\u17b4", "\u17b5"]
SPACES = [" ", "\u00a0", "\u2003", "\u3000"]


def _email(raw: str) -> list[FieldError]:
    errors: list[FieldError] = []
    clean_email(SERVICES, raw, errors)
    return errors


def _line(raw: str) -> tuple[str, list[FieldError]]:
    errors: list[FieldError] = []
    return clean_line(raw, "first_name", errors), errors


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=20),
    st.data(),
)
@example(local="anasilva", data=None)
def test_a_look_alike_letter_among_latin_ones_is_refused(local: str, data: object) -> None:
    swappable = [i for i, ch in enumerate(local) if ch in LOOK_ALIKES]
    if data is None:  # the explicit example: "аnasilva" with a Cyrillic а
        index = 0
    else:
        if not swappable:
            local += "a"
            swappable = [len(local) - 1]
        index = data.draw(st.sampled_from(swappable))  # type: ignore[attr-defined]
    spoofed = local[:index] + LOOK_ALIKES[local[index]] + local[index + 1 :]
    if spoofed == LOOK_ALIKES[local[index]]:
        return  # one letter only: nothing to mix with
    assert _email(f"{spoofed}@example.pt") == [FieldError("email", "email_mixed_scripts")]
    assert _email(f"{local}@example.pt") == []


@pytest.mark.parametrize(
    "address",
    [
        "аna.silva@example.pt",  # Cyrillic а
        "ana.silva@exаmple.pt",  # Cyrillic а in the domain
        "ana@ехаmple.pt",  # the domain's first letters Cyrillic
        "αnα.silva@example.pt",  # Greek α
    ],
)
def test_mixed_script_addresses_are_refused(address: str) -> None:
    assert _email(address) == [FieldError("email", "email_mixed_scripts")]


@pytest.mark.parametrize(
    "address",
    [
        "ana.silva@example.pt",
        "joão.gonçalves@example.pt",
        "mıke@x.com",  # a dotless ı is a Latin letter
        "анна@example.pt",  # one script in each part
        "анна@пример.рф",
        "δοκιμή@example.gr",
        "用户@例子.广告",
        "ユーザー用@example.jp",  # Japanese mixes Han and Katakana
        "ana2026@example.pt",
    ],
)
def test_one_script_in_each_part_is_accepted(address: str) -> None:
    assert _email(address) == []


invisible_names = st.lists(
    st.sampled_from(COMBINING + INVISIBLE + SPACES), min_size=1, max_size=30
).map("".join)


@settings(max_examples=300, deadline=None)
@given(invisible_names)
@example("\u0301\u0301\u0301")
@example("\u3164")
@example("\u2800 \u2800")
def test_a_name_of_only_invisible_or_combining_characters_is_refused(name: str) -> None:
    cleaned, errors = _line(name)
    assert cleaned == ""
    assert len(errors) == 1
    assert errors[0].code in {"required", "invisible_only"}


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.characters(categories=["Lu", "Ll"], max_codepoint=0x24F),
        min_size=1,
        max_size=40,
    ),
    invisible_names,
)
def test_a_name_with_letters_and_marks_is_kept(letters: str, marks: str) -> None:
    name = letters + "".join(marks.split())
    cleaned, errors = _line(name)
    assert errors == []
    assert cleaned == unicodedata.normalize("NFC", name).strip()


@pytest.mark.parametrize("name", ["Zoë", "José", "Ana Maria", "O'Neil", "Nguyễn", "李"])
def test_real_names_are_kept(name: str) -> None:
    assert _line(name) == (name, [])
