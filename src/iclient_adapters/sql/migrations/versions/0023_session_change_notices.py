"""Change notices for the session cache

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30

On PostgreSQL, triggers send a notice on the ``iclient_changes`` channel when a signed-in
session or an account is changed or deleted (the account's id), or when the portal's
revision moves on (``*``): the web processes that keep sessions in memory forget them (see
``iclient_adapters.sql.session_cache``). PostgreSQL delivers a notice when its transaction
commits, and sends one notice for repeats within a transaction. SQLite has no notices:
nothing changes there, and its processes keep no session in memory.
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

NOTICES = {
    # function: (the payload, the table, the events, for each row or statement)
    "iclient_session_changed": ("OLD.account_id", "sign_in_sessions", "UPDATE OR DELETE", "ROW"),
    "iclient_account_changed": ("OLD.id", "accounts", "UPDATE OR DELETE", "ROW"),
    "iclient_revision_changed": ("'*'", "revisions", "INSERT OR UPDATE", "STATEMENT"),
    "iclient_sessions_emptied": ("'*'", "sign_in_sessions", "TRUNCATE", "STATEMENT"),
    "iclient_accounts_emptied": ("'*'", "accounts", "TRUNCATE", "STATEMENT"),
}


def upgrade() -> None:
    """Create the notice functions and their triggers (PostgreSQL only)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (payload, table, events, level) in NOTICES.items():
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN PERFORM pg_notify('iclient_changes', {payload}); RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {name} AFTER {events} ON {table} "
            f"FOR EACH {level} EXECUTE FUNCTION {name}()"
        )


def downgrade() -> None:
    """Drop them."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (_payload, table, _events, _level) in NOTICES.items():
        op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute(f"DROP FUNCTION {name}()")
