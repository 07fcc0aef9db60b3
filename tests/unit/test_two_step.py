"""Two-step sign-in in the core: authenticator codes against a fake clock (the window either
side, a code never accepted twice), single-use recovery codes, the second step, device tokens
and the sign-in limits an attacker cannot spend for the owner."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iclient_adapters.clock import FrozenClock
from iclient_adapters.two_step import PyotpCodes
from iclient_core.accounts import authentication, privacy, session_list, two_step
from iclient_core.accounts.second_factor import (
    RECOVERY_CODES,
    NewPasskey,
    looks_like_recovery_code,
    new_recovery_code,
    normalise_recovery_code,
    recovery_digest,
)
from iclient_core.notifications.model import Kind
from iclient_core.services import Services
from iclient_core.shared.errors import InvalidCredentials, InvalidInput, RateLimited
from iclient_core.staff import personal_data
from tests.unit.helpers import (
    IP,
    OTHER_IP,
    PASSWORD,
    USER_AGENT,
    active_client,
    deliver,
    sign_in,
)

STEP = timedelta(seconds=30)


def code_at(services: Services, secret: str, clock: FrozenClock, offset: int = 0) -> str:
    return services.one_time_codes.code_at(secret, clock.now() + offset * STEP)


def app_on(services: Services, clock: FrozenClock) -> tuple[str, str, list[str]]:
    """An active client with a confirmed authenticator app: id, secret, recovery codes."""
    account = active_client(services)
    new = two_step.start_authenticator(services=services, account_id=account.id)
    assert new.uri.startswith("otpauth://totp/") and new.secret in new.uri
    codes = two_step.confirm_authenticator(
        services=services, account_id=account.id, code=code_at(services, new.secret, clock), ip=IP
    )
    return account.id, new.secret, codes


def second(services: Services, account_id: str, code: str) -> authentication.SignedIn:
    return two_step.second_step(
        services=services, account_id=account_id, code=code, ip=IP, user_agent=USER_AGENT
    )


# ------------------------------------------------------------------------------- TOTP, fake clock


def test_totp_codes_follow_rfc_6238_with_a_fake_clock(clock: FrozenClock) -> None:
    """RFC 6238's SHA-1 test vector: the secret "12345678901234567890" at 59 s is 287082."""
    codes = PyotpCodes()
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    moment = clock.now().replace(year=1970, month=1, day=1, hour=0, minute=0, second=59)
    assert codes.code_at(secret, moment) == "287082"
    assert codes.matching_step(secret, "287082", now=moment, window=0) == 1


def test_totp_window_accepts_one_step_either_side_and_no_more(
    services: Services, clock: FrozenClock
) -> None:
    codes = services.one_time_codes
    secret = codes.new_secret()
    now = clock.now()
    step = int(now.timestamp()) // 30
    for offset in (-1, 0, 1):
        assert (
            codes.matching_step(
                secret, codes.code_at(secret, now + offset * STEP), now=now, window=1
            )
            == step + offset
        )
    for offset in (-3, -2, 2, 3):
        found = codes.matching_step(
            secret, codes.code_at(secret, now + offset * STEP), now=now, window=1
        )
        assert found is None or found != step + offset  # another step's code may collide
    assert codes.matching_step(secret, "12345", now=now, window=1) is None
    assert codes.matching_step(secret, "abcdef", now=now, window=1) is None


def test_item_47_totp_code_is_never_accepted_twice(services: Services, clock: FrozenClock) -> None:
    account_id, secret, _ = app_on(services, clock)
    # The confirming code's step is spent: the same code (still valid by time) is refused.
    with pytest.raises(InvalidInput) as refused:
        second(services, account_id, code_at(services, secret, clock))
    assert refused.value.by_field() == {"code": ["code_wrong"]}
    clock.advance(STEP)
    code = code_at(services, secret, clock)
    assert second(services, account_id, code).session_secret
    with pytest.raises(InvalidInput):
        second(services, account_id, code)  # replayed within its window
    # An older step's code, still inside the window, is refused once a later one was used.
    clock.advance(timedelta(seconds=5))
    with pytest.raises(InvalidInput):
        second(services, account_id, code_at(services, secret, clock, -1))


def test_totp_code_from_the_next_step_works_for_a_clock_a_little_ahead(
    services: Services, clock: FrozenClock
) -> None:
    account_id, secret, _ = app_on(services, clock)
    assert second(services, account_id, code_at(services, secret, clock, 1)).session_secret
    clock.advance(STEP * 3)
    with pytest.raises(InvalidInput):
        second(services, account_id, code_at(services, secret, clock, -2))  # too old
    assert second(services, account_id, code_at(services, secret, clock)).session_secret


def test_a_wrong_first_code_does_not_turn_the_app_on(
    services: Services, clock: FrozenClock
) -> None:
    account = active_client(services)
    new = two_step.start_authenticator(services=services, account_id=account.id)
    with pytest.raises(InvalidInput):
        two_step.confirm_authenticator(
            services=services,
            account_id=account.id,
            code=code_at(services, new.secret, clock, 5),
            ip=IP,
        )
    assert not two_step.two_step_status(services=services, account_id=account.id).on
    assert not sign_in(services).second_step


# ---------------------------------------------------------------------------- recovery codes


def test_item_48_recovery_codes_are_ten_hashed_and_single_use(
    services: Services, clock: FrozenClock
) -> None:
    account_id, _secret, codes = app_on(services, clock)
    assert len(codes) == RECOVERY_CODES == len(set(codes))
    with services.uow() as uow:
        stored = uow.two_step.recovery_codes(account_id)
    assert {c.digest for c in stored} == {recovery_digest(account_id, c) for c in codes}
    assert not any(code.replace("-", "") in c.digest for code in codes for c in stored)

    assert second(services, account_id, codes[3]).session_secret
    with pytest.raises(InvalidInput):
        second(services, account_id, codes[3])
    assert second(services, account_id, f"  {codes[4].upper().replace('-', ' ')} ").session_secret
    status = two_step.two_step_status(services=services, account_id=account_id)
    assert status.recovery_left == 8


def test_new_recovery_codes_replace_the_old_ones(services: Services, clock: FrozenClock) -> None:
    account_id, _secret, old = app_on(services, clock)
    with pytest.raises(InvalidInput):
        two_step.regenerate_recovery_codes(
            services=services, account_id=account_id, password="not the password", ip=IP
        )
    new = two_step.regenerate_recovery_codes(
        services=services, account_id=account_id, password=PASSWORD, ip=IP
    )
    assert len(new) == 10 and not set(new) & set(old)
    with pytest.raises(InvalidInput):
        second(services, account_id, old[0])
    assert second(services, account_id, new[0]).session_secret


@given(st.text(max_size=80))
def test_recovery_code_normalisation_never_fails(text: str) -> None:
    normalised = normalise_recovery_code(text)
    assert len(normalised) <= 64 and normalised == normalised.lower()
    assert isinstance(looks_like_recovery_code(text), bool)


def test_a_recovery_code_has_80_bits() -> None:
    code = new_recovery_code()
    assert looks_like_recovery_code(code) and len(code) == 19
    assert 31**16 > 2**79


# ---------------------------------------------------------------------------- second step


def test_the_password_alone_opens_no_session_once_two_step_is_on(
    services: Services, clock: FrozenClock
) -> None:
    account_id, secret, _ = app_on(services, clock)
    first = sign_in(services)
    assert first.second_step and first.session_secret == ""
    with services.uow() as uow:
        assert list(uow.sessions.list_for_account(account_id)) == []  # no session yet
    clock.advance(STEP)
    done = second(services, account_id, code_at(services, secret, clock))
    found = authentication.current_session(services=services, session_secret=done.session_secret)
    assert found is not None and found.account.id == account_id


def test_wrong_second_step_codes_are_rate_limited(services: Services, clock: FrozenClock) -> None:
    account_id, secret, _ = app_on(services, clock)
    for _ in range(services.settings.two_step_per_account.amount):
        with pytest.raises(InvalidInput):
            second(services, account_id, "000000")
    clock.advance(STEP)
    with pytest.raises(RateLimited):
        second(services, account_id, code_at(services, secret, clock))  # even the right one


def test_turning_off_needs_the_password_and_a_code_and_ends_other_sessions(
    services: Services, clock: FrozenClock
) -> None:
    account_id, _secret, codes = app_on(services, clock)
    here = second(services, account_id, codes[0])
    there = second(services, account_id, codes[1])
    deliver(services)
    current = authentication.current_session(services=services, session_secret=here.session_secret)
    assert current is not None
    with pytest.raises(InvalidInput):
        two_step.turn_off(
            services=services,
            account_id=account_id,
            session_id=current.session.id,
            password=PASSWORD,
            code="999999",
            ip=IP,
        )
    ended = two_step.turn_off(
        services=services,
        account_id=account_id,
        session_id=current.session.id,
        password=PASSWORD,
        code=codes[2],
        ip=IP,
    )
    assert ended >= 1
    assert (
        authentication.current_session(services=services, session_secret=there.session_secret)
        is None
    )
    assert [n.kind for n in deliver(services)] == [Kind.TWO_STEP_DISABLED]
    assert not sign_in(services).second_step


# -------------------------------------------------------------- limits and device tokens


def test_item_51_device_cookies_keep_the_owners_budget(services: Services) -> None:
    """The lock-out test, in the core: failures from many networks fill the address's
    budget for unknown browsers; the owner's device token keeps its own budget."""
    active_client(services)
    owner = sign_in(services)
    assert owner.device
    for n in range(services.settings.sign_in_per_address.amount):
        with pytest.raises(Exception):  # noqa: B017 - wrong password, then limits
            sign_in(services, password=f"guess {n}", ip=f"198.51.{n}.7")
    with pytest.raises(RateLimited):
        sign_in(services, ip="192.0.2.99")  # an unknown browser waits, right password or not
    assert sign_in(services, device=owner.device).session_secret
    # The owner's device has a budget of its own: a thief of the cookie cannot guess forever.
    for _ in range(services.settings.sign_in_per_device.amount):
        with pytest.raises(Exception):  # noqa: B017
            sign_in(services, password="wrong again", device=owner.device)
    with pytest.raises(RateLimited):
        sign_in(services, device=owner.device)


def test_a_device_token_of_one_address_gives_nothing_to_another(services: Services) -> None:
    active_client(services)
    active_client(services, email="rui.costa@example.com", first_name="Rui", last_name="Costa")
    ana = sign_in(services)
    assert authentication.device_of(services, ana.device, "ana.silva@example.com")
    assert authentication.device_of(services, ana.device, "rui.costa@example.com") is None
    assert authentication.device_of(services, "forged.token", "ana.silva@example.com") is None


def test_failures_are_limited_per_address_and_network(services: Services) -> None:
    active_client(services)
    for _ in range(services.settings.sign_in_per_account.amount):
        with pytest.raises(Exception):  # noqa: B017
            sign_in(services, password="wrong password guess")
    with pytest.raises(RateLimited):
        sign_in(services)  # the same address from the same network waits
    assert sign_in(services, ip=OTHER_IP).session_secret  # from another network it works


def test_a_sign_in_from_a_new_device_e_mails_the_owner(services: Services) -> None:
    active_client(services)
    first = sign_in(services)
    assert first.new_device and deliver(services) == []  # the first sign-in ever
    again = sign_in(services, device=first.device)
    assert not again.new_device and deliver(services) == []
    sign_in(services, ip=OTHER_IP)
    (alert,) = deliver(services)
    assert alert.kind is Kind.NEW_DEVICE_SIGN_IN
    assert alert.context["link"].endswith("/pt/account/sessions")
    assert alert.context["ip"] == OTHER_IP


# ---------------------------------------------------------------------------- the session list


def test_the_session_list_marks_this_one_and_ends_others(services: Services) -> None:
    account = active_client(services)
    here = sign_in(services)
    sign_in(services, ip=OTHER_IP)
    current = authentication.current_session(services=services, session_secret=here.session_secret)
    assert current is not None
    rows = session_list.my_sessions(
        services=services, account_id=account.id, current_id=current.session.id
    )
    assert len(rows) == 2 and [r.current for r in rows].count(True) == 1
    assert (
        session_list.end_other_sessions(
            services=services, account_id=account.id, keep=current.session.id, ip=IP
        )
        == 1
    )
    rows = session_list.my_sessions(
        services=services, account_id=account.id, current_id=current.session.id
    )
    assert [r.current for r in rows] == [True]


# ------------------------------------------------------------------- data export and erasure


def test_the_data_export_shows_second_steps_without_anything_that_signs_in(
    services: Services, clock: FrozenClock
) -> None:
    account_id, secret, codes = app_on(services, clock)
    second(services, account_id, codes[0])
    data = personal_data.export_data(services=services, account_id=account_id)
    security = data["sign_in_security"]
    assert security["authenticator_app_since"] == clock.now().isoformat()
    assert security["recovery_codes_unused"] == 9
    assert len(security["recovery_codes_used_at"]) == 1
    assert security["passkeys"] == []
    text = json.dumps(data)
    assert secret not in text and not any(code in text for code in codes)
    assert not any(recovery_digest(account_id, code) in text for code in codes)


def test_erasing_an_account_forgets_its_second_steps(
    services: Services, clock: FrozenClock
) -> None:
    account_id, _secret, _codes = app_on(services, clock)
    privacy.request_deletion(
        services=services, account_id=account_id, current_password=PASSWORD, ip=IP
    )
    clock.advance(privacy.DELETION_DELAY + timedelta(days=1))
    assert privacy.erase_due(services=services) == 1
    with services.uow() as uow:
        assert uow.two_step.get_authenticator(account_id) is None
        assert list(uow.two_step.recovery_codes(account_id)) == []


# ----------------------------------------------------------------------------------- passkeys


@attrs.define
class FakePasskeys:
    """A ``PasskeyVerifier`` whose answers are JSON naming a credential and a counter; the
    real ceremonies run in the browser test (tests/e2e/test_passkeys.py)."""

    def registration_options(self, **kw: object) -> tuple[str, str]:
        return json.dumps({"exclude": list(kw["exclude"])}), "challenge-r"  # type: ignore[call-overload]

    def verify_registration(
        self, *, response: str, challenge: str, rp_id: str, origin: str
    ) -> NewPasskey:
        found = json.loads(response)
        if challenge != "challenge-r" or origin != "https://portal.example.test":
            raise InvalidInput.single("passkey", "passkey_rejected")
        return NewPasskey(credential_id=found["rawId"], public_key="key", sign_count=0)

    def authentication_options(self, *, rp_id: str, allow: Sequence[str]) -> tuple[str, str]:
        return json.dumps({"allow": list(allow)}), "challenge-a"

    def credential_id(self, response: str) -> str | None:
        return str(json.loads(response)["rawId"])

    def verify_authentication(
        self, *, response: str, challenge: str, sign_count: int, **kw: object
    ) -> int:
        count = int(json.loads(response)["count"])
        if challenge != "challenge-a" or count <= sign_count:
            raise InvalidCredentials()
        return count


def test_item_49_passkeys_sign_in_alone_or_as_the_second_step(services: Services) -> None:
    services = attrs.evolve(services, passkeys=FakePasskeys())
    account = active_client(services)
    other = active_client(
        services, email="rui.costa@example.com", first_name="Rui", last_name="Costa"
    )
    where = {"rp_id": "portal.example.test", "origin": "https://portal.example.test"}
    codes = two_step.add_passkey(
        services=services,
        account_id=account.id,
        name=" Telemóvel ",
        response=json.dumps({"rawId": "Y3JlZA"}),
        challenge="challenge-r",
        ip=IP,
        **where,
    )
    assert len(codes) == 10  # the first second step comes with recovery codes
    assert sign_in(services).second_step  # the password alone no longer opens a session

    def use(count: int, account_id: str | None = None) -> authentication.SignedIn:
        return two_step.sign_in_with_passkey(
            services=services,
            response=json.dumps({"rawId": "Y3JlZA", "count": count}),
            challenge="challenge-a",
            ip=IP,
            user_agent=USER_AGENT,
            account_id=account_id,
            **where,
        )

    assert use(1).account.id == account.id  # instead of the password
    assert use(2, account.id).session_secret  # as the second step of its own account
    with pytest.raises(InvalidCredentials):
        use(3, other.id)  # not the second step of another account
    with pytest.raises(InvalidCredentials):
        use(2)  # a counter that does not move on: a cloned authenticator
    with pytest.raises(InvalidInput):  # the same credential cannot be added twice
        two_step.add_passkey(
            services=services,
            account_id=other.id,
            name="",
            response=json.dumps({"rawId": "Y3JlZA"}),
            challenge="challenge-r",
            ip=IP,
            **where,
        )
    (passkey,) = two_step.two_step_status(services=services, account_id=account.id).passkeys
    assert passkey.name == "Telemóvel" and passkey.sign_count == 3 - 1
    two_step.remove_passkey(services=services, account_id=account.id, passkey_id=passkey.id, ip=IP)
    assert not sign_in(services).second_step
