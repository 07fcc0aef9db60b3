"""The file a client attaches to a quote request

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = (
    ("attachment_key", sa.String(512)),
    ("attachment_name", sa.String(200)),
    ("attachment_type", sa.String(200)),
    ("attachment_size", sa.BigInteger()),
    ("attachment_sha256", sa.String(64)),
)


def upgrade() -> None:
    """Add the attachment's key, display name, type, size and SHA-256 to ``quotes``."""
    with op.batch_alter_table("quotes") as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    """Drop the attachment columns (the stored bytes are left to the operator)."""
    with op.batch_alter_table("quotes") as batch:
        for name, _kind in reversed(COLUMNS):
            batch.drop_column(name)
