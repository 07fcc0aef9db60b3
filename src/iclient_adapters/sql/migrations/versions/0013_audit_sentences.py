"""The audit log says who each entry is about, and keeps its details as data

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29

Staff pages turn every entry into a sentence in the reader's language, from the action and
``details`` (a JSON object of texts: a version number, an amount in cents, the fields that
changed), rather than showing the English ``summary`` written at the time (which stays, for
the CSV export). ``subject_id`` names the account an entry is about, so that a client's
timeline finds every event of that client (their quotes and documents too, whose
``target_id`` is the quote or the document) with one indexed query.

Existing entries are filled in: an entry on an account is about that account; an entry on a
quote or a document is about its client, when the quote or document still exists.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``subject_id`` and ``details``, fill ``subject_id`` in, index it with the time."""
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("subject_id", sa.String(36), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("details", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
    op.execute("UPDATE audit_log SET subject_id = target_id WHERE target_type = 'account'")
    for table in ("quotes", "documents"):
        op.execute(
            f"UPDATE audit_log SET subject_id = COALESCE(("  # noqa: S608 - fixed names
            f"SELECT {table}.client_id FROM {table} WHERE {table}.id = audit_log.target_id"
            f"), '') WHERE target_type = '{table[:-1]}'"
        )
    op.create_index("ix_audit_log_subject_at", "audit_log", ["subject_id", "at", "id"])


def downgrade() -> None:
    """Drop the index and both columns."""
    op.drop_index("ix_audit_log_subject_at", table_name="audit_log")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("details")
        batch.drop_column("subject_id")
