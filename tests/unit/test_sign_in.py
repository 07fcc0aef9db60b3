"""Sign in, recognise the session, sign out (items 8, 9, 11, 14, 24, 25, 27, 28)."""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import timedelta

import attrs
import pytest

from iclient_adapters.clock import FrozenClock
from iclient_adapters.passwords import PasslibHasher
from iclient_core.accounts import authentication, recovery
from iclient_core.services import Services
from iclient_core.shared.errors import DomainError, InvalidCredentials, RateLimited
from iclient_core.shared.limits import Limit
from tests.unit.helpers import (
    IP,
    OTHER_IP,
    PASSWORD,
    USER_AGENT,
    active_client,
    change_account,
    counting,
    deliver,
    only,
    register,
    sign_in,
    stored,
    token_in,
)

EMAIL = "ana.silva@example.com"


def current(services: Services, secret: str | None) -> authentication.CurrentSession | None:
    return authentication.current_session(services=services, session_secret=secret)


def failure(services: Services, email: str | None, password: str | None, **kw: str) -> DomainError:
    with pytest.raises(DomainError) as error:
        sign_in(services, email, password, **kw)  # type: ignore[arg-type]
    return error.value


def one_of_each(services: Services) -> None:
    """An active, an unactivated and a disabled client, all with ``PASSWORD``."""
    active_client(services)
    active_client(services, email="fechada@example.com", first_name="Eva", last_name="Lopes")
    change_account(services, sign_in(services, "fechada@example.com").account.id, "disable")
    register(services, email="pendente@example.com", first_name="Rui", last_name="Costa")
    deliver(services)


def with_settings(services: Services, **changes: object) -> Services:
    return attrs.evolve(services, settings=attrs.evolve(services.settings, **changes))


# ------------------------------------------------------------------------------------- signing in


def test_client_signs_in_and_the_session_is_recognised(
    services: Services, clock: FrozenClock
) -> None:
    account = active_client(services)

    signed_in = sign_in(services, "  ANA.Silva@Example.COM ")

    assert signed_in.account.id == account.id
    found = current(services, signed_in.session_secret)
    assert found is not None
    assert found.account.id == account.id
    assert found.session.account_id == account.id
    assert found.session.ip == IP
    assert found.session.user_agent == USER_AGENT
    assert found.session.created_at == clock.now()
    assert stored(services, account.id).last_sign_in_at == clock.now()


def test_session_is_stored_by_a_digest_of_its_secret(services: Services) -> None:
    account = active_client(services)
    secret = sign_in(services).session_secret
    assert len(secret) >= 40
    with services.uow() as uow:
        [session] = uow.sessions.list_for_account(account.id)
    assert session.id == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in session.id


def test_item_24_every_sign_in_opens_a_new_session(services: Services) -> None:
    active_client(services)
    first = sign_in(services).session_secret
    second = sign_in(services).session_secret
    assert first != second
    assert current(services, first) is not None
    assert current(services, second) is not None


def test_unknown_or_missing_session_secret_is_no_session(services: Services) -> None:
    active_client(services)
    sign_in(services)
    assert current(services, None) is None
    assert current(services, "") is None
    assert current(services, "not-a-session") is None


def test_item_14_unactivated_account_cannot_sign_in(services: Services) -> None:
    register(services)
    assert isinstance(failure(services, EMAIL, PASSWORD), InvalidCredentials)


# ----------------------------------------------------------------------------- item 9: one answer


def test_item_9_every_failure_gives_the_same_answer(services: Services) -> None:
    one_of_each(services)

    errors = {
        "unknown": failure(services, "ninguem@example.com", PASSWORD),
        "wrong password": failure(services, EMAIL, PASSWORD + "!"),
        "unactivated": failure(services, "pendente@example.com", PASSWORD),
        "disabled": failure(services, "fechada@example.com", PASSWORD),
        "empty": failure(services, None, None),
        "malformed address": failure(services, "@@", PASSWORD),
    }

    answers = {(type(e), e.code, str(e), e.args) for e in errors.values()}
    assert answers == {
        (InvalidCredentials, "invalid_credentials", "invalid_credentials", ("invalid_credentials",))
    }


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("unknown", ["dummy_verify"]),
        ("wrong password", ["verify"]),
        ("unactivated", ["dummy_verify"]),
        ("disabled", ["verify"]),
        ("overlong password", ["dummy_verify"]),
        ("overlong address", ["dummy_verify"]),
    ],
)
def test_item_9_every_failure_does_one_hash_verification(
    services: Services, case: str, expected: list[str]
) -> None:
    one_of_each(services)
    attempts = {
        "unknown": ("ninguem@example.com", PASSWORD),
        "wrong password": (EMAIL, PASSWORD + "!"),
        "unactivated": ("pendente@example.com", PASSWORD),
        "disabled": ("fechada@example.com", PASSWORD),
        "overlong password": (EMAIL, PASSWORD * 20),
        "overlong address": ("a" * 250 + "@example.com", PASSWORD),
    }
    services, hasher = counting(services)

    with pytest.raises(InvalidCredentials):
        sign_in(services, *attempts[case])

    assert hasher.calls == expected


def test_item_9_dummy_verification_costs_about_as_much_as_a_real_one() -> None:
    hasher = PasslibHasher()
    hashed = hasher.hash(PASSWORD)

    def fastest(action: object) -> float:
        timings = []
        for _ in range(5):
            start = time.perf_counter()
            action()  # type: ignore[operator]
            timings.append(time.perf_counter() - start)
        return min(timings)

    real = fastest(lambda: hasher.verify(PASSWORD + "!", hashed))
    dummy = fastest(hasher.dummy_verify)
    assert 0.25 < dummy / real < 4, (dummy, real)


def test_item_9_successful_sign_in_verifies_once(services: Services) -> None:
    active_client(services)
    services, hasher = counting(services)
    sign_in(services)
    assert hasher.calls == ["verify"]


# ----------------------------------------------------------------------------- item 8: throttling


def test_item_8_sign_in_is_throttled_per_account_after_5_failures(services: Services) -> None:
    active_client(services)
    assert services.settings.sign_in_per_account == Limit(5, timedelta(minutes=15))
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            sign_in(services, password="wrong password guess")
    services, hasher = counting(services)

    with pytest.raises(RateLimited) as limited:
        sign_in(services)  # even the right password waits

    assert limited.value.retry_after == 15 * 60
    assert limited.value.code == "rate_limited"
    assert hasher.calls == []  # a throttled attempt tests nothing


def test_item_8_throttle_counts_case_variants_of_the_address_together(
    services: Services,
) -> None:
    active_client(services)
    for spelling in ("ana.silva@example.com", "ANA.SILVA@example.com", "Ana.Silva@EXAMPLE.com"):
        for _ in range(2):
            with pytest.raises((InvalidCredentials, RateLimited)):
                sign_in(services, spelling, "wrong password guess")
    with pytest.raises(RateLimited):
        sign_in(services)


def test_item_8_throttle_of_one_account_does_not_hold_up_another(services: Services) -> None:
    active_client(services)
    active_client(services, email="rui.costa@example.com", first_name="Rui", last_name="Costa")
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            sign_in(services, password="wrong password guess")
    with pytest.raises(RateLimited):
        sign_in(services)
    assert sign_in(services, "rui.costa@example.com").session_secret


def test_item_8_a_successful_sign_in_clears_the_failures(services: Services) -> None:
    active_client(services)
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            sign_in(services, password="wrong password guess")
    sign_in(services)
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            sign_in(services, password="wrong password guess")
    assert sign_in(services).session_secret


def test_item_8_a_password_reset_lifts_the_throttle(services: Services) -> None:
    active_client(services)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            sign_in(services, password="wrong password guess")
    with pytest.raises(RateLimited):
        sign_in(services)

    recovery.request_password_reset(services=services, email=EMAIL, ip=OTHER_IP)
    token = token_in(only(deliver(services)), path="auth/reset-password")
    new = "quiet lanterns drift over harbours"
    account = recovery.reset_password(
        services=services, token=token, password=new, password_confirm=new, ip=OTHER_IP
    )
    # The browser that followed the e-mailed link is the owner's: it gets a device token,
    # which passes the limits that other browsers' failures filled.
    device = authentication.issue_device(services, account)

    assert sign_in(services, password=new, device=device).session_secret
    assert sign_in(services, password=new, ip=OTHER_IP).session_secret


def test_item_8_sign_in_is_throttled_per_ip(services: Services) -> None:
    active_client(services)
    services = with_settings(services, sign_in_per_ip=Limit(3, timedelta(minutes=15)))
    for n in range(3):
        with pytest.raises(InvalidCredentials):
            sign_in(services, f"guess{n}@example.com", "wrong password guess")
    with pytest.raises(RateLimited):
        sign_in(services)  # a real account from the same IP waits too
    assert sign_in(services, ip="192.0.2.44").session_secret  # from elsewhere it works


def test_item_8_default_ip_limit_allows_a_shared_office(services: Services) -> None:
    assert services.settings.sign_in_per_ip == Limit(50, timedelta(minutes=15))


# ---------------------------------------------------------------------------------- item 11: logs


def test_item_11_security_log_has_no_secret_and_escapes_line_breaks(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="iclient.security")
    account = active_client(services)
    with pytest.raises(InvalidCredentials):
        sign_in(services, password="wrong password guess", ip="192.0.2.1\r\nevent=forged")
    secret = sign_in(services).session_secret

    lines = [record.getMessage() for record in caplog.records if record.name == "iclient.security"]
    assert any(line.startswith("event=sign_in ") for line in lines)
    failed = [line for line in lines if line.startswith("event=sign_in_failed")]
    assert failed == [f"event=sign_in_failed account={account.id} ip=192.0.2.1\\r\\nevent=forged"]
    text = "\n".join(lines)
    for forbidden in (PASSWORD, "wrong password guess", secret):
        assert forbidden not in text


# ------------------------------------------------------------------------------ item 27: timeouts


def test_item_27_session_ends_after_60_idle_minutes(services: Services, clock: FrozenClock) -> None:
    account = active_client(services)
    secret = sign_in(services).session_secret
    clock.advance(timedelta(minutes=60))
    assert current(services, secret) is not None  # an hour idle is still allowed
    clock.advance(timedelta(minutes=60, seconds=1))
    assert current(services, secret) is None
    with services.uow() as uow:
        assert uow.sessions.list_for_account(account.id) == []  # and it is gone for good


def test_item_27_activity_keeps_the_session_alive_up_to_12_hours(
    services: Services, clock: FrozenClock
) -> None:
    secret = (active_client(services), sign_in(services).session_secret)[1]
    start = clock.now()
    while clock.now() - start + timedelta(minutes=50) <= timedelta(hours=12):
        clock.advance(timedelta(minutes=50))
        found = current(services, secret)
        assert found is not None
        assert found.session.last_seen_at == clock.now()
    clock.advance(timedelta(minutes=50))  # 12 h 30 min after signing in, active all along
    assert current(services, secret) is None


def test_item_27_recent_activity_is_not_written_on_every_request(
    services: Services, clock: FrozenClock
) -> None:
    active_client(services)
    secret = sign_in(services).session_secret
    signed_in_at = clock.now()
    clock.advance(timedelta(seconds=30))
    found = current(services, secret)
    assert found is not None and found.session.last_seen_at == signed_in_at


# ------------------------------------------------------------------------------ item 25: sign-out


def test_item_25_signed_out_session_cannot_be_replayed(services: Services) -> None:
    active_client(services)
    secret = sign_in(services).session_secret
    authentication.sign_out(services=services, session_secret=secret, ip=IP)
    assert current(services, secret) is None
    authentication.sign_out(services=services, session_secret=secret, ip=IP)  # harmless twice
    authentication.sign_out(services=services, session_secret=None, ip=IP)


def test_item_25_signing_out_ends_only_that_session(services: Services) -> None:
    active_client(services)
    laptop = sign_in(services).session_secret
    phone = sign_in(services).session_secret
    authentication.sign_out(services=services, session_secret=laptop, ip=IP)
    assert current(services, laptop) is None
    assert current(services, phone) is not None


def test_item_28_disabled_account_loses_its_sessions(services: Services) -> None:
    account = active_client(services)
    secret = sign_in(services).session_secret
    change_account(services, account.id, "disable")
    assert current(services, secret) is None
    change_account(services, account.id, "enable")
    assert current(services, secret) is None  # re-enabling does not bring it back


# ------------------------------------------------------------------------------------- found bugs


@pytest.mark.parametrize(
    "spelling", ["ana.silva@example。com", "ana@xn--bcher-kva.com"], ids=["ideographic-dot", "idna"]
)
def test_client_signs_in_with_the_address_spelled_as_at_registration(
    services: Services, spelling: str
) -> None:
    active_client(services, email=spelling)
    assert sign_in(services, spelling).session_secret
