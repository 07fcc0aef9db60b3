"""The FAQ: questions and answers staff write, per language, in their order

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30

Each entry has an anchor (the slug of its first question) that the public page links to;
it is unique within the entry's language.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``faq_entries``."""
    moment = sa.DateTime(timezone=True)
    op.create_table(
        "faq_entries",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("anchor", sa.String(80), nullable=False),
        sa.Column("question", sa.String(300), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("category", sa.String(80), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("updated_at", moment, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_faq_entries"),
        sa.UniqueConstraint("language", "anchor", name="uq_faq_entries_language_anchor"),
    )
    op.create_index("ix_faq_entries_language_position", "faq_entries", ["language", "position"])


def downgrade() -> None:
    """Drop ``faq_entries``."""
    op.drop_index("ix_faq_entries_language_position", table_name="faq_entries")
    op.drop_table("faq_entries")
