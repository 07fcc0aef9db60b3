"""Public forms (contact, demo and those admins build) and the inbox of what people send

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30

Two new tables: ``inbox_forms``, the forms with their questions, and ``inbox_submissions``,
what people sent through them with staff's status, assignee and internal notes. The ready
contact and demo request forms are created by the portal on its first start, not here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the forms and submissions tables."""
    moment = sa.DateTime(timezone=True)
    op.create_table(
        "inbox_forms",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("slug", sa.String(60), nullable=False),
        sa.Column("title_pt", sa.String(200), nullable=False),
        sa.Column("title_en", sa.String(200), nullable=False),
        sa.Column("intro_pt", sa.Text(), nullable=False),
        sa.Column("intro_en", sa.Text(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("updated_at", moment, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inbox_forms"),
        sa.UniqueConstraint("slug", name="uq_inbox_forms_slug"),
    )
    op.create_table(
        "inbox_submissions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("form_id", sa.String(36), nullable=False),
        sa.Column("form_slug", sa.String(60), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("contact_consent_at", moment, nullable=False),
        sa.Column("account_id", sa.String(36), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assignee_id", sa.String(36), nullable=True),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("updated_at", moment, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inbox_submissions"),
        sa.ForeignKeyConstraint(
            ["form_id"],
            ["inbox_forms.id"],
            name="fk_inbox_submissions_form_id_inbox_forms",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_inbox_submissions_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["accounts.id"],
            name="fk_inbox_submissions_assignee_id_accounts",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_inbox_submissions_form_id", "inbox_submissions", ["form_id"])
    op.create_index("ix_inbox_submissions_account_id", "inbox_submissions", ["account_id"])
    op.create_index("ix_inbox_submissions_assignee_id", "inbox_submissions", ["assignee_id"])
    op.create_index("ix_inbox_submissions_listing", "inbox_submissions", ["status", "created_at"])


def downgrade() -> None:
    """Drop the submissions, then the forms."""
    op.drop_table("inbox_submissions")
    op.drop_table("inbox_forms")
