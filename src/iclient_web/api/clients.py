"""The API's clients: find (search, cursor pages), read, create and invite, update, disable.
Each operation calls the same use case as the staff area, acting as the key's owner."""

from __future__ import annotations

from flask import url_for
from werkzeug.wrappers import Response

from iclient_core.integrations import Scope
from iclient_core.staff.clients import (
    ClientFilter,
    client_file,
    create_client,
    disable_client,
    find_clients,
    update_client,
)
from iclient_web.api.http import caller, json_answer, read_body, read_query
from iclient_web.api.schemas import Client, ClientCreate, ClientList, ClientQuery, ClientUpdate
from iclient_web.api.spec import operation
from iclient_web.deps import client_ip, services

TAG = "clients"


@operation(
    "GET",
    "/clients",
    summary="Find clients",
    scope=Scope.CLIENTS_READ,
    tag=TAG,
    query=ClientQuery,
    responses={200: ClientList},
)
def list_clients() -> Response:
    """Clients matching a search, newest first, one page; ``next_cursor`` leads on.

    ``email`` finds the one client with that address (compared as the portal compares
    addresses: without regard to case)."""
    query = read_query(ClientQuery)
    assert isinstance(query, ClientQuery)
    window = find_clients(
        services=services(),
        actor=caller().account,
        text=query.email or query.q,
        status=ClientFilter(query.status) if query.status else None,
        cursor=query.cursor,
        size=query.limit,
    )
    items = list(window.items)
    if query.email:
        wanted = query.email.strip().casefold()
        items = [a for a in items if a.email.address.casefold() == wanted]
    return json_answer(
        ClientList(
            items=[Client.of(a) for a in items],
            next_cursor=window.next_cursor,
            previous_cursor=window.previous_cursor,
        )
    )


@operation(
    "POST",
    "/clients",
    summary="Create a client and e-mail them an invitation",
    scope=Scope.CLIENTS_WRITE,
    tag=TAG,
    body=ClientCreate,
    responses={201: Client},
)
def create() -> Response:
    """A new client; they are e-mailed a link to choose their password. An address already
    in use is refused (``invalid_input``, ``email_taken``)."""
    data = read_body(ClientCreate)
    assert isinstance(data, ClientCreate)
    account = create_client(
        services=services(),
        actor=caller().account,
        first_name=data.first_name,
        last_name=data.last_name,
        email=data.email,
        phone=data.phone,
        language=data.language,
        ip=client_ip(),
    )
    return json_answer(Client.of(account), 201, url_for("api.read_client", client_id=account.id))


@operation(
    "GET",
    "/clients/{client_id}",
    summary="Read a client",
    scope=Scope.CLIENTS_READ,
    tag=TAG,
    responses={200: Client},
)
def read_client(client_id: str) -> Response:
    """One client."""
    found = client_file(
        services=services(), actor=caller().account, client_id=client_id, timeline_size=1
    )
    return json_answer(Client.of(found.account))


@operation(
    "PATCH",
    "/clients/{client_id}",
    summary="Change a client's contact data",
    scope=Scope.CLIENTS_WRITE,
    tag=TAG,
    body=ClientUpdate,
    responses={200: Client},
)
def update(client_id: str) -> Response:
    """Change the fields sent; a new e-mail address is told to the old one (or, for a
    client still to activate, gets a fresh invitation)."""
    data = read_body(ClientUpdate)
    assert isinstance(data, ClientUpdate)
    current = client_file(
        services=services(), actor=caller().account, client_id=client_id, timeline_size=1
    ).account
    account = update_client(
        services=services(),
        actor=caller().account,
        client_id=client_id,
        first_name=data.first_name if data.first_name is not None else current.profile.first_name,
        last_name=data.last_name if data.last_name is not None else current.profile.last_name,
        email=data.email if data.email is not None else current.email.address,
        phone=data.phone if data.phone is not None else current.profile.phone,
        language=data.language or current.language,
        ip=client_ip(),
    )
    return json_answer(Client.of(account))


@operation(
    "POST",
    "/clients/{client_id}/disable",
    summary="Disable a client",
    scope=Scope.CLIENTS_WRITE,
    tag=TAG,
    responses={200: Client},
)
def disable(client_id: str) -> Response:
    """Close the client's account: they cannot sign in, and their sessions end at once."""
    disable_client(services=services(), actor=caller().account, client_id=client_id, ip=client_ip())
    found = client_file(
        services=services(), actor=caller().account, client_id=client_id, timeline_size=1
    )
    return json_answer(Client.of(found.account))
