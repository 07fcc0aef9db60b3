"""Bookings: bookable services, staff working hours, the booking rules and the bookings

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30

Four new tables: ``booking_services``, ``booking_availability`` (one row per staff member),
``booking_rules`` (one row) and ``bookings``. On PostgreSQL the ``btree_gist`` extension is
created if missing, and an exclusion constraint keeps two bookings that are not cancelled from
holding the same staff member at the same time, whatever the application does.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

EXCLUSION = "ex_bookings_staff_time"


def upgrade() -> None:
    """Create the bookings tables (and, on PostgreSQL, the no-overlap constraint)."""
    moment = sa.DateTime(timezone=True)
    op.create_table(
        "booking_services",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name_pt", sa.String(120), nullable=False),
        sa.Column("name_en", sa.String(120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("price_cents", sa.BigInteger(), nullable=True),
        sa.Column("buffer_minutes", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(16), nullable=False),
        sa.Column("staff_ids", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("updated_at", moment, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_booking_services"),
    )
    op.create_table(
        "booking_availability",
        sa.Column("staff_id", sa.String(36), nullable=False),
        sa.Column("weekly", sa.JSON(), nullable=False),
        sa.Column("exceptions", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("staff_id", name="pk_booking_availability"),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["accounts.id"],
            name="fk_booking_availability_staff_id_accounts",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "booking_rules",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("min_notice_minutes", sa.Integer(), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("cancel_hours", sa.Integer(), nullable=False),
        sa.Column("step_minutes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_booking_rules"),
    )
    op.create_table(
        "bookings",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("service_id", sa.String(36), nullable=False),
        sa.Column("staff_id", sa.String(36), nullable=False),
        sa.Column("starts_at", moment, nullable=False),
        sa.Column("ends_at", moment, nullable=False),
        sa.Column("blocked_until", moment, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=True),
        sa.Column("contact_consent_at", moment, nullable=False),
        sa.Column("booked_by", sa.String(36), nullable=True),
        sa.Column("moves", sa.Integer(), nullable=False),
        sa.Column("reminder_sent_at", moment, nullable=True),
        sa.Column("cancelled_at", moment, nullable=True),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("updated_at", moment, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bookings"),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["booking_services.id"],
            name="fk_bookings_service_id_booking_services",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["accounts.id"], name="fk_bookings_staff_id_accounts", ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_bookings_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["booked_by"],
            ["accounts.id"],
            name="fk_bookings_booked_by_accounts",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_bookings_service_id", "bookings", ["service_id"])
    op.create_index("ix_bookings_account_id", "bookings", ["account_id"])
    op.create_index("ix_bookings_staff_starts", "bookings", ["staff_id", "starts_at"])
    op.create_index("ix_bookings_starts_at", "bookings", ["starts_at"])
    if op.get_bind().dialect.name == "postgresql":
        # btree_gist gives GiST the "=" of a text column, so one constraint can say "same
        # staff member and overlapping time". Kept in the public schema when there is one, so
        # that a schema of its own (tests) never takes the extension with it when dropped.
        op.execute(
            "DO $$ BEGIN "
            "IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'btree_gist') THEN "
            "IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') THEN "
            "CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public; "
            "ELSE CREATE EXTENSION IF NOT EXISTS btree_gist; END IF; "
            "END IF; END $$"
        )
        op.execute(
            f"ALTER TABLE bookings ADD CONSTRAINT {EXCLUSION} EXCLUDE USING gist "
            "(staff_id WITH =, tstzrange(starts_at, blocked_until) WITH &&) "
            "WHERE (status <> 'cancelled')"
        )


def downgrade() -> None:
    """Drop the bookings tables (the extension stays: other things may use it)."""
    op.drop_table("bookings")
    op.drop_table("booking_rules")
    op.drop_table("booking_availability")
    op.drop_table("booking_services")
