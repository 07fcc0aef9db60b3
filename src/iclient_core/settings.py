"""The tunable rules of the core, with safe defaults, as a composition root configures them.

What an admin edits in the portal (name, VAT rates, logo…) is the business's own
:class:`~iclient_core.shared.business.BusinessSettings`, stored through a repository; these
are the installation's settings, fixed when the core is built.
"""

from __future__ import annotations

from datetime import timedelta

import attrs

from iclient_core.accounts.model import LANGUAGES
from iclient_core.accounts.passwords import PasswordPolicy
from iclient_core.quotes.settings import QuoteSettings
from iclient_core.shared.limits import Limit


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
    # Failed sign-ins: per address and network (sign_in_per_account), per network, per
    # address from browsers without the address's device token, per trusted device.
    sign_in_per_account: Limit = Limit(5, timedelta(minutes=15))
    sign_in_per_ip: Limit = Limit(50, timedelta(minutes=15))
    sign_in_per_address: Limit = Limit(20, timedelta(minutes=15))
    sign_in_per_device: Limit = Limit(10, timedelta(minutes=15))
    # Wrong second-step codes (authenticator or recovery code) per account.
    two_step_per_account: Limit = Limit(5, timedelta(minutes=15))
    two_step_window: int = 1
    reset_per_address: Limit = Limit(3, timedelta(hours=1))
    reset_per_ip: Limit = Limit(20, timedelta(hours=1))
    sign_up_per_ip: Limit = Limit(20, timedelta(hours=1))
    resend_per_account: Limit = Limit(3, timedelta(hours=1))
    quotes: QuoteSettings = QuoteSettings()
    # Webhooks may go to http:// URLs (development), and to private, loopback or link-local
    # addresses (development and tests only: see the protection in iclient_core.webhooks).
    webhooks_allow_http: bool = False
    webhooks_allow_private: bool = False
    support_reopen_days: int = 14
    """How many days after closing a support request a client's reply reopens it."""

    def language(self, requested: str | None) -> str:
        """``requested`` when the portal speaks it, else the default language."""
        return requested if requested in LANGUAGES else self.default_language
