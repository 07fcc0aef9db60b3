"""Help on every page, in the core: managers write a page's help in place of the shipped
one or restore it; every change is audited and moves the portal's revision on."""

from __future__ import annotations

import pytest

from iclient_core.accounts.model import Role
from iclient_core.help import (
    page_help_for_editing,
    page_help_overrides,
    restore_page_help,
    save_page_help,
)
from iclient_core.help.pages import MAX_PAGE_HELP
from iclient_core.services import Services
from iclient_core.shared.errors import InvalidInput, PermissionDenied
from iclient_core.staff.settings import portal_revision
from tests.unit.helpers import IP
from tests.unit.staff_helpers import actions, audit_trail, staff_member


def test_a_manager_writes_a_pages_help_and_every_process_is_told(services: Services) -> None:
    admin = staff_member(services)
    before = portal_revision(services=services)
    saved = save_page_help(
        services=services,
        actor=admin,
        page="documents.index",
        language="pt",
        text="As suas **faturas**.  \r\n\r\n- uma\r\n\r\n",
        ip=IP,
    )
    assert saved.text == "As suas **faturas**.\n\n- uma"
    assert page_help_overrides(services=services) == {("documents.index", "pt"): saved.text}
    assert portal_revision(services=services) == before + 1
    (entry,) = audit_trail(services, action="help.page_updated")
    assert entry.actor_id == admin.id and entry.ip == IP
    assert entry.details == {"page": "documents.index", "language": "pt"}


def test_restoring_forgets_the_text_and_a_second_restore_changes_nothing(
    services: Services,
) -> None:
    admin = staff_member(services)
    save_page_help(services=services, actor=admin, page="account.show", language="en", text="Hi")
    save_page_help(services=services, actor=admin, page="account.show", language="pt", text="Olá")
    assert restore_page_help(services=services, actor=admin, page="account.show", language="en")
    revision = portal_revision(services=services)
    assert not restore_page_help(services=services, actor=admin, page="account.show", language="en")
    assert portal_revision(services=services) == revision
    assert page_help_overrides(services=services) == {("account.show", "pt"): "Olá"}
    assert actions(services, target_id="account.show:en") == [
        "help.page_updated",
        "help.page_restored",
    ]


@pytest.mark.parametrize(
    ("page", "language", "text", "field", "code"),
    [
        ("documents.index", "pt", "   \n ", "text", "required"),
        ("documents.index", "pt", None, "text", "required"),
        ("documents.index", "pt", "x" * (MAX_PAGE_HELP + 1), "text", "too_long"),
        ("documents.index", "pt", "bad\x00text", "text", "invalid_characters"),
        ("documents.index", "fr", "Bonjour", "language", "invalid_choice"),
        ("../../etc/passwd", "pt", "Olá", "page", "invalid_choice"),
        ("Documents.Index", "pt", "Olá", "page", "invalid_choice"),
    ],
)
def test_bad_help_is_refused_with_a_code_and_nothing_is_stored(
    services: Services, page: str, language: str, text: str | None, field: str, code: str
) -> None:
    admin = staff_member(services)
    with pytest.raises(InvalidInput) as refused:
        save_page_help(services=services, actor=admin, page=page, language=language, text=text)
    assert refused.value.by_field() == {field: [code]}
    assert page_help_overrides(services=services) == {}
    assert actions(services, action="help.page_updated") == []


def test_collaborators_may_not_write_read_for_editing_or_restore_help(services: Services) -> None:
    admin = staff_member(services)
    save_page_help(services=services, actor=admin, page="home.dashboard", language="pt", text="A")
    collaborator = staff_member(services, role=Role.STAFF, email="colaborador@example.pt")
    with pytest.raises(PermissionDenied):
        save_page_help(
            services=services,
            actor=collaborator,
            page="home.dashboard",
            language="pt",
            text="B",
        )
    with pytest.raises(PermissionDenied):
        page_help_for_editing(
            services=services, actor=collaborator, page="home.dashboard", language="pt"
        )
    with pytest.raises(PermissionDenied):
        restore_page_help(
            services=services, actor=collaborator, page="home.dashboard", language="pt"
        )
    assert page_help_overrides(services=services) == {("home.dashboard", "pt"): "A"}
