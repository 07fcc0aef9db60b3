"""The notifications page in pt and en, the phone confirmed with a code sent by SMS, and the
one-click unsubscribe of optional e-mails (RFC 8058) — checklist item "notification
consent"."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from iclient_adapters.memory import MemorySms
from iclient_core.accounts.model import Account, Role
from iclient_core.documents.publishing import upload_document
from iclient_core.notifications.model import Channel, Kind
from iclient_core.notifications.preferences import (
    Event,
    NotificationPreferences,
    preferences_of,
)
from iclient_core.shared.intake import Upload
from iclient_core.staff.members import create_staff
from tests.web.conftest import PASSWORD, Browser, path_of, stored_account

EMAIL = "ana@example.pt"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"%%EOF\n"


def client(browser: Browser) -> Account:
    browser.client_account(EMAIL)
    account = stored_account(browser.portal, EMAIL)
    assert account is not None
    return account


def publish(browser: Browser, account: Account) -> None:
    staff = create_staff(
        services=browser.portal.services,
        email=f"gestora{len(browser.mail())}@example.pt",
        role=Role.ADMIN,
        password=PASSWORD,
        first_name="Gestora",
        last_name="Exemplo",
    )
    upload_document(
        services=browser.portal.services,
        actor=staff,
        client_id=account.id,
        file=Upload(filename="fatura.pdf", stream=iter([PDF])),
        title="Fatura de janeiro",
        category="invoice",
    )


def sms_sent(browser: Browser) -> MemorySms:
    browser.mail()  # delivers the outbox, SMS included
    sms = browser.portal.services.sms
    assert isinstance(sms, MemorySms)
    return sms


def prefs(browser: Browser, account: Account) -> NotificationPreferences:
    with browser.portal.services.uow() as uow:
        return preferences_of(uow, account.id)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "pt",
            [
                "Notificações",
                "Novidades e ofertas",
                "Orçamento prestes a expirar",
                "Telefone para SMS",
            ],
        ),
        ("en", ["Notifications", "News and offers", "Quote about to expire", "Phone for SMS"]),
    ],
)
def test_notification_consent_the_page_shows_every_event_and_channel(
    browser: Browser, lang: str, words: list[str]
) -> None:
    client(browser)
    page = browser.get(f"/{lang}/account/notifications")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    for word in words:
        assert word in body
    for event in Event:
        for channel in Channel:
            assert f'name="{event.value}_{channel.value}"' in body
    assert 'name="quote_sent_email" value="y" checked' in body
    assert 'name="quote_sent_sms" value="y">' in body


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_notification_consent_a_client_switches_quote_emails_off_and_sms_reminders_on(
    browser: Browser, lang: str
) -> None:
    account = client(browser)
    done = browser.submit(
        f"/{lang}/account/notifications",
        {"new_document_email": "y", "booking_reminder_sms": "y"},
    )
    assert done.status_code == 303
    stored = prefs(browser, account)
    assert not stored.allows(Event.QUOTE_SENT, Channel.EMAIL)
    assert stored.allows(Event.BOOKING_REMINDER, Channel.SMS)
    assert stored.allows(Event.NEW_DOCUMENT, Channel.EMAIL)
    page = browser.get(f"/{lang}/account/notifications").get_data(as_text=True)
    assert 'name="booking_reminder_sms" value="y" checked' in page
    assert 'name="quote_sent_email" value="y">' in page


def test_notification_consent_the_choices_need_the_csrf_token(browser: Browser) -> None:
    account = client(browser)
    refused = browser.client.post("/pt/account/notifications", data={})
    assert refused.status_code == 400
    assert prefs(browser, account).allows(Event.QUOTE_SENT, Channel.EMAIL)


@pytest.mark.parametrize(
    ("lang", "wrong", "confirmed"),
    [
        ("pt", "Este código não está correto", "O seu telefone está confirmado"),
        ("en", "This code is not correct", "Your phone is confirmed"),
    ],
)
def test_notification_consent_the_phone_is_confirmed_with_the_code_sent_by_sms(
    browser: Browser, lang: str, wrong: str, confirmed: str
) -> None:
    account = client(browser)
    page = f"/{lang}/account/notifications"
    assert browser.submit(f"{page}/phone-code", {}, form_page=page).status_code == 303
    [sms] = sms_sent(browser).messages(kind=Kind.PHONE_CODE)
    assert sms.notification.to_address == "+351912345678"
    code = sms.notification.context["code"]
    bad = "000000" if code != "000000" else "111111"
    answer = browser.submit(f"{page}/phone", {"code": bad}, form_page=page)
    assert answer.status_code == 400
    assert wrong in answer.get_data(as_text=True)
    done = browser.submit(f"{page}/phone", {"code": code}, form_page=page)
    assert done.status_code == 303
    follow = browser.get(page).get_data(as_text=True)
    assert confirmed in follow
    assert prefs(browser, account).phone_confirmed("+351912345678")
    # An SMS the client chose now goes to the confirmed phone.
    browser.submit(page, {"new_document_sms": "y"})
    publish(browser, account)
    assert sms_sent(browser).messages(kind=Kind.DOCUMENT_PUBLISHED)


# --------------------------------------------------------------------------- one-click


def _document_mail(browser: Browser) -> EmailMessage:
    found = [m for m in browser.mail() if m["X-Iclient-Kind"] == "document_published"]
    assert found
    return found[-1]


def test_notification_consent_optional_emails_carry_one_click_unsubscribe(
    browser: Browser,
) -> None:
    account = client(browser)
    activation = [m for m in browser.mail() if m["X-Iclient-Kind"] == "activation"][-1]
    assert activation["List-Unsubscribe"] is None  # essential: no way out of it
    assert activation["List-Unsubscribe-Post"] is None
    publish(browser, account)
    mail = _document_mail(browser)
    header = str(mail["List-Unsubscribe"]).strip()
    assert header.startswith("<https://portal.example.test/pt/unsubscribe/")
    assert header.endswith(">")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_notification_consent_one_click_post_works_without_a_session_or_csrf(
    browser: Browser, other_browser: Browser
) -> None:
    account = client(browser)
    publish(browser, account)
    link = str(_document_mail(browser)["List-Unsubscribe"]).strip().strip("<>")
    # The mail program: no cookie, no CSRF token, the RFC 8058 body.
    anonymous = other_browser.client
    answer = anonymous.post(
        path_of(link),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200
    stored = prefs(browser, account)
    assert not stored.allows(Event.NEW_DOCUMENT, Channel.EMAIL)
    assert stored.allows(Event.QUOTE_SENT, Channel.EMAIL)  # only that one event
    publish(browser, account)
    assert len([m for m in browser.mail() if m["X-Iclient-Kind"] == "document_published"]) == 1


@pytest.mark.parametrize(("lang", "button"), [("pt", "Deixar de receber"), ("en", "Stop these")])
def test_notification_consent_a_get_only_shows_the_button(
    browser: Browser, other_browser: Browser, lang: str, button: str
) -> None:
    account = client(browser)
    publish(browser, account)
    link = path_of(str(_document_mail(browser)["List-Unsubscribe"]).strip().strip("<>"))
    link = link.replace("/pt/", f"/{lang}/", 1)
    for _ in range(2):
        page = other_browser.get(link)
        assert page.status_code == 200
        assert button in page.get_data(as_text=True)
        assert page.headers["Referrer-Policy"] == "no-referrer"
    assert prefs(browser, account).allows(Event.NEW_DOCUMENT, Channel.EMAIL)
    assert other_browser.client.post(link, data={}).status_code == 200
    assert not prefs(browser, account).allows(Event.NEW_DOCUMENT, Channel.EMAIL)


@pytest.mark.parametrize("token", ["nonsense", "x" * 40])
def test_notification_consent_a_forged_unsubscribe_link_changes_nothing(
    browser: Browser, other_browser: Browser, token: str
) -> None:
    client(browser)
    assert other_browser.get(f"/pt/unsubscribe/{token}").status_code == 400
    assert other_browser.client.post(f"/pt/unsubscribe/{token}").status_code == 400


def test_notification_consent_staff_see_whether_the_phone_is_confirmed(
    browser: Browser, other_browser: Browser
) -> None:
    account = client(browser)
    other_browser.staff_account()
    page = other_browser.get(f"/pt/admin/clients/{account.id}").get_data(as_text=True)
    assert "não confirmado para SMS" in page
    form = "/pt/account/notifications"
    browser.submit(f"{form}/phone-code", {}, form_page=form)
    [sms] = sms_sent(browser).messages(kind=Kind.PHONE_CODE)
    browser.submit(f"{form}/phone", {"code": sms.notification.context["code"]}, form_page=form)
    page = other_browser.get(f"/pt/admin/clients/{account.id}").get_data(as_text=True)
    assert "confirmado para SMS" in page and "não confirmado para SMS" not in page
