"""The FAQ's rules in the core: anchors, search, order, language moves, permissions."""

from __future__ import annotations

import pytest

from iclient_core.accounts.model import Role
from iclient_core.help.faq import fold, slug, unique_anchor
from iclient_core.help.faq_use_cases import (
    FaqInput,
    add_faq_entry,
    edit_faq_entry,
    faq_entries,
    move_faq_entry,
    published_faq,
)
from iclient_core.services import Services
from iclient_core.shared.errors import InvalidInput, NotFound, PermissionDenied
from tests.unit.staff_helpers import staff_member


def given(
    question: str, *, language: str = "pt", category: str = "", published: bool = True
) -> FaqInput:
    return FaqInput(
        question=question,
        answer="Resposta.",
        category=category,
        language=language,
        published=published,
    )


def test_anchors_are_readable_slugs_without_accents() -> None:
    assert fold("Ação RÁPIDA") == "acao rapida"
    assert slug("Como peço um orçamento?") == "como-peco-um-orcamento"
    assert slug("???") == "question"
    assert len(slug("palavra " * 40)) <= 80
    assert unique_anchor("Olá", ["ola", "ola-2"]) == "ola-3"


def test_entries_are_ordered_and_moves_stay_in_their_language(services: Services) -> None:
    admin = staff_member(services)
    a = add_faq_entry(services=services, actor=admin, given=given("A?"))
    b = add_faq_entry(services=services, actor=admin, given=given("B?"))
    add_faq_entry(services=services, actor=admin, given=given("E?", language="en"))
    move_faq_entry(services=services, actor=admin, entry_id=a.id, up=True)  # already first
    move_faq_entry(services=services, actor=admin, entry_id=a.id, up=False)
    groups = published_faq(services=services, language="pt")
    assert [e.id for e in groups[0].entries] == [b.id, a.id]
    with pytest.raises(NotFound):
        move_faq_entry(services=services, actor=admin, entry_id="nope", up=True)


def test_groups_follow_the_first_entry_of_each_category(services: Services) -> None:
    admin = staff_member(services)
    for question, category in (("1?", "Conta"), ("2?", "Orçamentos"), ("3?", "Conta")):
        add_faq_entry(services=services, actor=admin, given=given(question, category=category))
    groups = published_faq(services=services, language="pt")
    assert [(g.category, [e.question for e in g.entries]) for g in groups] == [
        ("Conta", ["1?", "3?"]),
        ("Orçamentos", ["2?"]),
    ]
    assert published_faq(services=services, language="pt", query="orcamentos 2")[0].category == (
        "Orçamentos"
    )


def test_moving_an_entry_to_another_language_gives_it_a_free_anchor(services: Services) -> None:
    admin = staff_member(services)
    add_faq_entry(services=services, actor=admin, given=given("Olá?", language="en"))
    moved = add_faq_entry(services=services, actor=admin, given=given("Olá?"))
    after = edit_faq_entry(
        services=services, actor=admin, entry_id=moved.id, given=given("Olá?", language="en")
    )
    assert (after.language, after.anchor, after.position) == ("en", "ola-2", 2)


def test_collaborators_and_clients_may_not_manage_the_faq(services: Services) -> None:
    collaborator = staff_member(services, role=Role.STAFF, email="colab@example.pt")
    with pytest.raises(PermissionDenied):
        add_faq_entry(services=services, actor=collaborator, given=given("A?"))
    with pytest.raises(PermissionDenied):
        faq_entries(services=services, actor=collaborator)


def test_category_is_optional_but_checked(services: Services) -> None:
    admin = staff_member(services)
    with pytest.raises(InvalidInput) as error:
        add_faq_entry(services=services, actor=admin, given=given("A?", category="x" * 81))
    assert error.value.by_field() == {"category": ["too_long"]}
