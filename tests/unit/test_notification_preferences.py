"""Notification preferences: every sender asks, per event and channel; essential account
messages ignore them; SMS go only to a phone confirmed with a code; one click in an e-mail
turns that one kind of e-mail off."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iclient_adapters.clock import FrozenClock
from iclient_adapters.testing import make_services
from iclient_core.accounts import notification_choices as choices
from iclient_core.accounts import profile, recovery
from iclient_core.accounts.events import notify_event, unsubscribe_token
from iclient_core.accounts.model import Account
from iclient_core.consent import use_cases as consent
from iclient_core.documents.publishing import upload_document
from iclient_core.notifications.model import Channel, Kind, OutboxMessage
from iclient_core.notifications.preferences import (
    ESSENTIAL_KINDS,
    PHONE_CODE_TRIES,
    Event,
    choice_key,
    every_choice,
    wants,
)
from iclient_core.quotes.proposals import LineInput, ProposalInput, send_proposal
from iclient_core.quotes.reminders import remind_expiring_quotes
from iclient_core.quotes.requests import request_quote
from iclient_core.services import Services
from iclient_core.shared.errors import (
    InvalidInput,
    NotFound,
    RateLimited,
    TokenExpired,
    TokenInvalid,
)
from iclient_core.shared.intake import Upload
from iclient_core.staff.personal_data import export_data
from tests.unit.client_story import staff_member
from tests.unit.helpers import IP, USER_AGENT, active_client, queued
from tests.unit.staff_helpers import actions

PHONE = "+351912345678"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"%%EOF\n"
PROPOSAL = ProposalInput(
    lines=(LineInput("Pintura da fachada", "1", "100,00", "2300"),),
    valid_until="2026-01-20",
    message="",
    language="pt",
)


def outbox(services: Services) -> list[OutboxMessage]:
    return queued(services)


def channels_of(services: Services, kind: Kind) -> list[str]:
    return sorted(m.notification.channel for m in outbox(services) if m.notification.kind is kind)


def empty_outbox(services: Services) -> None:
    with services.uow() as uow:
        for message in uow.outbox.claim_due(services.clock.now(), limit=1000, lease=timedelta(0)):
            message.delivered(services.clock.now())
            uow.outbox.save(message)
        uow.commit()


def choose(services: Services, client: Account, *on: tuple[Event, Channel]) -> None:
    choices.choose_notifications(
        services=services, account_id=client.id, on={choice_key(e, c) for e, c in on}, ip=IP
    )


def confirm_phone(services: Services, client: Account) -> None:
    choices.send_phone_code(services=services, account_id=client.id, ip=IP)
    code = last_code(services)
    choices.confirm_phone(services=services, account_id=client.id, code=code, ip=IP)
    empty_outbox(services)


def last_code(services: Services) -> str:
    codes = [m for m in outbox(services) if m.notification.kind is Kind.PHONE_CODE]
    assert codes, "no code was sent"
    assert codes[-1].notification.channel == "sms"
    assert codes[-1].notification.to_address == PHONE
    return codes[-1].notification.context["code"]


@pytest.fixture
def client(services: Services) -> Account:
    consent.ensure_defaults(services=services)
    return active_client(services)


# --------------------------------------------------------------------------- defaults


def test_by_default_email_is_on_and_sms_off_and_news_need_the_marketing_consent(
    services: Services, client: Account
) -> None:
    with services.uow() as uow:
        for event in Event:
            assert wants(uow, client, event, Channel.EMAIL) is (event is not Event.NEWS)
            assert not wants(uow, client, event, Channel.SMS)
    consent.give(
        services=services, account_id=client.id, kind="marketing", ip=IP, user_agent=USER_AGENT
    )
    with services.uow() as uow:
        assert wants(uow, client, Event.NEWS, Channel.EMAIL)
    consent.withdraw(
        services=services, account_id=client.id, kind="marketing", ip=IP, user_agent=USER_AGENT
    )
    with services.uow() as uow:
        assert not wants(uow, client, Event.NEWS, Channel.EMAIL)


# --------------------------------------------------------------------------- every choice


@pytest.mark.parametrize(("event", "channel"), list(every_choice()))
def test_notify_event_honours_each_event_and_channel(
    services: Services, client: Account, event: Event, channel: Channel
) -> None:
    """What bookings, support and news senders call: a channel switched off gets nothing,
    switched on (and, for SMS, confirmed) gets the message."""
    consent.give(
        services=services, account_id=client.id, kind="marketing", ip=IP, user_agent=USER_AGENT
    )
    confirm_phone(services, client)
    everything_but = [pair for pair in every_choice() if pair != (event, channel)]
    choose(services, client, *everything_but)
    with services.uow() as uow:
        sent = notify_event(services, uow, client, event, Kind.QUOTE_SENT, {"x": "y"})
        uow.commit()
    other = Channel.SMS if channel is Channel.EMAIL else Channel.EMAIL
    assert sent == [other]
    assert channels_of(services, Kind.QUOTE_SENT) == [other.value]
    empty_outbox(services)
    choose(services, client, *every_choice())
    with services.uow() as uow:
        assert notify_event(services, uow, client, event, Kind.QUOTE_SENT, {}) == list(Channel)
        uow.commit()
    assert channels_of(services, Kind.QUOTE_SENT) == ["email", "sms"]


# --------------------------------------------------------------------------- the existing senders


def publish(services: Services, staff: Account, client: Account) -> None:
    upload_document(
        services=services,
        actor=staff,
        client_id=client.id,
        file=Upload(filename="fatura.pdf", stream=iter([PDF])),
        ip=IP,
        title="Fatura de janeiro",
        category="invoice",
    )


def send_quote(services: Services, staff: Account, client: Account) -> str:
    quote = request_quote(
        services=services,
        account_id=client.id,
        subject="Pintura",
        details="Fachada.",
        desired_date=None,
        ip=IP,
    )
    empty_outbox(services)
    send_proposal(services=services, actor=staff, quote_id=quote.id, proposal=PROPOSAL)
    return quote.id


SENDERS = {
    Event.NEW_DOCUMENT: (Kind.DOCUMENT_PUBLISHED, publish),
    Event.QUOTE_SENT: (Kind.QUOTE_SENT, send_quote),
}


@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize("event", list(SENDERS))
def test_the_document_and_quote_senders_honour_each_channel(
    services: Services, client: Account, event: Event, channel: Channel
) -> None:
    kind, act = SENDERS[event]
    staff = staff_member(services)
    confirm_phone(services, client)
    choose(services, client, (event, channel))
    act(services, staff, client)
    assert channels_of(services, kind) == [channel.value]
    empty_outbox(services)
    choose(services, client)  # everything off
    act(services, staff, client)
    assert channels_of(services, kind) == []


@pytest.mark.parametrize("channel", list(Channel))
def test_the_quote_expiry_reminder_honours_each_channel(
    services: Services, clock: FrozenClock, client: Account, channel: Channel
) -> None:
    """Sent on the one day the quote's validity is three days away, on the chosen channel."""
    staff = staff_member(services)
    confirm_phone(services, client)
    send_quote(services, staff, client)
    choose(services, client, (Event.QUOTE_EXPIRING, channel))
    empty_outbox(services)
    assert remind_expiring_quotes(services=services) == 0  # 15 days away
    clock.advance(timedelta(days=12))  # 2026-01-17: three days before the 20th
    assert remind_expiring_quotes(services=services) == 1
    [message] = [m for m in outbox(services) if m.notification.kind is Kind.QUOTE_EXPIRING]
    assert message.notification.channel == channel.value
    assert "20/01/2026" in message.notification.context["valid_until"]
    empty_outbox(services)
    choose(services, client)
    assert remind_expiring_quotes(services=services) == 0  # asked, but nothing wanted
    assert channels_of(services, Kind.QUOTE_EXPIRING) == []
    clock.advance(timedelta(days=1))
    choose(services, client, (Event.QUOTE_EXPIRING, channel))
    assert remind_expiring_quotes(services=services) == 0  # only on the one day


def test_sms_are_not_sent_to_an_unconfirmed_phone_even_when_chosen(
    services: Services, client: Account
) -> None:
    staff = staff_member(services)
    choose(services, client, *every_choice())
    publish(services, staff, client)
    assert channels_of(services, Kind.DOCUMENT_PUBLISHED) == ["email"]


# --------------------------------------------------------------------------- essential messages


def test_essential_messages_go_whatever_the_choices_and_carry_no_unsubscribe(
    services: Services, client: Account
) -> None:
    choose(services, client)  # everything off
    recovery.request_password_reset(services=services, email=client.email.address, ip=IP)
    [reset] = [
        m.notification for m in outbox(services) if m.notification.kind is Kind.PASSWORD_RESET
    ]
    assert reset.channel == "email"
    assert "unsubscribe_link" not in reset.context
    assert {Kind.ACTIVATION, Kind.PASSWORD_RESET, Kind.PASSWORD_CHANGED} <= ESSENTIAL_KINDS


def test_optional_emails_carry_their_unsubscribe_link(services: Services, client: Account) -> None:
    publish(services, staff_member(services), client)
    [email] = [
        m.notification for m in outbox(services) if m.notification.kind is Kind.DOCUMENT_PUBLISHED
    ]
    assert email.context["unsubscribe_link"].startswith(
        "https://portal.example.test/pt/unsubscribe/"
    )


# --------------------------------------------------------------------------- phone confirmation


def test_a_phone_is_confirmed_with_the_code_sent_to_it_once(
    services: Services, client: Account
) -> None:
    choices.send_phone_code(services=services, account_id=client.id, ip=IP)
    code = last_code(services)
    with services.uow() as uow:
        stored = uow.notification_preferences.get(client.id)
    assert stored is not None and code not in stored.code_hash  # hashed, not kept
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(InvalidInput) as error:
        choices.confirm_phone(services=services, account_id=client.id, code=wrong, ip=IP)
    assert error.value.errors[0].code == "sms_code_wrong"
    choices.confirm_phone(services=services, account_id=client.id, code=f" {code} ", ip=IP)
    settings = choices.notification_settings(services=services, actor=client)
    assert settings.phone_confirmed and settings.phone == PHONE
    with pytest.raises(InvalidInput) as again:
        choices.confirm_phone(services=services, account_id=client.id, code=code, ip=IP)
    assert again.value.errors[0].code == "code_expired"  # single use
    assert "notifications.phone_confirmed" in actions(services)


def test_a_code_expires_and_dies_after_too_many_wrong_tries(
    services: Services, clock: FrozenClock, client: Account
) -> None:
    choices.send_phone_code(services=services, account_id=client.id, ip=IP)
    code = last_code(services)
    clock.advance(timedelta(minutes=11))
    with pytest.raises(InvalidInput) as late:
        choices.confirm_phone(services=services, account_id=client.id, code=code, ip=IP)
    assert late.value.errors[0].code == "code_expired"
    choices.send_phone_code(services=services, account_id=client.id, ip=IP)
    code = last_code(services)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(PHONE_CODE_TRIES):
        with pytest.raises(InvalidInput):
            choices.confirm_phone(services=services, account_id=client.id, code=wrong, ip=IP)
    with pytest.raises(InvalidInput) as dead:
        choices.confirm_phone(services=services, account_id=client.id, code=code, ip=IP)
    assert dead.value.errors[0].code == "code_expired"


def test_codes_are_rate_limited(services: Services, client: Account) -> None:
    for _ in range(3):
        choices.send_phone_code(services=services, account_id=client.id, ip=IP)
    with pytest.raises(RateLimited):
        choices.send_phone_code(services=services, account_id=client.id, ip=IP)


def test_changing_the_phone_ends_its_confirmation(services: Services, client: Account) -> None:
    confirm_phone(services, client)
    choose(services, client, (Event.NEW_DOCUMENT, Channel.SMS))
    changed = profile.update_profile(
        services=services,
        account_id=client.id,
        first_name="Ana",
        last_name="Silva",
        phone="+351 934 567 890",
    )
    settings = choices.notification_settings(services=services, actor=changed)
    assert settings.phone == "+351934567890" and not settings.phone_confirmed
    publish(services, staff_member(services), client)
    assert channels_of(services, Kind.DOCUMENT_PUBLISHED) == []  # e-mail off, SMS unconfirmed


def test_the_choices_are_the_signed_in_accounts_and_a_closed_account_gets_none(
    services: Services, client: Account
) -> None:
    assert choices.notification_settings(services=services, actor=client).phone == PHONE
    closed = attrs.evolve(client)
    closed.disable()
    with pytest.raises(NotFound):
        choices.notification_settings(services=services, actor=closed)


def test_no_code_without_a_phone_or_an_sms_provider(services: Services, client: Account) -> None:
    no_sms = attrs.evolve(services, sms=None)
    with pytest.raises(InvalidInput) as error:
        choices.send_phone_code(services=no_sms, account_id=client.id, ip=IP)
    assert error.value.errors[0].code == "sms_unavailable"


# --------------------------------------------------------------------------- unsubscribe


def test_the_unsubscribe_link_turns_off_that_one_email_only(
    services: Services, client: Account
) -> None:
    token = unsubscribe_token(services, client.id, Event.QUOTE_SENT)
    assert choices.unsubscribe_event(services=services, token=token) is Event.QUOTE_SENT
    assert choices.unsubscribe(services=services, token=token, ip=IP) is Event.QUOTE_SENT
    assert choices.unsubscribe(services=services, token=token, ip=IP) is Event.QUOTE_SENT
    settings = choices.notification_settings(services=services, actor=client)
    assert [
        (c.event, c.channel) for c in settings.choices if not c.on and c.channel is Channel.EMAIL
    ] == [(Event.QUOTE_SENT, Channel.EMAIL)]
    assert actions(services).count("notifications.unsubscribed") == 1


@pytest.mark.parametrize("token", ["", "nonsense", "a" * 3000])
def test_a_bad_unsubscribe_token_changes_nothing(
    services: Services, client: Account, token: str
) -> None:
    with pytest.raises(TokenInvalid):
        choices.unsubscribe(services=services, token=token, ip=IP)


def test_a_token_for_another_purpose_does_not_unsubscribe(
    services: Services, client: Account
) -> None:
    token = unsubscribe_token(services, client.id, Event.NEWS)
    with pytest.raises(TokenInvalid):
        services.tokens.verify(
            "password_reset", token, max_age=timedelta(days=1), now=services.clock.now()
        )


def test_an_unsubscribe_link_expires_after_a_long_time(
    services: Services, clock: FrozenClock, client: Account
) -> None:
    token = unsubscribe_token(services, client.id, Event.NEWS)
    clock.advance(timedelta(days=401))
    with pytest.raises(TokenExpired):
        choices.unsubscribe(services=services, token=token, ip=IP)


# --------------------------------------------------------------------------- audit and export


def test_changes_are_audited_and_exported(services: Services, client: Account) -> None:
    choose(services, client, (Event.QUOTE_SENT, Channel.SMS))
    confirm_phone(services, client)
    assert {
        "notifications.preferences_changed",
        "notifications.phone_code_sent",
        "notifications.phone_confirmed",
    } <= set(actions(services))
    data = export_data(services=services, account_id=client.id)["notifications"]
    assert data["choices"]["quote_sent"] == {"email": False, "sms": True}
    assert data["phone"] == PHONE and data["phone_confirmed"] is True
    assert data["phone_confirmed_at"]


# --------------------------------------------------------------------------- odd input


@settings(max_examples=40, deadline=None)
@given(token=st.text(max_size=300))
def test_any_unsubscribe_token_is_refused_as_a_link_or_works(token: str) -> None:
    services = make_services()
    with pytest.raises(TokenInvalid):
        choices.unsubscribe(services=services, token=token, ip=IP)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(codes=st.lists(st.text(max_size=20), min_size=1, max_size=12))
def test_any_typed_code_is_a_field_error_or_a_rate_limit_never_a_crash(codes: list[str]) -> None:
    services = make_services()
    account = active_client(services)
    choices.send_phone_code(services=services, account_id=account.id, ip=IP)
    for code in codes:
        try:
            choices.confirm_phone(services=services, account_id=account.id, code=code, ip=IP)
        except InvalidInput as error:
            assert {e.field for e in error.errors} == {"code"}
        except RateLimited:
            break
    assert not choices.notification_settings(
        services=services, actor=account
    ).phone_confirmed or any(c.strip().isdigit() and len(c.strip()) == 6 for c in codes)
