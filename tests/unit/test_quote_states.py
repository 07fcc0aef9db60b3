"""The quote state machine: every (state, action, side) is either in the table and done, or
refused with ``InvalidTransition`` and changes nothing; versions freeze with their hash."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iclient_adapters.testing.quotes import TODAY, content, requested
from iclient_adapters.testing.samples import T0, at, client, staff
from iclient_core.quotes.common import actor_of
from iclient_core.quotes.model import (
    TRANSITIONS,
    Action,
    Actor,
    InvalidTransition,
    ProposalChanged,
    Quote,
    QuoteExpired,
    QuoteNumber,
    QuoteState,
    Side,
    waiting_for,
)

ANA = client()
RUI = staff("rui@example.pt")
ACTORS = {
    Side.CLIENT: actor_of(ANA),
    Side.STAFF: actor_of(RUI),
    Side.SYSTEM: Actor.system(),
}


def quote_in(state: QuoteState) -> Quote:
    """A realistic quote in ``state``, reached by the allowed path."""
    quote = requested(ANA)
    clerk, owner = ACTORS[Side.STAFF], ACTORS[Side.CLIENT]
    if state is QuoteState.REQUESTED:
        return quote
    quote.save_draft(content(), clerk, at(1))
    if state is QuoteState.DRAFT:
        return quote
    quote.send(clerk, at(2))
    if state is QuoteState.SENT:
        return quote
    if state is QuoteState.ACCEPTED or state is QuoteState.DECLINED:
        action = Action.ACCEPT if state is QuoteState.ACCEPTED else Action.DECLINE
        quote.decide(action, owner, proposal_number=1, ip="::1", now=at(3), today=TODAY)
    elif state is QuoteState.EXPIRED:
        quote.expire(at(3))
    elif state is QuoteState.WITHDRAWN:
        quote.withdraw(owner, at(3))
    else:
        quote.cancel(clerk, at(3))
    assert quote.state is state
    return quote


def perform(quote: Quote, action: Action, actor: Actor) -> None:
    """Do ``action`` through the aggregate's own method, with valid arguments."""
    if action is Action.DRAFT:
        if quote.state is not QuoteState.REQUESTED:
            quote.check(Action.DRAFT, actor.side)  # only a request becomes a first draft
        quote.save_draft(content(), actor, at(10))
    elif action is Action.EDIT:
        if quote.state is QuoteState.REQUESTED:
            quote.check(Action.EDIT, actor.side)  # a request is drafted, not edited
        quote.save_draft(content(message="changed"), actor, at(10))
    elif action is Action.SEND:
        quote.send(actor, at(10))
    elif action is Action.REVISE:
        quote.revise(actor, at(10))
    elif action in (Action.ACCEPT, Action.DECLINE):
        sent = quote.sent_proposal
        number = sent.number if sent else 1
        quote.decide(action, actor, proposal_number=number, ip="::1", now=at(10), today=TODAY)
    elif action is Action.EXPIRE:
        if actor.side is not Side.SYSTEM:
            quote.check(Action.EXPIRE, actor.side)
        quote.expire(at(10))
    elif action is Action.WITHDRAW:
        quote.withdraw(actor, at(10))
    elif action is Action.CANCEL:
        quote.cancel(actor, at(10))
    elif action is Action.RENEW:
        quote.renew(actor, at(10), TODAY)
    elif action is Action.INVITE:
        quote.link_client(ANA.id, actor, at(10))
    else:
        assert action is Action.REQUEST
        quote.check(action, actor.side)  # a request only ever opens a history


@given(
    state=st.sampled_from(list(QuoteState)),
    action=st.sampled_from(list(Action)),
    side=st.sampled_from(list(Side)),
)
def test_every_transition_is_allowed_by_the_table_or_refused(
    state: QuoteState, action: Action, side: Side
) -> None:
    quote = quote_in(state)
    before = copy.deepcopy(quote)
    allowed = TRANSITIONS.get((state, action))
    if allowed is not None and side in allowed.by:
        perform(quote, action, ACTORS[side])
        assert quote.state is allowed.to
        if action is not Action.EDIT:
            assert len(quote.events) == len(before.events) + 1
            assert quote.events[-1].action is action
            assert quote.events[-1].actor == ACTORS[side]
            assert quote.events[-1].from_state is state
    else:
        with pytest.raises(InvalidTransition) as refused:
            perform(quote, action, ACTORS[side])
        assert refused.value.code == "quote_transition_refused"
        assert refused.value.state is state
        assert quote == before  # nothing changed, not even half


def test_the_table_covers_the_lifecycle_of_the_issue() -> None:
    for state in (QuoteState.REQUESTED, QuoteState.DRAFT, QuoteState.SENT):
        assert TRANSITIONS[(state, Action.WITHDRAW)].by == {Side.CLIENT}
        assert TRANSITIONS[(state, Action.CANCEL)].by == {Side.STAFF}
    for state in (QuoteState.ACCEPTED, QuoteState.DECLINED, QuoteState.WITHDRAWN):
        assert state.is_decided
        assert not [key for key in TRANSITIONS if key[0] is state]
    assert TRANSITIONS[(QuoteState.SENT, Action.ACCEPT)].to is QuoteState.ACCEPTED
    assert TRANSITIONS[(QuoteState.EXPIRED, Action.RENEW)].to is QuoteState.REQUESTED


def test_sending_freezes_the_version_with_its_hash_and_revising_opens_a_new_one() -> None:
    quote = quote_in(QuoteState.SENT)
    first = quote.proposals[0]
    assert first.is_frozen and first.sent_at == at(2)
    assert first.content_hash is not None and len(first.content_hash) == 64
    assert quote.hash_is_intact(first)
    tampered = attrs.evolve(first, content=content(message="something else"))
    assert not quote.hash_is_intact(tampered)

    clerk = ACTORS[Side.STAFF]
    draft = quote.revise(clerk, at(3))
    assert (draft.number, draft.is_frozen, draft.content) == (2, False, first.content)
    assert quote.proposals[0] == first  # the sent one is untouched
    assert quote.sent_proposal == first
    assert quote.for_client().proposals == [first]  # the draft is staff's business
    quote.save_draft(content(message="v2"), clerk, at(4))
    second = quote.send(clerk, at(5))
    assert second.content_hash != first.content_hash
    assert [p.number for p in quote.for_client().proposals] == [1, 2]


def test_a_decision_records_who_when_where_and_exactly_what() -> None:
    quote = quote_in(QuoteState.SENT)
    decision = quote.decide(
        Action.ACCEPT,
        ACTORS[Side.CLIENT],
        proposal_number=1,
        ip="203.0.113.9",
        now=at(30),
        today=TODAY,
    )
    assert decision.account_id == ANA.id and decision.account_label == "Ana Sousa"
    assert (decision.at, decision.ip, decision.proposal_number) == (at(30), "203.0.113.9", 1)
    assert decision.content_hash == quote.proposals[0].content_hash
    assert quote.decision == decision


def test_a_decision_on_an_older_version_is_refused() -> None:
    quote = quote_in(QuoteState.SENT)
    clerk = ACTORS[Side.STAFF]
    quote.revise(clerk, at(3))
    quote.send(clerk, at(4))
    with pytest.raises(ProposalChanged):
        quote.decide(
            Action.ACCEPT, ACTORS[Side.CLIENT], proposal_number=1, ip="::1", now=at(5), today=TODAY
        )


def test_a_quote_past_its_validity_cannot_be_accepted_but_can_be_declined_or_renewed() -> None:
    quote = quote_in(QuoteState.SENT)
    later = date(2026, 2, 5)  # valid until 4 February
    assert quote.is_overdue(later) and quote.effective_state(later) is QuoteState.EXPIRED
    assert quote.effective_state(date(2026, 2, 4)) is QuoteState.SENT
    before = copy.deepcopy(quote)
    with pytest.raises(QuoteExpired):
        quote.decide(
            Action.ACCEPT, ACTORS[Side.CLIENT], proposal_number=1, ip="::1", now=at(9), today=later
        )
    assert quote == before
    quote.renew(ACTORS[Side.CLIENT], at(10), later)
    assert quote.state is QuoteState.REQUESTED
    assert [e.action for e in quote.events][-2:] == [Action.EXPIRE, Action.RENEW]
    assert quote.events[-2].actor == Actor.system()


def test_whose_move_it_is() -> None:
    assert waiting_for(QuoteState.REQUESTED) is Side.STAFF
    assert waiting_for(QuoteState.DRAFT) is Side.STAFF
    assert waiting_for(QuoteState.SENT) is Side.CLIENT
    for state in (QuoteState.ACCEPTED, QuoteState.EXPIRED, QuoteState.CANCELLED):
        assert waiting_for(state) is None
    quote = quote_in(QuoteState.SENT)
    assert quote.waiting_for(TODAY) is Side.CLIENT
    assert quote.waiting_for(TODAY + timedelta(days=60)) is None


def test_the_reference_is_the_prefixed_number_of_the_year() -> None:
    quote = attrs.evolve(requested(ANA), number=QuoteNumber("ORC", 2026, 7))
    assert quote.reference == "ORC 2026/0007"
    assert quote.number.file_stem == "ORC-2026-0007"
    assert str(QuoteNumber("", 2027, 12345)) == "2027/12345"
    assert quote.created_at == T0
