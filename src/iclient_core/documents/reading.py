"""Use cases: a client finds their documents (the list and the dashboard's latest few)."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from iclient_core.accounts import Account
from iclient_core.documents.inputs import list_query
from iclient_core.documents.model import VISIBLE_TO_CLIENT, Document, DocumentPage, DocumentQuery
from iclient_core.services import Services


@attrs.frozen
class MyDocuments:
    """A page of the client's own documents, the filters applied, and the years to offer."""

    page: DocumentPage
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
        return MyDocuments(
            page=uow.documents.list(query),
            query=query,
            years=uow.documents.years(actor.id, VISIBLE_TO_CLIENT),
        )


def latest_documents(*, services: Services, actor: Account, limit: int = 5) -> Sequence[Document]:
    """The signed-in person's few newest ready documents (the dashboard)."""
    query = DocumentQuery(client_id=actor.id, statuses=VISIBLE_TO_CLIENT, per_page=limit)
    with services.uow() as uow:
        return uow.documents.list(query).items
