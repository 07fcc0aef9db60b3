"""Accounts, signed-in sessions and the mail outbox.

Revision ID: 0001
Revises:
Create Date: 2026-01-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Create the ``accounts``, ``sign_in_sessions`` and ``outbox`` tables."""
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("email_key", sa.String(320), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("security_stamp", sa.String(64), nullable=False),
        _timestamp("created_at"),
        _timestamp("activated_at", nullable=True),
        _timestamp("last_sign_in_at", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("email_key", name=op.f("uq_accounts_email_key")),
    )
    op.create_table(
        "sign_in_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=False),
        _timestamp("created_at"),
        _timestamp("last_seen_at"),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("user_agent", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_sessions")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_sign_in_sessions_account_id_accounts"),
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        op.f("ix_sign_in_sessions_account_id"), "sign_in_sessions", ["account_id"], unique=False
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("to_address", sa.String(320), nullable=False),
        sa.Column("to_name", sa.String(255), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=False),
        _timestamp("created_at"),
        _timestamp("next_attempt_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _timestamp("sent_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _timestamp("locked_until", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index("ix_outbox_due", "outbox", ["sent_at", "next_attempt_at"], unique=False)


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index(op.f("ix_sign_in_sessions_account_id"), table_name="sign_in_sessions")
    op.drop_table("sign_in_sessions")
    op.drop_table("accounts")
