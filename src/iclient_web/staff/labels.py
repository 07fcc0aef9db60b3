"""How the staff pages name account statuses, roles and audit actions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "pending_activation": _l("Pending activation"),
    "active": _l("Active"),
    "disabled": _l("Disabled"),
    "deletion_requested": _l("Deletion requested"),
    "deleted": _l("Deleted"),
}

ROLE_LABELS = {"client": _l("Client"), "staff": _l("Collaborator"), "admin": _l("Manager")}

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
    "client.created": _l("Client created"),
    "client.imported": _l("Clients imported"),
    "client.updated": _l("Client details changed"),
    "client.disabled": _l("Account disabled"),
    "client.enabled": _l("Account enabled"),
    "client.invitation_resent": _l("Invitation sent again"),
    "client.activation_resent": _l("Activation link sent again"),
    "client.sessions_ended": _l("Sessions ended"),
    "staff.invited": _l("Staff member invited"),
    "staff.invitation_resent": _l("Invitation sent again"),
    "staff.role_changed": _l("Role changed"),
    "staff.disabled": _l("Account disabled"),
    "staff.enabled": _l("Account enabled"),
    "staff.sessions_ended": _l("Sessions ended"),
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
    "form.created": _l("Form created"),
    "form.updated": _l("Form changed"),
    "form.published": _l("Form published"),
    "form.unpublished": _l("Form unpublished"),
    "api_key.created": _l("API key created"),
    "api_key.revoked": _l("API key revoked"),
    "api_key.used": _l("Change made through an API key"),
}
"""Short names of the audit actions, for the log's filter."""


def status_label(status: object) -> str:
    """The readable name of an account status (or client filter)."""
    value = getattr(status, "value", status)
    return str(STATUS_LABELS.get(str(value), value))


def role_label(role: object) -> str:
    """The readable name of a role."""
    value = getattr(role, "value", role)
    return str(ROLE_LABELS.get(str(value), value))


def action_label(action: str) -> str:
    """The readable name of an audit action (its code when unknown)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
