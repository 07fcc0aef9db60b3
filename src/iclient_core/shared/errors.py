"""Domain errors. Each carries a stable ``code`` that callers map to pages and messages.

The codes are part of the public contract: the portal translates them in one place, and an
embedding application can rely on them instead of parsing messages.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs


class DomainError(Exception):
    """Base of every error the core raises on purpose.

    Attributes:
        code: a stable, machine-readable identifier (``"invalid_credentials"``…).
    """

    code: str = "domain_error"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.code)


@attrs.frozen
class FieldError:
    """One problem with one input field: the field's name and a stable code."""

    field: str
    code: str


class InvalidInput(DomainError):
    """The input broke one or more rules; ``errors`` says which field and why."""

    code = "invalid_input"

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(", ".join(f"{e.field}:{e.code}" for e in errors))
        self.errors = list(errors)

    @classmethod
    def single(cls, field: str, code: str) -> InvalidInput:
        """Build the error for a single field."""
        return cls([FieldError(field, code)])

    def by_field(self) -> Mapping[str, list[str]]:
        """Return the error codes grouped by field name."""
        grouped: dict[str, list[str]] = {}
        for error in self.errors:
            grouped.setdefault(error.field, []).append(error.code)
        return grouped


class InvalidCredentials(DomainError):
    """Sign-in failed. Deliberately says nothing about why (no account enumeration)."""

    code = "invalid_credentials"


class RateLimited(DomainError):
    """Too many attempts; try again after ``retry_after`` seconds."""

    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


class TokenInvalid(DomainError):
    """A link's token is malformed, tampered with, for another purpose, or already used."""

    code = "token_invalid"


class TokenExpired(DomainError):
    """A link's token was genuine but is too old. ``account_id`` allows offering a new one."""

    code = "token_expired"

    def __init__(self, account_id: str | None = None) -> None:
        super().__init__()
        self.account_id = account_id


class NotFound(DomainError):
    """The thing asked for does not exist, or the actor may not know that it does."""

    code = "not_found"


class AlreadyExists(DomainError):
    """A unique thing (an e-mail address, for staff) is already taken."""

    code = "already_exists"


class PermissionDenied(DomainError):
    """The actor's role does not allow this use case."""

    code = "permission_denied"


class DeliveryFailed(DomainError):
    """A mail transport could not hand a message over.

    A temporary failure is retried by the outbox with back-off; a ``permanent`` one (the
    server rejected the recipient, the message cannot be rendered) is given up at once.
    """

    code = "delivery_failed"

    def __init__(self, message: str | None = None, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class ConcurrentUpdate(DomainError):
    """Somebody else changed the same record first; nothing was written."""

    code = "concurrent_update"


class ServiceUnavailable(DomainError):
    """A service the core depends on (the database) cannot be reached just now.

    Nothing of the unit of work was kept, unless the connection broke during ``commit()``
    itself, when the outcome is unknown. The caller should answer "try again later".

    Attributes:
        retry_after: seconds after which trying again makes sense.
        connection_lost: a connection that had worked broke (the database restarted, or
            closed it): the adapter has discarded it, and trying again at once will likely
            work. False when no connection could be had at all (the server is down, refuses
            connections, or every connection is busy), when an immediate retry would fail
            the same way.
    """

    code = "service_unavailable"

    def __init__(
        self, message: str | None = None, *, retry_after: int = 5, connection_lost: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.connection_lost = connection_lost
