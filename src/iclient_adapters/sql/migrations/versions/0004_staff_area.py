"""The staff area: business settings and what the admin pages need

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``settings`` and the indexes behind the staff lists of accounts."""
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_index("ix_accounts_role_created_at", "accounts", ["role", "created_at"])
    op.create_index(
        "ix_accounts_role_status_created_at", "accounts", ["role", "status", "created_at"]
    )


def downgrade() -> None:
    """Drop ``settings`` and the indexes."""
    op.drop_index("ix_accounts_role_status_created_at", table_name="accounts")
    op.drop_index("ix_accounts_role_created_at", table_name="accounts")
    op.drop_table("settings")
