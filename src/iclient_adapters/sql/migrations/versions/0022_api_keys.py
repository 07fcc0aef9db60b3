"""API keys for the JSON API, and the answers kept for its idempotent requests

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30

Two new tables: ``api_keys``, the keys admins create (only the SHA-256 of each secret, the
scopes, expiry, revocation and last use), and ``api_responses``, the first answer to each
POST sent with an ``Idempotency-Key``, per key, to answer a repeat with it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the API keys and kept answers tables."""
    moment = sa.DateTime(timezone=True)
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("scopes", sa.String(400), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("hint", sa.String(8), nullable=False),
        sa.Column("owner_id", sa.String(36), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("expires_at", moment, nullable=True),
        sa.Column("revoked_at", moment, nullable=True),
        sa.Column("last_used_at", moment, nullable=True),
        sa.Column("last_used_ip", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name="fk_api_keys_owner_id_accounts",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_api_keys_owner_id", "api_keys", ["owner_id"])
    op.create_table(
        "api_responses",
        sa.Column("key_id", sa.String(36), nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("location", sa.String(500), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.PrimaryKeyConstraint("key_id", "idempotency_key", name="pk_api_responses"),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["api_keys.id"],
            name="fk_api_responses_key_id_api_keys",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_api_responses_created_at", "api_responses", ["created_at"])


def downgrade() -> None:
    """Drop the kept answers, then the keys."""
    op.drop_table("api_responses")
    op.drop_table("api_keys")
