"""The staff's list of documents their clients never opened, in the core."""

from __future__ import annotations

import pytest

from iclient_core.accounts.model import Role
from iclient_core.documents.reading import count_unopened, unopened_documents
from iclient_core.services import Services
from iclient_core.shared.errors import PermissionDenied
from iclient_core.staff.members import create_staff
from tests.unit.helpers import PASSWORD, active_client


def test_a_client_cannot_list_documents_nobody_opened(services: Services) -> None:
    client = active_client(services)
    with pytest.raises(PermissionDenied):
        unopened_documents(services=services, actor=client)
    with pytest.raises(PermissionDenied):
        count_unopened(services=services, actor=client)


def test_staff_see_an_empty_list_when_there_is_nothing_to_chase(services: Services) -> None:
    staff = create_staff(
        services=services, email="colaborador@example.com", role=Role.STAFF, password=PASSWORD
    )
    found = unopened_documents(services=services, actor=staff, page=0)
    assert (found.page.items, found.page.total, found.page.number, found.page.pages) == (
        (),
        0,
        1,
        1,
    )
    assert count_unopened(services=services, actor=staff) == 0
