"""The last integrity check of each stored document file

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``document_file_checks``: what the scrub (or the upload) found of each file."""
    op.create_table(
        "document_file_checks",
        sa.Column("storage_key", sa.String(512), nullable=False),
        sa.Column("document_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fingerprint", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_file_checks_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("storage_key", name=op.f("pk_document_file_checks")),
    )
    op.create_index(
        "ix_document_file_checks_outcome", "document_file_checks", ["outcome", "checked_at"]
    )


def downgrade() -> None:
    """Drop the file checks (the scrub records them again)."""
    op.drop_table("document_file_checks")
