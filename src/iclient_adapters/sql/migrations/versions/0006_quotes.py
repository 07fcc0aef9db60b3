"""Quotes, proposal versions and lines, decisions and history

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``quotes``, ``quote_proposals``, ``quote_lines`` and ``quote_events``."""
    moment = sa.DateTime(timezone=True)
    op.create_table(
        "quotes",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("client_id", sa.String(36), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("desired_date", sa.Date(), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("updated_at", moment, nullable=False),
        sa.Column("visitor_name", sa.String(100), nullable=True),
        sa.Column("visitor_email", sa.String(320), nullable=True),
        sa.Column("visitor_phone", sa.String(40), nullable=True),
        sa.Column("visitor_consent_at", moment, nullable=True),
        sa.Column("sent_number", sa.Integer(), nullable=True),
        sa.Column("sent_valid_until", sa.Date(), nullable=True),
        sa.Column("sent_total_cents", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("decision_action", sa.String(16), nullable=True),
        sa.Column("decided_at", moment, nullable=True),
        sa.Column("decided_by", sa.String(36), nullable=True),
        sa.Column("decided_by_label", sa.String(320), nullable=True),
        sa.Column("decision_ip", sa.String(64), nullable=True),
        sa.Column("decision_number", sa.Integer(), nullable=True),
        sa.Column("decision_hash", sa.String(64), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["accounts.id"],
            name=op.f("fk_quotes_client_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
    )
    op.create_index(op.f("ix_quotes_client_id"), "quotes", ["client_id"])
    op.create_index("ix_quotes_listing", "quotes", ["state", "updated_at"])

    op.create_table(
        "quote_proposals",
        sa.Column("quote_id", sa.String(36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("discount_kind", sa.String(8), nullable=True),
        sa.Column("discount_value", sa.BigInteger(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False),
        sa.Column("sent_at", moment, nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["quotes.id"],
            name=op.f("fk_quote_proposals_quote_id_quotes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("quote_id", "number", name=op.f("pk_quote_proposals")),
    )

    op.create_table(
        "quote_lines",
        sa.Column("quote_id", sa.String(36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(300), nullable=False),
        sa.Column("quantity_thousandths", sa.BigInteger(), nullable=False),
        sa.Column("unit_price_cents", sa.BigInteger(), nullable=False),
        sa.Column("vat_rate", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["quote_id", "number"],
            ["quote_proposals.quote_id", "quote_proposals.number"],
            name=op.f("fk_quote_lines_quote_id_quote_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("quote_id", "number", "position", name=op.f("pk_quote_lines")),
    )

    op.create_table(
        "quote_events",
        sa.Column("quote_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", moment, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("from_state", sa.String(16), nullable=True),
        sa.Column("to_state", sa.String(16), nullable=False),
        sa.Column("side", sa.String(8), nullable=False),
        sa.Column("actor_id", sa.String(36), nullable=True),
        sa.Column("actor_label", sa.String(320), nullable=False),
        sa.Column("proposal_number", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["quotes.id"],
            name=op.f("fk_quote_events_quote_id_quotes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("quote_id", "seq", name=op.f("pk_quote_events")),
    )


def downgrade() -> None:
    """Drop the quote tables."""
    for table in ("quote_events", "quote_lines", "quote_proposals", "quotes"):
        op.drop_table(table)
