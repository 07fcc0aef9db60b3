"""The password hasher contract: what every ``PasswordHasher`` adapter must do.

Mix :class:`PasswordHasherContract` into a test class that provides a ``hasher`` fixture::

    class TestMyHasher(PasswordHasherContract):
        @pytest.fixture
        def hasher(self):
            return MyHasher()

The passwords the suite hashes are already normalised (NFKC), as the core hands them over.
Needs pytest.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from iclient_core.accounts.passwords import MAXIMUM
from iclient_core.accounts.ports import PasswordHasher

PASSWORD = "violet tugboat umbrella 42"
UNICODE_PASSWORD = "açãõ€🙂日本語Ωжדלעبñü lanterns"
"""Letters from many scripts, already in NFKC form."""


def _fastest(action: Callable[[], object], times: int = 3) -> float:
    """The shortest of ``times`` runs of ``action``, in seconds (noise only adds time)."""
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


class PasswordHasherContract:
    """Needs ``hasher``: the ``PasswordHasher`` under test. Checks that a hash verifies its
    password and no other (any Unicode, every character of a long one), is salted and does not
    show the password, needs no update when fresh, that unreadable hashes verify nothing, and
    that ``dummy_verify`` spends about the time of a verification."""

    def test_hasher_a_hash_verifies_its_password_and_no_other(self, hasher: PasswordHasher) -> None:
        hashed = hasher.hash(PASSWORD)
        assert isinstance(hashed, str)
        assert hasher.verify(PASSWORD, hashed)
        for wrong in (PASSWORD + " ", PASSWORD.upper(), PASSWORD[:-1], "", "violet"):
            assert not hasher.verify(wrong, hashed), wrong

    def test_hasher_hashes_are_salted_and_do_not_show_the_password(
        self, hasher: PasswordHasher
    ) -> None:
        one, two = hasher.hash(PASSWORD), hasher.hash(PASSWORD)
        assert one != two
        assert hasher.verify(PASSWORD, one) and hasher.verify(PASSWORD, two)
        assert PASSWORD not in one and "tugboat" not in one

    def test_hasher_any_unicode_password_verifies_and_one_accent_matters(
        self, hasher: PasswordHasher
    ) -> None:
        hashed = hasher.hash(UNICODE_PASSWORD)
        assert hasher.verify(UNICODE_PASSWORD, hashed)
        assert not hasher.verify(UNICODE_PASSWORD.replace("ç", "c"), hashed)
        assert not hasher.verify(UNICODE_PASSWORD.replace("🙂", "🙃"), hashed)

    def test_hasher_every_character_of_a_long_password_counts(self, hasher: PasswordHasher) -> None:
        """bcrypt alone reads 72 bytes: a longer password must not share its hash with every
        password that starts the same way."""
        password = (UNICODE_PASSWORD * (MAXIMUM // len(UNICODE_PASSWORD) + 1))[:MAXIMUM]
        hashed = hasher.hash(password)
        assert hasher.verify(password, hashed)
        assert not hasher.verify(password[:72], hashed)
        assert not hasher.verify(password[:-1], hashed)
        assert not hasher.verify(password[:-1] + "x", hashed)

    def test_hasher_a_fresh_hash_needs_no_update(self, hasher: PasswordHasher) -> None:
        assert hasher.needs_update(hasher.hash(PASSWORD)) is False

    def test_hasher_an_unreadable_hash_verifies_nothing(self, hasher: PasswordHasher) -> None:
        for unreadable in ("", "not a hash", "$argon2id$", "$2b$04$short", "\x00"):
            assert hasher.verify(PASSWORD, unreadable) is False, unreadable

    def test_hasher_dummy_verify_takes_about_as_long_as_a_verification(
        self, hasher: PasswordHasher
    ) -> None:
        """Signing in as nobody must not answer faster than with a wrong password (account
        enumeration by timing). Below a millisecond per verification timing says nothing."""
        hashed = hasher.hash(PASSWORD)
        assert hasher.dummy_verify() is None  # type: ignore[func-returns-value]
        verifying = _fastest(lambda: hasher.verify("a wrong password", hashed))
        dummy = _fastest(hasher.dummy_verify)
        if verifying >= 0.001:
            assert dummy >= verifying / 3, (dummy, verifying)
