"""Notification preferences and SMS: per-event e-mail and SMS choices, phone confirmation

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30

Each client chooses, for every event, whether it comes by e-mail and by SMS; SMS go only to
a phone confirmed with a code. The outbox holds SMS beside e-mails, so each message says its
channel.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``notification_preferences``; add ``outbox.channel``."""
    op.create_table(
        "notification_preferences",
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("confirmed_phone", sa.String(32), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code_hash", sa.String(255), nullable=False),
        sa.Column("code_phone", sa.String(32), nullable=False),
        sa.Column("code_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code_attempts", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_notification_preferences_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_notification_preferences")),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("channel", sa.String(8), nullable=False, server_default="email"))


def downgrade() -> None:
    """Drop ``outbox.channel`` and ``notification_preferences``."""
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("channel")
    op.drop_table("notification_preferences")
