"""A client registers, follows the activation link and sets a password (items 12–15, 45)."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import attrs
import pytest

from iclient_adapters.clock import FrozenClock
from iclient_adapters.testing import make_services
from iclient_core.accounts import recovery, registration
from iclient_core.accounts.model import Account, Role, Status
from iclient_core.notifications.delivery import DeliveryReport, deliver_outbox
from iclient_core.notifications.model import MAX_ATTEMPTS, Kind, OutboxMessage
from iclient_core.services import Services
from iclient_core.shared.errors import (
    DeliveryFailed,
    InvalidCredentials,
    InvalidInput,
    RateLimited,
    TokenExpired,
    TokenInvalid,
)
from iclient_core.shared.limits import Limit
from tests.unit.helpers import (
    BASE_URL,
    IP,
    PASSWORD,
    FailingMailer,
    RecordingMailer,
    active_client,
    deliver,
    only,
    queued,
    register,
    register_and_get_token,
    sign_in,
    token_in,
)


def all_accounts(services: Services) -> list[Account]:
    with services.uow() as uow:
        return list(uow.accounts.list(limit=1000))


def activate(services: Services, token: str, password: str = PASSWORD) -> None:
    registration.activate_account(
        services=services, token=token, password=password, password_confirm=password, ip=IP
    )


# ---------------------------------------------------------------------------------------- sign-up


def test_client_registers_and_is_emailed_an_activation_link(services: Services) -> None:
    register(services)

    [account] = all_accounts(services)
    assert account.status is Status.PENDING_ACTIVATION
    assert account.role is Role.CLIENT
    assert account.password_hash is None
    mail = only(deliver(services))
    assert mail.kind is Kind.ACTIVATION
    assert mail.to_address == "ana.silva@example.com"
    assert mail.to_name == "Ana Silva"
    assert mail.language == "pt"
    assert mail.context["link"].startswith(f"{BASE_URL}/pt/auth/activate/")
    assert token_in(mail, path="auth/activate")
    assert mail.context["hours"] == "48"
    assert mail.context["first_name"] == "Ana"
    assert mail.context["business_name"] == "Oficina Exemplo"


def test_registration_normalises_email_phone_and_names(services: Services) -> None:
    register(
        services,
        email="  Ana.Silva@EXAMPLE.COM ",
        first_name="  Ana   Maria ",
        last_name="Silva\u0301",  # a combining accent is composed (NFC)
        phone="+351 912-345-678",
    )
    [account] = all_accounts(services)
    assert account.email.address == "Ana.Silva@example.com"
    assert account.email.key == "ana.silva@example.com"
    assert account.profile.phone == "+351912345678"
    assert account.profile.first_name == "Ana Maria"
    assert account.profile.last_name == "Silvá"
    assert only(deliver(services)).to_address == "Ana.Silva@example.com"


@pytest.mark.parametrize("phone", ["912 345 678", "+351 912345678", "00351912345678"])
def test_registration_stores_the_phone_in_e164(services: Services, phone: str) -> None:
    register(services, phone=phone)
    assert all_accounts(services)[0].profile.phone == "+351912345678"


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "en"), ("pt", "pt"), ("fr", "pt"), (None, "pt")]
)
def test_activation_mail_is_in_the_clients_language(
    services: Services, language: str | None, expected: str
) -> None:
    register(services, language=language)
    mail = only(deliver(services))
    assert mail.language == expected
    assert mail.context["link"].startswith(f"{BASE_URL}/{expected}/auth/activate/")


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("first_name", "", "required"),
        ("first_name", "   ", "required"),
        ("first_name", "Ana\x00", "invalid_characters"),
        ("first_name", "Ana\r\nBcc: x@example.com", "invalid_characters"),
        ("last_name", "Silva\u202e", "invalid_characters"),  # right-to-left override
        ("last_name", "S" * 101, "too_long"),
        ("phone", "", "required"),
        ("phone", "12", "phone_invalid"),
        ("phone", "+351 000 000 000", "phone_invalid"),
        ("phone", "9" * 41, "too_long"),
        ("email", "", "required"),
        ("email", "not-an-address", "email_invalid"),
        ("email", "ana@example.test", "email_invalid"),
        ("email", "a" * 64 + "@" + "b" * 190 + ".com", "email_invalid"),
    ],
)
def test_invalid_field_is_reported_with_its_code(
    services: Services, field: str, value: str, code: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        register(services, **{field: value})
    assert dict(error.value.by_field()) == {field: [code]}
    assert all_accounts(services) == []
    assert queued(services) == []


def test_every_invalid_field_is_reported_at_once(services: Services) -> None:
    with pytest.raises(InvalidInput) as error:
        register(services, first_name="", last_name="", phone="1", email="@")
    assert dict(error.value.by_field()) == {
        "first_name": ["required"],
        "last_name": ["required"],
        "phone": ["phone_invalid"],
        "email": ["email_invalid"],
    }
    assert error.value.code == "invalid_input"


def test_sign_up_is_rate_limited_per_ip() -> None:
    services = make_services()
    services = attrs.evolve(
        services,
        settings=attrs.evolve(services.settings, sign_up_per_ip=Limit(2, timedelta(hours=1))),
    )
    register(services, email="one@example.com")
    register(services, email="one@example.com")  # an existing address counts the same
    with pytest.raises(RateLimited) as limited:
        register(services, email="two@example.com")
    assert limited.value.retry_after == 3600
    register(services, email="two@example.com", ip="198.51.100.1")  # another IP is not held up
    assert {a.email.address for a in all_accounts(services)} == {
        "one@example.com",
        "two@example.com",
    }


# ---------------------------------------------------------------------- item 15: existing address


def test_item_15_registering_an_existing_address_answers_the_same_and_tells_the_owner(
    services: Services,
) -> None:
    account = active_client(services)

    outcome = registration.register_client(
        services=services,
        first_name="Eva",
        last_name="Intrusa",
        phone="961 234 567",
        email="ANA.SILVA@example.com",
        language="en",
        ip="198.51.100.9",
    )

    assert outcome is None  # what a new registration returns, too
    assert [a.id for a in all_accounts(services)] == [account.id]
    mail = only(deliver(services))
    assert mail.kind is Kind.ALREADY_REGISTERED
    assert mail.to_address == "ana.silva@example.com"  # the stored address, not the typed one
    assert mail.language == "pt"  # the owner's language
    assert mail.context["first_name"] == "Ana"
    assert mail.context["sign_in_link"] == f"{BASE_URL}/pt/auth/sign-in"
    assert mail.context["reset_link"] == f"{BASE_URL}/pt/auth/forgot-password"
    # The stranger's data changed nothing.
    stored = all_accounts(services)[0]
    assert stored.profile == account.profile


def test_item_15_new_and_existing_registrations_queue_exactly_one_mail_each(
    services: Services,
) -> None:
    active_client(services)
    register(services, email="ana.silva@example.com")
    register(services, email="nova@example.com")
    kinds = sorted((m.notification.kind, m.notification.to_address) for m in queued(services))
    assert kinds == [
        (Kind.ACTIVATION, "nova@example.com"),
        (Kind.ALREADY_REGISTERED, "ana.silva@example.com"),
    ]


def test_item_15_registering_again_before_activating_sends_a_fresh_activation_link(
    services: Services,
) -> None:
    first = register_and_get_token(services)
    second = register_and_get_token(services, email="Ana.Silva@Example.com")
    assert len(all_accounts(services)) == 1
    activate(services, second)
    with pytest.raises(TokenInvalid):  # one activation spends both links
        activate(services, first)


def test_item_23_look_alike_address_is_another_account(services: Services) -> None:
    register(services, email="mike@example.com")
    register(services, email="mıke@example.com")  # dotless ı
    assert sorted(a.email.key for a in all_accounts(services)) == [
        "mike@example.com",
        "mıke@example.com",
    ]
    assert sorted(m.to_address for m in deliver(services)) == [
        "mike@example.com",
        "mıke@example.com",
    ]


def test_item_23_compatibility_spelling_is_the_same_account_and_mail_goes_to_the_stored_one(
    services: Services,
) -> None:
    active_client(services, email="mike@example.com")
    register(services, email="ｍike@example.com")  # full-width m: the same key under NFKC
    assert len(all_accounts(services)) == 1
    mail = only(deliver(services))
    assert mail.kind is Kind.ALREADY_REGISTERED
    assert mail.to_address == "mike@example.com"


@pytest.mark.parametrize("state", ["pending", "active"])
def test_item_15_registering_an_address_again_and_again_does_not_flood_its_owner(
    services: Services, state: str
) -> None:
    if state == "active":
        active_client(services)
    else:
        register(services)
        deliver(services)
    for n in range(10):
        register(services, ip=f"192.0.2.{n}")  # the answer stays the same every time
    allowed = services.settings.resend_per_account.amount
    assert len(deliver(services)) <= allowed


# ------------------------------------------------------------------------------------- activation


def test_client_activates_the_account_by_setting_a_password(services: Services) -> None:
    token = register_and_get_token(services)
    account = registration.activate_account(
        services=services, token=token, password=PASSWORD, password_confirm=PASSWORD, ip=IP
    )
    assert account.status is Status.ACTIVE
    stored = all_accounts(services)[0]
    assert stored.status is Status.ACTIVE
    assert stored.activated_at == services.clock.now()
    assert stored.password_hash is not None and stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    assert sign_in(services).account.id == account.id


def test_opening_the_activation_link_does_not_spend_it(services: Services) -> None:
    # Mail scanners open links: the GET only checks, the POST spends.
    token = register_and_get_token(services)
    for _ in range(3):
        account = registration.check_activation(services=services, token=token)
        assert account.email.address == "ana.silva@example.com"
    activate(services, token)


def test_a_refused_password_does_not_spend_the_link(services: Services) -> None:
    token = register_and_get_token(services)
    with pytest.raises(InvalidInput) as error:
        registration.activate_account(
            services=services,
            token=token,
            password=PASSWORD,
            password_confirm=PASSWORD + "!",
            ip=IP,
        )
    assert dict(error.value.by_field()) == {"password_confirm": ["password_mismatch"]}
    with pytest.raises(InvalidInput):
        registration.activate_account(
            services=services, token=token, password=None, password_confirm=None, ip=IP
        )
    assert all_accounts(services)[0].status is Status.PENDING_ACTIVATION
    activate(services, token)
    assert all_accounts(services)[0].status is Status.ACTIVE


def test_item_13_activation_link_works_once(services: Services) -> None:
    token = register_and_get_token(services)
    activate(services, token)
    with pytest.raises(TokenInvalid):
        registration.check_activation(services=services, token=token)
    with pytest.raises(TokenInvalid):
        activate(services, token, password="quiet lanterns drift over harbours")
    assert sign_in(services).session_secret  # the first password stands


def test_item_12_tampered_activation_link_is_invalid(services: Services) -> None:
    token = register_and_get_token(services)
    with pytest.raises(TokenInvalid):
        registration.check_activation(services=services, token=token[:-6] + "AAAAAA")
    with pytest.raises(TokenInvalid):
        registration.check_activation(services=services, token="")


def test_item_12_reset_token_is_refused_at_activation(services: Services) -> None:
    active_client(services)
    recovery.request_password_reset(services=services, email="ana.silva@example.com", ip=IP)
    reset_token = token_in(only(deliver(services)), path="auth/reset-password")
    with pytest.raises(TokenInvalid):
        registration.check_activation(services=services, token=reset_token)
    with pytest.raises(TokenInvalid):
        activate(services, reset_token)


def test_item_12_activation_token_is_refused_at_password_reset(services: Services) -> None:
    token = register_and_get_token(services)
    with pytest.raises(TokenInvalid):
        recovery.check_password_reset(services=services, token=token)
    with pytest.raises(TokenInvalid):
        recovery.reset_password(
            services=services, token=token, password=PASSWORD, password_confirm=PASSWORD, ip=IP
        )
    assert all_accounts(services)[0].status is Status.PENDING_ACTIVATION


def test_item_12_link_of_a_disabled_account_is_invalid(services: Services) -> None:
    token = register_and_get_token(services)
    with services.uow() as uow:
        account = uow.accounts.list()[0]
        account.disable()
        uow.accounts.save(account)
        uow.commit()
    with pytest.raises(TokenInvalid):
        activate(services, token)


def test_item_14_unactivated_client_cannot_sign_in(services: Services) -> None:
    register(services)
    for password in (PASSWORD, "", None):
        with pytest.raises(InvalidCredentials):
            sign_in(services, password=password)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ expiry and resend


def test_activation_link_works_until_48_hours(
    services: Services, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = register_and_get_token(services)
    clock.advance(timedelta(hours=47, minutes=59))
    activate(services, token)


def test_expired_activation_link_offers_a_new_one(
    services: Services, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = register_and_get_token(services)
    [account] = all_accounts(services)

    clock.advance(timedelta(hours=49))

    with pytest.raises(TokenExpired) as expired:
        registration.check_activation(services=services, token=token)
    assert expired.value.account_id == account.id
    with pytest.raises(TokenExpired):
        activate(services, token)

    registration.resend_activation(services=services, ip=IP, expired_token=token)

    fresh = token_in(only(deliver(services), Kind.ACTIVATION), path="auth/activate")
    assert fresh != token
    activate(services, fresh)
    assert sign_in(services).account.id == account.id


def test_activation_link_expires_when_the_services_clock_passes_48_hours(
    services: Services, clock: FrozenClock
) -> None:
    token = register_and_get_token(services)
    clock.advance(timedelta(hours=49))
    with pytest.raises(TokenExpired):
        registration.check_activation(services=services, token=token)


def test_client_asks_for_a_new_activation_link_by_address(services: Services) -> None:
    first = register_and_get_token(services)
    registration.resend_activation(services=services, ip=IP, email="ANA.SILVA@example.com")
    mail = only(deliver(services))
    assert mail.kind is Kind.ACTIVATION
    assert mail.to_address == "ana.silva@example.com"
    activate(services, token_in(mail, path="auth/activate"))
    with pytest.raises(TokenInvalid):
        activate(services, first)


def test_resend_answers_the_same_for_unknown_and_active_addresses(services: Services) -> None:
    active_client(services)
    assert (
        registration.resend_activation(services=services, ip=IP, email="ninguem@example.com")
        is None
    )
    assert (
        registration.resend_activation(services=services, ip=IP, email="ana.silva@example.com")
        is None
    )
    assert registration.resend_activation(services=services, ip=IP, expired_token="garbage") is None
    assert deliver(services) == []


def test_resend_refuses_a_malformed_address(services: Services) -> None:
    with pytest.raises(InvalidInput) as error:
        registration.resend_activation(services=services, ip=IP, email="nope")
    assert dict(error.value.by_field()) == {"email": ["email_invalid"]}


def test_item_15_resend_is_rate_limited_per_account(services: Services) -> None:
    register(services)
    deliver(services)
    for _ in range(services.settings.resend_per_account.amount):
        registration.resend_activation(services=services, ip=IP, email="ana.silva@example.com")
    with pytest.raises(RateLimited):
        registration.resend_activation(
            services=services, ip="198.51.100.1", email="ana.silva@example.com"
        )
    assert len(deliver(services)) == services.settings.resend_per_account.amount


# ------------------------------------------------------------------------------ item 45: delivery


def test_item_45_registration_succeeds_while_mail_is_down_and_the_link_goes_out_later(
    services: Services, clock: FrozenClock
) -> None:
    register(services)
    [queued_message] = queued(services)
    down = FailingMailer()
    assert deliver_outbox(services=attrs.evolve(services, mailer=down)) == DeliveryReport(
        sent=0, failed=1
    )
    assert len(all_accounts(services)) == 1

    waiting = _outbox_message(services, queued_message.id)
    assert waiting.attempts == 1
    assert waiting.last_error == "connection refused"
    assert waiting.sent_at is None
    assert waiting.next_attempt_at == clock.now() + timedelta(seconds=30)

    # Not due yet: nobody tries again at once.
    assert deliver_outbox(services=attrs.evolve(services, mailer=down)) == DeliveryReport()
    clock.advance(timedelta(seconds=30))
    assert deliver_outbox(services=attrs.evolve(services, mailer=down)) == DeliveryReport(
        sent=0, failed=1
    )
    retry_at = _outbox_message(services, waiting.id).next_attempt_at
    assert retry_at == clock.now() + timedelta(seconds=60)

    clock.advance(timedelta(seconds=60))
    up = RecordingMailer()
    assert deliver_outbox(services=attrs.evolve(services, mailer=up)) == DeliveryReport(
        sent=1, failed=0
    )
    assert deliver_outbox(services=attrs.evolve(services, mailer=up)) == DeliveryReport()
    assert [m.message_id for m in up.sent] == [waiting.message_id]  # same Message-ID, once
    assert up.sent[0].notification.kind is Kind.ACTIVATION
    assert up.sent[0].message_id.endswith("@example.test>")
    assert _outbox_message(services, waiting.id).sent_at == clock.now()
    assert down.attempts == 2


def test_item_45_delivery_backs_off_and_gives_up_after_max_attempts(
    services: Services, clock: FrozenClock
) -> None:
    register(services)
    [queued_message] = queued(services)
    down = FailingMailer()
    delays = []
    for _ in range(MAX_ATTEMPTS):
        assert deliver_outbox(services=attrs.evolve(services, mailer=down)).failed == 1
        message = _outbox_message(services, queued_message.id)
        delays.append(message.next_attempt_at - clock.now())
        clock.advance(delays[-1])
    assert [d.total_seconds() for d in delays] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
        3600,
        3600,
        3600,
    ]
    message = _outbox_message(services, queued_message.id)
    assert message.given_up
    with services.uow() as uow:
        assert uow.outbox.pending_count() == 0
    clock.advance(timedelta(days=1))
    assert (
        deliver_outbox(services=attrs.evolve(services, mailer=RecordingMailer()))
        == DeliveryReport()
    )
    assert down.attempts == MAX_ATTEMPTS


def test_claimed_message_is_not_claimed_twice(services: Services) -> None:
    register(services)
    with services.uow() as uow:
        first = uow.outbox.claim_due(services.clock.now(), limit=10, lease=timedelta(minutes=5))
        uow.commit()
    with services.uow() as uow:
        second = uow.outbox.claim_due(services.clock.now(), limit=10, lease=timedelta(minutes=5))
    assert len(first) == 1
    assert second == []


@attrs.define
class PickyMailer:
    """Delivers everything except mail to one address, which fails with ``error``."""

    refused: str
    error: Exception
    sent: list[OutboxMessage] = attrs.Factory(list)

    def send(self, message: OutboxMessage) -> None:
        if message.notification.to_address == self.refused:
            raise self.error
        self.sent.append(message)


def test_item_45_one_failing_message_does_not_hold_up_the_others(
    services: Services, clock: FrozenClock
) -> None:
    register(services, email="um@example.com")
    register(services, email="dois@example.com")
    mailer = PickyMailer(refused="um@example.com", error=DeliveryFailed("mailbox full"))
    assert deliver_outbox(services=attrs.evolve(services, mailer=mailer)) == DeliveryReport(
        sent=1, failed=1
    )
    assert [m.notification.to_address for m in mailer.sent] == ["dois@example.com"]


def test_item_45_an_unexpected_mailer_error_does_not_stop_all_later_mail(
    services: Services, clock: FrozenClock
) -> None:
    register(services, email="um@example.com")
    clock.advance(timedelta(seconds=1))  # the poison message is the oldest: it is claimed first
    register(services, email="dois@example.com")
    mailer = PickyMailer(refused="um@example.com", error=RuntimeError("template error"))
    for _ in range(3):
        with contextlib.suppress(RuntimeError):
            deliver_outbox(services=attrs.evolve(services, mailer=mailer))
        clock.advance(timedelta(minutes=10))
    assert [m.notification.to_address for m in mailer.sent] == ["dois@example.com"]


def _outbox_message(services: Services, message_id: str) -> OutboxMessage:
    with services.uow() as uow:
        message = uow.outbox.get(message_id)
    assert message is not None
    return message
