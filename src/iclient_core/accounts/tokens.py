"""Single-use link tokens: signed by the ``TokenService``, spent by changing the account.

A token carries the account id and :meth:`Account.fingerprint` for its purpose. Using it
changes the account (password set, e-mail changed), which changes the fingerprint: the same
token then no longer matches, so it works once without a table of spent tokens.
"""

from __future__ import annotations

import enum
from datetime import timedelta
from typing import TYPE_CHECKING

from iclient_core.accounts.model import Account
from iclient_core.accounts.ports import TokenClaims
from iclient_core.shared.errors import TokenInvalid

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork


class Purpose(enum.StrEnum):
    """What a link token may be used for; a token for one purpose fails for every other."""

    ACTIVATION = "activation"
    PASSWORD_RESET = "password_reset"
    EMAIL_CHANGE = "email_change"


def issue(services: Services, account: Account, purpose: Purpose, **data: str) -> str:
    """Sign a token for ``purpose`` bound to the account's current state."""
    claims = TokenClaims(account_id=account.id, fingerprint=account.fingerprint(purpose), data=data)
    return services.tokens.issue(purpose.value, claims, now=services.clock.now())


def redeem(
    services: Services, uow: UnitOfWork, purpose: Purpose, token: str, max_age: timedelta
) -> tuple[Account, TokenClaims]:
    """Check a token and load its account (nothing is spent until the caller commits).

    Raises:
        TokenInvalid: tampered, other purpose, unknown account, or already used.
        TokenExpired: genuine but older than ``max_age``.
    """
    claims = services.tokens.verify(purpose.value, token, max_age=max_age, now=services.clock.now())
    account = uow.accounts.get(claims.account_id)
    if account is None or account.fingerprint(purpose) != claims.fingerprint:
        raise TokenInvalid()
    return account, claims
