"""The password policy (core) and the passlib hasher (adapter): SECURITY.md items 1–4 and 6."""

from __future__ import annotations

import unicodedata

import attrs
import bcrypt
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from iclient_adapters.clock import FrozenClock
from iclient_adapters.passwords import PasslibHasher
from iclient_adapters.strength import ZxcvbnStrength
from iclient_adapters.testing import make_services
from iclient_core.accounts import registration
from iclient_core.accounts.model import Status
from iclient_core.accounts.passwords import (
    HARD_MINIMUM,
    MAXIMUM,
    PasswordPolicy,
    normalise_password,
)
from iclient_core.services import Services
from iclient_core.settings import Settings
from iclient_core.shared.errors import InvalidInput
from tests.unit.helpers import PASSWORD, change_account, register_and_get_token, sign_in, stored

STRENGTH = ZxcvbnStrength()
POLICY = PasswordPolicy()
# Letters from many scripts, all already in NFKC form: "any Unicode" without normalisation.
MIXED = "açãõ€🙂日本語Ωжדלעبñü"


@pytest.fixture(scope="module")
def hasher() -> PasslibHasher:
    """The real argon2id hasher (module-wide: building one hashes once)."""
    return PasslibHasher()


@pytest.fixture
def services(clock: FrozenClock) -> Services:
    """Core services hashing at the production parameters (not the suite's cheap hasher):
    this module checks what sign-in upgrades a hash to."""
    return make_services(clock=clock)


def codes(error: pytest.ExceptionInfo[InvalidInput]) -> dict[str, list[str]]:
    return dict(error.value.by_field())


def check(password: str, policy: PasswordPolicy = POLICY, **kwargs: object) -> str:
    return policy.check(password, password, strength=STRENGTH, **kwargs)  # type: ignore[arg-type]


def mixed(length: int) -> str:
    text = (MIXED * (length // len(MIXED) + 1))[:length]
    assert len(text) == length and normalise_password(text) == text
    return text


def argon2_parameters(hashed: str) -> dict[str, int]:
    _, scheme, version, parameters, _salt, _digest = hashed.split("$")
    assert scheme == "argon2id"
    assert version == "v=19"
    return {key: int(value) for key, value in (p.split("=") for p in parameters.split(","))}


# --------------------------------------------------------------------------------- item 1: length


def test_item_1_minimum_length_is_12_by_default() -> None:
    assert PasswordPolicy().min_length == 12
    assert Settings().password_policy.min_length == 12
    assert check("kx7 tugboat!") == "kx7 tugboat!"
    with pytest.raises(InvalidInput) as error:
        check("kx7 tugboat")
    assert codes(error) == {"password": ["password_too_short"]}


def test_item_1_minimum_length_is_configurable_down_to_8() -> None:
    policy = PasswordPolicy(min_length=8)
    # zxcvbn never rates 8 characters "safely unguessable" (score 3): judge with score 2 here.
    lenient = ZxcvbnStrength(min_score=2)
    assert policy.check("Zq8#vL2p", "Zq8#vL2p", strength=lenient) == "Zq8#vL2p"
    with pytest.raises(InvalidInput) as error:
        policy.check("Zq8#vL2", "Zq8#vL2", strength=lenient)
    assert codes(error) == {"password": ["password_too_short"]}


@pytest.mark.parametrize("minimum", [0, 4, HARD_MINIMUM - 1])
def test_item_1_minimum_below_8_is_refused_by_the_policy(minimum: int) -> None:
    assert HARD_MINIMUM == 8
    with pytest.raises(ValueError, match="below 8"):
        PasswordPolicy(min_length=minimum)
    with pytest.raises(ValueError, match="below 8"):
        attrs.evolve(PasswordPolicy(), min_length=minimum)


def test_item_1_length_is_counted_in_characters_not_bytes() -> None:
    # Twelve characters of four bytes each are twelve characters.
    assert check("🙂日€Ωж🙂tugboat"[:12]) == "🙂日€Ωж🙂tugboa"


# ---------------------------------------------------------------------- item 2: long, any Unicode


@pytest.mark.parametrize("length", [64, 128, MAXIMUM])
def test_item_2_long_passwords_of_any_unicode_are_accepted_whole(length: int) -> None:
    password = mixed(length)
    assert check(password) == password


def test_item_2_password_over_the_maximum_is_refused_with_a_reason() -> None:
    with pytest.raises(InvalidInput) as error:
        check(mixed(MAXIMUM + 1))
    assert codes(error) == {"password": ["password_too_long"]}


def test_item_2_long_password_is_never_truncated(hasher: PasslibHasher) -> None:
    password = mixed(200)
    hashed = hasher.hash(password)
    assert hasher.hash(password[:72]) != hashed
    assert hasher.verify(password, hashed)
    # bcrypt would accept any of these: they share the first 72 characters (and bytes).
    assert not hasher.verify(password[:72], hashed)
    assert not hasher.verify(password[:-1] + "x", hashed)


@settings(max_examples=20, deadline=None)
@given(password=st.text(min_size=73, max_size=MAXIMUM))
def test_item_2_every_character_of_a_long_password_counts(
    hasher: PasslibHasher, password: str
) -> None:
    hashed = hasher.hash(password)
    assert hasher.verify(password, hashed)
    # Any truncation before the last character would make this prefix verify too.
    assert not hasher.verify(password[:-1], hashed)


# ------------------------------------------------------------------- item 3: no composition rules


@pytest.mark.parametrize(
    "passphrase",
    [
        "violet tugboat umbrella",  # lower-case letters and spaces only
        "quiet lanterns drift over harbours and nobody minds",
        "8305 1927 6641 0283",  # digits only
    ],
)
def test_item_3_no_composition_rules(passphrase: str) -> None:
    assert check(passphrase) == passphrase


# -------------------------------------------------------------------- item 4: common and personal


@pytest.mark.parametrize("common", ["password1234", "qwertyuiop123", "aaaaaaaaaaaaaa"])
def test_item_4_common_passwords_are_refused_with_the_reason(common: str) -> None:
    with pytest.raises(InvalidInput) as error:
        check(common)
    assert codes(error) == {"password": ["password_common"]}


PERSONAL = ["Mariana", "Ferreira", "joaquim.tavares@gmail.com", "Oficina Exemplo"]


@pytest.mark.parametrize(
    "password",
    [
        "mariana violet tugboat",  # first name
        "violet FERREIRA tugboat",  # last name, any case
        "tugboat joaquim umbrella",  # e-mail local part
        "umbrella tavares violet",  # e-mail local part, second word
        "oficina lanterns drift",  # business name
        "lanterns exemplo drift",  # business name, second word
    ],
)
def test_item_4_own_name_email_or_business_name_are_refused(password: str) -> None:
    with pytest.raises(InvalidInput) as error:
        check(password, personal=PERSONAL)
    assert codes(error) == {"password": ["password_personal"]}


@pytest.mark.parametrize(
    "repeated", ["1234567890" * 4, "password1" * 5, "abcdefgh" * 5, "Password123!" * 4]
)
def test_item_4_a_long_repetition_of_a_common_password_is_refused(repeated: str) -> None:
    assert len(repeated) >= 40
    assert STRENGTH.is_weak(repeated, user_inputs=[])


def test_item_4_the_mail_provider_is_not_personal() -> None:
    assert check("gmail violet tugboat umbrella", personal=PERSONAL)


def test_item_4_errors_are_reported_against_the_named_field() -> None:
    with pytest.raises(InvalidInput) as error:
        POLICY.check("password1234", "password1234", strength=STRENGTH, field="new_password")
    assert codes(error) == {"new_password": ["password_common"]}


def test_item_4_activation_refuses_the_clients_own_name(services: Services) -> None:
    token = register_and_get_token(services, first_name="Mariana", last_name="Ferreira")
    with pytest.raises(InvalidInput) as error:
        registration.activate_account(
            services=services,
            token=token,
            password="mariana violet tugboat",
            password_confirm="mariana violet tugboat",
            ip="203.0.113.7",
        )
    assert codes(error) == {"password": ["password_personal"]}
    account = registration.check_activation(services=services, token=token)
    assert account.status is Status.PENDING_ACTIVATION  # and the link still works


# --------------------------------------------------------------- item 6: argon2id, NFKC, upgrades


def test_item_6_hashes_are_argon2id_with_owasp_parameters(hasher: PasslibHasher) -> None:
    hashed = hasher.hash(PASSWORD)
    parameters = argon2_parameters(hashed)
    assert parameters["m"] >= 19456
    assert parameters["t"] >= 2
    assert parameters["p"] >= 1
    assert hasher.verify(PASSWORD, hashed)
    assert not hasher.verify(PASSWORD + " ", hashed)
    assert not hasher.needs_update(hashed)


def test_item_6_hashes_are_salted(hasher: PasslibHasher) -> None:
    assert hasher.hash(PASSWORD) != hasher.hash(PASSWORD)


def test_item_6_ligature_and_plain_letters_are_the_same_password(hasher: PasslibHasher) -> None:
    ligature, plain = "ﬁnest lanterns drift", "finest lanterns drift"
    assert check(ligature) == plain
    hashed = hasher.hash(check(ligature))
    assert hasher.verify(normalise_password(plain), hashed)
    assert hasher.verify(normalise_password(ligature), hashed)


def test_item_6_nfkc_at_sign_in(services: Services) -> None:
    token = register_and_get_token(services)
    registration.activate_account(
        services=services,
        token=token,
        password="ﬁnest lanterns drift",
        password_confirm="finest lanterns drift",  # the confirmation may be typed either way
        ip="203.0.113.7",
    )
    assert sign_in(services, password="finest lanterns drift").session_secret
    assert sign_in(services, password="ﬁnest lanterns drift").session_secret


def test_item_6_unreadable_hash_never_verifies(hasher: PasslibHasher) -> None:
    assert not hasher.verify(PASSWORD, "not a hash")
    assert hasher.needs_update("not a hash")


def test_item_6_bcrypt_hashes_still_verify_and_need_an_update(hasher: PasslibHasher) -> None:
    legacy = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    assert hasher.verify(PASSWORD, legacy)
    assert not hasher.verify("violet tugboat umbrella 43", legacy)
    assert hasher.needs_update(legacy)


def test_item_6_weaker_argon2_parameters_need_an_update(hasher: PasslibHasher) -> None:
    weak = PasslibHasher(memory_kib=8192, time_cost=1).hash(PASSWORD)
    assert hasher.verify(PASSWORD, weak)
    assert hasher.needs_update(weak)


def test_item_6_sign_in_upgrades_a_bcrypt_hash_to_argon2id(services: Services) -> None:
    token = register_and_get_token(services)
    account = registration.activate_account(
        services=services, token=token, password=PASSWORD, password_confirm=PASSWORD, ip="-"
    )
    legacy = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    change_account(services, account.id, "rehash", legacy)
    assert stored(services, account.id).password_hash == legacy

    sign_in(services)

    upgraded = stored(services, account.id).password_hash
    assert upgraded is not None and upgraded.startswith("$argon2id$")
    assert argon2_parameters(upgraded)["m"] >= 19456
    assert services.hasher.verify(PASSWORD, upgraded)
    sign_in(services)  # and the upgraded hash signs in
    assert stored(services, account.id).password_hash == upgraded


def test_item_6_sign_in_upgrades_weaker_argon2_parameters(services: Services) -> None:
    token = register_and_get_token(services)
    account = registration.activate_account(
        services=services, token=token, password=PASSWORD, password_confirm=PASSWORD, ip="-"
    )
    weak = PasslibHasher(memory_kib=8192, time_cost=1).hash(PASSWORD)
    change_account(services, account.id, "rehash", weak)
    sign_in(services)
    upgraded = stored(services, account.id).password_hash
    assert upgraded is not None
    assert argon2_parameters(upgraded) == {"m": 19456, "t": 2, "p": 1}


# ----------------------------------------------------------------------- properties of the policy


@settings(deadline=None)
@given(st.text(min_size=POLICY.min_length, max_size=POLICY.max_length))
def test_policy_returns_the_nfkc_form_of_any_strong_enough_text(password: str) -> None:
    normalised = unicodedata.normalize("NFKC", password)
    assume(POLICY.min_length <= len(normalised) <= POLICY.max_length)
    assume(not STRENGTH.is_weak(normalised, user_inputs=[]))
    assert POLICY.check(password, password, strength=STRENGTH) == normalised
    assert POLICY.check(password, None, strength=STRENGTH) == normalised


@settings(deadline=None)
@given(st.text(max_size=POLICY.min_length - 1))
def test_policy_refuses_any_text_shorter_than_the_minimum(password: str) -> None:
    # The length is counted after NFKC (a ligature is two letters), as the policy documents.
    assume(len(unicodedata.normalize("NFKC", password)) < POLICY.min_length)
    with pytest.raises(InvalidInput) as error:
        POLICY.check(password, password, strength=STRENGTH)
    assert codes(error) == {"password": ["password_too_short"]}


@settings(deadline=None)
@given(password=st.text(), confirm=st.text())
def test_policy_refuses_any_confirmation_that_differs(password: str, confirm: str) -> None:
    assume(normalise_password(password) != normalise_password(confirm))
    with pytest.raises(InvalidInput) as error:
        POLICY.check(password, confirm, strength=STRENGTH)
    assert codes(error) == {"password_confirm": ["password_mismatch"]}
