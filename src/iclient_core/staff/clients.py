"""Use cases of the staff area on clients: find, look at, create and invite, edit, disable.

Every use case takes the acting staff member (``actor``) and checks the role's permission
first, whatever calls it; every change is written to the audit log in the same transaction.
Audit summaries name what changed, never the client's personal data (the log outlives an
erased account).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts import tokens
from iclient_core.accounts.contact import clean_email
from iclient_core.accounts.mail import notify
from iclient_core.accounts.model import LANGUAGES, Account, Profile, Role, Status
from iclient_core.accounts.permissions import (
    ClientReading,
    Permission,
    Tally,
    allowed,
    require,
)
from iclient_core.accounts.registration import send_activation
from iclient_core.accounts.tokens import Purpose
from iclient_core.notifications.model import Kind, Notification
from iclient_core.notifications.outbox import branding, queue
from iclient_core.notifications.preferences import preferences_of
from iclient_core.shared import audit
from iclient_core.shared.business import effective
from iclient_core.shared.errors import AlreadyExists, FieldError, InvalidInput, NotFound
from iclient_core.shared.limits import check_limit
from iclient_core.shared.paging import Position, Window, keyset_window
from iclient_core.shared.security_log import security_event
from iclient_core.shared.text import clean_line
from iclient_core.staff import account_status
from iclient_core.staff.audit import AuditPage, log_page
from iclient_core.webhooks.events import client_data, emit
from iclient_core.webhooks.model import EventType

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

PAGE_SIZE = 25
TIMELINE_SIZE = 25

CREATED = "client.created"
"""The audit action of a client created by staff (by hand or by import): they were invited."""


class ClientFilter(enum.StrEnum):
    """The filters of the client list."""

    PENDING_ACTIVATION = "pending_activation"
    ACTIVE = "active"
    DISABLED = "disabled"
    DELETION_REQUESTED = "deletion_requested"
    DELETED = "deleted"


LIVE_STATUSES = frozenset(s for s in Status if s is not Status.DELETED)
"""What "all clients" means: every status but erased."""


@attrs.frozen
class _Filters:
    statuses: frozenset[Status] | None = None
    deletion_requested: bool | None = None


def _search_filters(status: ClientFilter | None) -> _Filters:
    if status is ClientFilter.DELETION_REQUESTED:
        return _Filters(deletion_requested=True)
    if status is None:
        return _Filters(statuses=LIVE_STATUSES)
    return _Filters(statuses=frozenset({Status(status.value)}))


def find_clients(
    *,
    services: Services,
    actor: Account,
    text: str | None = None,
    status: ClientFilter | None = None,
    cursor: str | None = None,
    size: int = PAGE_SIZE,
) -> Window[Account]:
    """Clients matching a search (name, e-mail or phone) and a status, newest first, one page.

    Pages are found by keyset: ``cursor`` comes from the ``next_cursor`` or
    ``previous_cursor`` of the page before (None, or anything unreadable, gives the first
    page). Nothing is counted, so a page costs the same at a hundred clients as at a hundred
    thousand: the actor as stored now and the page itself (``size + 1`` rows, to know
    whether more follow).

    Raises:
        PermissionDenied: the actor may not see clients.
    """
    filters = _search_filters(status)
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CLIENTS_VIEW)
        accounts = uow.accounts

        def fetch(
            *, after: Position | None, before: Position | None, limit: int
        ) -> Sequence[Account]:
            return accounts.search(
                text=text,
                roles={Role.CLIENT},
                statuses=filters.statuses,
                deletion_requested=filters.deletion_requested,
                after=after,
                before=before,
                limit=limit,
            )

        return keyset_window(fetch, cursor=cursor, size=size)


@attrs.frozen
class Attention:
    """What needs staff's attention on the dashboard.

    Attributes:
        tallies: the other areas' counts asked for, by name; one the actor may not see is
            left out.
    """

    pending_activation: int
    deletion_requested: int
    tallies: Mapping[str, int] = attrs.field(factory=dict)


def attention(
    *, services: Services, actor: Account, tallies: Mapping[str, Tally] | None = None
) -> Attention:
    """Counts for the dashboard: clients still to activate, deletion requests, and the
    other areas' ``tallies`` (quotes waiting, new submissions…), all in one unit of work,
    the actor as stored now read once.

    Raises:
        PermissionDenied: the actor may not see clients.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CLIENTS_VIEW)
        return Attention(
            pending_activation=uow.accounts.count(
                roles={Role.CLIENT}, statuses={Status.PENDING_ACTIVATION}
            ),
            deletion_requested=uow.accounts.count(roles={Role.CLIENT}, deletion_requested=True),
            tallies={
                name: counted.read(services, uow)
                for name, counted in (tallies or {}).items()
                if allowed(actor, counted.permission)
            },
        )


@attrs.frozen
class ClientFile:
    """A client as staff see it: the account, its recent history and open sessions.

    Attributes:
        timeline: one page of every recorded event of the client, newest first: their own
            steps (sign-up, activation, password and e-mail changes, consents, deletion
            requests), staff's changes to the account, and the events of their quotes and
            documents; with the people the events name.
        open_sessions: how many signed-in sessions the client has.
        invited: created by staff (a resend sends an invitation, not an activation).
        phone_confirmed: the client confirmed their current phone for SMS with a code.
        two_step: the client signs in in two steps (an authenticator app or a passkey).
        sections: the other areas' readings asked for, by name; one the actor may not see
            is left out.
    """

    account: Account
    timeline: AuditPage
    open_sessions: int
    invited: bool
    phone_confirmed: bool = False
    two_step: bool = False
    sections: Mapping[str, object] = attrs.field(factory=dict)


def plausible_id(value: str) -> bool:
    """Whether ``value`` could be an id (at most 36 printable characters).

    Ids come from URLs: anything else is not found without asking the database, which
    may refuse it (PostgreSQL errors on a NUL character).
    """
    return 0 < len(value) <= 36 and value.isprintable()


def _client(uow: UnitOfWork, client_id: str) -> Account:
    if not plausible_id(client_id):
        raise NotFound()
    account = uow.accounts.get(client_id)
    if account is None or account.role is not Role.CLIENT:
        raise NotFound()
    return account


def _live_client(uow: UnitOfWork, client_id: str) -> Account:
    account = _client(uow, client_id)
    if account.status is Status.DELETED:
        raise NotFound()
    return account


def client_file(
    *,
    services: Services,
    actor: Account,
    client_id: str,
    timeline_page: int | str | None = None,
    timeline_size: int = TIMELINE_SIZE,
    sections: Mapping[str, ClientReading] | None = None,
) -> ClientFile:
    """One client's page: profile, status, page ``timeline_page`` of the timeline and the
    other areas' ``sections`` (their latest documents, quotes…), in one unit of work, the
    actor as stored now read once (a fixed number of queries, whatever the page and the
    length of the history).

    Raises:
        PermissionDenied: the actor may not see clients.
        NotFound: no client with this id.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CLIENTS_VIEW)
        account = _client(uow, client_id)
        return ClientFile(
            account=account,
            timeline=log_page(uow, page=timeline_page, size=timeline_size, subject_id=client_id),
            open_sessions=len(uow.sessions.list_for_account(client_id)),
            invited=uow.audit.count(target_id=client_id, action=CREATED) > 0,
            phone_confirmed=preferences_of(uow, client_id).phone_confirmed(account.profile.phone),
            two_step=uow.two_step.has_second_step(client_id),
            sections={
                name: reading.read(services, uow, account)
                for name, reading in (sections or {}).items()
                if allowed(actor, reading.permission)
            },
        )


def clean_contact(
    services: Services,
    *,
    first_name: str | None,
    last_name: str | None,
    phone: str | None,
    errors: list[FieldError],
) -> tuple[str, str, str]:
    """Names (required) and phone (optional here: staff may not know it), normalised."""
    first = clean_line(first_name, "first_name", errors)
    last = clean_line(last_name, "last_name", errors)
    normalised = ""
    if (phone or "").strip():
        raw = clean_line(phone, "phone", errors, max_length=40)
        if raw:
            try:
                normalised = services.contacts.normalise_phone(raw)
            except ValueError:
                errors.append(FieldError("phone", "phone_invalid"))
    return first, last, normalised


def _language(requested: str | None, default: str, errors: list[FieldError]) -> str:
    if not requested:
        return default
    if requested not in LANGUAGES:
        errors.append(FieldError("language", "invalid_choice"))
    return requested


def send_invitation(
    services: Services,
    uow: UnitOfWork,
    account: Account,
    actor: Account,
    *,
    brand: dict[str, str] | None = None,
) -> None:
    """Queue the invitation of a client staff created: a set-password link (activation).

    Args:
        brand: ``branding(services, uow)`` when the caller already has it (an import
            queues thousands of invitations and reads the settings once).
    """
    token = tokens.issue(services, account, Purpose.ACTIVATION)
    queue(
        services,
        uow,
        Notification(
            kind=Kind.INVITATION,
            to_address=account.email.address,
            to_name=account.profile.full_name,
            language=account.language,
            context={
                "first_name": account.profile.first_name,
                **(brand if brand is not None else branding(services, uow)),
                "link": services.links.activation(account.language, token),
                "hours": str(int(services.settings.activation_max_age.total_seconds() // 3600)),
                "inviter": actor.profile.full_name or actor.email.address,
            },
        ),
    )


def create_client(
    *,
    services: Services,
    actor: Account,
    first_name: str | None,
    last_name: str | None,
    email: str | None,
    phone: str | None = None,
    language: str | None = None,
    ip: str = "-",
) -> Account:
    """Create a client and e-mail an invitation to choose a password.

    Unlike the public sign-up, staff are told when the address is taken.

    Raises:
        PermissionDenied: the actor may not manage clients.
        InvalidInput: a field is invalid, or ``email_taken``.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CLIENTS_MANAGE)
        errors: list[FieldError] = []
        first, last, normalised_phone = clean_contact(
            services, first_name=first_name, last_name=last_name, phone=phone, errors=errors
        )
        address = clean_email(services, email, errors)
        lang = _language(
            language, effective(services.settings, uow.settings.get()).default_language, errors
        )
        if errors or address is None:
            raise InvalidInput(errors)
        if uow.accounts.get_by_email_key(address.key) is not None:
            raise InvalidInput.single("email", "email_taken")
        account = Account.register_client(
            id=services.ids.new_id(),
            email=address,
            profile=Profile(first_name=first, last_name=last, phone=normalised_phone),
            language=lang,
            now=services.clock.now(),
        )
        try:
            uow.accounts.add(account)
            send_invitation(services, uow, account, actor)
            audit.record(
                services,
                uow,
                actor=actor,
                action=CREATED,
                target_type="account",
                target_id=account.id,
                summary="Client created by staff; invitation sent",
                ip=ip,
            )
            emit(
                services,
                uow,
                EventType.CLIENT_REGISTERED,
                {"client": client_data(account), "source": "staff"},
            )
            uow.commit()
        except AlreadyExists:
            raise InvalidInput.single("email", "email_taken") from None
    security_event("client_created", account_id=account.id, ip=ip, by=actor.id)
    return account


def resend_invitation(*, services: Services, actor: Account, client_id: str, ip: str = "-") -> Kind:
    """Send a pending client a new link: an invitation if staff created the account, else
    the activation e-mail of the sign-up. Earlier links keep working until one is used.

    Returns:
        The kind of e-mail sent.

    Raises:
        PermissionDenied: the actor may not manage clients.
        NotFound: no such client.
        InvalidInput: ``not_pending`` when the client has already activated (or is disabled).
        RateLimited: too many resends for this client.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CLIENTS_MANAGE)
        account = _live_client(uow, client_id)
        if account.status is not Status.PENDING_ACTIVATION:
            raise InvalidInput.single("account", "not_pending")
        check_limit(
            services.limiter,
            f"resend:{account.id}",
            services.settings.resend_per_account,
            count=True,
        )
        invited = uow.audit.count(target_id=client_id, action=CREATED) > 0
        if invited:
            send_invitation(services, uow, account, actor)
            kind = Kind.INVITATION
        else:
            send_activation(services, uow, account)
            kind = Kind.ACTIVATION
        audit.record(
            services,
            uow,
            actor=actor,
            action="client.invitation_resent" if invited else "client.activation_resent",
            target_type="account",
            target_id=account.id,
            ip=ip,
        )
        uow.commit()
    return kind


def update_client(
    *,
    services: Services,
    actor: Account,
    client_id: str,
    first_name: str | None,
    last_name: str | None,
    email: str | None,
    phone: str | None = None,
    language: str | None = None,
    ip: str = "-",
) -> Account:
    """Correct a client's contact data, e-mail address included.

    A new address of an active client is told to the old one (like the client's own
    change); a client still to activate gets a fresh link at the new address, since the
    change voids the links sent so far.

    Raises:
        PermissionDenied: the actor may not manage clients.
        NotFound: no such client (or it was erased).
        InvalidInput: a field is invalid, or ``email_taken``.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CLIENTS_MANAGE)
        errors: list[FieldError] = []
        first, last, normalised_phone = clean_contact(
            services, first_name=first_name, last_name=last_name, phone=phone, errors=errors
        )
        address = clean_email(services, email, errors)
        account = _live_client(uow, client_id)
        lang = _language(language, account.language, errors)
        if errors or address is None:
            raise InvalidInput(errors)
        old_address, old_key = account.email.address, account.email.key
        changed = [
            name
            for name, old, new in (
                ("first_name", account.profile.first_name, first),
                ("last_name", account.profile.last_name, last),
                ("phone", account.profile.phone, normalised_phone),
                ("language", account.language, lang),
                ("email", account.email.address, address.address),
            )
            if old != new
        ]
        account.update_profile(
            attrs.evolve(account.profile, first_name=first, last_name=last, phone=normalised_phone),
            lang,
        )
        if address.key != old_key:
            clash = uow.accounts.get_by_email_key(address.key)
            if clash is not None and clash.id != account.id:
                raise InvalidInput.single("email", "email_taken")
            account.change_email(address)
        elif address.address != old_address:
            account.email = address  # same key, different spelling: no new links needed
        try:
            uow.accounts.save(account)
        except AlreadyExists:
            raise InvalidInput.single("email", "email_taken") from None
        if address.key != old_key:
            if account.status is Status.PENDING_ACTIVATION:
                if uow.audit.count(target_id=client_id, action=CREATED) > 0:
                    send_invitation(services, uow, account, actor)
                else:
                    send_activation(services, uow, account)
            elif account.status is Status.ACTIVE:
                notify(
                    services,
                    uow,
                    account,
                    Kind.EMAIL_CHANGED,
                    {"old_email": old_address, "new_email": address.address},
                    to_address=old_address,
                )
        audit.record(
            services,
            uow,
            actor=actor,
            action="client.updated",
            target_type="account",
            target_id=account.id,
            summary="Changed " + (", ".join(changed) or "nothing"),
            ip=ip,
            details={"fields": ",".join(changed)},
        )
        uow.commit()
    return account


def disable_client(*, services: Services, actor: Account, client_id: str, ip: str = "-") -> int:
    """Close a client's account: it cannot sign in, and every open session ends at once.

    Returns:
        How many sessions were ended.

    Raises:
        PermissionDenied: the actor may not manage clients.
        NotFound: no such client.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CLIENTS_MANAGE)
        account = _live_client(uow, client_id)
        return account_status.close(
            services, uow, actor=actor, account=account, action="client.disabled", ip=ip
        )


def enable_client(*, services: Services, actor: Account, client_id: str, ip: str = "-") -> Account:
    """Reopen a disabled client (pending again if they never chose a password).

    Raises:
        PermissionDenied: the actor may not manage clients.
        NotFound: no such client.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CLIENTS_MANAGE)
        account = _live_client(uow, client_id)
        return account_status.reopen(
            services, uow, actor=actor, account=account, action="client.enabled", ip=ip
        )


def reset_client_two_step(
    *, services: Services, actor: Account, client_id: str, ip: str = "-"
) -> int:
    """Turn off a client's two-step sign-in when they lost their phone and their recovery
    codes (see :func:`iclient_core.staff.account_status.reset_two_step`); admins only.

    Returns:
        How many sessions were ended.

    Raises:
        PermissionDenied: the actor is not an admin.
        NotFound: no such client.
        InvalidInput: ``account``: ``two_step_not_on``.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.TWO_STEP_RESET)
        account = _live_client(uow, client_id)
        return account_status.reset_two_step(
            services, uow, actor=actor, account=account, action="client.two_step_reset", ip=ip
        )


def end_client_sessions(
    *, services: Services, actor: Account, client_id: str, ip: str = "-"
) -> int:
    """Sign a client out everywhere (a lost phone, a shared computer).

    Returns:
        How many sessions were ended.

    Raises:
        PermissionDenied: the actor may not manage clients.
        NotFound: no such client.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CLIENTS_MANAGE)
        account = _client(uow, client_id)
        return account_status.end_sessions(
            services, uow, actor=actor, account=account, action="client.sessions_ended", ip=ip
        )
