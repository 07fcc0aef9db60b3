"""Support requests: conversations, their messages, read marks and canned answers

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30

Four new tables: ``support_conversations`` (a client's request with its status, assignee
and activity), ``support_messages`` (the thread, numbered by ``seq``; staff's internal notes
are marked ``internal``), ``support_seen`` (how far the client has read) and
``support_canned`` (answers staff saved to reuse).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the support tables."""
    moment = sa.DateTime(timezone=True)
    op.create_table(
        "support_conversations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("client_id", sa.String(36), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("assignee_id", sa.String(36), nullable=True),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("updated_at", moment, nullable=False),
        sa.Column("last_activity_at", moment, nullable=False),
        sa.Column("waiting_since", moment, nullable=True),
        sa.Column("closed_at", moment, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_support_conversations"),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["accounts.id"],
            name="fk_support_conversations_client_id_accounts",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["accounts.id"],
            name="fk_support_conversations_assignee_id_accounts",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_support_conversations_client_id", "support_conversations", ["client_id"])
    op.create_index(
        "ix_support_conversations_assignee_id", "support_conversations", ["assignee_id"]
    )
    op.create_index(
        "ix_support_conversations_listing",
        "support_conversations",
        ["status", "last_activity_at"],
    )
    op.create_table(
        "support_messages",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("conversation_id", sa.String(36), nullable=False),
        sa.Column("side", sa.String(8), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.String(36), nullable=True),
        sa.Column("author_label", sa.String(320), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_support_messages"),
        sa.UniqueConstraint("id", name="uq_support_messages_id"),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["support_conversations.id"],
            name="fk_support_messages_conversation_id_support_conversations",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["accounts.id"],
            name="fk_support_messages_author_id_accounts",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_support_messages_conversation_id", "support_messages", ["conversation_id"])
    op.create_table(
        "support_seen",
        sa.Column("conversation_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name="pk_support_seen"),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["support_conversations.id"],
            name="fk_support_seen_conversation_id_support_conversations",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "support_canned",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_label", sa.String(320), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_support_canned"),
    )


def downgrade() -> None:
    """Drop the support tables."""
    op.drop_table("support_canned")
    op.drop_table("support_seen")
    op.drop_table("support_messages")
    op.drop_table("support_conversations")
