"""Use cases on staff accounts: the first admin from the command line; admins invite,
change roles and disable.

Only admins (``Permission.STAFF_MANAGE``) reach the staff area's use cases. The last active
admin can be neither disabled nor demoted, so the business can never lock itself out of its
own portal. A role change takes effect at the target's next request: the session loads the
account afresh every time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts import tokens
from iclient_core.accounts.contact import clean_email
from iclient_core.accounts.mail import notify
from iclient_core.accounts.model import LANGUAGES, Account, Profile, Role, Status
from iclient_core.accounts.permissions import Permission, allowed, require
from iclient_core.accounts.tokens import Purpose
from iclient_core.notifications.model import Kind
from iclient_core.shared import audit
from iclient_core.shared.business import effective
from iclient_core.shared.errors import AlreadyExists, FieldError, InvalidInput, NotFound
from iclient_core.shared.limits import check_limit
from iclient_core.shared.paging import Position, Window, keyset_window
from iclient_core.shared.security_log import security_event
from iclient_core.shared.text import clean_line
from iclient_core.staff import account_status
from iclient_core.staff.clients import plausible_id

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

PAGE_SIZE = 50
STAFF_ROLES = frozenset({Role.STAFF, Role.ADMIN})
LIVE_STATUSES = frozenset(s for s in Status if s is not Status.DELETED)


def _role(value: Role | str | None, errors: list[FieldError]) -> Role:
    try:
        role = Role(value or "")
    except ValueError:
        role = Role.CLIENT
    if role not in STAFF_ROLES:
        errors.append(FieldError("role", "invalid_choice"))
    return role


def _staff(uow: UnitOfWork, account_id: str) -> Account:
    if not plausible_id(account_id):
        raise NotFound()
    account = uow.accounts.get(account_id)
    if account is None or not account.role.is_staff or account.status is Status.DELETED:
        raise NotFound()
    return account


def _guard_last_admin(uow: UnitOfWork, actor: Account, target: Account) -> None:
    """Refuse to take the admin role or the account away from the last active admin.

    Saving the actor's own row too makes two admins who demote each other at the same
    moment collide on a row (one gets ``ConcurrentUpdate``) instead of both succeeding.
    """
    if target.role is not Role.ADMIN or target.status is not Status.ACTIVE:
        return
    if uow.accounts.count_admins() <= 1:
        raise InvalidInput.single("account", "last_admin")
    if actor.id != target.id:
        uow.accounts.save(require(uow, actor, Permission.STAFF_MANAGE))


@attrs.frozen
class StaffList:
    """One page of the staff list.

    Attributes:
        window: the staff members of the page.
        resettable: those of them with a second step the actor may turn off (the list's
            "turn off two-step sign-in"): never the actor's own (see
            :func:`reset_staff_two_step`), none for an actor without that permission.
    """

    window: Window[Account]
    resettable: frozenset[str]


def list_staff(
    *, services: Services, actor: Account, cursor: str | None = None, size: int = PAGE_SIZE
) -> StaffList:
    """The staff members (collaborators and managers), newest first, one page, and which of
    them have a second step the actor may turn off (one look-up for the page).

    Paged by keyset like the clients (see :func:`iclient_core.staff.clients.find_clients`):
    ``cursor`` comes from the page before; None gives the first page.

    Raises:
        PermissionDenied: the actor is not an admin.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.STAFF_MANAGE)
        accounts = uow.accounts

        def fetch(
            *, after: Position | None, before: Position | None, limit: int
        ) -> Sequence[Account]:
            return accounts.search(
                roles=STAFF_ROLES, statuses=LIVE_STATUSES, after=after, before=before, limit=limit
            )

        window = keyset_window(fetch, cursor=cursor, size=size)
        others = [member.id for member in window.items if member.id != actor.id]
        if not others or not allowed(actor, Permission.TWO_STEP_RESET):
            return StaffList(window=window, resettable=frozenset())
        return StaffList(window=window, resettable=frozenset(uow.two_step.with_second_step(others)))


def _send_staff_invitation(
    services: Services, uow: UnitOfWork, account: Account, actor: Account
) -> None:
    token = tokens.issue(services, account, Purpose.ACTIVATION)
    notify(
        services,
        uow,
        account,
        Kind.STAFF_INVITATION,
        {
            "link": services.links.activation(account.language, token),
            "hours": str(int(services.settings.activation_max_age.total_seconds() // 3600)),
            "inviter": actor.profile.full_name or actor.email.address,
            "role": account.role.value,
        },
    )


def invite_staff(
    *,
    services: Services,
    actor: Account,
    email: str | None,
    first_name: str | None,
    last_name: str | None,
    role: Role | str | None,
    language: str | None = None,
    ip: str = "-",
) -> Account:
    """Invite a collaborator or a manager: an account waiting for its first password, and
    an e-mail with the set-password link.

    Raises:
        PermissionDenied: the actor is not an admin.
        InvalidInput: a field is invalid, or ``email_taken``.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.STAFF_MANAGE)
        errors: list[FieldError] = []
        first = clean_line(first_name, "first_name", errors)
        last = clean_line(last_name, "last_name", errors)
        address = clean_email(services, email, errors)
        chosen = _role(role, errors)
        if language and language not in LANGUAGES:
            errors.append(FieldError("language", "invalid_choice"))
        if errors or address is None:
            raise InvalidInput(errors)
        if uow.accounts.get_by_email_key(address.key) is not None:
            raise InvalidInput.single("email", "email_taken")
        account = Account.invite_staff(
            id=services.ids.new_id(),
            email=address,
            profile=Profile(first_name=first, last_name=last, phone=""),
            role=chosen,
            language=language or effective(services.settings, uow.settings.get()).default_language,
            now=services.clock.now(),
        )
        try:
            uow.accounts.add(account)
            _send_staff_invitation(services, uow, account, actor)
            audit.record(
                services,
                uow,
                actor=actor,
                action="staff.invited",
                target_type="account",
                target_id=account.id,
                summary=f"Invited as {chosen.value}",
                ip=ip,
                details={"role": chosen.value},
            )
            uow.commit()
        except AlreadyExists:
            raise InvalidInput.single("email", "email_taken") from None
    security_event("staff_invited", account_id=account.id, ip=ip, by=actor.id, role=chosen.value)
    return account


def resend_staff_invitation(
    *, services: Services, actor: Account, account_id: str, ip: str = "-"
) -> None:
    """Send a staff member who has not chosen a password yet a new invitation.

    Raises:
        PermissionDenied: the actor is not an admin.
        NotFound: no such staff member.
        InvalidInput: ``not_pending`` once the password is chosen.
        RateLimited: too many resends.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.STAFF_MANAGE)
        account = _staff(uow, account_id)
        if account.status is not Status.PENDING_ACTIVATION:
            raise InvalidInput.single("account", "not_pending")
        check_limit(
            services.limiter,
            f"resend:{account.id}",
            services.settings.resend_per_account,
            count=True,
        )
        _send_staff_invitation(services, uow, account, actor)
        audit.record(
            services,
            uow,
            actor=actor,
            action="staff.invitation_resent",
            target_type="account",
            target_id=account.id,
            ip=ip,
        )
        uow.commit()


def change_role(
    *,
    services: Services,
    actor: Account,
    account_id: str,
    role: Role | str | None,
    ip: str = "-",
) -> Account:
    """Make a staff member a collaborator (``staff``) or a manager (``admin``).

    Raises:
        PermissionDenied: the actor is not an admin.
        NotFound: no such staff member (clients never change role here).
        InvalidInput: not a staff role, or ``last_admin``.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.STAFF_MANAGE)
        errors: list[FieldError] = []
        chosen = _role(role, errors)
        if errors:
            raise InvalidInput(errors)
        account = _staff(uow, account_id)
        if account.role is chosen:
            return account
        if chosen is not Role.ADMIN:
            _guard_last_admin(uow, actor, account)
        before = account.role
        account.change_role(chosen)
        uow.accounts.save(account)
        audit.record(
            services,
            uow,
            actor=actor,
            action="staff.role_changed",
            target_type="account",
            target_id=account.id,
            summary=f"Role {before.value} -> {chosen.value}",
            ip=ip,
            details={"from": before.value, "to": chosen.value},
        )
        uow.commit()
    security_event(
        "role_changed",
        account_id=account.id,
        ip=ip,
        by=actor.id,
        before=before.value,
        after=chosen.value,
    )
    return account


def disable_staff(*, services: Services, actor: Account, account_id: str, ip: str = "-") -> int:
    """Close a staff account; its sessions end at once.

    Returns:
        How many sessions were ended.

    Raises:
        PermissionDenied: the actor is not an admin.
        NotFound: no such staff member.
        InvalidInput: ``last_admin``.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.STAFF_MANAGE)
        account = _staff(uow, account_id)
        _guard_last_admin(uow, actor, account)
        return account_status.close(
            services, uow, actor=actor, account=account, action="staff.disabled", ip=ip
        )


def enable_staff(*, services: Services, actor: Account, account_id: str, ip: str = "-") -> Account:
    """Reopen a disabled staff account.

    Raises:
        PermissionDenied: the actor is not an admin.
        NotFound: no such staff member.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.STAFF_MANAGE)
        account = _staff(uow, account_id)
        return account_status.reopen(
            services, uow, actor=actor, account=account, action="staff.enabled", ip=ip
        )


def reset_staff_two_step(
    *, services: Services, actor: Account, account_id: str, ip: str = "-"
) -> int:
    """Turn off a staff member's two-step sign-in when they lost their phone and their
    recovery codes (see :func:`iclient_core.staff.account_status.reset_two_step`).

    Returns:
        How many sessions were ended.

    Raises:
        PermissionDenied: the actor is not an admin.
        NotFound: no such staff member.
        InvalidInput: ``account``: ``two_step_own`` or ``two_step_not_on``.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.TWO_STEP_RESET)
        account = _staff(uow, account_id)
        return account_status.reset_two_step(
            services, uow, actor=actor, account=account, action="staff.two_step_reset", ip=ip
        )


def end_staff_sessions(
    *, services: Services, actor: Account, account_id: str, ip: str = "-"
) -> int:
    """Sign a staff member out everywhere.

    Returns:
        How many sessions were ended.

    Raises:
        PermissionDenied: the actor is not an admin.
        NotFound: no such staff member.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.STAFF_MANAGE)
        account = _staff(uow, account_id)
        return account_status.end_sessions(
            services, uow, actor=actor, account=account, action="staff.sessions_ended", ip=ip
        )


def create_staff(
    *,
    services: Services,
    email: str,
    role: Role,
    password: str,
    first_name: str = "",
    last_name: str = "",
    language: str | None = None,
) -> Account:
    """Create an active staff account with a password (the first admin comes from here).

    Raises:
        InvalidInput: bad address, role or password.
        AlreadyExists: the address already has an account.
    """
    errors: list[FieldError] = []
    address = clean_email(services, email, errors)
    if not role.is_staff:
        errors.append(FieldError("role", "invalid_choice"))
    if errors or address is None:
        raise InvalidInput(errors)
    password = services.settings.password_policy.check(
        password,
        None,
        strength=services.strength,
        personal=[first_name, last_name, address.address, services.settings.business_name],
    )
    profile = Profile(first_name=first_name.strip(), last_name=last_name.strip(), phone="")
    with services.uow() as uow:
        if uow.accounts.get_by_email_key(address.key) is not None:
            raise AlreadyExists(address.address)
        account = Account.create_staff(
            id=services.ids.new_id(),
            email=address,
            profile=profile,
            role=role,
            language=services.settings.language(language),
            password_hash=services.hasher.hash(password),
            now=services.clock.now(),
        )
        uow.accounts.add(account)
        uow.commit()
    security_event("staff_created", account_id=account.id, role=role.value)
    return account
