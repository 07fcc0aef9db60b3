"""The JSON the API reads and writes, as pydantic models: they validate request bodies and
query strings, serialise answers, and their JSON Schemas (draft 2020-12, the dialect of
OpenAPI 3.1) make the API's description (see :mod:`.spec`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from iclient_core.accounts.model import Account
from iclient_core.documents.model import Document as CoreDocument
from iclient_core.integrations.model import Scope

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
assert set(ScopeName.__args__) == {s.value for s in Scope}  # type: ignore[attr-defined]  # noqa: S101

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
            status=account.status.value,  # type: ignore[arg-type]
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
            category=document.category.value,  # type: ignore[arg-type]
            status=document.status.value,  # type: ignore[arg-type]
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


class Empty(Strict):
    """No input."""


Problem.model_rebuild()
