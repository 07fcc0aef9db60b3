"""Helpers for the core's unit tests: small real fakes and the steps most tests share.

Everything here works on ``make_services()`` (in-memory adapters, a frozen clock) and reads
state back through the same ports the core uses; there are no Mock objects.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import unquote

import attrs

from iclient_core.accounts import authentication, registration
from iclient_core.accounts.model import Account
from iclient_core.accounts.ports import PasswordHasher
from iclient_core.notifications.delivery import DeliveryReport, deliver_outbox
from iclient_core.notifications.model import Kind, Notification, OutboxMessage
from iclient_core.services import Services
from iclient_core.shared.errors import DeliveryFailed

IP = "203.0.113.7"
OTHER_IP = "198.51.100.23"
USER_AGENT = "pytest browser"

# Strong enough for zxcvbn, and free of the names and addresses used below.
PASSWORD = "violet tugboat umbrella 42"
NEW_PASSWORD = "quiet lanterns drift over harbours"
BASE_URL = "https://portal.example.test"


# ------------------------------------------------------------------------------------------- mail


@attrs.define
class RecordingMailer:
    """A mailer that keeps what it was handed, in order."""

    sent: list[OutboxMessage] = attrs.Factory(list)

    def send(self, message: OutboxMessage) -> None:
        """Record the message as delivered."""
        self.sent.append(message)


@attrs.define
class FailingMailer:
    """A mailer whose mail server is down: every hand-over fails temporarily."""

    attempts: int = 0

    def send(self, message: OutboxMessage) -> None:
        """Fail like an SMTP outage does."""
        self.attempts += 1
        raise DeliveryFailed("connection refused")


def deliver(services: Services) -> list[Notification]:
    """Deliver what is due in the outbox and return the notifications handed over."""
    mailer = RecordingMailer()
    report = deliver_outbox(services=attrs.evolve(services, mailer=mailer))
    assert report == DeliveryReport(sent=len(mailer.sent), failed=0)
    return [message.notification for message in mailer.sent]


def queued(services: Services) -> list[OutboxMessage]:
    """Peek at the due outbox messages without claiming them (the transaction is rolled back)."""
    with services.uow() as uow:
        return list(uow.outbox.claim_due(services.clock.now(), limit=1000, lease=timedelta(0)))


def only(notifications: list[Notification], kind: Kind | None = None) -> Notification:
    """The single notification (of ``kind``) in ``notifications``."""
    found = [n for n in notifications if kind is None or n.kind is kind]
    assert len(found) == 1, notifications
    return found[0]


def token_in(notification: Notification, *, path: str) -> str:
    """The token at the end of the notification's link, which must start with ``path``."""
    link = notification.context["link"]
    prefix = f"{BASE_URL}/{notification.language}/{path}/"
    assert link.startswith(prefix), link
    token = unquote(link.removeprefix(prefix))
    assert token and "/" not in token
    return token


# -------------------------------------------------------------------------------- the usual steps


def register(
    services: Services,
    *,
    email: str = "ana.silva@example.com",
    first_name: str = "Ana",
    last_name: str = "Silva",
    phone: str = "912 345 678",
    language: str | None = "pt",
    ip: str = IP,
) -> None:
    """A client fills in the sign-up form."""
    registration.register_client(
        services=services,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        email=email,
        language=language,
        ip=ip,
    )


def register_and_get_token(services: Services, **fields: str) -> str:
    """Register and return the token of the activation link that was e-mailed."""
    register(services, **fields)
    return token_in(only(deliver(services), Kind.ACTIVATION), path="auth/activate")


def active_client(services: Services, *, password: str = PASSWORD, **fields: str) -> Account:
    """A client who registered and followed the activation link (the outbox is emptied)."""
    token = register_and_get_token(services, **fields)
    account = registration.activate_account(
        services=services, token=token, password=password, password_confirm=password, ip=IP
    )
    deliver(services)
    return account


def sign_in(
    services: Services,
    email: str = "ana.silva@example.com",
    password: str = PASSWORD,
    *,
    ip: str = IP,
    device: str | None = None,
) -> authentication.SignedIn:
    """Sign in through the use case (``device``: the browser's device token, if any)."""
    return authentication.sign_in(
        services=services,
        email=email,
        password=password,
        ip=ip,
        user_agent=USER_AGENT,
        device=device,
    )


def stored(services: Services, account_id: str) -> Account:
    """The account as committed."""
    with services.uow() as uow:
        account = uow.accounts.get(account_id)
    assert account is not None
    return account


def change_account(services: Services, account_id: str, change: str, *args: object) -> None:
    """Apply one aggregate method to a stored account and commit (what an admin use case does)."""
    with services.uow() as uow:
        account = uow.accounts.get(account_id)
        assert account is not None
        getattr(account, change)(*args)
        uow.accounts.save(account)
        uow.commit()


# ------------------------------------------------------------------------------- time and hashing


@attrs.define
@attrs.define
class CountingHasher:
    """A real hasher that counts what it is asked to do."""

    inner: PasswordHasher
    calls: list[str] = attrs.Factory(list)

    def hash(self, password: str) -> str:
        """Hash with the real hasher."""
        self.calls.append("hash")
        return self.inner.hash(password)

    def verify(self, password: str, hashed: str) -> bool:
        """Verify with the real hasher."""
        self.calls.append("verify")
        return self.inner.verify(password, hashed)

    def needs_update(self, hashed: str) -> bool:
        """Ask the real hasher."""
        return self.inner.needs_update(hashed)

    def dummy_verify(self) -> None:
        """Spend a real verification."""
        self.calls.append("dummy_verify")
        self.inner.dummy_verify()


def counting(services: Services) -> tuple[Services, CountingHasher]:
    """The same services with a hasher that counts its calls."""
    hasher = CountingHasher(services.hasher)
    return attrs.evolve(services, hasher=hasher), hasher
