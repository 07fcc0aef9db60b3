"""The audit log: an append-only record of who changed what, when and from where."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

import attrs

from iclient_core.shared.ports import Clock, IdGenerator

ACTIONS = frozenset(
    {
        # accounts: the person's own steps
        "account.registered",
        "account.registration_repeated",
        "account.activated",
        "account.password_changed",
        "account.email_changed",
        "account.deletion_requested",
        "account.deletion_cancelled",
        "account.erased",
        "auth.sign_in",
        "auth.sign_in_failed",
        "auth.password_reset",
        "auth.reset_requested",
        "auth.second_step_failed",
        "account.two_step_enabled",
        "account.two_step_disabled",
        "account.recovery_codes_renewed",
        "account.passkey_added",
        "account.passkey_removed",
        "account.session_ended",
        "account.other_sessions_ended",
        # staff on clients
        "client.created",
        "client.imported",
        "client.updated",
        "client.disabled",
        "client.enabled",
        "client.invitation_resent",
        "client.activation_resent",
        "client.sessions_ended",
        "client.two_step_reset",
        # staff on staff, settings and the log
        "staff.invited",
        "staff.invitation_resent",
        "staff.role_changed",
        "staff.disabled",
        "staff.enabled",
        "staff.sessions_ended",
        "staff.two_step_reset",
        "settings.updated",
        "audit.exported",
        # consent
        "consent.accepted",
        "consent.withdrawn",
        "consent.recorded_on_behalf",
        "consent.published",
        "consent.kind_added",
        # documents
        "document.uploaded",
        "document.replaced",
        "document.edited",
        "document.archived",
        "document.unarchived",
        "document.deleted",
        "document.opened",
        # quotes
        "quote.requested",
        "quote.requested_by_visitor",
        "quote.renewal_requested",
        "quote.requester_invited",
        "quote.draft_saved",
        "quote.sent",
        "quote.revised",
        "quote.cancelled",
        "quote.accepted",
        "quote.declined",
        "quote.withdrawn",
        "quote.expired",
        # help on every page
        "help.page_updated",
        "help.page_restored",
        # the FAQ
        "faq.created",
        "faq.edited",
        "faq.published",
        "faq.unpublished",
        "faq.deleted",
        "faq.reordered",
        "faq.defaults_published",
        # public forms and their inbox
        "inbox.received",
        "inbox.status_changed",
        "inbox.assigned",
        "inbox.note_added",
        "inbox.exported",
        "form.created",
        "form.updated",
        "form.published",
        "form.unpublished",
        # notification preferences and the phone that receives SMS
        "notifications.preferences_changed",
        "notifications.unsubscribed",
        "notifications.phone_code_sent",
        "notifications.phone_confirmed",
        # bookings
        "booking.created",
        "booking.moved",
        "booking.cancelled",
        "booking.no_show",
        "booking.service_created",
        "booking.service_updated",
        "booking.availability_updated",
        "booking.rules_updated",
        # webhooks
        "webhook.created",
        "webhook.updated",
        "webhook.deleted",
        "webhook.paused",
        "webhook.resumed",
        "webhook.secret_rotated",
        "webhook.secret_revealed",
        "webhook.sent_again",
        "webhook.tested",
        # support requests
        "support.opened",
        "support.client_replied",
        "support.replied",
        "support.note_added",
        "support.status_changed",
        "support.assigned",
        "support.canned_saved",
        "support.canned_deleted",
        # integrations: API keys
        "api_key.created",
        "api_key.revoked",
        "api_key.used",
    }
)
"""Every action the core records: each one has a sentence on the staff pages."""


@attrs.frozen
class AuditEntry:
    """One recorded action. Entries are never changed or removed by the application.

    Attributes:
        actor_id: the account that acted (None for the system or an anonymous visitor).
        actor_label: a staff member's e-mail at the time, or ``client``/``system``.
        action: a stable dotted name, e.g. ``client.created``, ``consent.published``.
        target_type: what was acted on (``account``, ``document``, ``quote``…).
        target_id: its id ("" when not applicable).
        summary: a short developer-facing description (no passwords, no tokens), kept for
            the CSV export; pages build their sentence from ``action`` and ``details``.
        subject_id: the account the entry is about (the client whose quote or document it
            is, the staff member whose role changed…), "" when it is about nobody: a
            client's timeline lists the entries whose subject they are.
        details: what the sentence needs beyond the people (a version number, an amount in
            cents, the names of the fields changed…), as text; never a password or token.
    """

    id: str
    at: datetime
    actor_id: str | None
    actor_label: str
    ip: str
    action: str
    target_type: str
    target_id: str
    summary: str
    subject_id: str = ""
    details: dict[str, str] = attrs.field(factory=dict, hash=False)


@attrs.frozen
class AuditPerson:
    """Someone an entry names (who acted, who it is about), as the pages show them.

    Attributes:
        id: the account's id.
        name: the full name now, else the e-mail address; "" once the account is erased.
        staff: a staff member (linked to the staff page) rather than a client.
    """

    id: str
    name: str
    staff: bool


class AuditLog(Protocol):
    """The append-only audit log. It has no way to change or remove an entry."""

    def append(self, entry: AuditEntry) -> None:
        """Add an entry (in the caller's transaction)."""

    def list(
        self,
        *,
        action: str | None = None,
        actor_id: str | None = None,
        target_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
        subject_id: str | None = None,
    ) -> Sequence[AuditEntry]:
        """Entries matching every given filter, oldest first (``since`` ≤ at < ``until``)."""

    def count(
        self,
        *,
        action: str | None = None,
        actor_id: str | None = None,
        target_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        subject_id: str | None = None,
    ) -> int:
        """How many entries match the filters."""


class Actor(Protocol):
    """Who acted, as the audit log names them (an ``Account`` is one)."""

    @property
    def id(self) -> str:
        """The account's id."""

    @property
    def audit_label(self) -> str:
        """How the log names the actor: a staff member's e-mail, or ``client``."""


class Recorder(Protocol):
    """What :func:`record` needs of the ``Services`` bundle: the time and new ids."""

    @property
    def ids(self) -> IdGenerator:
        """New identifiers."""

    @property
    def clock(self) -> Clock:
        """The time."""


class Audited(Protocol):
    """What :func:`record` needs of a unit of work: its audit log."""

    @property
    def audit(self) -> AuditLog:
        """The audit log of the transaction."""


def record(
    services: Recorder,
    uow: Audited,
    *,
    actor: Actor | None,
    action: str,
    target_type: str,
    target_id: str = "",
    summary: str = "",
    ip: str = "-",
    subject_id: str | None = None,
    details: Mapping[str, object] | None = None,
) -> AuditEntry:
    """Append an entry in the caller's transaction (it commits or rolls back with the change).

    Raises:
        ValueError: ``action`` is not one of :data:`ACTIONS` (every page must be able to
            say it in words).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to ACTIONS")
    entry = AuditEntry(
        id=services.ids.new_id(),
        at=services.clock.now(),
        actor_id=actor.id if actor else None,
        actor_label=actor.audit_label if actor else "system",
        ip=ip[:64],
        action=action,
        target_type=target_type,
        target_id=target_id,
        summary=summary[:500],
        subject_id=(target_id if target_type == "account" else "")
        if subject_id is None
        else subject_id,
        details={key: str(value)[:500] for key, value in (details or {}).items()},
    )
    uow.audit.append(entry)
    return entry
