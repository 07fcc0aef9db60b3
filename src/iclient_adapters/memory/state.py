"""The state of an in-memory store: one dict per aggregate, each copied by a transaction
the first time it uses it (``store.WorkingState``)."""

from __future__ import annotations

import attrs

from iclient_core.accounts.model import Account
from iclient_core.accounts.second_factor import Authenticator, Passkey, RecoveryCode
from iclient_core.accounts.sessions import SignInSession
from iclient_core.bookings.model import Availability, Booking, BookingRules, Service
from iclient_core.consent.model import ConsentKind, ConsentRecord, ConsentVersion
from iclient_core.documents.model import Document, DownloadRecord, FileCheck
from iclient_core.help.faq import FaqEntry
from iclient_core.help.page_ports import PageHelpText
from iclient_core.inbox.model import Form, Submission
from iclient_core.integrations.model import ApiKey, KeptResponse
from iclient_core.notifications.model import OutboxMessage
from iclient_core.notifications.preferences import NotificationPreferences
from iclient_core.quotes.model import Quote
from iclient_core.shared.audit import AuditEntry
from iclient_core.shared.business import BusinessSettings
from iclient_core.support.model import CannedAnswer, Conversation, Message
from iclient_core.webhooks.model import Attempt, Delivery, Endpoint


@attrs.define
class MemoryState:
    accounts: dict[str, Account] = attrs.Factory(dict)
    sessions: dict[str, SignInSession] = attrs.Factory(dict)
    authenticators: dict[str, Authenticator] = attrs.Factory(dict)
    recovery_codes: dict[str, RecoveryCode] = attrs.Factory(dict)
    passkeys: dict[str, Passkey] = attrs.Factory(dict)
    outbox: dict[str, OutboxMessage] = attrs.Factory(dict)
    audit: dict[str, AuditEntry] = attrs.Factory(dict)
    consent_kinds: dict[str, ConsentKind] = attrs.Factory(dict)
    consent_versions: dict[str, ConsentVersion] = attrs.Factory(dict)
    consent_records: dict[str, ConsentRecord] = attrs.Factory(dict)
    settings: dict[str, BusinessSettings] = attrs.Factory(dict)
    documents: dict[str, Document] = attrs.Factory(dict)
    document_downloads: dict[str, DownloadRecord] = attrs.Factory(dict)
    document_file_checks: dict[str, FileCheck] = attrs.Factory(dict)
    quotes: dict[str, Quote] = attrs.Factory(dict)
    page_help: dict[str, PageHelpText] = attrs.Factory(dict)
    faq_entries: dict[str, FaqEntry] = attrs.Factory(dict)
    inbox_forms: dict[str, Form] = attrs.Factory(dict)
    inbox_submissions: dict[str, Submission] = attrs.Factory(dict)
    notification_preferences: dict[str, NotificationPreferences] = attrs.Factory(dict)
    booking_services: dict[str, Service] = attrs.Factory(dict)
    booking_availability: dict[str, Availability] = attrs.Factory(dict)
    booking_rules: dict[str, BookingRules] = attrs.Factory(dict)
    bookings: dict[str, Booking] = attrs.Factory(dict)
    webhook_endpoints: dict[str, Endpoint] = attrs.Factory(dict)
    webhook_deliveries: dict[str, Delivery] = attrs.Factory(dict)
    webhook_attempts: dict[str, Attempt] = attrs.Factory(dict)
    support_conversations: dict[str, Conversation] = attrs.Factory(dict)
    support_messages: dict[str, Message] = attrs.Factory(dict)
    support_seen: dict[str, int] = attrs.Factory(dict)
    support_canned: dict[str, CannedAnswer] = attrs.Factory(dict)
    api_keys: dict[str, ApiKey] = attrs.Factory(dict)
    api_responses: dict[str, KeptResponse] = attrs.Factory(dict)
    # Counters (the portal's revision) add up when two transactions change them at once.
    counters: dict[str, int] = attrs.Factory(dict)
    # A new aggregate adds a dict here, a repository module, and a line in MemoryUnitOfWork.
    generation: int = 0
