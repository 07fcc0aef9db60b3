"""The bundle of ports and settings every use case receives.

A composition root (``iclient_adapters.bootstrap`` or an embedding application's own)
builds one ``Services`` and passes it, keyword-only, to the use cases.
"""

from __future__ import annotations

from datetime import timedelta

import attrs

from iclient_core.accounts import LANGUAGES, Account
from iclient_core.notifications import Kind, Notification, OutboxMessage
from iclient_core.passwords import PasswordPolicy
from iclient_core.ports import (
    Clock,
    ContactValidator,
    IdGenerator,
    Links,
    PasswordHasher,
    PasswordStrength,
    RateLimiter,
    TokenService,
    UnitOfWork,
    UnitOfWorkFactory,
)
from iclient_core.quotes.settings import QuoteSettings


@attrs.frozen
class Limit:
    """At most ``amount`` attempts per ``per``."""

    amount: int
    per: timedelta


@attrs.frozen
class Settings:
    """Tunable rules of the core, with safe defaults."""

    business_name: str = "iclient"
    contact_email: str = ""
    mail_domain: str = "iclient.invalid"
    default_language: str = LANGUAGES[0]
    password_policy: PasswordPolicy = PasswordPolicy()
    activation_max_age: timedelta = timedelta(hours=48)
    reset_max_age: timedelta = timedelta(hours=1)
    email_change_max_age: timedelta = timedelta(hours=24)
    session_idle: timedelta = timedelta(minutes=60)
    session_absolute: timedelta = timedelta(hours=12)
    sign_in_per_account: Limit = Limit(5, timedelta(minutes=15))
    sign_in_per_ip: Limit = Limit(50, timedelta(minutes=15))
    reset_per_address: Limit = Limit(3, timedelta(hours=1))
    reset_per_ip: Limit = Limit(20, timedelta(hours=1))
    sign_up_per_ip: Limit = Limit(20, timedelta(hours=1))
    resend_per_account: Limit = Limit(3, timedelta(hours=1))
    quotes: QuoteSettings = QuoteSettings()

    def language(self, requested: str | None) -> str:
        """``requested`` when the portal speaks it, else the default language."""
        return requested if requested in LANGUAGES else self.default_language


@attrs.frozen(kw_only=True)
class Services:
    """Every port the use cases need, plus the settings."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    hasher: PasswordHasher
    tokens: TokenService
    strength: PasswordStrength
    limiter: RateLimiter
    contacts: ContactValidator
    links: Links
    settings: Settings = Settings()

    def queue(self, uow: UnitOfWork, notification: Notification) -> None:
        """Put a notification in the outbox, inside the caller's transaction."""
        uow.outbox.add(
            OutboxMessage.queue(
                id=self.ids.new_id(),
                notification=notification,
                now=self.clock.now(),
                domain=self.settings.mail_domain,
            )
        )

    def notify(
        self,
        uow: UnitOfWork,
        account: Account,
        kind: Kind,
        context: dict[str, str] | None = None,
        *,
        to_address: str | None = None,
    ) -> None:
        """Queue ``kind`` for ``account`` in its language, to its stored address by default."""
        self.queue(
            uow,
            Notification(
                kind=kind,
                to_address=to_address or account.email.address,
                to_name=account.profile.full_name,
                language=account.language,
                context={
                    "first_name": account.profile.first_name,
                    **self.branding(uow),
                    **(context or {}),
                },
            ),
        )

    def branding(self, uow: UnitOfWork) -> dict[str, str]:
        """The business name and contact e-mail for messages: what an admin stored, else
        the configured values (read in the caller's transaction); plus ``logo_url``, the
        logo's absolute address, when an admin uploaded a logo."""
        from iclient_core.business import logo_url

        stored = uow.settings.get()
        name = stored.business_name if stored is not None else ""
        email = stored.contact_email if stored is not None else ""
        found = {
            "business_name": name or self.settings.business_name,
            "contact_email": email or self.settings.contact_email,
        }
        logo = logo_url(self, stored)
        return {**found, "logo_url": logo} if logo else found

    def check_limit(self, key: str, limit: Limit, *, count: bool) -> None:
        """Raise ``RateLimited`` when ``key`` is over ``limit``; count this try if ``count``.

        Raises:
            RateLimited: with the window length as the retry delay.
        """
        from iclient_core.errors import RateLimited

        allowed = (
            self.limiter.hit(key, amount=limit.amount, per=limit.per)
            if count
            else self.limiter.test(key, amount=limit.amount, per=limit.per)
        )
        if not allowed:
            raise RateLimited(int(limit.per.total_seconds()))
