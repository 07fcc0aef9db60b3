"""Quote numbers per year (``ORC 2026/0007``), and a client's tax number and billing address

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29

Quotes were known by the first characters of their id, which two quotes made in the same
minute share. Each quote now has a number of its year, handed out by the ``quote_numbers``
counter. Existing quotes are numbered here, in the order they were asked for, within the
(UTC) year they were asked for, with the default prefix; the counters start after them.

Clients may also keep a tax number (NIF) and a billing address, which their quotes show.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

DEFAULT_PREFIX = "ORC"


def upgrade() -> None:
    """Number every quote, make the number required and unique, fill the counters; add the
    clients' tax number and billing address."""
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("nif", sa.String(9), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("billing_address", sa.String(500), nullable=False, server_default="")
        )
    with op.batch_alter_table("quotes") as batch:
        batch.add_column(sa.Column("number_prefix", sa.String(12), nullable=True))
        batch.add_column(sa.Column("number_year", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("number_seq", sa.Integer(), nullable=True))
    quotes = sa.table(
        "quotes",
        sa.column("id", sa.String()),
        sa.column("created_at", sa.DateTime()),
        sa.column("number_prefix", sa.String()),
        sa.column("number_year", sa.Integer()),
        sa.column("number_seq", sa.Integer()),
    )
    connection = op.get_bind()
    last: dict[int, int] = {}
    rows = connection.execute(
        sa.select(quotes.c.id, quotes.c.created_at).order_by(quotes.c.created_at, quotes.c.id)
    ).all()
    for quote_id, created_at in rows:
        year = created_at.year  # stored in UTC on both databases
        last[year] = last.get(year, 0) + 1
        connection.execute(
            sa.update(quotes)
            .where(quotes.c.id == quote_id)
            .values(number_prefix=DEFAULT_PREFIX, number_year=year, number_seq=last[year])
        )
    with op.batch_alter_table("quotes") as batch:
        batch.alter_column("number_prefix", existing_type=sa.String(12), nullable=False)
        batch.alter_column("number_year", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("number_seq", existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint("uq_quotes_number_year", ["number_year", "number_seq"])
    counters = op.create_table(
        "quote_numbers",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name="pk_quote_numbers"),
    )
    if last:
        op.bulk_insert(counters, [{"year": y, "last": n} for y, n in sorted(last.items())])


def downgrade() -> None:
    """Drop the numbers and the counters, and the clients' tax number and billing address."""
    op.drop_table("quote_numbers")
    with op.batch_alter_table("quotes") as batch:
        batch.drop_constraint("uq_quotes_number_year", type_="unique")
        batch.drop_column("number_seq")
        batch.drop_column("number_year")
        batch.drop_column("number_prefix")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("billing_address")
        batch.drop_column("nif")
