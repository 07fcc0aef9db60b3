"""The staff search's text and indexes, and list indexes for keyset pages

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

The staff lists page by keyset, newest first: the page after ``(created_at, id)`` of the
last account shown. The indexes on ``(role, created_at)`` and ``(role, status, created_at)``
gain ``id``, so that the row comparison is an index range and the order needs no sort. A
partial index holds the few accounts whose owner asked for deletion and that are not erased
yet, which the dashboard counts and the hourly erasure lists (both read the whole table
before).

The search looks for every word in ``accounts.search_text``: the names lower-cased and the
e-mail key, joined by spaces, which the repository writes with every account. Kept rather
than computed per row because lower-casing two names for every row a search reads costs more
than the rest of reading it; and a plain column, not a generated one, so that adding it
neither rewrites the table under an exclusive lock on PostgreSQL nor rebuilds it on SQLite
(where dropping the old table would cascade to every table referring to accounts). It is
filled here with the database's ``lower()``; an account saved later gets Python's, which the
search words use (they differ only for a few exotic letters). The ``UPDATE`` writes every
row once: on PostgreSQL it leaves as many dead row versions for autovacuum to reclaim, and
holds up writes to accounts (not reads) until the upgrade commits. An account that the
previous version creates between the upgrade and the restart gets the column's default, an
empty text, and is found by the search once it is next saved (activation saves it).

On PostgreSQL, two trigram GIN indexes of the ``pg_trgm`` extension serve ``LIKE
'%word%'``: on ``search_text``, and on ``phone`` for phone-like words. Trigrams serve words
of three characters or more; shorter words are checked on the rows the other words or the
list order bring. SQLite gets neither index (its trigram tokenizer serves full-text tables
only) and scans, which suits the sizes it is meant for.

Both columns keep statistics on 400 sampled values rather than 100: with a hundred, a word
found in 1% of the accounts and one found in 0.1% often look alike to the planner, which then
walks thousands of rows in list order where the index would have found a few hundred, or the
other way round. It costs about 0.1 ms more planning per search at 100,000 accounts (and
nothing at a few hundred, which have fewer values than that).

``pg_trgm`` ships with PostgreSQL and is a trusted extension (PostgreSQL 13 and later): a
role that may create objects in the database may create it. Where the application's role
may not, a superuser runs ``CREATE EXTENSION pg_trgm`` beforehand and this migration finds
it. The extension lives in whichever schema it was created in; the indexes name its
operator class with that schema, so they work whatever the ``search_path``.

Why not ``CREATE INDEX CONCURRENTLY``: it cannot run inside a transaction, and iclient runs
every migration in one (a failed upgrade leaves nothing half done; ``iclient db upgrade``
and the test suites rely on that). A plain ``CREATE INDEX`` blocks writes to ``accounts``
(not reads) while it builds. The whole upgrade takes seconds per 100,000 accounts
(``bench/search.py`` prints it: 8 to 11 s on a busy two-core machine), during an upgrade that
runs before the new version serves. An operator with millions of accounts who cannot pause
sign-ups that long runs on PostgreSQL beforehand, outside the upgrade, the ``ALTER TABLE``
below, the ``UPDATE`` in batches of ids, and ``CREATE INDEX CONCURRENTLY`` for each index
this migration creates (same names and definitions). The migration then keeps what it finds
(``IF NOT EXISTS``) and fills only the rows still empty.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SEARCH_TEXT = "lower(first_name) || ' ' || lower(last_name) || ' ' || email_key"
"""``iclient_core.accounts.search.search_text`` in SQL, for the rows already stored."""

TRIGRAM_INDEXES = (
    ("ix_accounts_search_text", "search_text"),
    ("ix_accounts_phone_trigrams", "phone"),
)
STATISTICS = 400
"""The statistics target of the searched columns (PostgreSQL's default is 100)."""
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
    """Add and fill ``search_text``, add ``id`` to the list indexes, index the deletion
    requests, and on PostgreSQL add the trigram indexes."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute(
            "ALTER TABLE accounts ADD COLUMN IF NOT EXISTS search_text text NOT NULL DEFAULT ''"
        )
    else:
        op.add_column(
            "accounts", sa.Column("search_text", sa.Text(), nullable=False, server_default="")
        )
    # No account's text is empty once filled (the e-mail key never is).
    op.execute(f"UPDATE accounts SET search_text = {SEARCH_TEXT} WHERE search_text = ''")  # noqa: S608
    for name, columns in KEYSET_INDEXES:
        op.drop_index(name, table_name="accounts", if_exists=True)
        op.create_index(f"{name}_id", "accounts", [*columns, "id"], if_not_exists=True)
    asked = sa.text("deletion_requested_at IS NOT NULL AND status <> 'deleted'")
    op.create_index(
        "ix_accounts_deletion_requested",
        "accounts",
        ["deletion_requested_at", "id"],
        postgresql_where=asked,
        sqlite_where=asked,
        if_not_exists=True,
    )
    if not postgresql:
        return
    operator_class = _trigram_operator_class()
    for name, column in TRIGRAM_INDEXES:
        op.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON accounts USING gin ({column} {operator_class})"
        )
        op.execute(f"ALTER TABLE accounts ALTER COLUMN {column} SET STATISTICS {STATISTICS}")


def downgrade() -> None:
    """Drop the search indexes and ``search_text``; put back the list indexes without ``id``.

    The ``pg_trgm`` extension stays: other objects may use it, and dropping it may need
    rights the application's role does not have.
    """
    if op.get_bind().dialect.name == "postgresql":
        for name, column in reversed(TRIGRAM_INDEXES):
            op.execute(f"DROP INDEX IF EXISTS {name}")
            op.execute(f"ALTER TABLE accounts ALTER COLUMN {column} SET STATISTICS -1")
    op.drop_index("ix_accounts_deletion_requested", table_name="accounts")
    for name, columns in reversed(KEYSET_INDEXES):
        op.drop_index(f"{name}_id", table_name="accounts")
        op.create_index(name, "accounts", columns)
    # Not a batch operation: SQLite would rebuild the table, and dropping the old one would
    # cascade to every table referring to accounts.
    op.execute("ALTER TABLE accounts DROP COLUMN search_text")
