"""The database schema as SQLAlchemy Core tables; the migrations must create exactly this.

The domain's attrs classes are not mapped (SQLAlchemy cannot instrument slotted classes):
the repositories convert rows to domain objects and back with :mod:`.converters`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Stable constraint names, so that migrations can refer to them on every database."""


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware, even on SQLite.

    SQLite keeps no offset: values are stored as naive UTC and given ``UTC`` when read.
    Naive datetimes are refused, since their meaning depends on the machine.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> Any:
        """Convert an aware datetime to UTC (naive UTC on SQLite)."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: use a timezone-aware UTC time")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> datetime | None:
        """Return the stored time as an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
"""Every table of iclient; the migrations' ``target_metadata``."""

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("email_key", sa.String(320), nullable=False, unique=True),
    sa.Column("first_name", sa.String(100), nullable=False),
    sa.Column("last_name", sa.String(100), nullable=False),
    sa.Column("phone", sa.String(40), nullable=False),
    # A client's tax number and billing address, printed on their quotes (empty if none).
    sa.Column("nif", sa.String(9), nullable=False, server_default=""),
    sa.Column("billing_address", sa.String(500), nullable=False, server_default=""),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=True),
    sa.Column("security_stamp", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("activated_at", UtcDateTime(), nullable=True),
    sa.Column("last_sign_in_at", UtcDateTime(), nullable=True),
    sa.Column("deletion_requested_at", UtcDateTime(), nullable=True),
    sa.Column("deleted_at", UtcDateTime(), nullable=True),
    sa.Column("version", sa.Integer(), nullable=False),
    # What the staff search looks in (names lower-cased, e-mail key), kept by the repository.
    sa.Column("search_text", sa.Text(), nullable=False, server_default=""),
)

sign_in_sessions = sa.Table(
    "sign_in_sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column(
        "account_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("last_seen_at", UtcDateTime(), nullable=False),
    sa.Column("ip", sa.String(64), nullable=False),
    sa.Column("user_agent", sa.String(300), nullable=False),
)

two_step_authenticators = sa.Table(
    "two_step_authenticators",
    metadata,
    sa.Column(
        "account_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("secret", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("confirmed_at", UtcDateTime(), nullable=True),
    sa.Column("last_step", sa.BigInteger(), nullable=False),
)

two_step_recovery_codes = sa.Table(
    "two_step_recovery_codes",
    metadata,
    sa.Column(
        "account_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("used_at", UtcDateTime(), nullable=True),
)

passkeys = sa.Table(
    "passkeys",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column(
        "account_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("credential_id", sa.String(1400), nullable=False, unique=True),
    sa.Column("public_key", sa.Text(), nullable=False),
    sa.Column("sign_count", sa.BigInteger(), nullable=False),
    sa.Column("name", sa.String(60), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("last_used_at", UtcDateTime(), nullable=True),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("to_address", sa.String(320), nullable=False),
    sa.Column("to_name", sa.String(255), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("context", sa.JSON(), nullable=False),
    sa.Column("message_id", sa.String(255), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("sent_at", UtcDateTime(), nullable=True),
    sa.Column("last_error", sa.Text(), nullable=True),
    sa.Column("locked_until", UtcDateTime(), nullable=True),
    # "email" or "sms" (to_address is then a phone number).
    sa.Column("channel", sa.String(8), nullable=False, server_default="email"),
    # The deliverer looks for unsent messages by due time.
    sa.Index("ix_outbox_due", "sent_at", "next_attempt_at"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("at", UtcDateTime(), nullable=False, index=True),
    # No foreign key: entries outlive the accounts they name (erasure keeps the log).
    sa.Column("actor_id", sa.String(36), nullable=True, index=True),
    sa.Column("actor_label", sa.String(320), nullable=False),
    sa.Column("ip", sa.String(64), nullable=False),
    sa.Column("action", sa.String(64), nullable=False, index=True),
    sa.Column("target_type", sa.String(32), nullable=False),
    sa.Column("target_id", sa.String(36), nullable=False, index=True),
    sa.Column("summary", sa.String(500), nullable=False),
    # The account the entry is about ("" for none): a client's timeline reads by it.
    sa.Column("subject_id", sa.String(36), nullable=False, server_default=""),
    sa.Column("details", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    sa.Index("ix_audit_log_subject_at", "subject_id", "at", "id"),
)

consent_kinds = sa.Table(
    "consent_kinds",
    metadata,
    sa.Column("key", sa.String(32), primary_key=True),
    sa.Column("required", sa.Boolean(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

consent_versions = sa.Table(
    "consent_versions",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column(
        "kind", sa.String(32), sa.ForeignKey("consent_kinds.key"), nullable=False, index=True
    ),
    sa.Column("number", sa.Integer(), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("body", sa.Text(), nullable=False),
    sa.Column("published_at", UtcDateTime(), nullable=False),
    sa.Column("published_by", sa.String(36), nullable=True),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("example", sa.Boolean(), nullable=False),
    sa.UniqueConstraint(
        "kind", "number", "language", name="uq_consent_versions_kind_number_language"
    ),
)

# Evidence: no foreign key to accounts (records outlive erased personal data) and no code
# path that updates or deletes a row.
consent_records = sa.Table(
    "consent_records",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("account_id", sa.String(36), nullable=False, index=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("version_number", sa.Integer(), nullable=False),
    sa.Column("version_id", sa.String(36), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("ip", sa.String(64), nullable=False),
    sa.Column("user_agent", sa.String(300), nullable=False),
    sa.Column("method", sa.String(32), nullable=False),
    sa.Column("staff_id", sa.String(36), nullable=True),
)

# The staff area: the business settings an admin edits, one row per key, and the
# indexes behind the staff lists (filter by role and status, newest first).
settings = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.JSON(), nullable=False),
)

# The portal's revision: bumped with every change to the settings or the consent texts, so
# that web processes may keep both in memory and read only this counter per request.
revisions = sa.Table(
    "revisions",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("revision", sa.BigInteger(), nullable=False),
)

# The help texts admins wrote in place of the shipped ones, one per page and language.
page_help = sa.Table(
    "page_help",
    metadata,
    sa.Column("page", sa.String(100), primary_key=True),
    sa.Column("language", sa.String(8), primary_key=True),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

# Each account's notification choices (event:channel -> on, as JSON; a missing pair takes
# its default) and the confirmation of its phone by a code sent by SMS (stored hashed).
notification_preferences = sa.Table(
    "notification_preferences",
    metadata,
    sa.Column(
        "account_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("choices", sa.JSON(), nullable=False),
    sa.Column("confirmed_phone", sa.String(32), nullable=False),
    sa.Column("confirmed_at", UtcDateTime(), nullable=True),
    sa.Column("code_hash", sa.String(255), nullable=False),
    sa.Column("code_phone", sa.String(32), nullable=False),
    sa.Column("code_expires_at", UtcDateTime(), nullable=True),
    sa.Column("code_attempts", sa.Integer(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=True),
)

sa.Index("ix_accounts_role_created_at_id", accounts.c.role, accounts.c.created_at, accounts.c.id)
sa.Index(
    "ix_accounts_role_status_created_at_id",
    accounts.c.role,
    accounts.c.status,
    accounts.c.created_at,
    accounts.c.id,
)

# The accounts whose owner asked for deletion, not yet erased: a few among many, counted on
# the staff dashboard and listed by the hourly erasure, oldest request first.
_ASKED_FOR_DELETION = sa.and_(
    accounts.c.deletion_requested_at.is_not(None), accounts.c.status != "deleted"
)
sa.Index(
    "ix_accounts_deletion_requested",
    accounts.c.deletion_requested_at,
    accounts.c.id,
    postgresql_where=_ASKED_FOR_DELETION,
    sqlite_where=_ASKED_FOR_DELETION,
)

# The staff search: every word must occur in ``search_text`` (the repository writes it with
# every account: ``iclient_core.accounts.search.search_text``, the lower-cased names and the
# e-mail key joined by spaces), or, for a phone-like word, its digits in the phone. On
# PostgreSQL, trigram (pg_trgm) GIN indexes on both serve ``LIKE '%word%'``, and both
# columns keep larger statistics (migration 0008 says why). SQLite has no such index and
# scans, which its sizes allow.
sa.Index(
    "ix_accounts_search_text",
    accounts.c.search_text,
    postgresql_using="gin",
    postgresql_ops={"search_text": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")
sa.Index(
    "ix_accounts_phone_trigrams",
    accounts.c.phone,
    postgresql_using="gin",
    postgresql_ops={"phone": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")

# Documents: a client's documents, every file stored for each (the history), and
# the download log. Rows go with their client; the bytes they pointed to become orphans in
# the storage, which the documents sweeper removes.
documents = sa.Table(
    "documents",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column(
        "client_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("category", sa.String(16), nullable=False),
    sa.Column("reference", sa.String(100), nullable=True),
    sa.Column("issue_date", sa.Date(), nullable=True),
    sa.Column("amount_cents", sa.BigInteger(), nullable=True),
    sa.Column("currency", sa.String(3), nullable=True),
    sa.Column("due_date", sa.Date(), nullable=True),
    # The issue date, else the upload day: what lists sort and filter by year on.
    sa.Column("dated", sa.Date(), nullable=False),
    # Title and reference folded (no accents, case-folded) for the same search everywhere.
    sa.Column("search_text", sa.Text(), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_by", sa.String(36), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("first_downloaded_at", UtcDateTime(), nullable=True),
    sa.Column("archived_at", UtcDateTime(), nullable=True),
    sa.Column("version", sa.Integer(), nullable=False),
    # A client's list: one status (or a few), newest date first.
    sa.Index("ix_documents_client_listing", "client_id", "status", "dated", "created_at"),
    # The staff dashboard's "never opened by the client" list.
    sa.Index("ix_documents_unopened", "status", "first_downloaded_at", "created_at"),
)

document_versions = sa.Table(
    "document_versions",
    metadata,
    sa.Column(
        "document_id",
        sa.String(36),
        sa.ForeignKey("documents.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("number", sa.Integer(), primary_key=True),
    sa.Column("storage_key", sa.String(512), nullable=False, unique=True),
    sa.Column("display_name", sa.String(255), nullable=False),
    sa.Column("content_type", sa.String(100), nullable=False),
    sa.Column("size", sa.BigInteger(), nullable=True),
    sa.Column("sha256", sa.String(64), nullable=True),
    sa.Column("uploaded_by", sa.String(36), nullable=True),
    sa.Column("uploaded_at", UtcDateTime(), nullable=False),
)

document_downloads = sa.Table(
    "document_downloads",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column(
        "document_id",
        sa.String(36),
        sa.ForeignKey("documents.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("version", sa.Integer(), nullable=False),
    # No foreign key: the log outlives staff accounts (like the audit log).
    sa.Column("account_id", sa.String(36), nullable=False),
    sa.Column("account_label", sa.String(320), nullable=False),
    sa.Column("by_owner", sa.Boolean(), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("ip", sa.String(64), nullable=False),
    sa.Index("ix_document_downloads_document_at", "document_id", "at"),
)

document_file_checks = sa.Table(
    "document_file_checks",
    metadata,
    # The last check of one stored file's bytes (by the scrub, or the upload that stored them).
    sa.Column("storage_key", sa.String(512), primary_key=True),
    sa.Column(
        "document_id",
        sa.String(36),
        sa.ForeignKey("documents.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("checked_at", UtcDateTime(), nullable=False),
    sa.Column("fingerprint", sa.String(200), nullable=True),
    # The staff's list of files that failed, most recent first.
    sa.Index("ix_document_file_checks_outcome", "outcome", "checked_at"),
)

# --------------------------------------------------------------------------- quotes

quotes = sa.Table(
    "quotes",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    # The number people quote, ``ORC 2026/0007``: unique by year and sequence.
    sa.Column("number_prefix", sa.String(12), nullable=False),
    sa.Column("number_year", sa.Integer(), nullable=False),
    sa.Column("number_seq", sa.Integer(), nullable=False),
    sa.Column(
        "client_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    ),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("details", sa.Text(), nullable=False),
    sa.Column("desired_date", sa.Date(), nullable=True),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    # A request from the public form, before it is given to a client account.
    sa.Column("visitor_name", sa.String(100), nullable=True),
    sa.Column("visitor_email", sa.String(320), nullable=True),
    sa.Column("visitor_phone", sa.String(40), nullable=True),
    sa.Column("visitor_consent_at", UtcDateTime(), nullable=True),
    # The newest sent version, copied here so that a list is one query.
    sa.Column("sent_number", sa.Integer(), nullable=True),
    sa.Column("sent_valid_until", sa.Date(), nullable=True),
    sa.Column("sent_total_cents", sa.BigInteger(), nullable=True),
    sa.Column("currency", sa.String(3), nullable=True),
    # The client's decision on exactly one sent version.
    sa.Column("decision_action", sa.String(16), nullable=True),
    sa.Column("decided_at", UtcDateTime(), nullable=True),
    sa.Column("decided_by", sa.String(36), nullable=True),
    sa.Column("decided_by_label", sa.String(320), nullable=True),
    sa.Column("decision_ip", sa.String(64), nullable=True),
    sa.Column("decision_number", sa.Integer(), nullable=True),
    sa.Column("decision_hash", sa.String(64), nullable=True),
    sa.Column("decision_reason", sa.Text(), nullable=True),
    # The file the client attached to the request (bytes in the storage; migration 0007).
    sa.Column("attachment_key", sa.String(512), nullable=True),
    sa.Column("attachment_name", sa.String(200), nullable=True),
    sa.Column("attachment_type", sa.String(200), nullable=True),
    sa.Column("attachment_size", sa.BigInteger(), nullable=True),
    sa.Column("attachment_sha256", sa.String(64), nullable=True),
    # Optimistic locking: an UPDATE must name the version it read.
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Index("ix_quotes_listing", "state", "updated_at"),
    sa.UniqueConstraint("number_year", "number_seq"),
)

# The last quote number handed out in each year. Taking one is a single
# ``INSERT … ON CONFLICT DO UPDATE … RETURNING``: the row stays locked until the transaction
# ends, so transactions numbering at once take turns and never get the same number.
quote_numbers = sa.Table(
    "quote_numbers",
    metadata,
    sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("last", sa.Integer(), nullable=False),
)

quote_proposals = sa.Table(
    "quote_proposals",
    metadata,
    sa.Column(
        "quote_id",
        sa.String(36),
        sa.ForeignKey("quotes.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("number", sa.Integer(), primary_key=True),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("discount_kind", sa.String(8), nullable=True),
    sa.Column("discount_value", sa.BigInteger(), nullable=True),
    sa.Column("valid_until", sa.Date(), nullable=True),
    sa.Column("message", sa.Text(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("created_by", sa.String(36), nullable=False),
    sa.Column("sent_at", UtcDateTime(), nullable=True),
    sa.Column("content_hash", sa.String(64), nullable=True),
)

quote_lines = sa.Table(
    "quote_lines",
    metadata,
    sa.Column("quote_id", sa.String(36), primary_key=True),
    sa.Column("number", sa.Integer(), primary_key=True),
    sa.Column("position", sa.Integer(), primary_key=True),
    sa.Column("description", sa.String(300), nullable=False),
    sa.Column("quantity_thousandths", sa.BigInteger(), nullable=False),
    sa.Column("unit_price_cents", sa.BigInteger(), nullable=False),
    sa.Column("vat_rate", sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(
        ["quote_id", "number"],
        ["quote_proposals.quote_id", "quote_proposals.number"],
        ondelete="CASCADE",
    ),
)

quote_events = sa.Table(
    "quote_events",
    metadata,
    sa.Column(
        "quote_id",
        sa.String(36),
        sa.ForeignKey("quotes.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("seq", sa.Integer(), primary_key=True),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("from_state", sa.String(16), nullable=True),
    sa.Column("to_state", sa.String(16), nullable=False),
    sa.Column("side", sa.String(8), nullable=False),
    # No foreign key: the history keeps who acted even if the account goes.
    sa.Column("actor_id", sa.String(36), nullable=True),
    sa.Column("actor_label", sa.String(320), nullable=False),
    sa.Column("proposal_number", sa.Integer(), nullable=True),
    sa.Column("note", sa.Text(), nullable=False),
)

# --------------------------------------------------------------------------- public forms

inbox_forms = sa.Table(
    "inbox_forms",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("slug", sa.String(60), nullable=False, unique=True),
    sa.Column("title_pt", sa.String(200), nullable=False),
    sa.Column("title_en", sa.String(200), nullable=False),
    sa.Column("intro_pt", sa.Text(), nullable=False),
    sa.Column("intro_en", sa.Text(), nullable=False),
    # The questions in order: [{name, kind, required, label_pt, label_en, choices}].
    sa.Column("fields", sa.JSON(), nullable=False),
    sa.Column("published", sa.Boolean(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
)

inbox_submissions = sa.Table(
    "inbox_submissions",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column(
        "form_id",
        sa.String(36),
        sa.ForeignKey("inbox_forms.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("form_slug", sa.String(60), nullable=False),
    sa.Column("answers", sa.JSON(), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("phone", sa.String(40), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("contact_consent_at", UtcDateTime(), nullable=False),
    # The client who sent it while signed in: erased with their account.
    sa.Column(
        "account_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    ),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column(
        "assignee_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="SET NULL"),
        nullable=True,
        index=True,
    ),
    # Internal notes, oldest first: [{at, author_id, author_label, text}].
    sa.Column("notes", sa.JSON(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Index("ix_inbox_submissions_listing", "status", "created_at"),
)

# --------------------------------------------------------------------------- webhooks

webhook_endpoints = sa.Table(
    "webhook_endpoints",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("description", sa.String(200), nullable=False),
    # The subscribed event types, space-separated.
    sa.Column("events", sa.Text(), nullable=False),
    # ``whsec_`` and the base64 of the signing key: needed as is to sign each request.
    sa.Column("secret", sa.String(200), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("paused_at", UtcDateTime(), nullable=True),
    sa.Column("pause_reason", sa.String(500), nullable=False),
    sa.Column("consecutive_failures", sa.Integer(), nullable=False),
    sa.Column("failing_since", UtcDateTime(), nullable=True),
    sa.Column("last_success_at", UtcDateTime(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
)

# The webhooks' outbox: one row per event and endpoint, written with the change. No foreign
# key to the endpoint: an admin removing an endpoint at the moment a client registers must
# not fail the registration (the endpoint's rows are removed with it; a late one is given up).
webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    sa.Column("id", sa.String(60), primary_key=True),
    sa.Column("endpoint_id", sa.String(36), nullable=False),
    sa.Column("event_type", sa.String(60), nullable=False),
    sa.Column("payload", sa.Text(), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("last_status", sa.Integer(), nullable=True),
    sa.Column("last_error", sa.String(500), nullable=False),
    sa.Column("last_attempt_at", UtcDateTime(), nullable=True),
    sa.Column("delivered_at", UtcDateTime(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
    sa.Column("locked_until", UtcDateTime(), nullable=True),
    # The worker's claim: pending rows by due time; the log: an endpoint's rows, newest first.
    sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    sa.Index("ix_webhook_deliveries_log", "endpoint_id", "created_at"),
)

webhook_attempts = sa.Table(
    "webhook_attempts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column(
        "delivery_id",
        sa.String(60),
        sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("endpoint_id", sa.String(36), nullable=False),
    sa.Column("event_type", sa.String(60), nullable=False),
    sa.Column("number", sa.Integer(), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("status_code", sa.Integer(), nullable=True),
    sa.Column("error", sa.String(500), nullable=False),
    sa.Column("duration_ms", sa.Integer(), nullable=False),
)

# Support requests: the conversation (status, assignee, activity), its messages in the
# order of their sequence number (two writers at once both keep theirs), the client's read
# marks, and the answers staff saved to reuse. A client's requests go with their account.
support_conversations = sa.Table(
    "support_conversations",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column(
        "client_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("category", sa.String(20), nullable=False),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column(
        "assignee_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="SET NULL"),
        nullable=True,
        index=True,
    ),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("last_activity_at", UtcDateTime(), nullable=False),
    sa.Column("waiting_since", UtcDateTime(), nullable=True),
    sa.Column("closed_at", UtcDateTime(), nullable=True),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Index("ix_support_conversations_listing", "status", "last_activity_at"),
)

support_messages = sa.Table(
    "support_messages",
    metadata,
    sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(36), nullable=False, unique=True),
    sa.Column(
        "conversation_id",
        sa.String(36),
        sa.ForeignKey("support_conversations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("side", sa.String(8), nullable=False),
    sa.Column("internal", sa.Boolean(), nullable=False),
    sa.Column(
        "author_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column("author_label", sa.String(320), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    # The files: [{key, display_name, content_type, size, sha256}].
    sa.Column("attachments", sa.JSON(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

support_seen = sa.Table(
    "support_seen",
    metadata,
    sa.Column(
        "conversation_id",
        sa.String(36),
        sa.ForeignKey("support_conversations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("seq", sa.Integer(), nullable=False),
)

support_canned = sa.Table(
    "support_canned",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("title", sa.String(120), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("author_label", sa.String(320), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

# Background jobs: who ran which job when, and how it ended (the claim of a due job reads
# the latest start; see ``sql/jobs.py``).
job_runs = sa.Table(
    "job_runs",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("job", sa.String(100), nullable=False),
    sa.Column("runner", sa.String(200), nullable=False),
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("finished_at", UtcDateTime(), nullable=True),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("detail", sa.Text(), nullable=False),
    # The claim asks for the latest start of one job.
    sa.Index("ix_job_runs_job_started", "job", "started_at"),
)


# Integrations: API keys (only the SHA-256 of each secret) and the answers kept for the
# API's idempotent POSTs, per key and Idempotency-Key.
api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    # The scope values, sorted, separated by spaces (as OAuth writes them).
    sa.Column("scopes", sa.String(400), nullable=False),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("hint", sa.String(8), nullable=False),
    # The admin the key acts as: the key goes with their account.
    sa.Column(
        "owner_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=True),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
    sa.Column("last_used_at", UtcDateTime(), nullable=True),
    sa.Column("last_used_ip", sa.String(64), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
)

api_responses = sa.Table(
    "api_responses",
    metadata,
    sa.Column(
        "key_id",
        sa.String(36),
        sa.ForeignKey("api_keys.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("idempotency_key", sa.String(255), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("status", sa.Integer(), nullable=False),
    sa.Column("body", sa.Text(), nullable=False),
    sa.Column("location", sa.String(500), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False, index=True),
)


def postgresql_only(index: sa.Index) -> bool:
    """Whether ``index`` uses an access method of PostgreSQL's own (GIN, GiST): the migrations
    create such indexes on PostgreSQL alone."""
    using = index.dialect_options["postgresql"]["using"]
    return bool(using) and str(using).lower() != "btree"


def tables_for(dialect_name: str, target: sa.MetaData = metadata) -> sa.MetaData:
    """The tables of ``target`` as a ``dialect_name`` database holds them once migrated: on
    other databases than PostgreSQL, without PostgreSQL's own indexes."""
    if dialect_name == "postgresql" or not any(
        postgresql_only(index) for table in target.tables.values() for index in table.indexes
    ):
        return target
    copy = sa.MetaData(naming_convention=target.naming_convention)
    for table in target.sorted_tables:
        copied = table.to_metadata(copy)
        for index in list(copied.indexes):
            if postgresql_only(index):
                copied.indexes.discard(index)
    return copy


# The FAQ: an anchor is unique within its language (the public page links to it).
faq_entries = sa.Table(
    "faq_entries",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("anchor", sa.String(80), nullable=False),
    sa.Column("question", sa.String(300), nullable=False),
    sa.Column("answer", sa.Text(), nullable=False),
    sa.Column("category", sa.String(80), nullable=False),
    sa.Column("published", sa.Boolean(), nullable=False),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("language", "anchor", name="uq_faq_entries_language_anchor"),
    sa.Index("ix_faq_entries_language_position", "language", "position"),
)

# --------------------------------------------------------------------------- bookings

booking_services = sa.Table(
    "booking_services",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name_pt", sa.String(120), nullable=False),
    sa.Column("name_en", sa.String(120), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("duration_minutes", sa.Integer(), nullable=False),
    sa.Column("price_cents", sa.BigInteger(), nullable=True),
    sa.Column("buffer_minutes", sa.Integer(), nullable=False),
    sa.Column("audience", sa.String(16), nullable=False),
    # The staff members who perform it, in order: ["<account id>", ...].
    sa.Column("staff_ids", sa.JSON(), nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
)

# One row per staff member: weekly ranges and exceptions as JSON (local times).
booking_availability = sa.Table(
    "booking_availability",
    metadata,
    sa.Column(
        "staff_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("weekly", sa.JSON(), nullable=False),
    sa.Column("exceptions", sa.JSON(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
)

# The booking rules: one row (id 1).
booking_rules = sa.Table(
    "booking_rules",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("time_zone", sa.String(64), nullable=False),
    sa.Column("min_notice_minutes", sa.Integer(), nullable=False),
    sa.Column("horizon_days", sa.Integer(), nullable=False),
    sa.Column("cancel_hours", sa.Integer(), nullable=False),
    sa.Column("step_minutes", sa.Integer(), nullable=False),
)

# On PostgreSQL the migration adds an exclusion constraint (btree_gist):
#   EXCLUDE USING gist (staff_id WITH =, tstzrange(starts_at, blocked_until) WITH &&)
#   WHERE (status <> 'cancelled')
# so that no two bookings that hold time overlap for one staff member. SQLite checks the
# same inside the write transaction (see ``sql/bookings.py``).
bookings = sa.Table(
    "bookings",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column(
        "service_id",
        sa.String(36),
        sa.ForeignKey("booking_services.id", ondelete="RESTRICT"),
        nullable=False,
        index=True,
    ),
    sa.Column(
        "staff_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="RESTRICT"),
        nullable=False,
    ),
    sa.Column("starts_at", UtcDateTime(), nullable=False),
    sa.Column("ends_at", UtcDateTime(), nullable=False),
    sa.Column("blocked_until", UtcDateTime(), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("phone", sa.String(40), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    # The client's account: their bookings are erased with it.
    sa.Column(
        "account_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    ),
    sa.Column("contact_consent_at", UtcDateTime(), nullable=False),
    sa.Column(
        "booked_by",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column("moves", sa.Integer(), nullable=False),
    sa.Column("reminder_sent_at", UtcDateTime(), nullable=True),
    sa.Column("cancelled_at", UtcDateTime(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Index("ix_bookings_staff_starts", "staff_id", "starts_at"),
    sa.Index("ix_bookings_starts_at", "starts_at"),
)
