"""Explicit conversions between table rows and domain objects (no ORM mapping)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from iclient_core.accounts.model import Account, EmailAddress, Profile, Role, Status
from iclient_core.accounts.sessions import SignInSession
from iclient_core.notifications.model import Kind, Notification, OutboxMessage

Row = sa.RowMapping


def account_to_row(account: Account) -> dict[str, Any]:
    """The ``accounts`` columns of ``account`` (all but ``version``)."""
    return {
        "id": account.id,
        "role": account.role.value,
        "status": account.status.value,
        "email": account.email.address,
        "email_key": account.email.key,
        "first_name": account.profile.first_name,
        "last_name": account.profile.last_name,
        "phone": account.profile.phone,
        "language": account.language,
        "password_hash": account.password_hash,
        "security_stamp": account.security_stamp,
        "created_at": account.created_at,
        "activated_at": account.activated_at,
        "last_sign_in_at": account.last_sign_in_at,
        "deletion_requested_at": account.deletion_requested_at,
        "deleted_at": account.deleted_at,
    }


def account_from_row(row: Row) -> Account:
    """Rebuild an ``Account`` from an ``accounts`` row."""
    return Account.restore(
        id=row["id"],
        role=Role(row["role"]),
        status=Status(row["status"]),
        email=EmailAddress(address=row["email"], key=row["email_key"]),
        profile=Profile(
            first_name=row["first_name"], last_name=row["last_name"], phone=row["phone"]
        ),
        language=row["language"],
        password_hash=row["password_hash"],
        security_stamp=row["security_stamp"],
        created_at=row["created_at"],
        activated_at=row["activated_at"],
        last_sign_in_at=row["last_sign_in_at"],
        deletion_requested_at=row["deletion_requested_at"],
        deleted_at=row["deleted_at"],
        version=row["version"],
    )


def session_to_row(session: SignInSession) -> dict[str, Any]:
    """The ``sign_in_sessions`` columns of ``session``."""
    return {
        "id": session.id,
        "account_id": session.account_id,
        "created_at": session.created_at,
        "last_seen_at": session.last_seen_at,
        "ip": session.ip,
        "user_agent": session.user_agent,
    }


def session_from_row(row: Row) -> SignInSession:
    """Rebuild a ``SignInSession`` from a ``sign_in_sessions`` row."""
    return SignInSession(
        id=row["id"],
        account_id=row["account_id"],
        created_at=row["created_at"],
        last_seen_at=row["last_seen_at"],
        ip=row["ip"],
        user_agent=row["user_agent"],
    )


def message_state(message: OutboxMessage) -> dict[str, Any]:
    """The columns of an outbox message that change as delivery is attempted."""
    return {
        "next_attempt_at": message.next_attempt_at,
        "attempts": message.attempts,
        "sent_at": message.sent_at,
        "last_error": message.last_error,
        "locked_until": message.locked_until,
    }


def message_to_row(message: OutboxMessage) -> dict[str, Any]:
    """The ``outbox`` columns of ``message``."""
    notification = message.notification
    return {
        "id": message.id,
        "kind": notification.kind.value,
        "to_address": notification.to_address,
        "to_name": notification.to_name,
        "language": notification.language,
        "context": dict(notification.context),
        "message_id": message.message_id,
        "created_at": message.created_at,
        **message_state(message),
    }


def message_from_row(row: Row) -> OutboxMessage:
    """Rebuild an ``OutboxMessage`` from an ``outbox`` row."""
    return OutboxMessage(
        id=row["id"],
        notification=Notification(
            kind=Kind(row["kind"]),
            to_address=row["to_address"],
            to_name=row["to_name"],
            language=row["language"],
            context={str(k): str(v) for k, v in row["context"].items()},
        ),
        message_id=row["message_id"],
        created_at=row["created_at"],
        next_attempt_at=row["next_attempt_at"],
        attempts=row["attempts"],
        sent_at=row["sent_at"],
        last_error=row["last_error"],
        locked_until=row["locked_until"],
    )
