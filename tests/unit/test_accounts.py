"""The ``Account`` aggregate and the ``EmailAddress`` value."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest

from iclient_core.accounts.model import Account, EmailAddress, Profile, Role, Status, email_key
from iclient_core.accounts.tokens import Purpose

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
PROFILE = Profile(first_name="Ana", last_name="Silva", phone="+351912345678")


def new_client() -> Account:
    return Account.register_client(
        id="acc-1",
        email=EmailAddress.from_normalised("Ana.Silva@example.com"),
        profile=PROFILE,
        language="pt",
        now=NOW,
    )


def active_client() -> Account:
    account = new_client()
    account.activate(password_hash="$argon2id$first", now=NOW + timedelta(hours=1))
    return account


# ------------------------------------------------------------------------------------- life cycle


def test_new_client_waits_for_activation_without_a_password() -> None:
    account = new_client()
    assert account.role is Role.CLIENT
    assert account.status is Status.PENDING_ACTIVATION
    assert account.password_hash is None
    assert account.activated_at is None
    assert account.created_at == NOW
    assert not account.is_active


def test_client_is_active_once_the_first_password_is_set() -> None:
    account = new_client()
    account.activate(password_hash="$argon2id$first", now=NOW + timedelta(hours=1))
    assert account.status is Status.ACTIVE
    assert account.is_active
    assert account.password_hash == "$argon2id$first"
    assert account.activated_at == NOW + timedelta(hours=1)


def test_disabled_client_is_not_active_and_enabling_reopens_it() -> None:
    account = active_client()
    account.disable()
    assert account.status is Status.DISABLED
    assert not account.is_active
    account.enable()
    assert account.status is Status.ACTIVE
    assert account.is_active


def test_enabling_a_client_who_never_set_a_password_leaves_it_pending() -> None:
    account = new_client()
    account.disable()
    account.enable()
    assert account.status is Status.PENDING_ACTIVATION
    assert not account.is_active


def test_staff_account_is_active_at_once() -> None:
    account = Account.create_staff(
        id="staff-1",
        email=EmailAddress.from_normalised("gestor@example.com"),
        profile=PROFILE,
        role=Role.ADMIN,
        language="en",
        password_hash="$argon2id$staff",
        now=NOW,
    )
    assert account.is_active
    assert account.role.is_staff
    assert account.activated_at == NOW


def test_a_client_role_cannot_be_made_through_create_staff() -> None:
    with pytest.raises(ValueError, match="staff"):
        Account.create_staff(
            id="x",
            email=EmailAddress.from_normalised("x@example.com"),
            profile=PROFILE,
            role=Role.CLIENT,
            language="pt",
            password_hash="h",
            now=NOW,
        )


def test_only_staff_and_admin_roles_are_staff() -> None:
    assert not Role.CLIENT.is_staff
    assert Role.STAFF.is_staff
    assert Role.ADMIN.is_staff


def test_signing_in_and_rehashing_are_recorded() -> None:
    account = active_client()
    account.signed_in(NOW + timedelta(days=1))
    account.rehash("$argon2id$stronger")
    assert account.last_sign_in_at == NOW + timedelta(days=1)
    assert account.password_hash == "$argon2id$stronger"


def test_profile_update_keeps_language_unless_given() -> None:
    account = active_client()
    updated = Profile(first_name="Ana Maria", last_name="Silva", phone="+351961234567")
    account.update_profile(updated)
    assert account.profile == updated
    assert account.language == "pt"
    account.update_profile(updated, "en")
    assert account.language == "en"


def test_full_name_joins_first_and_last_names() -> None:
    assert PROFILE.full_name == "Ana Silva"
    assert Profile(first_name="Ana", last_name="", phone="").full_name == "Ana"


def test_values_are_frozen() -> None:
    address = EmailAddress.from_normalised("ana@example.com")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        address.address = "other@example.com"  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        PROFILE.first_name = "Eve"  # type: ignore[misc]


# ----------------------------------------------------------------------------------- fingerprints


def test_fingerprint_is_stable_while_nothing_changes() -> None:
    account = active_client()
    assert account.fingerprint(Purpose.PASSWORD_RESET) == account.fingerprint(
        Purpose.PASSWORD_RESET
    )


def test_fingerprint_is_per_purpose() -> None:
    account = new_client()
    fingerprints = {account.fingerprint(purpose) for purpose in Purpose}
    assert len(fingerprints) == len(Purpose)


def test_fingerprint_changes_after_activation() -> None:
    account = new_client()
    before = account.fingerprint(Purpose.ACTIVATION)
    account.activate(password_hash="h", now=NOW)
    assert account.fingerprint(Purpose.ACTIVATION) != before


def test_fingerprint_changes_after_a_new_password() -> None:
    account = active_client()
    before = account.fingerprint(Purpose.PASSWORD_RESET)
    account.set_password("$argon2id$second")
    assert account.fingerprint(Purpose.PASSWORD_RESET) != before


def test_fingerprint_changes_after_the_same_password_is_set_again() -> None:
    # A reset to the very same password still spends the link: the stamp rotates.
    account = active_client()
    before = account.fingerprint(Purpose.PASSWORD_RESET)
    account.set_password(account.password_hash or "")
    assert account.fingerprint(Purpose.PASSWORD_RESET) != before


def test_fingerprint_changes_after_an_email_change() -> None:
    account = active_client()
    before = account.fingerprint(Purpose.EMAIL_CHANGE)
    account.change_email(EmailAddress.from_normalised("ana.nova@example.com"))
    assert account.email.address == "ana.nova@example.com"
    assert account.fingerprint(Purpose.EMAIL_CHANGE) != before


def test_fingerprint_changes_after_disabling() -> None:
    account = active_client()
    before = account.fingerprint(Purpose.PASSWORD_RESET)
    account.disable()
    assert account.fingerprint(Purpose.PASSWORD_RESET) != before


def test_fingerprint_changes_after_rotating_the_stamp() -> None:
    account = active_client()
    before = account.fingerprint(Purpose.PASSWORD_RESET)
    account.rotate_stamp()
    assert account.fingerprint(Purpose.PASSWORD_RESET) != before


def test_fingerprint_survives_a_rehash_and_a_profile_update() -> None:
    # A sign-in that upgrades the hash must not spend a reset link the person just asked for.
    account = active_client()
    before = account.fingerprint(Purpose.PASSWORD_RESET)
    account.rehash("$argon2id$stronger")
    account.signed_in(NOW)
    account.update_profile(Profile(first_name="Ana", last_name="S.", phone=""), "en")
    assert account.fingerprint(Purpose.PASSWORD_RESET) == before


def test_fingerprints_differ_between_accounts() -> None:
    one, two = new_client(), new_client()
    assert one.id == two.id  # same id and address: only the random stamp differs
    assert one.fingerprint(Purpose.ACTIVATION) != two.fingerprint(Purpose.ACTIVATION)


# ------------------------------------------------------------------------------------ e-mail keys


def test_email_address_keeps_what_the_owner_typed_and_compares_by_key() -> None:
    address = EmailAddress.from_normalised("Ana.Silva@example.com")
    assert address.address == "Ana.Silva@example.com"
    assert str(address) == "Ana.Silva@example.com"
    assert address.key == "ana.silva@example.com"


def test_email_key_folds_case() -> None:
    assert email_key("MIKE@X.COM") == email_key("mike@x.com") == "mike@x.com"
    assert (
        EmailAddress.from_normalised("MIKE@X.COM").key
        == EmailAddress.from_normalised("mike@x.com").key
    )


def test_email_key_keeps_the_dotless_i_distinct() -> None:
    # allauth's test: Turkish dotless ı is another letter, not a case variant of i.
    assert email_key("mıke@x.com") != email_key("mike@x.com")
    assert email_key("MIKE@X.COM") != email_key("mıke@x.com")


def test_email_key_keeps_the_dotted_capital_i_distinct() -> None:
    assert email_key("MİKE@X.COM") != email_key("mike@x.com")


def test_email_key_folds_compatibility_forms() -> None:
    # Full-width letters and the Kelvin sign are the same keys typed another way (NFKC).
    assert email_key("ｍike@x.com") == "mike@x.com"
    assert email_key("\u212aim@x.com") == "kim@x.com"
    assert email_key("STRASSE@x.com") == email_key("straße@x.com")


def test_email_key_ignores_surrounding_spaces() -> None:
    assert email_key("  mike@x.com \t") == "mike@x.com"


def test_ids_are_unique_time_ordered_uuid7_values() -> None:
    import uuid

    from iclient_adapters.clock import UuidIds

    ids = UuidIds()
    made = [ids.new_id() for _ in range(10_000)]
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    parsed = uuid.UUID(made[0])
    assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
    assert len(made[0]) == 32
