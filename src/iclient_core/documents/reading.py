"""Use cases: a client finds their documents (the list and the dashboard's latest few)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import Permission, Tally, require, tally
from iclient_core.documents.inputs import list_query
from iclient_core.documents.model import VISIBLE_TO_CLIENT, Document, DocumentQuery
from iclient_core.shared.paging import Page

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork


@attrs.frozen
class MyDocuments:
    """A page of the client's own documents, the filters applied, and the years to offer."""

    page: Page[Document]
    query: DocumentQuery
    years: Sequence[int]


def my_documents(
    *,
    services: Services,
    actor: Account,
    category: str | None = None,
    year: str | None = None,
    search: str | None = None,
    page: str | None = None,
    per_page: int = 20,
) -> MyDocuments:
    """The signed-in person's ready documents, newest first, filtered and paginated.

    Filters come as typed in a URL; malformed ones are ignored. Nobody sees another
    person's documents here: the list is always the actor's own.
    """
    query = list_query(
        client_id=actor.id,
        statuses=VISIBLE_TO_CLIENT,
        category=category,
        year=year,
        search=search,
        page=page,
        per_page=per_page,
    )
    with services.uow() as uow:
        found, years = uow.documents.list_with_years(query)
        return MyDocuments(page=found, query=query, years=years)


def latest_documents(*, services: Services, actor: Account, limit: int = 5) -> Sequence[Document]:
    """The signed-in person's few newest ready documents (the dashboard)."""
    query = DocumentQuery(client_id=actor.id, statuses=VISIBLE_TO_CLIENT, per_page=limit)
    with services.uow() as uow:
        return uow.documents.list(query).items


UNOPENED_AFTER_DAYS = 7
"""A ready document its client has not opened after this many days needs attention."""


@attrs.frozen
class UnopenedDocuments:
    """One page of documents their clients never opened, with those clients.

    Attributes:
        page: the documents, oldest publication first.
        clients: their clients, by id.
        days: how long after publication a document counts as not opened.
    """

    page: Page[Document]
    clients: dict[str, Account]
    days: int


def unopened_documents(
    *,
    services: Services,
    actor: Account,
    days: int = UNOPENED_AFTER_DAYS,
    page: int = 1,
    per_page: int = 25,
) -> UnopenedDocuments:
    """Ready documents not opened by their client ``days`` after publication, oldest first.

    Three statements per page whatever the numbers: the page, its count and its clients.

    Raises:
        PermissionDenied: the actor may not manage documents.
    """
    page = max(page, 1)
    before = services.clock.now() - timedelta(days=max(days, 0))
    with services.uow() as uow:
        actor = require(uow, actor, Permission.DOCUMENTS_MANAGE)
        found = list(uow.documents.unopened(before, limit=per_page, offset=(page - 1) * per_page))
        total = uow.documents.count_unopened(before)
        clients = uow.accounts.get_many({d.client_id for d in found})
    return UnopenedDocuments(
        page=Page(items=tuple(found), total=total, number=page, size=per_page),
        clients=clients,
        days=days,
    )


def unopened_tally(days: int = UNOPENED_AFTER_DAYS) -> Tally:
    """The count of ready documents their clients have not opened ``days`` after
    publication, as staff see it at a glance (one statement)."""

    def read(services: Services, uow: UnitOfWork) -> int:
        return uow.documents.count_unopened(services.clock.now() - timedelta(days=days))

    return Tally(Permission.DOCUMENTS_MANAGE, read)


DOCUMENTS_UNOPENED = unopened_tally()
"""The staff dashboard's documents never opened by their client."""


def count_unopened(*, services: Services, actor: Account, days: int = UNOPENED_AFTER_DAYS) -> int:
    """How many ready documents their clients have not opened ``days`` after publication.

    Raises:
        PermissionDenied: the actor may not manage documents.
    """
    return tally(services, actor, unopened_tally(days))
