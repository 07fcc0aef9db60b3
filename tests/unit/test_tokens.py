"""Link tokens on itsdangerous: signed, expiring, purpose-bound, rotatable (items 12, 41)."""

from __future__ import annotations

import string
from datetime import timedelta

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer

from iclient_adapters.clock import FrozenClock
from iclient_adapters.tokens import ItsDangerousTokens
from iclient_core.accounts.ports import TokenClaims
from iclient_core.accounts.tokens import Purpose
from iclient_core.shared.errors import TokenExpired, TokenInvalid

KEY = "k" * 16 + "-current-signing-key-0123456789"
OLD_KEY = "o" * 16 + "-previous-signing-key-987654321"
HOUR = timedelta(hours=1)
NOW = FrozenClock().now()
B64 = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
CLAIMS = TokenClaims(account_id="acc-1", fingerprint="f" * 32, data={"email": "new@example.com"})

claims_strategy = st.builds(
    TokenClaims,
    account_id=st.text(),
    fingerprint=st.text(),
    data=st.dictionaries(st.text(), st.text(), max_size=4),
)


@pytest.fixture
def tokens() -> ItsDangerousTokens:
    return ItsDangerousTokens(KEY)


def test_token_carries_its_claims(tokens: ItsDangerousTokens) -> None:
    token = tokens.issue("activation", CLAIMS, now=NOW)
    assert tokens.verify("activation", token, max_age=HOUR, now=NOW) == CLAIMS


def test_token_is_url_safe(tokens: ItsDangerousTokens) -> None:
    token = tokens.issue("activation", CLAIMS, now=NOW)
    assert set(token) <= set(B64 + ".")


@settings(deadline=None)
@given(claims=claims_strategy, purpose=st.sampled_from(list(Purpose)))
@example(claims=TokenClaims(account_id="", fingerprint="", data={}), purpose=Purpose.ACTIVATION)
@example(
    claims=TokenClaims(account_id="ação 🙂\n", fingerprint='"}.', data={"e": "\x00"}),
    purpose=Purpose.EMAIL_CHANGE,
)
def test_any_claims_round_trip(claims: TokenClaims, purpose: Purpose) -> None:
    tokens = ItsDangerousTokens(KEY)
    token = tokens.issue(purpose.value, claims, now=NOW)
    assert tokens.verify(purpose.value, token, max_age=HOUR, now=NOW) == claims


@settings(deadline=None)
@given(data=st.data())
def test_tampering_with_any_character_makes_the_token_invalid(data: st.DataObject) -> None:
    tokens = ItsDangerousTokens(KEY)
    token = tokens.issue("password_reset", CLAIMS, now=NOW)
    position = data.draw(st.integers(0, len(token) - 1), label="position")
    replacement = data.draw(st.sampled_from(B64 + ".").filter(lambda c: c != token[position]))
    if position == len(token) - 1 and replacement in B64 and token[position] in B64:
        # The last base64 character of the 20-byte signature has two unused low bits: a change
        # to those alone decodes to the same signature (see the test below).
        assume(B64.index(replacement) >> 2 != B64.index(token[position]) >> 2)
    tampered = token[:position] + replacement + token[position + 1 :]
    with pytest.raises(TokenInvalid):
        tokens.verify("password_reset", tampered, max_age=HOUR, now=NOW)


def test_only_the_unused_bits_of_the_signature_are_malleable(tokens: ItsDangerousTokens) -> None:
    token = tokens.issue("password_reset", CLAIMS, now=NOW)
    last = B64.index(token[-1])
    twin = token[:-1] + B64[last ^ 0b01]
    assert twin != token
    # Same bytes after decoding: the claims cannot be changed this way.
    assert tokens.verify("password_reset", twin, max_age=HOUR, now=NOW) == CLAIMS
    flipped = token[:-1] + B64[last ^ 0b100]
    with pytest.raises(TokenInvalid):
        tokens.verify("password_reset", flipped, max_age=HOUR, now=NOW)


def test_changing_the_claims_inside_the_token_breaks_the_signature(
    tokens: ItsDangerousTokens,
) -> None:
    token = tokens.issue("activation", CLAIMS, now=NOW)
    other = tokens.issue(
        "activation", TokenClaims(account_id="acc-2", fingerprint="f" * 32), now=NOW
    )
    # payload.timestamp.signature: put the other payload under this token's signature
    forged = other.rsplit(".", 1)[0] + "." + token.rsplit(".", 1)[1]
    assert forged not in (token, other)
    with pytest.raises(TokenInvalid):
        tokens.verify("activation", forged, max_age=HOUR, now=NOW)


@pytest.mark.parametrize("issued_for", list(Purpose))
@pytest.mark.parametrize("used_for", list(Purpose))
def test_item_12_token_for_one_purpose_is_invalid_for_every_other(
    tokens: ItsDangerousTokens, issued_for: Purpose, used_for: Purpose
) -> None:
    token = tokens.issue(issued_for.value, CLAIMS, now=NOW)
    if issued_for is used_for:
        assert tokens.verify(used_for.value, token, max_age=HOUR, now=NOW) == CLAIMS
    else:
        with pytest.raises(TokenInvalid):
            tokens.verify(used_for.value, token, max_age=HOUR, now=NOW)


def test_item_12_token_signed_with_another_key_is_invalid(tokens: ItsDangerousTokens) -> None:
    token = ItsDangerousTokens(OLD_KEY).issue("activation", CLAIMS, now=NOW)
    with pytest.raises(TokenInvalid):
        tokens.verify("activation", token, max_age=HOUR, now=NOW)


@pytest.mark.parametrize(
    "token", ["", "abc", "a.b.c", "....", "ação.x.y", "x" * 2001, "eyJhIjoiYSJ9.AAAAAA.AAAA"]
)
def test_malformed_tokens_are_invalid(tokens: ItsDangerousTokens, token: str) -> None:
    with pytest.raises(TokenInvalid):
        tokens.verify("activation", token, max_age=HOUR, now=NOW)


@settings(deadline=None)
@given(st.text())
def test_any_text_is_an_invalid_token_and_nothing_worse(text: str) -> None:
    with pytest.raises(TokenInvalid):
        ItsDangerousTokens(KEY).verify("activation", text, max_age=HOUR, now=NOW)


@pytest.mark.parametrize(
    "payload", [[1, 2], {"a": 1, "f": "x"}, {"a": "x"}, {"a": "x", "f": "y", "d": {"k": 1}}]
)
def test_genuine_signature_over_a_foreign_payload_is_invalid(
    tokens: ItsDangerousTokens, payload: object
) -> None:
    # Signed with our key and salt, but not a shape the adapter ever issues.
    token = URLSafeTimedSerializer(KEY, salt="iclient.activation").dumps(payload)
    with pytest.raises(TokenInvalid):
        tokens.verify("activation", token, max_age=HOUR, now=NOW)


# ----------------------------------------------------------------------------------------- expiry


def test_token_is_valid_until_its_max_age(
    tokens: ItsDangerousTokens, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = tokens.issue("password_reset", CLAIMS, now=clock.now())
    clock.advance(HOUR)
    assert tokens.verify("password_reset", token, max_age=HOUR, now=clock.now()) == CLAIMS


def test_expired_token_raises_token_expired_with_the_account_id(
    tokens: ItsDangerousTokens, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = tokens.issue("password_reset", CLAIMS, now=clock.now())
    clock.advance(HOUR + timedelta(seconds=1))
    with pytest.raises(TokenExpired) as expired:
        tokens.verify("password_reset", token, max_age=HOUR, now=clock.now())
    assert expired.value.account_id == "acc-1"
    assert expired.value.code == "token_expired"


def test_expired_and_tampered_token_is_invalid_not_expired(
    tokens: ItsDangerousTokens, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The signature is checked before the age: a forged old token leaks no account id.
    token = tokens.issue("password_reset", CLAIMS, now=clock.now())
    clock.advance(timedelta(days=3))
    tampered = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    with pytest.raises(TokenInvalid):
        tokens.verify("password_reset", tampered, max_age=HOUR, now=clock.now())


def test_expired_token_for_another_purpose_is_invalid(
    tokens: ItsDangerousTokens, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = tokens.issue("password_reset", CLAIMS, now=clock.now())
    clock.advance(timedelta(days=3))
    with pytest.raises(TokenInvalid):
        tokens.verify("activation", token, max_age=HOUR, now=clock.now())


# ------------------------------------------------------------------------------------------- keys


def test_item_41_token_signed_with_the_old_key_verifies_while_it_is_a_fallback() -> None:
    token = ItsDangerousTokens(OLD_KEY).issue("activation", CLAIMS, now=NOW)
    rotated = ItsDangerousTokens(KEY, fallback_keys=[OLD_KEY])
    assert rotated.verify("activation", token, max_age=HOUR, now=NOW) == CLAIMS


def test_item_41_token_signed_with_the_old_key_fails_once_the_fallback_is_dropped() -> None:
    token = ItsDangerousTokens(OLD_KEY).issue("activation", CLAIMS, now=NOW)
    with pytest.raises(TokenInvalid):
        ItsDangerousTokens(KEY).verify("activation", token, max_age=HOUR, now=NOW)


def test_item_41_new_tokens_are_signed_with_the_current_key() -> None:
    token = ItsDangerousTokens(KEY, fallback_keys=[OLD_KEY]).issue("activation", CLAIMS, now=NOW)
    assert ItsDangerousTokens(KEY).verify("activation", token, max_age=HOUR, now=NOW) == CLAIMS
    with pytest.raises(TokenInvalid):
        ItsDangerousTokens(OLD_KEY).verify("activation", token, max_age=HOUR, now=NOW)


@pytest.mark.parametrize("key", ["", "short", "x" * 31])
def test_item_41_a_key_under_32_characters_is_refused(key: str) -> None:
    with pytest.raises(ValueError, match="32"):
        ItsDangerousTokens(key)


def test_item_41_a_32_character_key_is_accepted() -> None:
    tokens = ItsDangerousTokens("x" * 32)
    assert (
        tokens.verify(
            "activation", tokens.issue("activation", CLAIMS, now=NOW), max_age=HOUR, now=NOW
        )
        == CLAIMS
    )
