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
- :mod:`.ports`: ``AccountRepository``, ``ContactValidator``, ``OneTimeCodes``,
  ``PasskeyVerifier``, ``PasswordHasher``, ``PasswordStrength``, ``SessionRepository``,
  ``TokenClaims``, ``TokenService``, ``TwoStepRepository``
- :mod:`.privacy`: ``cancel_deletion``, ``confirm_deletion``, ``deletion_requests``,
  ``erase_due``, ``request_deletion``
- :mod:`.profile`: ``change_password``, ``check_email_change``, ``confirm_email_change``,
  ``request_email_change``, ``update_profile``
- :mod:`.recovery`: ``check_password_reset``, ``request_password_reset``, ``reset_password``
- :mod:`.registration`: ``activate_account``, ``check_activation``, ``register_client``,
  ``resend_activation``
- :mod:`.search`: ``SearchWord``
- :mod:`.second_factor`: ``Authenticator``, ``NewPasskey``, ``Passkey``, ``RecoveryCode``
- :mod:`.session_list`: ``SessionRow``, ``end_my_session``, ``end_other_sessions``,
  ``my_sessions``
- :mod:`.sessions`: ``SignInSession``
- :mod:`.two_step`: ``Ceremony``, ``NewAuthenticator``, ``TwoStepStatus``, ``add_passkey``,
  ``confirm_authenticator``, ``passkey_registration``, ``passkey_sign_in_options``,
  ``pending_authenticator``, ``regenerate_recovery_codes``, ``remove_passkey``,
  ``second_step``, ``setup_due``, ``sign_in_with_passkey``, ``start_authenticator``,
  ``turn_off``, ``two_step_status``
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
    OneTimeCodes,
    PasskeyVerifier,
    PasswordHasher,
    PasswordStrength,
    SessionRepository,
    TokenClaims,
    TokenService,
    TwoStepRepository,
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
from iclient_core.accounts.second_factor import Authenticator, NewPasskey, Passkey, RecoveryCode
from iclient_core.accounts.session_list import (
    SessionRow,
    end_my_session,
    end_other_sessions,
    my_sessions,
)
from iclient_core.accounts.sessions import SignInSession
from iclient_core.accounts.tokens import Purpose
from iclient_core.accounts.two_step import (
    Ceremony,
    NewAuthenticator,
    TwoStepStatus,
    add_passkey,
    confirm_authenticator,
    passkey_registration,
    passkey_sign_in_options,
    pending_authenticator,
    regenerate_recovery_codes,
    remove_passkey,
    second_step,
    setup_due,
    sign_in_with_passkey,
    start_authenticator,
    turn_off,
    two_step_status,
)

__all__ = [
    "Account",
    "AccountRepository",
    "Authenticator",
    "Ceremony",
    "Choice",
    "ContactValidator",
    "CurrentSession",
    "EmailAddress",
    "NewAuthenticator",
    "NewPasskey",
    "NotificationSettings",
    "OneTimeCodes",
    "Passkey",
    "PasskeyVerifier",
    "PasswordHasher",
    "PasswordPolicy",
    "PasswordStrength",
    "Permission",
    "Profile",
    "Purpose",
    "RecoveryCode",
    "Role",
    "SearchWord",
    "SessionRepository",
    "SessionRow",
    "SignInSession",
    "SignedIn",
    "Status",
    "TokenClaims",
    "TokenService",
    "TwoStepRepository",
    "TwoStepStatus",
    "activate_account",
    "add_passkey",
    "cancel_deletion",
    "change_password",
    "check_activation",
    "check_email_change",
    "check_password_reset",
    "choose_notifications",
    "confirm_authenticator",
    "confirm_deletion",
    "confirm_email_change",
    "confirm_phone",
    "current_session",
    "deletion_requests",
    "end_my_session",
    "end_other_sessions",
    "erase_due",
    "my_sessions",
    "notification_settings",
    "notify_event",
    "passkey_registration",
    "passkey_sign_in_options",
    "pending_authenticator",
    "regenerate_recovery_codes",
    "register_client",
    "remove_passkey",
    "request_deletion",
    "request_email_change",
    "request_password_reset",
    "resend_activation",
    "reset_password",
    "second_step",
    "send_phone_code",
    "setup_due",
    "sign_in",
    "sign_in_with_passkey",
    "sign_out",
    "start_authenticator",
    "turn_off",
    "two_step_status",
    "unsubscribe",
    "unsubscribe_event",
    "unsubscribe_token",
    "update_profile",
]
