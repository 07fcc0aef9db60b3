"""Accounts: clients and staff members register, activate, sign in, recover a password, keep
their data up to date and exercise their privacy rights.

The public names of the package, by module:

- :mod:`.authentication`: ``CurrentSession``, ``SignedIn``, ``current_session``, ``sign_in``,
  ``sign_out``
- :mod:`.events`: ``notify_event``, ``unsubscribe_token``
- :mod:`.model`: ``Account``, ``EmailAddress``, ``Profile``, ``Role``, ``Status``
- :mod:`.notification_choices`: ``Choice``, ``NotificationSettings``,
  ``choose_notifications``, ``confirm_phone``, ``notification_settings``,
  ``send_phone_code``, ``unsubscribe``, ``unsubscribe_event``
- :mod:`.passwords`: ``PasswordPolicy``
- :mod:`.permissions`: ``Permission``
- :mod:`.ports`: ``AccountRepository``, ``ContactValidator``, ``PasswordHasher``,
  ``PasswordStrength``, ``SessionRepository``, ``TokenClaims``, ``TokenService``
- :mod:`.privacy`: ``cancel_deletion``, ``confirm_deletion``, ``deletion_requests``,
  ``erase_due``, ``request_deletion``
- :mod:`.profile`: ``change_password``, ``check_email_change``, ``confirm_email_change``,
  ``request_email_change``, ``update_profile``
- :mod:`.recovery`: ``check_password_reset``, ``request_password_reset``, ``reset_password``
- :mod:`.registration`: ``activate_account``, ``check_activation``, ``register_client``,
  ``resend_activation``
- :mod:`.search`: ``SearchWord``
- :mod:`.sessions`: ``SignInSession``
- :mod:`.tokens`: ``Purpose``
"""

from iclient_core.accounts.authentication import (
    CurrentSession,
    SignedIn,
    current_session,
    sign_in,
    sign_out,
)
from iclient_core.accounts.events import (
    notify_event,
    unsubscribe_token,
)
from iclient_core.accounts.model import Account, EmailAddress, Profile, Role, Status
from iclient_core.accounts.notification_choices import (
    Choice,
    NotificationSettings,
    choose_notifications,
    confirm_phone,
    notification_settings,
    send_phone_code,
    unsubscribe,
    unsubscribe_event,
)
from iclient_core.accounts.passwords import PasswordPolicy
from iclient_core.accounts.permissions import Permission
from iclient_core.accounts.ports import (
    AccountRepository,
    ContactValidator,
    PasswordHasher,
    PasswordStrength,
    SessionRepository,
    TokenClaims,
    TokenService,
)
from iclient_core.accounts.privacy import (
    cancel_deletion,
    confirm_deletion,
    deletion_requests,
    erase_due,
    request_deletion,
)
from iclient_core.accounts.profile import (
    change_password,
    check_email_change,
    confirm_email_change,
    request_email_change,
    update_profile,
)
from iclient_core.accounts.recovery import (
    check_password_reset,
    request_password_reset,
    reset_password,
)
from iclient_core.accounts.registration import (
    activate_account,
    check_activation,
    register_client,
    resend_activation,
)
from iclient_core.accounts.search import SearchWord
from iclient_core.accounts.sessions import SignInSession
from iclient_core.accounts.tokens import Purpose

__all__ = [
    "Account",
    "AccountRepository",
    "Choice",
    "ContactValidator",
    "CurrentSession",
    "EmailAddress",
    "NotificationSettings",
    "PasswordHasher",
    "PasswordPolicy",
    "PasswordStrength",
    "Permission",
    "Profile",
    "Purpose",
    "Role",
    "SearchWord",
    "SessionRepository",
    "SignInSession",
    "SignedIn",
    "Status",
    "TokenClaims",
    "TokenService",
    "activate_account",
    "cancel_deletion",
    "change_password",
    "check_activation",
    "check_email_change",
    "check_password_reset",
    "choose_notifications",
    "confirm_deletion",
    "confirm_email_change",
    "confirm_phone",
    "current_session",
    "deletion_requests",
    "erase_due",
    "notification_settings",
    "notify_event",
    "register_client",
    "request_deletion",
    "request_email_change",
    "request_password_reset",
    "resend_activation",
    "reset_password",
    "send_phone_code",
    "sign_in",
    "sign_out",
    "unsubscribe",
    "unsubscribe_event",
    "unsubscribe_token",
    "update_profile",
]
