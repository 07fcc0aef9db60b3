"""How the staff pages name account statuses, roles and audit actions, and say what an
action on an account did."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from iclient_web.i18n import N_, translate

STATUS_LABELS = {
    "pending_activation": N_("Pending activation"),
    "active": N_("Active"),
    "disabled": N_("Disabled"),
    "deletion_requested": N_("Deletion requested"),
    "deleted": N_("Deleted"),
}

ROLE_LABELS = {"client": N_("Client"), "staff": N_("Collaborator"), "admin": N_("Manager")}

ACTION_LABELS = {
    "account.registered": _l("Signed up"),
    "account.activated": _l("Account activated"),
    "account.password_changed": _l("Password changed"),
    "account.email_changed": _l("E-mail address changed"),
    "account.deletion_requested": _l("Deletion requested"),
    "account.deletion_cancelled": _l("Deletion request withdrawn"),
    "account.erased": _l("Personal data erased"),
    "auth.sign_in": _l("Signed in"),
    "auth.sign_in_failed": _l("Failed sign-in"),
    "auth.password_reset": _l("Password reset"),
    "auth.reset_requested": _l("Password reset asked for"),
    "auth.second_step_failed": _l("Wrong second-step code"),
    "account.registration_repeated": _l("Repeated sign-up"),
    "account.two_step_enabled": _l("Two-step sign-in turned on"),
    "account.two_step_disabled": _l("Two-step sign-in turned off"),
    "account.recovery_codes_renewed": _l("New recovery codes"),
    "account.passkey_added": _l("Passkey added"),
    "account.passkey_removed": _l("Passkey removed"),
    "account.session_ended": _l("Session signed out"),
    "account.other_sessions_ended": _l("Signed out everywhere else"),
    "client.created": _l("Client created"),
    "client.imported": _l("Clients imported"),
    "client.updated": _l("Client details changed"),
    "client.disabled": _l("Account disabled"),
    "client.enabled": _l("Account enabled"),
    "client.invitation_resent": _l("Invitation sent again"),
    "client.activation_resent": _l("Activation link sent again"),
    "client.sessions_ended": _l("Sessions ended"),
    "client.two_step_reset": _l("Two-step sign-in turned off by staff"),
    "staff.invited": _l("Staff member invited"),
    "staff.invitation_resent": _l("Invitation sent again"),
    "staff.role_changed": _l("Role changed"),
    "staff.disabled": _l("Account disabled"),
    "staff.enabled": _l("Account enabled"),
    "staff.sessions_ended": _l("Sessions ended"),
    "staff.two_step_reset": _l("Two-step sign-in turned off by staff"),
    "settings.updated": _l("Settings changed"),
    "audit.exported": _l("Audit log exported"),
    "consent.accepted": _l("Consent given"),
    "consent.withdrawn": _l("Consent withdrawn"),
    "consent.recorded_on_behalf": _l("Consent recorded by staff"),
    "consent.published": _l("Text published"),
    "consent.kind_added": _l("Kind of consent added"),
    "document.uploaded": _l("Document published"),
    "document.replaced": _l("Document file replaced"),
    "document.edited": _l("Document edited"),
    "document.archived": _l("Document archived"),
    "document.unarchived": _l("Document taken out of the archive"),
    "document.deleted": _l("Document deleted"),
    "document.opened": _l("Document opened"),
    "quote.requested": _l("Quote requested"),
    "quote.requested_by_visitor": _l("Quote requested by a visitor"),
    "quote.renewal_requested": _l("Quote renewal requested"),
    "quote.requester_invited": _l("Quote requester invited"),
    "quote.draft_saved": _l("Quote draft saved"),
    "quote.sent": _l("Quote sent"),
    "quote.revised": _l("Quote revised"),
    "quote.cancelled": _l("Quote cancelled"),
    "quote.accepted": _l("Quote accepted"),
    "quote.declined": _l("Quote declined"),
    "quote.withdrawn": _l("Quote request withdrawn"),
    "quote.expired": _l("Quote expired"),
    "help.page_updated": _l("Page help written"),
    "help.page_restored": _l("Page help restored"),
    "faq.created": _l("FAQ question added"),
    "faq.edited": _l("FAQ question edited"),
    "faq.published": _l("FAQ question published"),
    "faq.unpublished": _l("FAQ question unpublished"),
    "faq.deleted": _l("FAQ question deleted"),
    "faq.reordered": _l("FAQ question moved"),
    "faq.defaults_published": _l("Starting FAQ written"),
    "inbox.received": _l("Message received through a form"),
    "inbox.status_changed": _l("Message status changed"),
    "inbox.assigned": _l("Message assigned"),
    "inbox.note_added": _l("Note added to a message"),
    "inbox.exported": _l("Inbox downloaded"),
    "support.opened": _l("Support request opened"),
    "support.client_replied": _l("Client wrote in a support request"),
    "support.replied": _l("Support request answered"),
    "support.note_added": _l("Internal note added to a support request"),
    "support.status_changed": _l("Support request status changed"),
    "support.assigned": _l("Support request assigned"),
    "support.canned_saved": _l("Canned answer saved"),
    "support.canned_deleted": _l("Canned answer removed"),
    "form.created": _l("Form created"),
    "form.updated": _l("Form changed"),
    "form.published": _l("Form published"),
    "form.unpublished": _l("Form unpublished"),
    "notifications.preferences_changed": _l("Notification choices changed"),
    "notifications.unsubscribed": _l("Unsubscribed from an e-mail"),
    "notifications.phone_code_sent": _l("Phone confirmation code sent"),
    "notifications.phone_confirmed": _l("Phone confirmed for SMS"),
    "booking.created": _l("Booking made"),
    "booking.moved": _l("Booking moved"),
    "booking.cancelled": _l("Booking cancelled"),
    "booking.no_show": _l("Booking marked no-show"),
    "booking.service_created": _l("Bookable service created"),
    "booking.service_updated": _l("Bookable service changed"),
    "booking.availability_updated": _l("Working hours changed"),
    "booking.rules_updated": _l("Booking rules changed"),
    "webhook.created": _l("Webhook endpoint added"),
    "webhook.updated": _l("Webhook endpoint changed"),
    "webhook.deleted": _l("Webhook endpoint removed"),
    "webhook.paused": _l("Webhook endpoint paused"),
    "webhook.resumed": _l("Webhook endpoint resumed"),
    "webhook.secret_rotated": _l("Webhook secret replaced"),
    "webhook.secret_revealed": _l("Webhook secret shown"),
    "webhook.sent_again": _l("Webhook event sent again"),
    "webhook.tested": _l("Webhook test event sent"),
    "api_key.created": _l("API key created"),
    "api_key.revoked": _l("API key revoked"),
    "api_key.used": _l("Change made through an API key"),
}
"""Short names of the audit actions, for the log's filter."""


def status_label(status: object) -> str:
    """The readable name of an account status (or client filter)."""
    value = str(getattr(status, "value", status))
    label = STATUS_LABELS.get(value)
    return translate(label) if label is not None else value


def role_label(role: object) -> str:
    """The readable name of a role."""
    value = str(getattr(role, "value", role))
    label = ROLE_LABELS.get(value)
    return translate(label) if label is not None else value


def action_label(action: str) -> str:
    """The readable name of an audit action (its code when unknown)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


EVENT_LABELS = {
    "new_document": _l("New document"),
    "quote_sent": _l("Quote sent"),
    "quote_expiring": _l("Quote about to expire"),
    "booking_reminder": _l("Booking reminder"),
    "support_reply": _l("Support reply"),
    "news": _l("News and offers"),
}
"""How pages name the events a client chooses to receive (the core's ``Event`` values)."""

CHANNEL_LABELS = {"email": _l("E-mail"), "sms": _l("SMS")}
"""How pages name the channels."""


def two_step_reset_done(ended: int) -> str:
    """What turning off someone's two-step sign-in did, after ``ended`` sessions ended."""
    return ngettext(
        "Two-step sign-in was turned off and %(num)d session ended. The person was told by "
        "e-mail and now signs in with the password alone.",
        "Two-step sign-in was turned off and %(num)d sessions ended. The person was told by "
        "e-mail and now signs in with the password alone.",
        ended,
    )
