"""The ``Quote`` aggregate: a request, its proposal versions, its states, history and decision.

States and who moves a quote between them (:data:`TRANSITIONS` is the only authority)::

    requested ──draft──▶ draft ──send──▶ sent ──accept──▶ accepted
        ▲                  ▲               ├──decline──▶ declined
        │                  └────revise─────┤──expire───▶ expired ──renew──▶ requested
        │                                  │                └──revise──▶ draft
    withdraw (client) / cancel (staff) from requested, draft or sent ▶ withdrawn / cancelled

Every transition is appended to ``events`` with its actor and time. Sending freezes the
current proposal with a SHA-256 of its content; revising starts a new version from a copy,
and the frozen ones stay readable. ``version`` is the optimistic-locking counter: of two
changes made from the same read, the repository saves one and refuses the other.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
from collections.abc import Mapping
from datetime import date, datetime

import attrs

from iclient_core.quotes.pricing import Discount, Line, Totals, compute_totals
from iclient_core.shared.errors import DomainError
from iclient_core.shared.money import DEFAULT_CURRENCY, Money


class QuoteState(enum.StrEnum):
    """Where a quote stands."""

    REQUESTED = "requested"
    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"

    @property
    def is_decided(self) -> bool:
        """True once nothing more can happen to the quote."""
        return self in _DECIDED


_DECIDED = frozenset(
    {QuoteState.ACCEPTED, QuoteState.DECLINED, QuoteState.WITHDRAWN, QuoteState.CANCELLED}
)


class Action(enum.StrEnum):
    """What can be done to a quote. ``REQUEST`` only opens the history (it has no origin)."""

    REQUEST = "request"
    DRAFT = "draft"
    EDIT = "edit"
    SEND = "send"
    REVISE = "revise"
    ACCEPT = "accept"
    DECLINE = "decline"
    EXPIRE = "expire"
    WITHDRAW = "withdraw"
    CANCEL = "cancel"
    RENEW = "renew"
    INVITE = "invite"


class Side(enum.StrEnum):
    """Who acts: the client, the business's staff, or the system (expiry)."""

    CLIENT = "client"
    STAFF = "staff"
    SYSTEM = "system"


@attrs.frozen
class Transition:
    """Where an allowed action leads, and who may take it."""

    to: QuoteState
    by: frozenset[Side]


_S, _C, _SYS = frozenset({Side.STAFF}), frozenset({Side.CLIENT}), frozenset({Side.SYSTEM})
_REQ, _DRAFT, _SENT = QuoteState.REQUESTED, QuoteState.DRAFT, QuoteState.SENT

TRANSITIONS: Mapping[tuple[QuoteState, Action], Transition] = {
    (_REQ, Action.DRAFT): Transition(_DRAFT, _S),
    (_REQ, Action.INVITE): Transition(_REQ, _S),
    (_DRAFT, Action.EDIT): Transition(_DRAFT, _S),
    (_DRAFT, Action.INVITE): Transition(_DRAFT, _S),
    (_DRAFT, Action.SEND): Transition(_SENT, _S),
    (_SENT, Action.REVISE): Transition(_DRAFT, _S),
    (_SENT, Action.ACCEPT): Transition(QuoteState.ACCEPTED, _C),
    (_SENT, Action.DECLINE): Transition(QuoteState.DECLINED, _C),
    (_SENT, Action.EXPIRE): Transition(QuoteState.EXPIRED, _SYS),
    (QuoteState.EXPIRED, Action.RENEW): Transition(_REQ, _C),
    (QuoteState.EXPIRED, Action.REVISE): Transition(_DRAFT, _S),
    **{(s, Action.WITHDRAW): Transition(QuoteState.WITHDRAWN, _C) for s in (_REQ, _DRAFT, _SENT)},
    **{(s, Action.CANCEL): Transition(QuoteState.CANCELLED, _S) for s in (_REQ, _DRAFT, _SENT)},
}
"""Every allowed (state, action) pair; anything else is refused with ``InvalidTransition``.

``EDIT`` (changing a draft) and ``INVITE`` (turning a visitor into a client) keep the state;
they are here so that the table says when they are allowed.
"""


# --------------------------------------------------------------------------- errors


class InvalidTransition(DomainError):
    """The action is not allowed from the quote's state, or not for this side."""

    code = "quote_transition_refused"

    def __init__(self, state: QuoteState, action: Action, side: Side) -> None:
        super().__init__(f"{side.value} may not {action.value} a {state.value} quote")
        self.state = state
        self.action = action
        self.side = side


class QuoteExpired(DomainError):
    """The proposal's validity date has passed: it can no longer be accepted."""

    code = "quote_expired"


class ProposalChanged(DomainError):
    """The client decided on a proposal version that is no longer the one on offer."""

    code = "quote_changed"


# --------------------------------------------------------------------------- values


@attrs.frozen
class Actor:
    """Who did something, as the history keeps it (the label survives the account)."""

    side: Side
    id: str | None
    label: str

    @classmethod
    def system(cls) -> Actor:
        """The portal itself (expiry)."""
        return cls(Side.SYSTEM, None, "system")


_UNSAFE_IN_FILE_NAMES = re.compile(r"[^A-Za-z0-9]+")


@attrs.frozen
class QuoteNumber:
    """The number people quote: a prefix, the year and the year's sequence, ``ORC 2026/0007``.

    The sequence restarts every year; the repository hands them out
    (:meth:`~iclient_core.quotes.ports.QuoteRepository.next_number`), never twice. The
    prefix is the one in force when the quote was asked for: changing it later does not
    renumber the quotes already made.

    Attributes:
        prefix: letters and digits chosen in the business settings (``ORC`` by default), or
            empty.
        year: the business's year when the quote was asked for.
        sequence: the quote's place in that year, from 1.
    """

    prefix: str
    year: int
    sequence: int

    def __str__(self) -> str:
        label = f"{self.year}/{self.sequence:04d}"
        return f"{self.prefix} {label}" if self.prefix else label

    @property
    def file_stem(self) -> str:
        """The number as a file name without extension: ``ORC-2026-0007`` (ASCII letters,
        digits and hyphens only)."""
        return _UNSAFE_IN_FILE_NAMES.sub("-", str(self)).strip("-")


@attrs.frozen
class VisitorContact:
    """Who asked for a quote without an account, and when they agreed to be contacted."""

    name: str
    email: str
    phone: str
    contact_consent_at: datetime


@attrs.frozen
class Attachment:
    """The file a client sent with their request, as stored (the bytes are in the storage).

    Attributes:
        key: where the bytes are in the ``FileStorage`` (made by the server).
        display_name: the client's file name made safe; for display and download only.
        content_type: the allowed type told by the file's leading bytes.
        size: the number of bytes.
        sha256: the SHA-256 of the bytes (hex), computed while they were stored.
    """

    key: str
    display_name: str
    content_type: str
    size: int
    sha256: str


@attrs.frozen
class ProposalContent:
    """What staff compose: the priced lines, the discount, the validity and a message."""

    lines: tuple[Line, ...] = ()
    discount: Discount | None = None
    valid_until: date | None = None
    message: str = ""
    currency: str = DEFAULT_CURRENCY

    @property
    def totals(self) -> Totals:
        """The totals of the lines with the discount."""
        return compute_totals(self.lines, self.discount, self.currency)


@attrs.frozen
class Proposal:
    """One version of the priced answer. Frozen (``sent_at`` set, hashed) once sent."""

    number: int
    content: ProposalContent
    created_at: datetime
    created_by: str
    sent_at: datetime | None = None
    content_hash: str | None = None

    @property
    def is_frozen(self) -> bool:
        """True once the version was sent: it never changes again."""
        return self.sent_at is not None

    @property
    def totals(self) -> Totals:
        """The totals of this version."""
        return self.content.totals


@attrs.frozen
class QuoteEvent:
    """One transition in a quote's history."""

    seq: int
    at: datetime
    action: Action
    from_state: QuoteState | None
    to_state: QuoteState
    actor: Actor
    proposal_number: int | None = None
    note: str = ""


@attrs.frozen
class Decision:
    """The client's answer: what, when, by whom, from where, and on exactly which content."""

    action: Action
    at: datetime
    account_id: str
    account_label: str
    ip: str
    proposal_number: int
    content_hash: str
    reason: str = ""


def content_hash(
    *, quote_id: str, client_id: str | None, subject: str, number: int, content: ProposalContent
) -> str:
    """The SHA-256 of a proposal's canonical JSON: what the client sees and accepts."""
    totals = content.totals
    document = {
        "quote": quote_id,
        "client": client_id,
        "subject": subject,
        "version": number,
        "currency": content.currency,
        "lines": [
            [line.description, line.quantity.thousandths, line.unit_price.cents, line.vat_rate]
            for line in content.lines
        ],
        "discount": (
            [content.discount.kind.value, content.discount.value] if content.discount else None
        ),
        "valid_until": content.valid_until.isoformat() if content.valid_until else None,
        "message": content.message,
        "totals": {
            "by_rate": [
                [r.rate, r.net.cents, r.discount.cents, r.vat.cents] for r in totals.by_rate
            ],
            "subtotal": totals.subtotal.cents,
            "discount": totals.discount.cents,
            "vat": totals.vat.cents,
            "total": totals.total.cents,
        },
    }
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- the aggregate


@attrs.define
class Quote:
    """A quote: asked for by a client (or a visitor), answered by staff, decided by the client.

    Build one with :meth:`request` or :meth:`request_by_visitor`; storage adapters rebuild
    stored ones with their own converter. Every change goes through a method that checks
    :data:`TRANSITIONS`.
    """

    id: str
    number: QuoteNumber
    client_id: str | None
    subject: str
    details: str
    desired_date: date | None
    language: str
    created_at: datetime
    updated_at: datetime
    state: QuoteState = QuoteState.REQUESTED
    visitor: VisitorContact | None = None
    proposals: list[Proposal] = attrs.Factory(list)
    events: list[QuoteEvent] = attrs.Factory(list)
    decision: Decision | None = None
    attachment: Attachment | None = None
    version: int = 0

    # ------------------------------------------------------------------ construction

    @classmethod
    def request(
        cls,
        *,
        id: str,
        number: QuoteNumber,
        client: Actor,
        subject: str,
        details: str,
        desired_date: date | None,
        language: str,
        now: datetime,
        attachment: Attachment | None = None,
    ) -> Quote:
        """A signed-in client's request, optionally with the file they attached."""
        quote = cls(
            id=id,
            number=number,
            client_id=client.id,
            subject=subject,
            details=details,
            desired_date=desired_date,
            language=language,
            created_at=now,
            updated_at=now,
            attachment=attachment,
        )
        quote._record(Action.REQUEST, None, client, now)
        return quote

    @classmethod
    def request_by_visitor(
        cls,
        *,
        id: str,
        number: QuoteNumber,
        visitor: VisitorContact,
        subject: str,
        details: str,
        language: str,
        now: datetime,
    ) -> Quote:
        """A request from the public form, by someone without an account (yet)."""
        quote = cls(
            id=id,
            number=number,
            client_id=None,
            subject=subject,
            details=details,
            desired_date=None,
            language=language,
            created_at=now,
            updated_at=now,
            visitor=visitor,
        )
        quote._record(Action.REQUEST, None, Actor(Side.CLIENT, None, visitor.email), now)
        return quote

    # ------------------------------------------------------------------ reading

    @property
    def reference(self) -> str:
        """The number people quote (``ORC 2026/0007``): on every page, e-mail and PDF."""
        return str(self.number)

    @property
    def current_proposal(self) -> Proposal | None:
        """The newest version (a draft being edited, or the last one sent)."""
        return self.proposals[-1] if self.proposals else None

    @property
    def sent_proposal(self) -> Proposal | None:
        """The newest version that was sent (what the client sees), or None."""
        for proposal in reversed(self.proposals):
            if proposal.is_frozen:
                return proposal
        return None

    def proposal(self, number: int) -> Proposal | None:
        """Version ``number``, or None."""
        for proposal in self.proposals:
            if proposal.number == number:
                return proposal
        return None

    def is_overdue(self, today: date) -> bool:
        """True when the quote is sent and its validity date has passed."""
        sent = self.sent_proposal
        return (
            self.state is QuoteState.SENT
            and sent is not None
            and sent.content.valid_until is not None
            and sent.content.valid_until < today
        )

    def effective_state(self, today: date) -> QuoteState:
        """The state, counting a sent quote past its validity date as expired."""
        return QuoteState.EXPIRED if self.is_overdue(today) else self.state

    def waiting_for(self, today: date) -> Side | None:
        """Whose move it is: staff (to propose), the client (to decide), or nobody."""
        return waiting_for(self.effective_state(today))

    def for_client(self) -> Quote:
        """A copy without the versions staff have not sent (drafts are staff's business)."""
        return attrs.evolve(
            self,
            proposals=[p for p in self.proposals if p.is_frozen],
            events=list(self.events),
        )

    def hash_is_intact(self, proposal: Proposal) -> bool:
        """True when a sent version's content still matches the hash taken when it was sent."""
        return proposal.content_hash == self._hash(proposal.number, proposal.content)

    # ------------------------------------------------------------------ transitions

    def check(self, action: Action, side: Side) -> Transition:
        """The transition for ``action`` by ``side`` from the current state.

        Raises:
            InvalidTransition: the table does not allow it.
        """
        found = TRANSITIONS.get((self.state, action))
        if found is None or side not in found.by:
            raise InvalidTransition(self.state, action, side)
        return found

    def _apply(
        self,
        action: Action,
        actor: Actor,
        now: datetime,
        *,
        proposal_number: int | None = None,
        note: str = "",
    ) -> None:
        transition = self.check(action, actor.side)
        before, self.state = self.state, transition.to
        self.updated_at = now
        self._record(action, before, actor, now, proposal_number=proposal_number, note=note)

    def _record(
        self,
        action: Action,
        before: QuoteState | None,
        actor: Actor,
        now: datetime,
        *,
        proposal_number: int | None = None,
        note: str = "",
    ) -> None:
        self.events.append(
            QuoteEvent(
                seq=len(self.events) + 1,
                at=now,
                action=action,
                from_state=before,
                to_state=self.state,
                actor=actor,
                proposal_number=proposal_number,
                note=note,
            )
        )

    def save_draft(self, content: ProposalContent, actor: Actor, now: datetime) -> Proposal:
        """Put ``content`` in the draft: the first version from a request, else the open draft.

        Raises:
            InvalidTransition: the quote is neither requested nor a draft.
        """
        if self.state is QuoteState.REQUESTED:
            self._apply(Action.DRAFT, actor, now, proposal_number=len(self.proposals) + 1)
            draft = Proposal(len(self.proposals) + 1, content, now, actor.id or "")
            self.proposals.append(draft)
            return draft
        self.check(Action.EDIT, actor.side)
        current = self.proposals[-1]
        draft = attrs.evolve(current, content=content)
        self.proposals[-1] = draft
        self.updated_at = now
        return draft

    def send(self, actor: Actor, now: datetime) -> Proposal:
        """Freeze the draft with its content hash and offer it to the client.

        Callers check the content first (lines, validity, a client to send to).

        Raises:
            InvalidTransition: the quote is not a draft.
        """
        self.check(Action.SEND, actor.side)
        draft = self.proposals[-1]
        frozen = attrs.evolve(
            draft, sent_at=now, content_hash=self._hash(draft.number, draft.content)
        )
        self.proposals[-1] = frozen
        self._apply(Action.SEND, actor, now, proposal_number=frozen.number)
        return frozen

    def revise(self, actor: Actor, now: datetime) -> Proposal:
        """Start a new version from a copy of the sent one (which stays as it was).

        Raises:
            InvalidTransition: the quote is neither sent nor expired.
        """
        self.check(Action.REVISE, actor.side)
        base = self.sent_proposal
        content = base.content if base is not None else ProposalContent()
        draft = Proposal(len(self.proposals) + 1, content, now, actor.id or "")
        self._apply(Action.REVISE, actor, now, proposal_number=draft.number)
        self.proposals.append(draft)
        return draft

    def decide(
        self,
        action: Action,
        actor: Actor,
        *,
        proposal_number: int,
        ip: str,
        now: datetime,
        today: date,
        reason: str = "",
    ) -> Decision:
        """The client accepts or declines the version on offer.

        Raises:
            InvalidTransition: not sent (already decided, being revised…), or not a decision.
            ProposalChanged: ``proposal_number`` is not the version on offer.
            QuoteExpired: accepting after the validity date.
        """
        if action not in (Action.ACCEPT, Action.DECLINE):
            raise InvalidTransition(self.state, action, actor.side)
        self.check(action, actor.side)
        sent = self.sent_proposal
        if sent is None or sent.number != proposal_number or sent.content_hash is None:
            raise ProposalChanged()
        if action is Action.ACCEPT and self.is_overdue(today):
            raise QuoteExpired()
        self.decision = Decision(
            action=action,
            at=now,
            account_id=actor.id or "",
            account_label=actor.label,
            ip=ip[:64],
            proposal_number=sent.number,
            content_hash=sent.content_hash,
            reason=reason,
        )
        self._apply(action, actor, now, proposal_number=sent.number, note=reason)
        return self.decision

    def withdraw(self, actor: Actor, now: datetime, *, note: str = "") -> None:
        """The client no longer wants the quote (before any decision)."""
        self._apply(Action.WITHDRAW, actor, now, note=note)

    def cancel(self, actor: Actor, now: datetime, *, note: str = "") -> None:
        """Staff close the quote (before any decision)."""
        self._apply(Action.CANCEL, actor, now, note=note)

    def expire(self, now: datetime) -> None:
        """The validity date passed without a decision."""
        sent = self.sent_proposal
        number = sent.number if sent is not None else None
        self._apply(Action.EXPIRE, Actor.system(), now, proposal_number=number)

    def renew(self, actor: Actor, now: datetime, today: date) -> None:
        """The client asks again after expiry; a sent quote past its date expires first."""
        if self.is_overdue(today):
            self.expire(now)
        self._apply(Action.RENEW, actor, now)

    def link_client(self, client_id: str, actor: Actor, now: datetime) -> None:
        """Give a visitor's request to the client account made (or found) for them."""
        self.check(Action.INVITE, actor.side)
        self.client_id = client_id
        self.updated_at = now
        self._record(Action.INVITE, self.state, actor, now)

    def _hash(self, number: int, content: ProposalContent) -> str:
        return content_hash(
            quote_id=self.id,
            client_id=self.client_id,
            subject=self.subject,
            number=number,
            content=content,
        )


def waiting_for(state: QuoteState) -> Side | None:
    """Whose move it is in ``state`` (an effective state: overdue counts as expired)."""
    if state in (QuoteState.REQUESTED, QuoteState.DRAFT):
        return Side.STAFF
    if state is QuoteState.SENT:
        return Side.CLIENT
    return None


def total_of(proposal: Proposal | None) -> Money | None:
    """The grand total of a version, or None."""
    return proposal.totals.total if proposal is not None else None
