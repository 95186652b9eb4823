"""SPARQL 1.1 Update at its own address, /update (also taken by POST /sparql)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.errors import BadRequestError
from api.protocol import read_operation
from api.routes.sparql import answer_update
from api.settings import Settings

router = APIRouter(tags=["sparql"])

_DOC = {
    "requestBody": {
        "content": {
            "application/sparql-update": {"schema": {"type": "string"}},
            "application/x-www-form-urlencoded": {
                "schema": {"type": "object", "properties": {"update": {"type": "string"}}},
            },
        },
    },
}


@router.post("/update", openapi_extra=_DOC, response_class=Response)
async def update_sparql(request: Request) -> Response:
    """Run a SPARQL 1.1 update (bearer token), validated against the shapes and atomic."""
    settings: Settings = request.app.state.settings
    op = await read_operation(request, max_bytes=settings.max_body_bytes)
    if op.kind != "update":
        msg = "/update takes an update (form field 'update' or application/sparql-update); queries: /sparql"
        raise BadRequestError(msg)
    return await answer_update(request, op)
