"""The portal's revision: a counter that changes whenever what every page shows changes

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29

Every page shows the business's settings and every client page is behind the consent gate.
Rather than reading both on every request, web processes keep them in memory and read only
this counter, which the settings and consent use cases bump in the same transaction as
their change: every process sees the change at its next request.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``revisions`` with the portal's counter at zero."""
    table = op.create_table(
        "revisions",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("revision", sa.BigInteger(), nullable=False),
    )
    op.bulk_insert(table, [{"name": "portal", "revision": 0}])


def downgrade() -> None:
    """Drop ``revisions``."""
    op.drop_table("revisions")
