"""Help on every page: the texts admins write in place of the shipped ones

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30

Every page of the client and staff areas explains itself behind a help button; the texts
ship with the portal, and an admin may write another one for a page in either language.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``page_help``."""
    op.create_table(
        "page_help",
        sa.Column("page", sa.String(100), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("page", "language", name=op.f("pk_page_help")),
    )


def downgrade() -> None:
    """Drop ``page_help``."""
    op.drop_table("page_help")
