"""Consent kinds, versions and the append-only acceptance records; account deletion dates.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _at(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Create the consent tables and add the deletion columns to ``accounts``."""
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(_at("deletion_requested_at", nullable=True))
        batch.add_column(_at("deleted_at", nullable=True))
    op.create_table(
        "consent_kinds",
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_consent_kinds")),
    )
    op.create_table(
        "consent_versions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _at("published_at"),
        sa.Column("published_by", sa.String(36), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("example", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kind"], ["consent_kinds.key"], name=op.f("fk_consent_versions_kind_consent_kinds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_versions")),
        sa.UniqueConstraint(
            "kind", "number", "language", name=op.f("uq_consent_versions_kind_number_language")
        ),
    )
    op.create_index(op.f("ix_consent_versions_kind"), "consent_versions", ["kind"])
    op.create_table(
        "consent_records",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.String(36), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        _at("at"),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("user_agent", sa.String(300), nullable=False),
        sa.Column("method", sa.String(32), nullable=False),
        sa.Column("staff_id", sa.String(36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_records")),
    )
    op.create_index(op.f("ix_consent_records_account_id"), "consent_records", ["account_id"])


def downgrade() -> None:
    """Drop the consent tables and the deletion columns."""
    op.drop_table("consent_records")
    op.drop_table("consent_versions")
    op.drop_table("consent_kinds")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("deleted_at")
        batch.drop_column("deletion_requested_at")
