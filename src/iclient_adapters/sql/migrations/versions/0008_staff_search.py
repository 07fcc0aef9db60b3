"""Indexes for the staff search and its pages at any number of clients

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

The staff lists page by keyset, newest first: the page after ``(created_at, id)`` of the
last account shown. The indexes on ``(role, created_at)`` and ``(role, status, created_at)``
gain ``id``, so that the row comparison is an index range and the order needs no sort.

On PostgreSQL the search (every word somewhere in the names, the e-mail key or the phone,
as ``LIKE '%word%'``) gets two trigram GIN indexes of the ``pg_trgm`` extension: one on
``lower(first_name) || ' ' || lower(last_name) || ' ' || email_key``, the expression the
repository's queries use, and one on ``phone``. Trigrams serve words of three characters or
more; shorter words are checked on the rows the other words or the list order bring.
SQLite gets neither (its trigram tokenizer is for full-text tables only): it scans, which
suits the sizes it is meant for.

``pg_trgm`` ships with PostgreSQL and is a trusted extension (PostgreSQL 13 and later): a
role that may create objects in the database may create it. Where the application's role
may not, a superuser runs ``CREATE EXTENSION pg_trgm`` beforehand and this migration finds
it. The extension lives in whichever schema it was created in; the indexes name its
operator class with that schema, so they work whatever the ``search_path``.

Why not ``CREATE INDEX CONCURRENTLY``: it cannot run inside a transaction, and iclient runs
every migration in one (a failed upgrade leaves nothing half done; ``iclient db upgrade``
and the test suites rely on that). A plain ``CREATE INDEX`` blocks writes to ``accounts``
(not reads) while it builds: about a second per 100,000 accounts on a small server, during
an upgrade that happens before the new version serves anyway. An operator with millions of
accounts who cannot pause sign-ups that long creates the two indexes beforehand with
``CREATE INDEX CONCURRENTLY IF NOT EXISTS`` and the statements below; this migration then
keeps them (``IF NOT EXISTS``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SEARCH_TEXT = "(lower(first_name) || ' ' || lower(last_name) || ' ' || email_key)"
"""Exactly ``tables.ACCOUNT_SEARCH_TEXT``, as the queries spell it (else no index use)."""

TRIGRAM_INDEXES = (
    ("ix_accounts_search_text", SEARCH_TEXT),
    ("ix_accounts_phone_trigrams", "phone"),
)
KEYSET_INDEXES = (
    ("ix_accounts_role_created_at", ["role", "created_at"]),
    ("ix_accounts_role_status_created_at", ["role", "status", "created_at"]),
)


def _trigram_operator_class() -> str:
    """``gin_trgm_ops`` qualified with the schema ``pg_trgm`` lives in (created if missing)."""
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT extnamespace::regnamespace::text FROM pg_extension"
                " WHERE extname = 'pg_trgm'"
            )
        )
        .scalar_one()
    )
    return f"{schema}.gin_trgm_ops"


def upgrade() -> None:
    """Add ``id`` to the list indexes; on PostgreSQL, add the trigram search indexes."""
    for name, columns in KEYSET_INDEXES:
        op.drop_index(name, table_name="accounts")
        op.create_index(f"{name}_id", "accounts", [*columns, "id"])
    if op.get_bind().dialect.name != "postgresql":
        return
    operator_class = _trigram_operator_class()
    for name, expression in TRIGRAM_INDEXES:
        op.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON accounts"
            f" USING gin ({expression} {operator_class})"
        )


def downgrade() -> None:
    """Drop the search indexes and put back the list indexes without ``id``.

    The ``pg_trgm`` extension stays: other objects may use it, and dropping it may need
    rights the application's role does not have.
    """
    if op.get_bind().dialect.name == "postgresql":
        for name, _expression in reversed(TRIGRAM_INDEXES):
            op.execute(f"DROP INDEX IF EXISTS {name}")
    for name, columns in reversed(KEYSET_INDEXES):
        op.drop_index(f"{name}_id", table_name="accounts")
        op.create_index(name, "accounts", columns)
