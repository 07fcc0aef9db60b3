"""The staff area on SQL: the business settings (key/value rows) and the account search."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from iclient_adapters.sql.tables import accounts, settings
from iclient_core.accounts.model import Role, Status
from iclient_core.accounts.search import search_words
from iclient_core.shared.business import (
    DEFAULT_UPLOAD_LIMIT_MB,
    DEFAULT_VAT_RATES,
    BusinessSettings,
)

_TEXT_KEYS = (
    "business_name",
    "contact_email",
    "contact_phone",
    "default_language",
    "logo_key",
    "logo_content_type",
    "logo_sha256",
)


def settings_to_rows(value: BusinessSettings) -> dict[str, Any]:
    """The key/value rows of ``value`` (JSON values; rates as strings, never floats)."""
    return {
        **{key: getattr(value, key) for key in _TEXT_KEYS},
        "vat_rates": [str(rate) for rate in value.vat_rates],
        "upload_limit_mb": value.upload_limit_mb,
    }


def settings_from_rows(stored: dict[str, Any]) -> BusinessSettings:
    """Rebuild the settings; keys missing (or written by a newer version) take defaults."""
    rates = stored.get("vat_rates")
    return BusinessSettings(
        **{key: str(stored.get(key) or "") for key in _TEXT_KEYS},
        vat_rates=tuple(Decimal(str(r)) for r in rates) if rates else DEFAULT_VAT_RATES,
        upload_limit_mb=int(stored.get("upload_limit_mb") or DEFAULT_UPLOAD_LIMIT_MB),
    )


class SqlSettingsRepository:
    """The ``SettingsRepository`` port on the ``settings`` table."""

    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def get(self) -> BusinessSettings | None:
        """The stored settings, or None when none were ever saved."""
        found = {row.key: row.value for row in self._db.execute(sa.select(settings))}
        return settings_from_rows(found) if found else None

    def save(self, value: BusinessSettings) -> None:
        """Replace the stored settings (in the caller's transaction)."""
        rows = settings_to_rows(value)
        self._db.execute(sa.delete(settings).where(settings.c.key.in_(list(rows))))
        self._db.execute(sa.insert(settings), [{"key": key, "value": v} for key, v in rows.items()])


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def account_filters(
    *,
    text: str | None,
    roles: Collection[Role] | None,
    statuses: Collection[Status] | None,
    deletion_requested: bool | None,
) -> list[sa.ColumnElement[bool]]:
    """The WHERE conditions of an account search (see ``AccountRepository.search``).

    Case is ignored with ``lower()`` on both sides (SQLite's is made Unicode-aware by
    ``engine.make_engine``); the e-mail key is stored case-folded already.
    """
    found: list[sa.ColumnElement[bool]] = []
    if roles is not None:
        found.append(accounts.c.role.in_([role.value for role in roles]))
    if statuses is not None:
        found.append(accounts.c.status.in_([status.value for status in statuses]))
    if deletion_requested is not None:
        pending = sa.and_(
            accounts.c.deletion_requested_at.is_not(None),
            accounts.c.status != Status.DELETED.value,
        )
        found.append(pending if deletion_requested else sa.not_(pending))
    for word in search_words(text):
        pattern = f"%{_escape_like(word.text)}%"
        alternatives = [
            sa.func.lower(accounts.c.first_name).like(pattern, escape="\\"),
            sa.func.lower(accounts.c.last_name).like(pattern, escape="\\"),
            accounts.c.email_key.like(pattern, escape="\\"),
        ]
        if word.digits is not None:
            alternatives.append(accounts.c.phone.like(f"%{word.digits}%"))
        found.append(sa.or_(*alternatives))
    return found
