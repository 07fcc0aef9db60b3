"""The one bundle of ports and settings every use case receives, keyword-only.

A composition root (``iclient_adapters.in_memory()``, ``iclient_adapters.from_config()`` or
an embedding application's own) builds one ``Services`` and passes it to the use cases as
``services=``. It carries no behaviour: what the use cases share (queueing an e-mail,
checking a rate limit, recording an audit entry) are plain functions of the domains that
take it.
"""

from __future__ import annotations

import attrs

from iclient_core.accounts.ports import (
    ContactValidator,
    NoSessionCache,
    OneTimeCodes,
    PasskeyVerifier,
    PasswordHasher,
    PasswordStrength,
    SessionCache,
    TokenService,
)
from iclient_core.notifications.ports import Mailer, SmsSender
from iclient_core.settings import Settings
from iclient_core.shared.ports import Clock, IdGenerator, Links, RateLimiter
from iclient_core.shared.storage import FileStorage
from iclient_core.unit_of_work import UnitOfWorkFactory


@attrs.frozen(kw_only=True)
class Services:
    """Every port the use cases need, and the settings.

    Attributes:
        uow: makes a fresh unit of work (one transaction) per use-case call.
        clock: the time.
        ids: new identifiers.
        hasher: password hashes.
        tokens: signed link tokens.
        strength: the judge of guessable passwords.
        limiter: attempt counters for rate limits.
        contacts: e-mail address and phone number validation.
        links: the absolute addresses put in e-mails, by purpose.
        storage: the bytes of documents, attachments and the logo.
        mailer: hands queued e-mails to a transport (used by the outbox's delivery).
        sms: hands queued SMS to a provider (None: no SMS; phones cannot be confirmed).
        one_time_codes: the codes of authenticator apps (two-step sign-in).
        passkeys: the WebAuthn ceremonies of passkeys.
        settings: the installation's rules.
        session_cache: the process's memory of signed-in sessions (none by default).
    """

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    hasher: PasswordHasher
    tokens: TokenService
    strength: PasswordStrength
    limiter: RateLimiter
    contacts: ContactValidator
    links: Links
    storage: FileStorage
    mailer: Mailer
    one_time_codes: OneTimeCodes
    passkeys: PasskeyVerifier
    settings: Settings = Settings()
    sms: SmsSender | None = None
    session_cache: SessionCache = NoSessionCache()
