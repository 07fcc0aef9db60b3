"""The link token contract: what every ``TokenService`` adapter must do.

Mix :class:`TokenServiceContract` into a test class that provides a ``tokens`` fixture::

    class TestMyTokens(TokenServiceContract):
        @pytest.fixture
        def tokens(self):
            return MyTokens(secret_key="a key of at least 32 characters, kept secret")

Needs pytest and hypothesis.
"""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iclient_core.accounts.ports import TokenClaims, TokenService
from iclient_core.accounts.tokens import Purpose
from iclient_core.shared.errors import TokenExpired, TokenInvalid

_SHARED_SUITE = [HealthCheck.function_scoped_fixture, HealthCheck.differing_executors]
"""One suite runs in many classes, on fixtures made per test: neither matters to these
properties, which keep no state between examples."""

NOW = datetime(2026, 1, 5, 9, 0, 0, 750_000, tzinfo=UTC)
"""When the suite's tokens are issued: a real clock has microseconds, so this one has too."""

HOUR = timedelta(hours=1)
CLAIMS = TokenClaims(
    account_id="0190b5c2f3a47c1e8d2f4a6b8c0d1e2f",
    fingerprint="f" * 32,
    data={"email": "nova.morada@example.pt"},
)
URL_SAFE = set(string.ascii_letters + string.digits + "-._~")
"""The characters a URL path segment carries unescaped (RFC 3986, unreserved)."""

PURPOSES = [purpose.value for purpose in Purpose]

_claims = st.builds(
    TokenClaims,
    account_id=st.text(max_size=40),
    fingerprint=st.text(max_size=64),
    data=st.dictionaries(st.text(max_size=20), st.text(max_size=60), max_size=4),
)


class TokenServiceContract:
    """Needs ``tokens``: the ``TokenService`` under test. Checks that claims of any shape round
    trip in a URL-safe token, a token is bound to its purpose, its age is judged at the given
    ``now`` (valid up to ``max_age``, then ``TokenExpired`` with the account id), a token issued
    in the future is invalid, and that no tampering, truncation or garbage yields claims."""

    def tokens_verify(self, tokens: TokenService, token: str, *, at: datetime = NOW) -> TokenClaims:
        """Verify ``token`` as an activation token one hour long, at ``at``."""
        return tokens.verify("activation", token, max_age=HOUR, now=at)

    # ------------------------------------------------------------------ round trips

    def test_tokens_carry_their_claims(self, tokens: TokenService) -> None:
        token = tokens.issue("activation", CLAIMS, now=NOW)
        assert self.tokens_verify(tokens, token) == CLAIMS

    @pytest.mark.parametrize(
        "claims",
        [
            TokenClaims(account_id="", fingerprint="", data={}),
            TokenClaims(account_id="ação 🙂\n", fingerprint='"}.', data={"e": "\x00", "": ""}),
            TokenClaims(account_id="a" * 36, fingerprint="0" * 64, data={"k": "v" * 254}),
        ],
    )
    def test_tokens_unusual_claims_round_trip(
        self, tokens: TokenService, claims: TokenClaims
    ) -> None:
        token = tokens.issue("email_change", claims, now=NOW)
        assert tokens.verify("email_change", token, max_age=HOUR, now=NOW) == claims

    @settings(max_examples=40, deadline=None, suppress_health_check=_SHARED_SUITE)
    @given(claims=_claims)
    def test_tokens_claims_of_any_shape_round_trip(
        self, tokens: TokenService, claims: TokenClaims
    ) -> None:
        token = tokens.issue("password_reset", claims, now=NOW)
        assert tokens.verify("password_reset", token, max_age=HOUR, now=NOW) == claims

    def test_tokens_are_url_safe(self, tokens: TokenService) -> None:
        claims = TokenClaims(account_id="ação/?#&", fingerprint="+/=", data={"a b": "c/d?e"})
        token = tokens.issue("activation", claims, now=NOW)
        assert token and set(token) <= URL_SAFE, token

    # ------------------------------------------------------------------ purposes

    @pytest.mark.parametrize("issued_for", PURPOSES)
    def test_tokens_are_bound_to_their_purpose(self, tokens: TokenService, issued_for: str) -> None:
        token = tokens.issue(issued_for, CLAIMS, now=NOW)
        for used_for in PURPOSES:
            if used_for == issued_for:
                assert tokens.verify(used_for, token, max_age=HOUR, now=NOW) == CLAIMS
            else:
                with pytest.raises(TokenInvalid):
                    tokens.verify(used_for, token, max_age=HOUR, now=NOW)

    # ------------------------------------------------------------------ time

    def test_tokens_are_valid_up_to_their_max_age(self, tokens: TokenService) -> None:
        token = tokens.issue("activation", CLAIMS, now=NOW)
        for age in (timedelta(0), timedelta(minutes=59), HOUR):
            assert self.tokens_verify(tokens, token, at=NOW + age) == CLAIMS, age

    def test_tokens_older_than_their_max_age_are_expired_with_the_account_id(
        self, tokens: TokenService
    ) -> None:
        token = tokens.issue("activation", CLAIMS, now=NOW)
        for age in (HOUR + timedelta(seconds=1), timedelta(days=400)):
            with pytest.raises(TokenExpired) as expired:
                self.tokens_verify(tokens, token, at=NOW + age)
            assert expired.value.account_id == CLAIMS.account_id
            assert expired.value.code == "token_expired"

    def test_tokens_age_by_the_given_time_not_the_wall_clock(self, tokens: TokenService) -> None:
        long_ago = datetime(2001, 3, 4, 5, 6, 7, 89, tzinfo=UTC)
        token = tokens.issue("activation", CLAIMS, now=long_ago)
        assert self.tokens_verify(tokens, token, at=long_ago + timedelta(minutes=30)) == CLAIMS
        with pytest.raises(TokenExpired):
            self.tokens_verify(tokens, token, at=long_ago + timedelta(hours=2))

    def test_tokens_issued_in_the_future_are_invalid(self, tokens: TokenService) -> None:
        """Beyond a few minutes of clock skew between servers, a token from the future was
        not issued by this clock."""
        token = tokens.issue("activation", CLAIMS, now=NOW + HOUR)
        with pytest.raises(TokenInvalid):
            self.tokens_verify(tokens, token)
        with pytest.raises(TokenInvalid):
            self.tokens_verify(tokens, tokens.issue("activation", CLAIMS, now=NOW + 400 * HOUR))

    # ------------------------------------------------------------------ tampering

    def test_tokens_changing_any_character_never_yields_other_claims(
        self, tokens: TokenService
    ) -> None:
        """A changed character is refused, or (bits a decoder ignores) gives the same claims."""
        token = tokens.issue("password_reset", CLAIMS, now=NOW)
        refused = 0
        for position, original in enumerate(token):
            for replacement in {"A", "z", "0", "-"} - {original}:
                tampered = token[:position] + replacement + token[position + 1 :]
                try:
                    claims = tokens.verify("password_reset", tampered, max_age=HOUR, now=NOW)
                except TokenInvalid:
                    refused += 1
                else:
                    assert claims == CLAIMS, (position, replacement)
        assert refused >= len(token)  # nearly every change is refused outright

    def test_tokens_cut_or_extended_are_invalid(self, tokens: TokenService) -> None:
        token = tokens.issue("activation", CLAIMS, now=NOW)
        for changed in (token[:-1], token[1:], token[: len(token) // 2], token + "A", "." + token):
            with pytest.raises(TokenInvalid):
                self.tokens_verify(tokens, changed)

    @pytest.mark.parametrize(
        "garbage", ["", "abc", "a.b.c", "....", "ação.x.y", "x" * 2001, "eyJhIjoiYSJ9.AAAAAA.AAAA"]
    )
    def test_tokens_garbage_is_invalid(self, tokens: TokenService, garbage: str) -> None:
        with pytest.raises(TokenInvalid):
            self.tokens_verify(tokens, garbage)

    def test_tokens_expired_and_tampered_are_invalid_not_expired(
        self, tokens: TokenService
    ) -> None:
        """The signature is checked before the age: a forged old token leaks no account id."""
        token = tokens.issue("activation", CLAIMS, now=NOW)
        middle = len(token) // 2
        tampered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
        with pytest.raises(TokenInvalid):
            self.tokens_verify(tokens, tampered, at=NOW + timedelta(days=3))

    def test_tokens_expired_for_another_purpose_are_invalid(self, tokens: TokenService) -> None:
        token = tokens.issue("password_reset", CLAIMS, now=NOW)
        with pytest.raises(TokenInvalid):
            self.tokens_verify(tokens, token, at=NOW + timedelta(days=3))
