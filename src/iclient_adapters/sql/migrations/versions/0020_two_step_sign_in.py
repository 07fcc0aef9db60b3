"""Two-step sign-in: authenticator apps, recovery codes and passkeys

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30

Three new tables: ``two_step_authenticators`` (one TOTP secret per account, with the last
time step accepted so that no code works twice), ``two_step_recovery_codes`` (digests of the
single-use recovery codes) and ``passkeys`` (WebAuthn credentials: id, public key, counter).
Whether staff must sign in in two steps is a business setting, kept with the others.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def _account(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["account_id"],
        ["accounts.id"],
        name=f"fk_{table}_account_id_accounts",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    """Create the authenticator, recovery code and passkey tables."""
    moment = sa.DateTime(timezone=True)
    op.create_table(
        "two_step_authenticators",
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("confirmed_at", moment, nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name="pk_two_step_authenticators"),
        _account("two_step_authenticators"),
    )
    op.create_table(
        "two_step_recovery_codes",
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("used_at", moment, nullable=True),
        sa.PrimaryKeyConstraint("account_id", "digest", name="pk_two_step_recovery_codes"),
        _account("two_step_recovery_codes"),
    )
    op.create_table(
        "passkeys",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("credential_id", sa.String(1400), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("sign_count", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("last_used_at", moment, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_passkeys"),
        sa.UniqueConstraint("credential_id", name="uq_passkeys_credential_id"),
        _account("passkeys"),
    )
    op.create_index("ix_passkeys_account_id", "passkeys", ["account_id"])


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_index("ix_passkeys_account_id", table_name="passkeys")
    op.drop_table("passkeys")
    op.drop_table("two_step_recovery_codes")
    op.drop_table("two_step_authenticators")
