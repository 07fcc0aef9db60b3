"""The API's operations, declared once: each view says its method, path, scope, query,
body and answers, and the same declaration validates the request and makes the OpenAPI 3.1
description (``/api/v1/openapi.json``). No hand-written description can drift from the code.

Schemas come from pydantic models: their JSON Schema is draft 2020-12, the dialect OpenAPI
3.1 uses, so they go into ``components.schemas`` as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from iclient_core.integrations.model import Scope
from iclient_web.api.routes import PREFIX
from iclient_web.api.schemas import Problem

TITLE = "iclient API"
VERSION = "1.0.0"


@attrs.frozen
class Operation:
    """One operation of the API.

    Attributes:
        upload: takes a file, as ``multipart/form-data`` or as the raw body.
        etag: a read whose answers carry an ``ETag`` (304 on ``If-None-Match``).
    """

    method: str
    path: str
    operation_id: str
    summary: str
    scope: Scope
    tag: str
    responses: dict[int, type[BaseModel] | None]
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    upload: bool = False
    description: str = ""

    @property
    def etag(self) -> bool:
        """Reads carry an ETag."""
        return self.method == "GET"

    @property
    def flask_rule(self) -> str:
        """The path as a Flask rule (``{id}`` → ``<id>``)."""
        return re.sub(r"\{(\w+)\}", r"<\1>", self.path)

    @property
    def path_parameters(self) -> list[str]:
        """The names of the path's parameters."""
        return re.findall(r"\{(\w+)\}", self.path)


OPERATIONS: list[Operation] = []
"""Every declared operation, in declaration order."""

VIEWS: dict[str, Callable[..., Any]] = {}
"""The view of each operation, by operation id."""

ERRORS: dict[int, str] = {
    400: "The request could not be read.",
    401: "No API key, or one that is unknown, revoked or expired.",
    403: "The key lacks the scope (or its owner the permission) for this.",
    404: "No such thing (or none the key may know of).",
    406: "Only JSON is answered.",
    409: "It changed meanwhile, or it is not in a state that allows this.",
    413: "The body is too large.",
    415: "The body's type is not one this operation takes.",
    422: "The input broke a rule; ``errors`` says which field and why.",
    429: "Too many requests with this key; see ``Retry-After``.",
    503: "A service the portal needs is unavailable; try again later.",
}


def operation(
    method: str,
    path: str,
    *,
    summary: str,
    scope: Scope,
    tag: str,
    responses: dict[int, type[BaseModel] | None],
    query: type[BaseModel] | None = None,
    body: type[BaseModel] | None = None,
    upload: bool = False,
    description: str = "",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the decorated view as an operation (registered by :mod:`iclient_web.api`)."""

    def declare(view: Callable[..., Any]) -> Callable[..., Any]:
        found = Operation(
            method=method,
            path=path,
            operation_id=view.__name__,
            summary=summary,
            scope=scope,
            tag=tag,
            responses=responses,
            query=query,
            body=body,
            upload=upload,
            description=description or (view.__doc__ or "").strip(),
        )
        if found.operation_id in VIEWS:
            raise ValueError(f"two operations named {found.operation_id}")
        OPERATIONS.append(found)
        VIEWS[found.operation_id] = view
        return view

    return declare


def _models() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {"Problem": Problem}
    for op in OPERATIONS:
        for model in (*op.responses.values(), op.body):
            if model is not None:
                found[model.__name__] = model
    return list(found.values())


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": {k: v for k, v in prop.items() if k not in ("title", "description")},
            **({"description": prop["description"]} if "description" in prop else {}),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


PROBLEM_CONTENT = {"application/problem+json": {"schema": _ref(Problem)}}
RATE_HEADERS = {
    "RateLimit-Limit": {"schema": {"type": "integer"}, "description": "Requests per window."},
    "RateLimit-Remaining": {"schema": {"type": "integer"}, "description": "Left in it."},
    "RateLimit-Reset": {"schema": {"type": "integer"}, "description": "Seconds until reset."},
}


def _responses(op: Operation) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for status, model in op.responses.items():
        answer: dict[str, Any] = {"description": "OK" if status < 300 else "Done"}
        if model is not None:
            answer["content"] = {"application/json": {"schema": _ref(model)}}
        headers: dict[str, Any] = dict(RATE_HEADERS)
        if op.etag:
            headers["ETag"] = {"schema": {"type": "string"}, "description": "The answer's tag."}
        answer["headers"] = headers
        answers[str(status)] = answer
    if op.etag:
        answers["304"] = {"description": "Not changed since the ETag sent in If-None-Match."}
    errors = [400, 401, 403, 404, 406, 429, 503]
    if op.method != "GET":
        errors += [409, 413, 415, 422]
    elif op.query is not None:
        errors.append(422)
    for status in sorted(errors):
        answers[str(status)] = {"description": ERRORS[status], "content": PROBLEM_CONTENT}
    return answers


def _request_body(op: Operation) -> dict[str, Any] | None:
    if op.upload:
        assert op.query is not None
        details = op.query.model_json_schema(ref_template="#/components/schemas/{model}")
        form = {
            "type": "object",
            "properties": {
                "file": {"type": "string", "contentMediaType": "application/octet-stream"},
                **{k: v for k, v in details["properties"].items() if k != "filename"},
            },
            "required": ["file"],
        }
        return {
            "required": True,
            "content": {
                "multipart/form-data": {"schema": form},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    if op.body is not None:
        return {"required": True, "content": {"application/json": {"schema": _ref(op.body)}}}
    return None


def describe(server_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 description of every declared operation."""
    _, schemas = models_json_schema(
        [(model, "validation") for model in _models()],
        ref_template="#/components/schemas/{model}",
    )
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        parameters: list[dict[str, Any]] = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in op.path_parameters
        ]
        if op.query is not None and not op.upload:
            parameters += _query_parameters(op.query)
        if op.method == "POST":
            parameters.append(
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                    "description": "A repeat with the same key gets the first answer again.",
                }
            )
        if op.etag:
            parameters.append(
                {
                    "name": "If-None-Match",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string"},
                }
            )
        entry: dict[str, Any] = {
            "operationId": op.operation_id,
            "summary": op.summary,
            "description": op.description,
            "tags": [op.tag],
            "security": [{"apiKey": [op.scope.value]}],
            "x-scope": op.scope.value,
            "parameters": parameters,
            "responses": _responses(op),
        }
        body = _request_body(op)
        if body is not None:
            entry["requestBody"] = body
        paths.setdefault(PREFIX + op.path, {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "description": (
                "The portal's JSON API for the business's own software (invoicing, "
                "accounting). Send an API key as `Authorization: Bearer <key>`; admins "
                "create keys at /<lang>/admin/api-keys. Errors are RFC 9457 problem "
                "details; every POST honours `Idempotency-Key`; every answer carries "
                "`RateLimit-*` headers; reads carry an `ETag`."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.get("$defs", {}).items())),
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API key created by an admin (``ick_…``).",
                }
            },
        },
    }
