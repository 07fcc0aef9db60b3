"""The JSON the API reads and writes, as pydantic models: they validate request bodies and
query strings, serialise answers, and their JSON Schemas (draft 2020-12, the dialect of
OpenAPI 3.1) make the API's description (see :mod:`.spec`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from iclient_core.accounts.model import Account
from iclient_core.bookings.model import Booking as CoreBooking
from iclient_core.bookings.model import BookingStatus
from iclient_core.bookings.model import Service as CoreService
from iclient_core.documents.model import Document as CoreDocument
from iclient_core.integrations.model import Scope
from iclient_core.support.model import CATEGORIES, Side
from iclient_core.support.model import Conversation as CoreConversation
from iclient_core.support.model import Message as CoreMessage
from iclient_core.support.model import Status as SupportStatus

ClientStatus = Literal["pending_activation", "active", "disabled", "deleted"]
Language = Literal["pt", "en"]
ScopeName = Literal[
    "clients:read",
    "clients:write",
    "documents:read",
    "documents:write",
    "quotes:read",
    "quotes:write",
    "bookings:read",
    "support:read",
]
assert set(ScopeName.__args__) == {s.value for s in Scope}  # type: ignore[attr-defined]

Line = Field(max_length=100)


class Strict(BaseModel):
    """A request body: unknown fields are refused, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Problem(BaseModel):
    """An error, as RFC 9457 describes (``application/problem+json``)."""

    type: str = Field(description="A URI naming the kind of problem.")
    title: str
    status: int
    detail: str | None = None
    code: str = Field(description="The portal's stable error code (``not_found``…).")
    errors: list[FieldProblem] | None = Field(
        default=None, description="For ``invalid_input``: each field and what is wrong."
    )


class FieldProblem(BaseModel):
    """One problem with one field."""

    field: str
    code: str


class Client(BaseModel):
    """A client of the business."""

    id: str
    email: str
    first_name: str
    last_name: str
    phone: str
    language: str
    status: ClientStatus
    created_at: datetime
    activated_at: datetime | None

    @classmethod
    def of(cls, account: Account) -> Client:
        """The client as the API shows it."""
        return cls(
            id=account.id,
            email=account.email.address,
            first_name=account.profile.first_name,
            last_name=account.profile.last_name,
            phone=account.profile.phone,
            language=account.language,
            status=account.status.value,
            created_at=account.created_at,
            activated_at=account.activated_at,
        )


class ClientList(BaseModel):
    """One page of clients, newest first; follow ``next_cursor`` for the next."""

    items: list[Client]
    next_cursor: str | None
    previous_cursor: str | None


class ClientQuery(Strict):
    """How to find clients."""

    q: str | None = Field(
        default=None, max_length=100, description="Words of the name, e-mail or phone."
    )
    email: str | None = Field(default=None, max_length=320, description="An exact e-mail.")
    status: Literal["pending_activation", "active", "disabled"] | None = None
    cursor: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=25, ge=1, le=100)


class ClientCreate(Strict):
    """A new client: they are e-mailed an invitation to choose a password."""

    first_name: str = Line
    last_name: str = Line
    email: str = Field(max_length=320)
    phone: str | None = Field(default=None, max_length=40)
    language: Language | None = None


class ClientUpdate(Strict):
    """The fields to change; those left out keep their value."""

    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)
    language: Language | None = None


class DocumentFile(BaseModel):
    """The current file of a document."""

    name: str
    content_type: str
    size: int | None
    sha256: str | None
    uploaded_at: datetime


class Document(BaseModel):
    """A document in a client's private area."""

    id: str
    client_id: str
    title: str
    category: Literal["invoice", "contract", "other"]
    status: Literal["pending", "ready", "archived"]
    reference: str | None
    issue_date: date | None
    amount_cents: int | None
    currency: str | None
    due_date: date | None
    file: DocumentFile | None
    created_at: datetime
    first_downloaded_at: datetime | None

    @classmethod
    def of(cls, document: CoreDocument) -> Document:
        """The document as the API shows it."""
        current = document.current
        return cls(
            id=document.id,
            client_id=document.client_id,
            title=document.title,
            category=document.category.value,
            status=document.status.value,
            reference=document.reference,
            issue_date=document.issue_date,
            amount_cents=document.amount.cents if document.amount else None,
            currency=document.amount.currency if document.amount else None,
            due_date=document.due_date,
            file=DocumentFile(
                name=current.display_name,
                content_type=current.content_type,
                size=current.size,
                sha256=current.sha256,
                uploaded_at=current.uploaded_at,
            )
            if current is not None
            else None,
            created_at=document.created_at,
            first_downloaded_at=document.first_downloaded_at,
        )


class DocumentList(BaseModel):
    """One page of a client's documents, newest first."""

    items: list[Document]
    page: int
    pages: int
    total: int


class DocumentQuery(Strict):
    """Which page of a client's documents."""

    page: int = Field(default=1, ge=1, le=999999)
    category: Literal["invoice", "contract", "other"] | None = None


class DocumentDetails(Strict):
    """A document's details, sent beside its file (form fields, or the query string of a
    streamed upload)."""

    title: str | None = Field(default=None, max_length=200)
    category: Literal["invoice", "contract", "other"] = "invoice"
    reference: str | None = Field(default=None, max_length=100)
    issue_date: date | None = None
    amount: str | None = Field(
        default=None, max_length=30, description="A decimal amount in euros: 123.45"
    )
    due_date: date | None = None
    filename: str | None = Field(
        default=None, max_length=255, description="The file's name, for a streamed upload."
    )


QuoteStateName = Literal[
    "requested", "draft", "sent", "accepted", "declined", "expired", "withdrawn", "cancelled"
]


class QuoteSummary(BaseModel):
    """One quote of a list."""

    id: str
    reference: str
    subject: str
    state: QuoteStateName
    client_id: str | None
    client_name: str
    client_email: str
    created_at: datetime
    updated_at: datetime
    total_cents: int | None
    currency: str | None
    valid_until: date | None


class QuoteList(BaseModel):
    """One page of quotes, newest activity first."""

    items: list[QuoteSummary]
    page: int
    pages: int
    total: int


class QuoteQuery(Strict):
    """Which quotes."""

    state: QuoteStateName | None = None
    waiting: Literal["staff", "client"] | None = Field(
        default=None, description="Only quotes waiting for this side's move."
    )
    client_id: str | None = Field(default=None, max_length=36)
    page: int = Field(default=1, ge=1, le=999999)


class QuoteLine(BaseModel):
    """One line of a proposal."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(max_length=500)
    quantity: str = Field(max_length=20, description="A decimal number: 1, 2.5, 0.125")
    unit_price: str = Field(max_length=20, description="Euros without VAT: 120.00")
    vat_rate: int = Field(ge=0, le=10000, description="Basis points: 2300 is 23 %.")


class Proposal(BaseModel):
    """The newest version of a quote's proposal (a draft, or the last one sent)."""

    number: int
    sent: bool
    lines: list[QuoteLine]
    valid_until: date | None
    message: str
    subtotal_cents: int
    total_cents: int
    currency: str


class Quote(BaseModel):
    """A quote: the client's request and the newest proposal."""

    id: str
    reference: str
    subject: str
    details: str
    desired_date: date | None
    state: QuoteStateName
    client_id: str | None
    language: str
    created_at: datetime
    updated_at: datetime
    proposal: Proposal | None


class ProposalDraft(Strict):
    """A proposal for a requested quote (or a new text for its draft)."""

    lines: list[QuoteLine] = Field(default_factory=list, max_length=100)
    valid_until: date | None = None
    message: str | None = Field(default=None, max_length=5000)


class NewLines(Strict):
    """Lines to add at the end of the draft."""

    lines: list[QuoteLine] = Field(min_length=1, max_length=100)


class Sending(Strict):
    """What may change as the draft is sent (the rest stays as drafted)."""

    valid_until: date | None = None
    message: str | None = Field(default=None, max_length=5000)


class Empty(Strict):
    """No input."""


BookingStatusName = Literal["confirmed", "cancelled", "no_show"]
assert set(BookingStatusName.__args__) == {s.value for s in BookingStatus}  # type: ignore[attr-defined]


class BookingService(BaseModel):
    """The service a booking is of."""

    id: str
    name_pt: str
    name_en: str
    duration_minutes: int


class Booking(BaseModel):
    """A booked appointment. Times are UTC; ``time_zone`` is the business's, in which the
    list's ``from`` and ``to`` days are read."""

    id: str
    status: BookingStatusName
    start: datetime
    end: datetime
    time_zone: str
    service_id: str
    service: BookingService | None = Field(description="None once the service is removed.")
    staff_id: str
    client_id: str | None = Field(description="The client's id; None for a visitor.")
    name: str
    email: str
    phone: str
    language: str
    booked_by: str | None = Field(description="The staff member who booked it for the client.")
    moves: int
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None

    @classmethod
    def of(cls, booking: CoreBooking, service: CoreService | None, time_zone: str) -> Booking:
        """The booking as the API shows it."""
        return cls(
            id=booking.id,
            status=booking.status.value,
            start=booking.start,
            end=booking.end,
            time_zone=time_zone,
            service_id=booking.service_id,
            service=BookingService(
                id=service.id,
                name_pt=service.name_pt,
                name_en=service.name_en,
                duration_minutes=service.duration_minutes,
            )
            if service is not None
            else None,
            staff_id=booking.staff_id,
            client_id=booking.account_id,
            name=booking.name,
            email=booking.email,
            phone=booking.phone,
            language=booking.language,
            booked_by=booking.booked_by,
            moves=booking.moves,
            created_at=booking.created_at,
            updated_at=booking.updated_at,
            cancelled_at=booking.cancelled_at,
        )


class BookingList(BaseModel):
    """One page of bookings, by start; follow ``next_cursor`` for the next."""

    items: list[Booking]
    next_cursor: str | None
    previous_cursor: str | None


class BookingQuery(Strict):
    """Which bookings: those starting on the days ``from`` to ``to`` (the business's local
    days, both included)."""

    from_: date | None = Field(
        default=None, alias="from", description="The first day (the business's today if left out)."
    )
    to: date | None = Field(
        default=None, description="The last day, included (``from`` + 30 days if left out)."
    )
    staff_id: str | None = Field(default=None, max_length=36)
    client_id: str | None = Field(default=None, max_length=36)
    status: BookingStatusName | None = None
    cursor: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=25, ge=1, le=100)


SupportStatusName = Literal["open", "waiting_on_client", "waiting_on_staff", "closed"]
SupportCategory = Literal["question", "technical", "billing", "documents", "other"]
assert set(SupportStatusName.__args__) == {s.value for s in SupportStatus}  # type: ignore[attr-defined]
assert SupportCategory.__args__ == CATEGORIES  # type: ignore[attr-defined]


class SupportRequestSummary(BaseModel):
    """A support request a client opened."""

    id: str
    client_id: str
    subject: str
    category: SupportCategory
    status: SupportStatusName
    assignee_id: str | None = Field(description="The staff member who looks after it.")
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime
    waiting_since: datetime | None = Field(
        description="Since when the client waits for an answer (None when staff answered last)."
    )
    closed_at: datetime | None

    @classmethod
    def fields_of(cls, conversation: CoreConversation) -> dict[str, object]:
        """The request's own fields."""
        return {
            "id": conversation.id,
            "client_id": conversation.client_id,
            "subject": conversation.subject,
            "category": conversation.category,
            "status": conversation.status.value,
            "assignee_id": conversation.assignee_id,
            "created_at": conversation.created_at,
            "updated_at": conversation.updated_at,
            "last_activity_at": conversation.last_activity_at,
            "waiting_since": conversation.waiting_since,
            "closed_at": conversation.closed_at,
        }

    @classmethod
    def of(cls, conversation: CoreConversation) -> SupportRequestSummary:
        """The request as a list shows it."""
        return cls.model_validate(cls.fields_of(conversation))


class SupportRequestList(BaseModel):
    """One page of support requests, latest activity first."""

    items: list[SupportRequestSummary]
    page: int
    pages: int
    total: int


class SupportRequestQuery(Strict):
    """Which support requests."""

    status: SupportStatusName | None = None
    category: SupportCategory | None = None
    client_id: str | None = Field(default=None, max_length=36)
    page: int = Field(default=1, ge=1, le=999999)


class SupportAttachment(BaseModel):
    """A file sent with a message: what it is, never its bytes."""

    name: str
    content_type: str
    size: int
    sha256: str


class SupportMessage(BaseModel):
    """One message of a request's conversation."""

    id: str
    side: Literal["client", "staff"]
    internal: bool = Field(
        description="An internal note of staff: never shown to the client nor e-mailed."
    )
    author_id: str | None = Field(description="None once the author's account is gone.")
    author_label: str
    text: str = Field(description="Markdown, as written.")
    attachments: list[SupportAttachment]
    created_at: datetime

    @classmethod
    def of(cls, message: CoreMessage) -> SupportMessage:
        """The message as the API shows it."""
        return cls(
            id=message.id,
            side=message.side.value,
            internal=message.internal,
            author_id=message.author_id,
            author_label=message.author_label,
            text=message.text,
            attachments=[
                SupportAttachment(
                    name=a.display_name, content_type=a.content_type, size=a.size, sha256=a.sha256
                )
                for a in message.attachments
            ],
            created_at=message.created_at,
        )


assert {s.value for s in Side} == {"client", "staff"}


class SupportRequest(SupportRequestSummary):
    """A support request with its whole conversation, staff's internal notes included (each
    marked ``internal``), in the order written."""

    messages: list[SupportMessage]

    @classmethod
    def with_messages(
        cls, conversation: CoreConversation, messages: list[SupportMessage]
    ) -> SupportRequest:
        """The request and its messages."""
        return cls.model_validate({**cls.fields_of(conversation), "messages": messages})


Problem.model_rebuild()
