"""The contact data contract: what every ``ContactValidator`` adapter must do.

Mix :class:`ContactValidatorContract` into a test class that provides a ``contacts``
fixture::

    class TestMyContacts(ContactValidatorContract):
        @pytest.fixture
        def contacts(self):
            return MyContactValidator()

Numbers typed without a country code depend on the adapter's configured country, so the
suite types every number with one. Needs pytest and hypothesis.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from iclient_core.accounts.ports import ContactValidator

_SHARED_SUITE = [HealthCheck.function_scoped_fixture, HealthCheck.differing_executors]
"""One suite runs in many classes, on fixtures made per test: neither matters to these
properties, which keep no state between examples."""

E164 = re.compile(r"\+[1-9][0-9]{6,14}")
"""ITU-T E.164: a plus, then up to 15 digits, the first one not 0."""

_any_text = settings(max_examples=200, deadline=None, suppress_health_check=_SHARED_SUITE)


def _idna(domain: str) -> bytes:
    """The ASCII form of ``domain``, whether it is given in Unicode or already in ``xn--``."""
    return domain.encode("idna").lower()


class ContactValidatorContract:
    """Needs ``contacts``: the ``ContactValidator`` under test. Checks that e-mail domains are
    lower-cased (international ones IDNA-checked) while mailboxes are kept, that numbers in any
    international spelling become E.164, that both normalisations are idempotent, and that bad
    input raises ``ValueError`` (and nothing else)."""

    # ------------------------------------------------------------------ e-mail

    @pytest.mark.parametrize(
        ("raw", "normalised"),
        [
            ("ana@example.pt", "ana@example.pt"),
            ("Ana.Silva@EXAMPLE.PT", "Ana.Silva@example.pt"),
            ("MIKE@X.COM", "MIKE@x.com"),
            ("joao+faturas@Correio.Example.com", "joao+faturas@correio.example.com"),
        ],
    )
    def test_contacts_email_domain_is_lower_cased_and_the_mailbox_kept(
        self, contacts: ContactValidator, raw: str, normalised: str
    ) -> None:
        assert contacts.normalise_email(raw) == normalised

    def test_contacts_email_international_domains_are_accepted(
        self, contacts: ContactValidator
    ) -> None:
        local, _, domain = contacts.normalise_email("ana@AÇÚCAR-Loja.pt").rpartition("@")
        assert local == "ana"
        assert _idna(domain) == _idna("açúcar-loja.pt")

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
            "ana@example.com\r\nBcc: victim@example.com",
            "ana@-example.com",
        ],
    )
    def test_contacts_malformed_addresses_are_refused(
        self, contacts: ContactValidator, raw: str
    ) -> None:
        with pytest.raises(ValueError):
            contacts.normalise_email(raw)

    @_any_text
    @given(text=st.one_of(st.emails(), st.text()))
    @example(text="Ana.Silva@EXAMPLE.PT")
    @example(text="\x00@\x00")
    def test_contacts_any_text_is_a_normal_email_or_a_value_error(
        self, contacts: ContactValidator, text: str
    ) -> None:
        try:
            normalised = contacts.normalise_email(text)
        except ValueError:
            return
        assert "@" in normalised
        assert contacts.normalise_email(normalised) == normalised

    # ------------------------------------------------------------------ phone

    @pytest.mark.parametrize(
        ("raw", "normalised"),
        [
            ("+351912345678", "+351912345678"),
            ("+351 912 345 678", "+351912345678"),
            ("+351 912-345-678", "+351912345678"),
            ("(+351) 912 345 678", "+351912345678"),
            ("+351.91.234.5678", "+351912345678"),
            ("+44 20 7946 0958", "+442079460958"),
            ("+34 612 345 678", "+34612345678"),
            ("+1 (202) 555-0143", "+12025550143"),
        ],
    )
    def test_contacts_phone_international_spellings_become_e164(
        self, contacts: ContactValidator, raw: str, normalised: str
    ) -> None:
        assert contacts.normalise_phone(raw) == normalised

    @pytest.mark.parametrize(
        "raw", ["", "12", "abc", "+", "+351", "+351 000 000 000", "9" * 30, "+351 912\n345 678x"]
    )
    def test_contacts_invalid_phones_are_refused(
        self, contacts: ContactValidator, raw: str
    ) -> None:
        with pytest.raises(ValueError):
            contacts.normalise_phone(raw)

    @_any_text
    @given(text=st.text())
    @example(text="+351 912 345 678")
    @example(text="+351 ٩١٢٣٤٥٦٧٨")  # Arabic-Indic digits
    def test_contacts_any_text_is_an_e164_phone_or_a_value_error(
        self, contacts: ContactValidator, text: str
    ) -> None:
        try:
            normalised = contacts.normalise_phone(text)
        except ValueError:
            return
        assert E164.fullmatch(normalised), normalised
        assert contacts.normalise_phone(normalised) == normalised
